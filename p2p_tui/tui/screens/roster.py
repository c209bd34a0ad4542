"""Roster: every supporter with status, current load, availability, nominations and where they work.

Enter (or o) opens a supporter's page, a adds a supporter, / moves to the status filter. Names go
through `shown()`, so privacy mode masks them; loads and nominations are counted in one query each.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Select, Static
from textual.widgets.data_table import RowDoesNotExist

from p2p_tui.services import clock, labels
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster, views
from p2p_tui.services.people.views import RosterRow
from p2p_tui.store import settings
from p2p_tui.store.vocab import SUPPORTER_STATUSES
from p2p_tui.tui.dialogs.form import CSS_FILE
from p2p_tui.tui.dialogs.supporter_form import SupporterFormDialog
from p2p_tui.tui.messages import OpenSupporter
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table

STATUS_FILTERS = [("all statuses", "all"), *labels.options("supporter_status", SUPPORTER_STATUSES)]
COLUMNS = (
    "name",
    "status",
    "load",
    "90 days",
    "availability",
    "nominated",
    "county",
    "stage",
    "interventional",
)
PRIORITIES = (9, 8, 7, 5, 6, 2, 5, 4, 3)  # the columns a narrow terminal keeps: the highest


def availability(row: RosterRow, today: date) -> str:
    """Whether the supporter can take a new case now, and if not, until when."""
    if row.status == "paused":
        return f"paused until {row.unavailable_until}" if _away(row, today) else "paused"
    if _away(row, today):
        return f"away until {row.unavailable_until}"
    if row.status != "active":
        return "-"
    return "full" if row.open_cases >= row.max_active else "available"


def _away(row: RosterRow, today: date) -> bool:
    return row.unavailable_until is not None and row.unavailable_until > today


class RosterScreen(AreaScreen):
    """The roster; Enter opens a supporter."""

    AREA = "roster"
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("a", "add", "Add supporter", id="roster.add"),
        Binding("o", "open", "Open", id="roster.open"),
        Binding("slash", "filter", "Filter", id="roster.filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.counties: list[str] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield Select(STATUS_FILTERS, value="all", allow_blank=False, id="status")
        yield Static("", id="count", markup=False)
        yield Table(id="roster")

    def on_mount(self) -> None:
        table = self.query_one("#roster", Table)
        table.add_columns(*COLUMNS, priorities=PRIORITIES)
        table.focus()

    def reload(self) -> None:
        status = str(self.query_one("#status", Select).value)
        self.shown_filter = status
        rows = self.read(lambda: views.roster_rows(status))
        today = clock.today()
        table = self.query_one("#roster", Table)
        keep = table.selected_key()
        table.clear()
        for row in rows:
            load = f"{row.open_cases}/{row.max_active}"
            table.add_row(
                Text(self.shown_numbered(row.name, row.id)),
                labels.label("supporter_status", row.status),
                load,
                str(row.matched_90_days),
                availability(row, today),
                str(row.nominations),
                row.county,
                labels.label("career_stage", row.career_stage),
                "yes" if row.interventional else "no",
                key=str(row.id),
            )
        if keep is not None:
            self.put_cursor(keep)
        active = sum(1 for r in rows if r.status == "active")
        summary = f"{len(rows)} supporters, {active} active" if rows else "No supporters: a adds one."
        self.query_one("#count", Static).update(
            f"{summary} · 90 days: cases matched in the last 90 days"  # its keys: in the footer
        )

    def put_cursor(self, key: str) -> None:
        """Move the cursor to a supporter's row, if listed."""
        table = self.query_one("#roster", Table)
        try:
            table.move_cursor(row=table.get_row_index(key))
        except RowDoesNotExist:  # filtered out, or gone
            pass

    @on(Select.Changed, "#status")
    def filter_changed(self) -> None:
        if str(self.query_one("#status", Select).value) != getattr(self, "shown_filter", None):
            self.reload()  # (a Select announces its first value while mounting: no second reload)
        self.query_one("#roster", Table).focus()

    @on(DataTable.RowSelected, "#roster")
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenSupporter(int(event.row_key.value)))

    def action_open(self) -> None:
        """Open the supporter under the cursor."""
        key = self.query_one("#roster", Table).selected_key()
        if key is not None:
            self.post_message(OpenSupporter(int(key)))

    def action_filter(self) -> None:
        """Move to the status filter (Enter opens it)."""
        self.query_one("#status", Select).focus()

    # -- adding -----------------------------------------------------------------------------------

    def action_add(self) -> None:
        """Add a supporter with the form."""
        self.counties = self.read(lambda: list(settings.get("counties")))
        self.app.push_screen(SupporterFormDialog(self.counties), self.save_supporter)

    def save_supporter(self, data: roster.SupporterInput | None) -> None:
        """Add the supporter the form returned; if the service refuses it, reopen the form with why."""
        if data is None:
            return
        try:
            with self.store.atomic(undo="Supporter added"):
                supporter_id = roster.add_supporter(data).id  # the id only: the roster reads views
        except ValidationError as exc:
            self.app.push_screen(SupporterFormDialog(self.counties, data, exc), self.save_supporter)
            return
        self.notify("Supporter saved to the roster.  Ctrl+Z undoes it.")
        self.reload()
        self.put_cursor(str(supporter_id))
