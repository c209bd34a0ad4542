"""Correct a physician's or a supporter's details: every identity field, and for a supporter the
physicians they evaluate and their declared conflicts (names separated by ';', as the roster CSV).

The fields are validated by the services' own checks as they are typed (intake's rules); the service
checks again, and a refusal reopens the form with the same values and the reason beside its field.
Returns a `PersonEdit`, or None on Escape.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.validation import Function, Length
from textual.widgets import Checkbox, Input, Select
from textual.widgets.select import NoSelection

from p2p_tui.services import common, labels
from p2p_tui.services.cases.intake import SPECIALTY_MAX, PhysicianInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.store.vocab import CAREER_STAGES, PREFERRED_CONTACTS
from p2p_tui.tui.dialogs.form import FormDialog, field, selected, service_rule
from p2p_tui.tui.widgets.marks import Check

CHOSEN = ("career_stage", "county", "preferred_contact")  # the selects a person's form must fill
NAMES_HINT = "names separated by ;"


@dataclass(frozen=True)
class PersonEdit:
    """A corrected person: identity fields, and a supporter's conflicts (None for a physician)."""

    physician: PhysicianInput
    evaluates: str | None = None
    declared: str | None = None


def _blank_or(value: str, allowed: list[str] | tuple[str, ...]) -> str | NoSelection:
    return value if value in allowed else Select.NULL


def names_rule(field_name: str) -> Function:
    """A validator of a ';'-separated list of names (the roster's own check)."""
    return service_rule(lambda v: roster.split_names(field_name, v), "names separated by ; (one line)")


def identity_fields(person: PhysicianInput, counties: list[str]) -> ComposeResult:
    """The identity fields of a person's form, filled with `person`."""
    yield from field(
        "Name",
        Input(
            person.name,
            id="name",
            validators=[
                Length(1, 100, "1 to 100 characters"),
                service_rule(lambda v: common.text("name", v), "one line, no control characters"),
            ],
        ),
    )
    yield from field(
        "Email",
        Input(
            person.email,
            id="email",
            validators=[service_rule(lambda v: common.email("email", v), "like name@example.org")],
        ),
    )
    yield from field(
        "Phone",
        Input(
            person.phone,
            id="phone",
            validators=[service_rule(lambda v: common.phone("phone", v), "digits, spaces, + ( ) . -")],
        ),
    )
    yield from field(
        "Career stage",
        Select(
            labels.options("career_stage", CAREER_STAGES),
            id="career_stage",
            value=_blank_or(person.career_stage, CAREER_STAGES),
        ),
    )
    choices = list(dict.fromkeys([*counties, *([person.county] if person.county else [])]))
    yield from field(
        "County of work",
        Select(
            [(common.printable(c), c) for c in choices],
            id="county",
            value=_blank_or(person.county, choices),
        ),
    )
    yield from field(
        "Specialty",
        Input(
            person.specialty,
            id="specialty",
            validators=[
                Length(0, SPECIALTY_MAX, f"at most {SPECIALTY_MAX}"),
                service_rule(lambda v: common.text("specialty", v, required=False), "one line"),
            ],
        ),
    )
    yield Check(
        "Does interventional work",
        value=bool(common.yes_no("interventional", person.interventional)),
        id="interventional",
        compact=True,
    )
    yield from field(
        "Prefers",
        Select(
            labels.options("preferred_contact", PREFERRED_CONTACTS),
            id="preferred_contact",
            value=_blank_or(person.preferred_contact or "email", PREFERRED_CONTACTS),
            allow_blank=False,
        ),
    )


def identity_problems(root: DOMNode) -> dict[str, str]:
    """The selects of the identity fields still blank."""
    return {name: "choose one" for name in CHOSEN if not selected(root, name)}


def identity_result(root: DOMNode) -> PhysicianInput:
    """The identity fields as typed."""

    def text(name: str) -> str:
        return root.query_one(f"#{name}", Input).value

    return PhysicianInput(
        name=text("name"),
        career_stage=selected(root, "career_stage"),
        county=selected(root, "county"),
        email=text("email"),
        phone=text("phone"),
        specialty=text("specialty"),
        interventional=root.query_one("#interventional", Checkbox).value,
        preferred_contact=selected(root, "preferred_contact"),
    )


class PersonFormDialog(FormDialog[PersonEdit]):
    """Correct a physician's details (`evaluates`/`declared` given: a supporter's, with conflicts)."""

    TITLE_TEXT = "Correct the details"
    NOTE = "Identity and logistics only. Ctrl+S saves, Escape cancels."

    def __init__(
        self,
        counties: list[str],
        initial: PersonEdit,
        error: ValidationError | None = None,
        title: str = "",
    ) -> None:
        super().__init__(error)
        self.counties = counties
        self.initial = initial
        self.title_text = title or self.TITLE_TEXT

    def compose_fields(self) -> ComposeResult:
        yield from identity_fields(self.initial.physician, self.counties)
        if self.initial.evaluates is not None:
            yield from field(
                "Evaluates",
                Input(
                    self.initial.evaluates,
                    id="evaluates",
                    placeholder=NAMES_HINT,
                    validators=[names_rule("evaluates")],
                ),
            )
            yield from field(
                "Other conflicts",
                Input(
                    self.initial.declared or "",
                    id="declared",
                    placeholder=NAMES_HINT,
                    validators=[names_rule("conflict")],
                ),
            )

    def cross_problems(self) -> dict[str, str]:
        return identity_problems(self)

    def result(self) -> PersonEdit:
        if self.initial.evaluates is None:
            return PersonEdit(identity_result(self))
        return PersonEdit(
            identity_result(self),
            evaluates=self.query_one("#evaluates", Input).value,
            declared=self.query_one("#declared", Input).value,
        )
