"""The supporter page's part of issue 13 and issue 10 item 6: wellbeing check-ins, debriefs and
informal encounters.

Keys: w records a check-in (the result, then a break's end date if it is a break, then what will be
recorded; Enter records it, and "stepping back" then offers to pause them), b records that a debrief
was offered (shown while one is waiting), f counts an informal encounter (a small form, then what will
be recorded), u removes one recorded by mistake (asks first). Nothing is recorded without Enter on the
confirmation.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.validation import Function
from textual.widgets import Label, Static

from p2p_tui.services import clock, common, labels
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import informal, roster, wellbeing
from p2p_tui.services.people.informal import EncounterInput
from p2p_tui.store import settings
from p2p_tui.store.vocab import WELLBEING_RESULTS
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.entry import EntryDialog
from p2p_tui.tui.dialogs.form import DATE_MASK, service_rule
from p2p_tui.tui.dialogs.peers import InformalDialog, encounter_lines
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table


def break_check(checked_on: date) -> Function:
    """A break's end: a date after the check-in."""

    def check(value: str) -> date:
        day = common.parse_date("break_until", value)
        if day <= checked_on:
            raise ValidationError("break_until", "must be after the check-in")
        return day

    return service_rule(check, "a date YYYY-MM-DD after today")


class SupporterPeerActions(AreaScreen):
    """Check-ins, debriefs and informal encounters on a supporter's page (`supporter_id` set by it)."""

    supporter_id: int

    def compose_peers(self) -> ComposeResult:
        """The sections this part shows."""
        yield Label("Wellbeing check-ins", classes="section")
        yield Static("", id="debrief-waiting", classes="note", markup=False)
        yield Table(id="check-ins")
        yield Label("Informal encounters (counted; no name)", classes="section")
        yield Table(id="encounters")

    def mount_peers(self) -> None:
        """The tables' columns."""
        self.query_one("#check-ins", Table).add_columns("date", "result", "break until")
        self.query_one("#encounters", Table).add_columns("date", "stage", "county", "stressors")

    def fill_peers(self) -> None:
        """Check-ins, the debrief waiting (if any) and the encounters."""
        sid = self.supporter_id
        checks, asked, met = self.read(
            lambda: (wellbeing.check_ins_of(sid), wellbeing.debrief_asked_on(sid), informal.listed(sid))
        )
        table = self.query_one("#check-ins", Table)
        table.clear()
        for c in checks:
            until = c.break_until.isoformat() if c.break_until else ""
            table.add_row(
                c.checked_on.isoformat(), labels.label("wellbeing_result", c.result), until, key=str(c.id)
            )
        waiting = (
            f"A debrief was asked for on {asked.isoformat()}: b when it has been offered." if asked else ""
        )
        note = self.query_one("#debrief-waiting", Static)
        note.update(waiting)
        note.display = bool(waiting)
        table = self.query_one("#encounters", Table)
        table.clear()
        for e in met:
            table.add_row(
                e.met_on.isoformat(),
                labels.label("career_stage", e.career_stage) if e.career_stage else "-",
                Text(common.printable(e.county or "-")),
                labels.labels("stressor", e.stressors) or "-",
                key=str(e.id),
            )

    def supporter_shown(self) -> str:
        sid = self.supporter_id
        return self.shown(self.read(lambda: roster.get_supporter(sid).physician.name))

    # -- wellbeing ----------------------------------------------------------------------------------

    def action_check_in(self) -> None:
        """Record a wellbeing check-in: its result, a break's end if a break, then confirm."""
        today = clock.today()

        def chosen(result: str | None) -> None:
            if result is None:
                return
            if result != "wants_break":
                self.confirm_check_in(result, today, None)
                return
            self.app.push_screen(
                EntryDialog(
                    "A break: until when?",
                    "Until (date)",
                    value=(today + timedelta(weeks=4)).isoformat(),
                    mask=DATE_MASK,
                    validators=[break_check(today)],
                    note="No new case is offered to them until the day after (their unavailable until).",
                ),
                lambda until: self.confirm_check_in(result, today, until) if until else None,
            )

        options = [(r, labels.label("wellbeing_result", r)) for r in WELLBEING_RESULTS]
        self.app.push_screen(ChoiceDialog("Wellbeing check-in: how are they?", options), chosen)

    def confirm_check_in(self, result: str, today: date, until: str | None) -> None:
        """Show what the check-in records; Enter records it."""
        lines = [
            f"Supporter:  {self.supporter_shown()}",
            f"Date:       {today.isoformat()}",
            f"Result:     {labels.label('wellbeing_result', result)}",
        ]
        if until:
            lines.append(f"Unavailable for new cases until {until}.")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            sid = self.supporter_id
            done = self.act(
                lambda: wellbeing.record_check_in(sid, result, today, until), "Check-in recorded."
            )
            if done is not None and result == "stepping_back":
                self.offer_pause()

        self.app.push_screen(
            ConfirmDialog("Record the wellbeing check-in", lines),
            answered,
        )

    def offer_pause(self) -> None:
        """A supporter stepping back: offer to pause them (no new cases)."""
        sid = self.supporter_id

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: roster.set_status(sid, "paused"), "Paused: no new cases until made active again."
                )

        self.app.push_screen(
            ConfirmDialog(
                "Pause this supporter?",
                [
                    f"{self.supporter_shown()} is stepping back.",
                    "Pause them: no new cases until made active again?",
                ],
                "Enter: pause    Escape: leave active",
            ),
            answered,
        )

    def action_debrief(self) -> None:
        """Record that the debrief asked for was offered."""
        sid = self.supporter_id
        asked = self.read(lambda: wellbeing.debrief_asked_on(sid))
        if asked is None:
            self.notify("No debrief is waiting for this supporter.")
            return
        today = clock.today()

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(lambda: wellbeing.record_debrief(sid, today), "Debrief recorded as offered.")

        lines = [
            f"Supporter:  {self.supporter_shown()}",
            f"Asked for:  {asked.isoformat()}",
            f"Offered on: {today.isoformat()}",
        ]
        self.app.push_screen(ConfirmDialog("A debrief was offered", lines), answered)

    # -- informal encounters ------------------------------------------------------------------------

    def action_informal(self) -> None:
        """Count an informal encounter: the form, then what will be recorded."""
        counties = self.read(lambda: [str(c) for c in settings.get("counties")])
        self.app.push_screen(
            InformalDialog(self.supporter_id, clock.today(), counties), self.confirm_informal
        )

    def confirm_informal(self, data: EncounterInput | None) -> None:
        """Show what the encounter records; Enter records it."""
        if data is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(lambda: informal.add(data), "Informal encounter counted.")

        self.app.push_screen(
            ConfirmDialog("Count this informal encounter", encounter_lines(data, self.supporter_shown())),
            answered,
        )

    def action_remove_informal(self) -> None:
        """Remove an encounter recorded by mistake (the one under the cursor), after asking."""
        key = self.query_one("#encounters", Table).selected_key()
        if key is None:
            self.notify("No informal encounter to remove.")
            return
        found = self.read(lambda: informal.get(int(key)))

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(lambda: informal.remove(found.id), "Informal encounter removed.")

        lines = [f"The informal encounter of {found.met_on.isoformat()} will be removed from the counts."]
        self.app.push_screen(ConfirmDialog("Remove it?", lines, "Enter: remove    Escape: keep"), answered)
