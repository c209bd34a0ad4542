"""A case's page: who, what kind of referral, where it stands, its timeline, and every action by key.

The safety escalation is one key (!) from here, as from every case.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Label, Static

from p2p_tui.services import clock, common, labels
from p2p_tui.services.admin import audit, retention
from p2p_tui.services.cases import corrections, lifecycle, safety, surveys, views
from p2p_tui.services.cases.views import CaseView
from p2p_tui.services.errors import ValidationError
from p2p_tui.store.vocab import ENDED_STATUSES
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.safety import SafetyDialog
from p2p_tui.tui.dialogs.survey import SurveyDialog
from p2p_tui.tui.dialogs.text_entry import TextDialog
from p2p_tui.tui.messages import OpenSupporter
from p2p_tui.tui.screens.case_corrections import CaseCorrections
from p2p_tui.tui.widgets.table import Table

NOTE_WARNING = (
    "Logistics only (when, where, how to reach). Never what happened or what was said: "
    "notes are legally discoverable and the program keeps none."
)
# The close dialog under a retention of 0 days (Settings): what goes at once, and that it is final.
PURGE_AT_CLOSE = [
    "Purged at once:  the physician's name and contacts (retention of 0 days).",
    "           Ctrl+Z cannot bring them back; only the backups made before do.",
]
AUDIT_SHOWN = 8  # the case page's newest audit entries
ENDING_LABELS = {
    "closed": "Close the case (support completed)",
    "declined": "The physician declined support",
    "unreachable": "The physician could not be reached",
    "new": "Reopen to be matched again (new)",
}
UNMATCH_LABEL = "Back to new, to be matched again (the match ends)"
REOPEN_ASK_LABEL = "Reopen as new, consent pending (to be asked again)"


class CaseScreen(CaseCorrections):
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
        Binding("e", "edit", "Correct details", show=False, id="case.edit"),
        Binding("u", "void", "Void a record", show=False, id="case.void"),
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
            yield Label("Audit trail (this case; field names, never values)", classes="section")
            yield Static("", id="case-audit", markup=False)

    def on_mount(self) -> None:
        self.query_one("#timeline", Table).add_columns("date", "what")

    def reload(self) -> None:
        v = self.view = self.read(lambda: views.case_view(self.referral_id))
        p = v.physician
        consent = {"pending": "PENDING: no contact until given"}.get(v.consent) or labels.label(
            "consent", v.consent
        )
        if v.consent_on is not None and v.consent in ("given", "refused"):
            consent += f" {v.consent_on.isoformat()}"
        lines = [
            f"Case #{v.id}   status: {labels.label('case_status', v.status).upper()}",
            "",
            f"Physician:  {self.shown(p.name)}",
            f"Contact:    {self.shown(p.email or '-')}   {self.shown(p.phone or '-')}",
            f"            prefers {labels.label('preferred_contact', p.preferred_contact)}",
            f"Career:     {labels.label('career_stage', p.career_stage)}   "
            f"county: {common.printable(p.county)}   "
            f"specialty: {common.printable(p.specialty) or '-'}",
            f"            interventional: {'yes' if p.interventional else 'no'}",
            "",
            f"Received:   {v.received_on.isoformat()}   {labels.label('pathway', v.pathway)}, "
            f"{labels.label('source', v.source)}",
            f"Stressors:  {labels.labels('stressor', v.stressors)}"
            f"{'   ACUTE INTERVENTIONAL EVENT' if v.acute_interventional else ''}",
            f"Consent:    {consent}   PHP referral: {'yes' if v.php_referred else 'no'}",
            f"Supporter:  {self.supported(v)}",
            f"Surveys:    {v.surveys}",
        ]
        if v.conflicted:
            lines += [
                "",
                f"CHECK: {labels.label('queue_kind', 'reassign')} (d: the supporter hands it back).",
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
            f"Logistics: {self.shown(note) if note else '(none)'}   (l to edit; logistics only)\n"
            "e correct the physician's details · u void a contact, survey or consent"
        )
        table = self.query_one("#timeline", Table)
        table.clear()
        for i, entry in enumerate(v.timeline):
            table.add_row(entry.on.isoformat(), Text(entry.line(self.shown)), key=str(i))
        self.show_audit()

    def supported(self, v: CaseView) -> str:
        """Who supports (or, on an ended case, supported) the case, and since or between when."""
        s = v.supported
        if s is None and v.outside_resource:
            return f"outside the program: {labels.label('outside_resource', v.outside_resource)}"
        if s is None:
            return "(not matched)"
        if v.supporter_id is not None or s.ended_on is None:
            return f"{self.shown(s.name)}   since {s.matched_on.isoformat()}"
        return f"{self.shown(s.name)}   {s.matched_on.isoformat()} to {s.ended_on.isoformat()}"

    def show_audit(self) -> None:
        """The case's newest audit entries (all of them: F10)."""
        found = self.read(
            lambda: audit.entries(referral_id=self.referral_id, limit=AUDIT_SHOWN, newest_first=True)
        )
        lines = [f"{e.when}  {e.what}" + (f": {e.changed}" if e.fields else "") for e in found] or ["(none)"]
        self.query_one("#case-audit", Static).update(
            "\n".join([*lines, f"(the newest {AUDIT_SHOWN}; F10: all)"])
        )

    # -- actions ----------------------------------------------------------------------------------

    def _today(self) -> date:
        return clock.today()

    def consent_refuses(self, doing: str) -> bool:
        """Whether the case's consent stops `doing` ("match", "contact"); if so, say why (no form)."""
        try:
            self.read(lambda: lifecycle.check_consent(self.referral_id, doing))
        except ValidationError as exc:
            self.notify(f"{exc.message[:1].upper()}{exc.message[1:]}. Record it with k.", severity="warning")
            return True
        return False

    def action_match(self) -> None:
        """Rank the supporters for this case (only a new case whose consent allows it can be matched)."""
        if self.consent_refuses("match"):
            return
        if self.view and self.view.status != "new":
            self.notify("Only a new case can be matched; a case whose supporter declined is new again (d).")
            return
        from p2p_tui.tui.screens.match import MatchScreen

        self.app.push_screen(MatchScreen(self.referral_id))

    def action_contact(self) -> None:
        """Record the first contact or a follow-up check-in (pre-filled: today, the preferred mode)."""
        if self.view is None or self.consent_refuses("contact"):
            return
        if self.view.status not in lifecycle.WORKED_STATUSES:  # as lifecycle.record_contact allows
            self.notify(
                "This case needs a match first (m): a contact follows the match."
                if self.view.status == "new"
                else f"A contact is recorded on a matched or contacted case; this one is "
                f"{labels.label('case_status', self.view.status)}.",
                severity="warning",
            )
            return
        kind = "initial" if self.view.status == "matched" else "follow_up"
        self.contact_form(self.referral_id, kind, self._today())

    def action_status(self) -> None:
        """Close, decline, mark unreachable, or reopen: each shows what it will record and waits for
        Enter. A case is closed (support completed) only once matched and contacted."""
        v = self.view
        if v is None:
            return
        steps = [
            s for s in lifecycle.offered_steps(v.status) if s in ("closed", "declined", "unreachable", "new")
        ]
        if not steps:
            self.notify("Move this case on by recording a contact (c) or matching it (m).")
            return
        if v.status in ENDED_STATUSES:
            options = self.reopen_options(v)
        else:
            options = [(s, UNMATCH_LABEL if s == "new" else ENDING_LABELS[s]) for s in steps]
        said = dict(options)

        def chosen(status: str | None) -> None:
            if status is not None:
                self.app.push_screen(
                    ConfirmDialog(
                        f"Change the status of case #{v.id}", self.status_lines(v, status, said[status])
                    ),
                    lambda yes: self.change_status(status) if yes else None,
                )

        choices = [(value, escape(text)) for value, text in options]  # a name is never markup
        self.app.push_screen(ChoiceDialog("Change the case's status", choices), chosen)

    def status_lines(self, v: CaseView, status: str, option: str) -> list[str]:
        """What a status change will record, in words, before Enter records it."""
        today = self._today().isoformat()
        if status == "reopen":
            to, _supporter = self.read(lambda: corrections.reopen_plan(self.referral_id))
        else:
            to = status
        lines = [
            f"Case #{v.id}:  {option}",
            f"Recorded:  on {today}, status {labels.label('case_status', v.status)} → "
            f"{labels.label('case_status', to)}",
        ]
        if v.supporter_name and status != "reopen":
            name = self.shown(v.supporter_name)
            lines.append(f"           the match with {name} ends (their open cases drop by one)")
        if status == "reopen" and v.supported is not None:
            lines.append(f"           the match with {self.shown(v.supported.name)} comes back")
        if status == "new" and v.consent == "refused":
            lines.append(
                "           consent is pending again, to be asked (the refusal stays in the timeline)"
            )
        if status in ENDED_STATUSES and self.read(retention.purges_at_close):
            lines += PURGE_AT_CLOSE
        return lines

    def change_status(self, status: str) -> None:
        """Record the status change the coordinator confirmed."""
        if status == "reopen":
            self.act(lambda: corrections.reopen_case(self.referral_id), "Case reopened as it stood.")
        elif status == "new" and self.view is not None and self.view.status in ENDED_STATUSES:
            self.act(lambda: lifecycle.reopen(self.referral_id), "Case reopened, to be matched.")
        elif status == "new":
            self.act(lambda: lifecycle.reopen(self.referral_id), "Match ended; the case is new again.")
        else:
            said = labels.label("case_status", status)
            self.act(lambda: lifecycle.end_case(self.referral_id, status), f"Case {said}.")

    def reopen_options(self, v: CaseView) -> list[tuple[str, str]]:
        """Reopening an ended case: as its history stands (with its supporter, where they can still
        take it and consent allows), or new, to be matched again (consent asked again if refused)."""
        status, supporter_id = self.read(lambda: corrections.reopen_plan(self.referral_id))
        again = REOPEN_ASK_LABEL if v.consent in ("pending", "refused") else ENDING_LABELS["new"]
        options = [("new", again)]
        if supporter_id is not None and v.supported is not None and v.supported.supporter_id == supporter_id:
            name = self.shown(v.supported.name)
            stood = f"Reopen as it stood: {labels.label('case_status', status)}, with {name}"
            options.insert(0, ("reopen", stood))
        return options

    def action_survey(self) -> None:
        """Record the supporter's survey."""

        def record(answers: surveys.SurveyInput | None) -> None:
            if answers is not None:
                self.act(lambda: surveys.record_survey(self.referral_id, answers), "Survey recorded.")

        name = self.view.supported.name if self.view and self.view.supported else ""
        supporter = self.shown(name) if name else ""
        self.app.push_screen(SurveyDialog(supporter, case=f"case #{self.referral_id}"), record)

    def action_safety(self) -> None:
        """Show the crisis resources and record that, when and to whom confidentiality was broken."""

        def record(to: str | None) -> None:
            if to is not None:
                self.act(lambda: safety.escalate(self.referral_id, to), "Safety escalation recorded.")

        self.app.push_screen(SafetyDialog(), record)

    def action_consent(self) -> None:
        """Record the physician's answer, given or refused, with its date (a reach-out that needs it)."""
        if self.view is None:
            return
        if self.view.consent != "pending":
            said = labels.label("consent", self.view.consent)
            self.notify(f"Consent is {said} on this case: there is nothing to record.")
            return
        self.consent_form(self.referral_id, self._today())

    def action_note(self) -> None:
        """Edit the logistics note (140 characters, logistics only)."""
        current = self.view.logistics_note if self.view else ""

        def save(text: str | None) -> None:
            if text is not None:
                self.act(lambda: lifecycle.set_logistics_note(self.referral_id, text), "Note saved.")

        self.app.push_screen(TextDialog("Logistics note", warning=NOTE_WARNING, value=current), save)

    def action_declined(self) -> None:
        """The supporter declined: ask first, showing what will be recorded; then end the match and put
        the case back to be matched again."""
        from p2p_tui.services.cases import matching

        v = self.view
        if v is None or not v.supporter_name:
            self.notify("This case has no supporter to decline it.")
            return
        today = self._today()

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: matching.supporter_declined(self.referral_id, today),
                    "Match ended; the case is new again.",
                )

        self.app.push_screen(
            ConfirmDialog(
                f"The supporter declined case #{v.id}",
                [
                    f"Supporter:  {self.shown(v.supporter_name)}",
                    f"Recorded:   the match ends on {today.isoformat()}, the supporter declined;",
                    "            the case is new again, to be matched with someone else",
                    "            (this supporter is not offered for it again).",
                ],
            ),
            answered,
        )

    def action_php(self) -> None:
        """Record (or remove) that the physician was referred to the Physician Health Program: asks first."""
        if self.view is None:
            return
        now = not self.view.php_referred
        line = (
            "Record that the physician was referred on to the Physician Health Program."
            if now
            else "Remove the record that the physician was referred on to the Physician Health Program."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: lifecycle.set_php_referred(self.referral_id, now),
                    "PHP referral recorded." if now else "PHP referral removed.",
                )

        self.app.push_screen(
            ConfirmDialog(f"PHP referral, case #{self.view.id}", [line]),
            answered,
        )

    def action_open_supporter(self) -> None:
        """Open the matched supporter's roster page."""
        if self.view is not None and self.view.supporter_id is not None:
            self.post_message(OpenSupporter(self.view.supporter_id))
