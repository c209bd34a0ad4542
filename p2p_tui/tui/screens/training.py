"""Training & Community of Practice: a quarter's events, attended hours by kind, and each supporter's
honorarium (hours × the event's rate).

[ and ] move between quarters (the current one first), a adds an event that was held, Enter on an event
records who attended. Only training is paid: support given to peers is volunteer and never paid.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static
from textual.widgets.data_table import RowDoesNotExist

from p2p_tui.services import clock, labels
from p2p_tui.services.people import training
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import settings
from p2p_tui.store.vocab import TRAINING_KINDS
from p2p_tui.tui.dialogs.attendance import AttendanceDialog, AttendanceInput
from p2p_tui.tui.dialogs.event_form import EventFormDialog, EventInput
from p2p_tui.tui.dialogs.form import CSS_FILE
from p2p_tui.tui.messages import OpenSupporter
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table

VOLUNTEER_NOTE = (
    "Honoraria pay for training and Community of Practice hours only (hours attended × the event's "
    "rate). Support given to peers is volunteer and never paid."
)


class TrainingScreen(AreaScreen):
    """The training events and the honorarium ledger of one quarter."""

    AREA = "training"
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("a", "add_event", "Add event", id="training.add"),
        Binding("left_square_bracket", "quarter(-1)", "Previous quarter", id="training.prev"),
        Binding("right_square_bracket", "quarter(1)", "Next quarter", id="training.next"),
        Binding("r", "attendance", "Attendance", show=False, id="training.attendance"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.quarter = Quarter.of(clock.today())
        self.view: training.QuarterView | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="quarter-title", classes="title", markup=False)
        yield Table(id="events")
        yield Static("", id="training-totals", markup=False)
        yield Label("Honoraria this quarter (Enter opens the supporter)", classes="section")
        yield Table(id="honoraria")
        yield Static(VOLUNTEER_NOTE, id="volunteer-note", classes="note")

    def on_mount(self) -> None:
        self.query_one("#events", Table).add_columns(
            "date", "kind", "title", "hours", "rate", "attended", priorities=(9, 5, 3, 7, 6, 8)
        )
        self.query_one("#honoraria", Table).add_columns("supporter", "hours", "honorarium")
        self.query_one("#events", Table).focus()

    def reload(self) -> None:
        quarter = self.quarter
        v = self.view = self.read(lambda: training.quarter_view(quarter))
        self.query_one("#quarter-title", Static).update(
            f"{quarter} ({quarter.label})   [ previous quarter · ] next · a add event · Enter attendance"
        )
        events = self.query_one("#events", Table)
        keep = events.selected_key()
        events.clear()
        for e in v.events:
            events.add_row(
                e.held_on.isoformat(),
                labels.label("training_kind", e.kind),
                Text(e.title or "-"),
                f"{e.hours:g}",
                f"${e.rate:,.2f}/h",
                str(e.attended),
                key=str(e.id),
            )
        if keep is not None:
            self.put_cursor(keep)
        by_kind = " · ".join(
            f"{labels.label('training_kind', k)} {v.hours.get(k, 0.0):g} h" for k in TRAINING_KINDS
        )
        count = f"{len(v.events)} events" if v.events else "No events this quarter: a adds one."
        self.query_one("#training-totals", Static).update(
            f"{count}   Attended hours: {by_kind}   Honoraria total: ${v.total:,.2f}"
        )
        paid = self.query_one("#honoraria", Table)
        paid.clear()
        for line in v.honoraria:
            paid.add_row(
                Text(self.shown_numbered(line.name, line.supporter_id)),
                f"{line.hours:g}",
                f"${line.amount:,.2f}",
                key=str(line.supporter_id),
            )

    def put_cursor(self, key: str) -> None:
        """Move the events cursor to an event, if listed."""
        table = self.query_one("#events", Table)
        try:
            table.move_cursor(row=table.get_row_index(key))
        except RowDoesNotExist:  # in another quarter
            pass

    def action_quarter(self, step: int) -> None:
        """The previous or next quarter."""
        self.quarter = self.quarter.previous() if step < 0 else self.quarter.next()
        self.reload()

    # -- events -----------------------------------------------------------------------------------

    def action_add_event(self) -> None:
        """Record an event that was held; the rate defaults to the honorarium rate in Settings."""
        rate = float(self.read(lambda: settings.get("honorarium_rate")))

        def chosen(data: EventInput | None) -> None:
            if data is None:
                return
            event = self.act(
                lambda: training.event_row(
                    training.add_event(data.kind, data.held_on, data.hours, data.title, data.rate).id
                ),
                "Training event recorded.",
            )
            if event is not None:
                self.quarter = Quarter.of(event.held_on)
                self.reload()
                self.put_cursor(str(event.id))

        self.app.push_screen(EventFormDialog(clock.today(), rate), chosen)

    @on(DataTable.RowSelected, "#events")
    def action_attendance(self) -> None:
        """Record who attended the event under the cursor."""
        key = self.query_one("#events", Table).selected_key()
        event = next((e for e in self.view.events if str(e.id) == key), None) if self.view else None
        if event is None:
            return
        choices = self.read(lambda: training.attendance_choices(event.id))
        attending = set(choices.recorded)
        people = [
            (
                p.supporter_id,
                f"{self.shown(p.name)}  #{p.supporter_id} {labels.label('supporter_status', p.status)}",
            )
            for p in choices.people
        ]
        heading = f"{labels.label('training_kind', event.kind)} on {event.held_on.isoformat()}"

        def chosen(result: AttendanceInput | None) -> None:
            if result is None:
                return
            added = [s for s in result.supporter_ids if s not in attending]
            removed = [s for s in attending if s not in result.supporter_ids]

            def change() -> None:
                for sid in added:
                    training.record_attendance(event.id, sid, result.hours)
                for sid in removed:
                    training.remove_attendance(event.id, sid)

            self.act(change, f"Attendance: {len(added)} added, {len(removed)} removed.")

        self.app.push_screen(AttendanceDialog(heading, people, attending, float(event.hours)), chosen)

    @on(DataTable.RowSelected, "#honoraria")
    def open_supporter(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenSupporter(int(event.row_key.value)))
