"""A case's page: who, what kind of referral, where it stands, its timeline, and every action by key.

The safety escalation is one key (!) from here, as from every case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases import lifecycle, safety, surveys, views
from p2p_tui.services.cases.views import CaseView
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.contact import ContactDialog, ContactInput
from p2p_tui.tui.dialogs.safety import SafetyDialog
from p2p_tui.tui.dialogs.survey import SurveyDialog
from p2p_tui.tui.dialogs.text_entry import TextDialog
from p2p_tui.tui.messages import OpenSupporter
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table

NOTE_WARNING = (
    "Logistics only (when, where, how to reach). Never what happened or what was said: "
    "notes are legally discoverable and the program keeps none."
)
ENDING_LABELS = {
    "closed": "Close the case (support completed)",
    "declined": "The physician declined support",
    "unreachable": "The physician could not be reached",
    "new": "Reopen to be matched again",
    "matched": "Matched (use m: Match)",
    "contacted": "Contacted (use c: record contact)",
    "followed_up": "Followed up (use c: record contact)",
}


class CaseScreen(AreaScreen):
    """One referral."""

    BINDINGS = [
        Binding("m", "match", "Match", id="case.match"),
        Binding("c", "contact", "Record contact", id="case.contact"),
        Binding("x", "status", "Status", id="case.status"),
        Binding("v", "survey", "Survey", id="case.survey"),
        Binding("exclamation_mark", "safety", "SAFETY", id="case.safety"),
        Binding("k", "consent", "Consent", show=False, id="case.consent"),
        Binding("l", "note", "Logistics note", show=False, id="case.note"),
        Binding("d", "declined", "Supporter declined", show=False, id="case.declined"),
        Binding("p", "php", "PHP referral", show=False, id="case.php"),
        Binding("o", "open_supporter", "Open supporter", show=False, id="case.supporter"),
    ]

    def __init__(self, referral_id: int) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.view: CaseView | None = None

    def show(self, referral_id: int) -> None:
        """Show another case on this page (read afresh when the page is shown)."""
        changed = referral_id != self.referral_id
        self.referral_id = referral_id
        self.shown_token = None
        if changed and self.is_mounted:
            self.query_one("#case-body", VerticalScroll).scroll_home(animate=False)
        if self.is_current:
            self.reload()

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="case-body"):
            yield Static("", id="case-facts", markup=False)  # names and notes are never markup
            yield Static("", id="case-note", markup=False)
            yield Label("Timeline", classes="section")
            yield Table(id="timeline")

    def on_mount(self) -> None:
        self.query_one("#timeline", Table).add_columns("date", "what")

    def reload(self) -> None:
        v = self.view = self.read(lambda: views.case_view(self.referral_id))
        p = v.physician
        consent = {"not_needed": "not needed", "pending": "PENDING: no contact until given"}.get(
            v.consent, v.consent
        )
        lines = [
            f"Case #{v.id}   status: {v.status.replace('_', ' ').upper()}",
            "",
            f"Physician:  {self.shown(p.name)}",
            f"Contact:    {self.shown(p.email or '-')}   {self.shown(p.phone or '-')}",
            f"            prefers {p.preferred_contact}",
            f"Career:     {p.career_stage}   county: {common.printable(p.county)}   "
            f"specialty: {common.printable(p.specialty) or '-'}",
            f"            interventional: {'yes' if p.interventional else 'no'}",
            "",
            f"Received:   {v.received_on.isoformat()}   {v.pathway.replace('_', '-')} from {v.source}",
            f"Stressors:  {', '.join(s.replace('_', ' ') for s in v.stressors)}"
            f"{'   ACUTE INTERVENTIONAL EVENT' if v.acute_interventional else ''}",
            f"Consent:    {consent}   PHP referral: {'yes' if v.php_referred else 'no'}",
            f"Supporter:  {supporter_line(v, self.shown)}",
            f"Surveys:    {v.surveys}",
        ]
        if v.maybe_self:
            lines += [
                "",
                f"CHECK: the physician may be {v.maybe_self} of the supporters (same name, email or "
                "phone); m, then 2 on them, once you know they are two people.",
            ]
        self.query_one("#case-facts", Static).update("\n".join(lines))
        note = v.logistics_note
        self.query_one("#case-note", Static).update(
            f"Logistics: {self.shown(note) if note else '(none)'}   (l to edit; logistics only)"
        )
        table = self.query_one("#timeline", Table)
        table.clear()
        for i, entry in enumerate(v.timeline):
            table.add_row(entry.on.isoformat(), entry.text, key=str(i))

    # -- actions ----------------------------------------------------------------------------------

    def _today(self) -> date:
        return clock.today()

    def action_match(self) -> None:
        """Rank the supporters for this case (only a new case can be matched)."""
        if self.view and self.view.status != "new":
            self.notify("Only a new case can be matched; a case whose supporter declined is new again (d).")
            return
        from p2p_tui.tui.screens.match import MatchScreen

        self.app.push_screen(MatchScreen(self.referral_id))

    def action_contact(self) -> None:
        """Record the first contact or a follow-up check-in."""
        if self.view is None:
            return
        kind = "initial" if self.view.status == "matched" else "follow_up"

        def record(result: ContactInput | None) -> None:
            if result is not None:
                self.act(
                    lambda: lifecycle.record_contact(self.referral_id, result.kind, result.mode, result.on),
                    "Contact recorded.",
                )

        self.app.push_screen(ContactDialog(kind, self._today()), record)

    def action_status(self) -> None:
        """Close, decline, mark unreachable, or reopen."""
        if self.view is None:
            return
        steps = [
            s
            for s in lifecycle.TRANSITIONS[self.view.status]
            if s in ("closed", "declined", "unreachable", "new")
        ]
        if not steps:
            self.notify("Move this case on by recording a contact (c) or matching it (m).")
            return

        def chosen(status: str | None) -> None:
            if status == "new":
                self.act(lambda: lifecycle.reopen(self.referral_id), "Case reopened.")
            elif status is not None:
                self.act(lambda: lifecycle.end_case(self.referral_id, status), f"Case {status}.")

        self.app.push_screen(
            ChoiceDialog("Change the case's status", [(s, ENDING_LABELS[s]) for s in steps]), chosen
        )

    def action_survey(self) -> None:
        """Record the supporter's survey."""

        def record(answers: surveys.SurveyInput | None) -> None:
            if answers is not None:
                self.act(lambda: surveys.record_survey(self.referral_id, answers), "Survey recorded.")

        self.app.push_screen(SurveyDialog(), record)

    def action_safety(self) -> None:
        """Show the crisis resources and record that, when and to whom confidentiality was broken."""

        def record(to: str | None) -> None:
            if to is not None:
                self.act(lambda: safety.escalate(self.referral_id, to), "Safety escalation recorded.")

        self.app.push_screen(SafetyDialog(), record)

    def action_consent(self) -> None:
        """Record the physician's consent (a reach-out from leadership or a colleague)."""

        def chosen(value: str | None) -> None:
            if value is not None:
                self.act(lambda: lifecycle.set_consent(self.referral_id, value), f"Consent: {value}.")

        options = [("given", "Consent given"), ("refused", "Consent refused"), ("pending", "Still pending")]
        self.app.push_screen(ChoiceDialog("The physician's consent", options), chosen)

    def action_note(self) -> None:
        """Edit the logistics note (140 characters, logistics only)."""
        current = self.view.logistics_note if self.view else ""

        def save(text: str | None) -> None:
            if text is not None:
                self.act(lambda: lifecycle.set_logistics_note(self.referral_id, text), "Note saved.")

        self.app.push_screen(TextDialog("Logistics note", warning=NOTE_WARNING, value=current), save)

    def action_declined(self) -> None:
        """The supporter declined: end the match and put the case back to be matched again."""
        from p2p_tui.services.cases import matching

        self.act(lambda: matching.supporter_declined(self.referral_id), "Match ended; the case is new again.")

    def action_php(self) -> None:
        """Toggle whether the physician was referred to the Physician Health Program."""
        if self.view is not None:
            now = not self.view.php_referred
            self.act(
                lambda: lifecycle.set_php_referred(self.referral_id, now),
                "PHP referral recorded." if now else "PHP referral removed.",
            )

    def action_open_supporter(self) -> None:
        """Open the matched supporter's roster page."""
        if self.view is not None and self.view.supporter_id is not None:
            self.post_message(OpenSupporter(self.view.supporter_id))


def supporter_line(v: CaseView, shown: Callable[[str], str]) -> str:
    """Who supports the case: the supporter, an outside resource (peers13), or not matched."""
    if v.supporter_name:
        return shown(v.supporter_name)
    if v.outside_resource:
        return f"outside the program: {labels.label('outside_resource', v.outside_resource)}"
    return "(not matched)"
