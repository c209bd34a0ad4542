"""Corrections from a case's page (and a person's form from any page): `e` corrects the physician's
details, `u` voids a contact, a survey or a consent recorded by mistake, with a reason from the list.

Each shows what it will change and waits for a choice or Ctrl+S; the services validate again and
re-run the rules the correction touches (services/cases/corrections.py).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.markup import escape

from p2p_tui.services import labels
from p2p_tui.services.cases import corrections
from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.cases.views import CaseView, PhysicianView
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import settings
from p2p_tui.store.vocab import VOID_REASONS
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.person_form import PersonEdit, PersonFormDialog
from p2p_tui.tui.screens.base import AreaScreen

PRIVACY_REFUSAL = "Privacy mode is on: turn it off (F8) to correct a person's details."


def as_input(p: PhysicianView) -> PhysicianInput:
    """A physician's stored details as the form's starting values."""
    return PhysicianInput(
        name=p.name,
        career_stage=p.career_stage,
        county=p.county,
        email=p.email,
        phone=p.phone,
        specialty=p.specialty,
        interventional=p.interventional,
        preferred_contact=p.preferred_contact,
    )


def correct_person(
    screen: AreaScreen, initial: PersonEdit, apply: Callable[[PersonEdit], object], title: str
) -> None:
    """Open the person's form; save what it returns with `apply` (one transaction). A refusal reopens
    the form with the same values and the reason beside its field; Escape changes nothing."""
    if screen.p2p.privacy:
        screen.notify(PRIVACY_REFUSAL)
        return
    counties = screen.read(lambda: list(settings.get("counties")))

    def save(edit: PersonEdit | None) -> None:
        if edit is None:
            return
        try:
            screen.apply(lambda: apply(edit), "Details corrected.")  # the change Ctrl+Z undoes
        except ValidationError as exc:
            screen.app.push_screen(PersonFormDialog(counties, edit, exc, title), save)

    screen.app.push_screen(PersonFormDialog(counties, initial, title=title), save)


class CaseCorrections(AreaScreen):
    """The case page's corrections (the page itself is `CaseScreen`)."""

    referral_id: int
    view: CaseView | None

    def action_edit(self) -> None:
        """Correct every identity field of the case's physician."""
        if self.view is None:
            return
        physician_id = self.view.physician.id

        def apply(edit: PersonEdit) -> None:
            corrections.edit_physician(physician_id, edit.physician)

        correct_person(
            self, PersonEdit(as_input(self.view.physician)), apply, "Correct the physician's details"
        )

    def void_options(self, v: CaseView) -> list[tuple[str, str, str]]:
        """What can be voided on this case, as (value, option, what it is): its real contacts and
        surveys, and a recorded consent."""
        options = [
            (f"{line.kind}:{line.id}", f"{line.on.isoformat()}  {line.text}", f"the {line.text} of {line.on}")
            for line in v.records
        ]
        if v.consent in ("given", "refused"):
            consent = f"consent recorded as {labels.label('consent', v.consent)}"
            options.append(("consent:0", consent, f"the {consent}"))
        return options

    def action_void(self) -> None:
        """Void a contact, a survey or a consent recorded by mistake, with a reason from the list."""
        if self.view is None:
            return
        options = self.void_options(self.view)
        if not options:
            self.notify("Nothing on this case to void: no contact, survey or consent recorded.")
            return
        shown = {value: what for value, _option, what in options}

        def which(value: str | None) -> None:
            if value is not None:
                self.app.push_screen(
                    ChoiceDialog(
                        f"Void {shown[value]}: why?",
                        [(code, labels.label("void_reason", code)) for code in VOID_REASONS],
                        note="It stays in the timeline, marked voided, and counts nowhere.",
                    ),
                    lambda reason: self.void(value, reason),
                )

        choices = [(value, escape(option)) for value, option, _what in options]
        self.app.push_screen(ChoiceDialog("Void which record?", choices), which)

    def void(self, value: str, reason: str | None) -> None:
        """Void the record `value` (kind:id) for `reason` (None: nothing happens)."""
        if reason is None:
            return
        kind, _, number = value.partition(":")
        if kind == "consent" and self.confirm_consent_void(reason):
            return
        voiders: dict[str, Callable[[], object]] = {
            "contact": lambda: corrections.void_contact(int(number), reason),
            "survey": lambda: corrections.void_survey(int(number), reason),
            "consent": lambda: corrections.void_consent(self.referral_id, reason),
        }
        self.act(voiders[kind], f"Voided ({labels.label('void_reason', reason)}).")

    def confirm_consent_void(self, reason: str) -> bool:
        """Where voiding the consent also moves the case (its match ends, or the case the refusal
        declined reopens), show that and void only on Enter; True when it asked (or refused)."""
        try:
            moves = self.read(lambda: corrections.void_consent_moves(self.referral_id))
        except ValidationError as exc:
            self.notify(labels.error(exc), title="Not changed", severity="error", timeout=10)
            return True
        if moves is None:
            return False
        v = self.view
        was = labels.label("consent", v.consent if v else "")
        why = labels.label("void_reason", reason)
        lines = [
            f"Case #{self.referral_id}:  the consent recorded as {was} is voided ({why}).",
            f"It also {moves}.",
        ]
        if v is not None and v.supporter_name and v.status != "declined":
            lines.append(
                f"The match with {self.shown(v.supporter_name)} ends (their open cases drop by one)."
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: corrections.void_consent(self.referral_id, reason, move_case=True),
                    f"Consent voided ({labels.label('void_reason', reason)}); consent is pending.",
                )

        self.app.push_screen(
            ConfirmDialog("Void the consent", lines, "Enter: void it    Escape: cancel, nothing changed"),
            answered,
        )
        return True
