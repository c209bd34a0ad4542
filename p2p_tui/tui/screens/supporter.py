"""A supporter's roster page: who they are, status, capacity, availability, nominations, conflicts,
training attendance with honoraria, and their open cases (ids only).

Every name, email and phone goes through `shown()`. Keys: s status, p pause, c capacity, e add a
conflict, x remove one, n add a nomination, i correct the details (identity, evaluates, conflicts);
Escape goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.validation import Length
from textual.widgets import Label, Static

from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases import views as case_views
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster, views
from p2p_tui.services.people.views import SupporterView
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.conflict import ConflictDialog, ConflictInput
from p2p_tui.tui.dialogs.entry import EntryDialog
from p2p_tui.tui.dialogs.form import CSS_FILE, DATE_MASK, service_rule
from p2p_tui.tui.dialogs.person_form import PersonEdit
from p2p_tui.tui.screens.case_corrections import as_input, correct_person
from p2p_tui.tui.screens.supporter_peers import SupporterPeerActions
from p2p_tui.tui.widgets.table import Table

STATUS_LABELS = {
    "nominated": "nominated: back to awaiting training",
    "in_training": "in training",
    "active": "active: can be matched",
    "paused": "paused: no new cases until made active again",
    "retired": "retired: leaves the roster",
}
HINT = (  # short: one line from 100 columns, two (whole, at a word) at 80
    "s status · p pause · c capacity · e/x conflict + / − · n nomination · i details · "
    "w check-in · b debrief · f/u informal + / −"
)


def must_be_after(today: date) -> Callable[[str], date]:
    """A check for a pause date: a date written YYYY-MM-DD, after today."""

    def check(value: str) -> date:
        day = common.parse_date("unavailable_until", value)
        if day <= today:
            raise ValidationError("unavailable_until", "must be after today")
        return day

    return check


class SupporterScreen(SupporterPeerActions):
    """One supporter."""

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("s", "status", "Status", id="supporter.status"),
        Binding("p", "pause", "Pause", id="supporter.pause"),
        Binding("e", "add_conflict", "Add conflict", id="supporter.conflict"),
        Binding("c", "capacity", "Capacity", show=False, id="supporter.capacity"),
        Binding("x", "remove_conflict", "Remove conflict", show=False, id="supporter.unconflict"),
        Binding("n", "nominate", "Add nomination", show=False, id="supporter.nominate"),
        Binding("i", "edit", "Correct details", show=False, id="supporter.edit"),
        # peers13: wellbeing, debriefs, informal encounters (supporter_peers.py)
        Binding("w", "check_in", "Check-in", id="supporter.check_in"),
        Binding("b", "debrief", "Debrief offered", show=False, id="supporter.debrief"),
        Binding("f", "informal", "Informal", show=False, id="supporter.informal"),
        Binding("u", "remove_informal", "Remove informal", show=False, id="supporter.remove_informal"),
    ]

    def __init__(self, supporter_id: int) -> None:
        super().__init__()
        self.supporter_id = supporter_id
        self.view: SupporterView | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="supporter-body"):
            yield Static("", id="supporter-facts", markup=False)
            yield from self.compose_peers()
            yield Label("Nominations", classes="section")
            yield Table(id="nominations")
            yield Label("Conflicts (never matched with)", classes="section")
            yield Table(id="conflicts")
            yield Label("Training & Community of Practice", classes="section")
            yield Static("", id="attendance-summary", classes="note", markup=False)
            yield Table(id="attendance")
        yield Static(HINT, id="supporter-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#nominations", Table).add_columns("nominated by", "on")
        self.query_one("#conflicts", Table).add_columns("physician", "kind", "since")
        self.query_one("#attendance", Table).add_columns(
            "date", "kind", "title", "hours", "rate", "honorarium", priorities=(9, 6, 3, 8, 5, 7)
        )
        self.mount_peers()

    def reload(self) -> None:
        v = self.view = self.read(lambda: views.supporter_view(self.supporter_id))
        today = clock.today()
        if v.unavailable_until and v.unavailable_until > today:
            available = f"unavailable until {v.unavailable_until.isoformat()}"
        elif v.status == "paused":
            available = "paused (no new cases)"
        elif v.status == "active":
            available = "available" if len(v.open_cases) < v.max_active else "at capacity"
        else:
            available = "not matched until active"
        trained = v.training_completed_on.isoformat() if v.training_completed_on else "not yet"
        cases = ", ".join(f"#{i}" for i in v.open_cases) or "none"
        lines = [
            f"Supporter #{v.id}   status: {labels.label('supporter_status', v.status).upper()}",
            "",
            f"Name:       {self.shown(v.name)}",
            f"Contact:    {self.shown(v.email or '-')}   {self.shown(v.phone or '-')}",
            f"Career:     {labels.label('career_stage', v.career_stage)}   "
            f"county: {common.printable(v.county)}   "
            f"specialty: {common.printable(v.specialty) or '-'}",
            f"            interventional: {'yes' if v.interventional else 'no'}",
            f"Capacity:   {len(v.open_cases)} open of at most {v.max_active}",
            f"Available:  {available}",
            f"Trained:    {trained}",
            f"Open cases: {cases}",
        ]
        self.query_one("#supporter-facts", Static).update("\n".join(lines))
        self.fill_tables(v)
        self.fill_peers()

    def fill_tables(self, v: SupporterView) -> None:
        """Nominations, conflicts and attendance."""
        table = self.query_one("#nominations", Table)
        table.clear()
        for i, (by, on) in enumerate(v.nominations):
            table.add_row(Text(self.shown(by)), on.isoformat(), key=str(i))
        table = self.query_one("#conflicts", Table)
        table.clear()
        for c in v.conflicts:
            kind = labels.label("conflict_kind", c.kind)
            table.add_row(Text(self.shown(c.name)), kind, c.added_on.isoformat(), key=str(c.id))
        table = self.query_one("#attendance", Table)
        table.clear()
        for a in v.attendance:
            table.add_row(
                a.held_on.isoformat(),
                labels.label("training_kind", a.kind),
                Text(a.title or "-"),
                f"{a.hours:g}",
                f"${a.rate:,.2f}",
                f"${a.amount:,.2f}",
                key=str(a.event_id),
            )
        hours = sum(a.hours for a in v.attendance)
        paid = sum(a.amount for a in v.attendance)
        self.query_one("#attendance-summary", Static).update(
            f"{len(v.attendance)} events, {hours:g} hours, ${paid:,.2f} in honoraria (all time). "
            "Support given to peers is volunteer and never paid."
        )

    # -- actions ----------------------------------------------------------------------------------

    def action_status(self) -> None:
        """Move the supporter to one of the statuses their current one allows."""
        if self.view is None:
            return
        steps = roster.STATUS_STEPS[self.view.status]

        def change(status: str) -> None:
            self.act(
                lambda: roster.set_status(self.supporter_id, status),
                f"Status: {labels.label('supporter_status', status)}.",
            )

        def chosen(status: str | None) -> None:
            if status is None:
                return
            held = self.view.open_cases if self.view is not None else ()
            if status != "retired" or not held:
                change(status)
                return
            cases = ", ".join(f"#{rid}" for rid in held)
            self.app.push_screen(
                ConfirmDialog(
                    "Retire a supporter who holds open cases",
                    [
                        f"They still hold {len(held)} open case{'s' if len(held) > 1 else ''}: {cases}.",
                        "Each gets a reassign item on Today (d on the case ends the match, m matches",
                        "someone else).",
                    ],
                    "Enter: retire them    Escape: cancel, nothing changed",
                ),
                lambda yes: change(status) if yes else None,
            )

        self.app.push_screen(
            ChoiceDialog(
                f"Change the status (now {labels.label('supporter_status', self.view.status)})",
                [(s, STATUS_LABELS[s]) for s in steps],
            ),
            chosen,
        )

    def action_pause(self) -> None:
        """No new cases until a date (after a hard case, on leave, ...)."""
        today = clock.today()

        def chosen(until: str | None) -> None:
            if until is not None:
                self.act(lambda: roster.pause_until(self.supporter_id, until), f"Unavailable until {until}.")

        self.app.push_screen(
            EntryDialog(
                "Pause new cases until",
                "Until (date)",
                value=(today + timedelta(days=14)).isoformat(),
                mask=DATE_MASK,
                validators=[service_rule(must_be_after(today), "a date YYYY-MM-DD after today")],
                note="Open cases stay with the supporter; no new case is offered until the day after.",
            ),
            chosen,
        )

    def action_capacity(self) -> None:
        """How many open cases the supporter takes at once."""
        current = str(self.view.max_active) if self.view else "2"

        def chosen(value: str | None) -> None:
            if value is not None:
                self.act(
                    lambda: roster.set_capacity(self.supporter_id, value), f"Capacity: {value} open cases."
                )

        self.app.push_screen(
            EntryDialog(
                "Capacity",
                "Max open cases",
                value=current,
                validators=[
                    service_rule(
                        roster.clean_max_active, f"a whole number from 0 to {roster.MAX_ACTIVE_LIMIT}"
                    )
                ],
            ),
            chosen,
        )

    def action_add_conflict(self) -> None:
        """A physician this supporter evaluates, or another declared conflict."""

        def chosen(conflict: ConflictInput | None) -> None:
            if conflict is not None:
                self.act(
                    lambda: roster.add_conflict(self.supporter_id, conflict.name, conflict.kind),
                    "Conflict recorded.",
                )

        self.app.push_screen(ConflictDialog(), chosen)

    def action_remove_conflict(self) -> None:
        """Remove one of the supporter's conflicts."""
        if self.view is None or not self.view.conflicts:
            self.notify("This supporter has no conflicts on file.")
            return

        def chosen(value: str | None) -> None:
            if value is not None:
                self.act(lambda: roster.remove_conflict(int(value)), "Conflict removed.")

        options = [
            (
                str(c.id),
                f"{escape(self.shown(c.name))} ({labels.label('conflict_kind', c.kind)}, "
                f"since {c.added_on.isoformat()})",
            )
            for c in self.view.conflicts
        ]
        self.app.push_screen(ChoiceDialog("Remove which conflict?", options), chosen)

    def action_edit(self) -> None:
        """Correct the supporter's identity fields and the physicians they evaluate or conflict with."""
        if self.view is None:
            return
        physician_id = self.view.physician_id

        def starting() -> PersonEdit:
            return PersonEdit(
                as_input(case_views.physician_view(physician_id)),
                evaluates=roster.conflict_names(self.supporter_id, "evaluates"),
                declared=roster.conflict_names(self.supporter_id, "declared"),
            )

        def apply(edit: PersonEdit) -> None:
            roster.edit_supporter(
                self.supporter_id, edit.physician, edit.evaluates or "", edit.declared or ""
            )

        correct_person(self, self.read(starting), apply, "Correct the supporter's details")

    def action_nominate(self) -> None:
        """Record a colleague's nomination."""

        def chosen(name: str | None) -> None:
            if name is not None:
                self.act(lambda: roster.nominate(self.supporter_id, name), "Nomination recorded.")

        self.app.push_screen(
            EntryDialog(
                "Add a nomination",
                "Colleague",
                validators=[Length(1, 100, "1 to 100 characters")],
                placeholder="the nominating colleague's name",
            ),
            chosen,
        )
