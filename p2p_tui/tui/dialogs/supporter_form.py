"""Add a supporter to the roster: identity, status, capacity and who nominated them, as a form.

Returns a `SupporterInput` (validated again by `roster.add_supporter`). When the service refuses it,
the roster reopens this form with the same values and the refusal beside its field.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.validation import Length
from textual.widgets import Checkbox, Input, Select
from textual.widgets.select import NoSelection

from p2p_tui.services import common
from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.store.vocab import CAREER_STAGES, SUPPORTER_STATUSES
from p2p_tui.tui.dialogs.form import FormDialog, field, selected, service_rule
from p2p_tui.tui.widgets.marks import Check


def options(values: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """Select options from a vocabulary (underscores read as spaces)."""
    return [(v.replace("_", " "), v) for v in values]


class SupporterFormDialog(FormDialog[roster.SupporterInput]):
    """A new supporter; counties come from Settings."""

    TITLE_TEXT = "Add a supporter"
    NOTE = "Identity and logistics only. Ctrl+S saves, Escape cancels."

    def __init__(
        self,
        counties: list[str],
        initial: roster.SupporterInput | None = None,
        error: ValidationError | None = None,
    ) -> None:
        super().__init__(error)
        self.counties = counties
        self.initial = initial

    def compose_fields(self) -> ComposeResult:
        start = self.initial
        person = start.physician if start else PhysicianInput("", "", "")

        def blank_or(value: str, allowed: list[str] | tuple[str, ...]) -> str | NoSelection:
            return value if value in allowed else Select.NULL

        yield from field(
            "Name", Input(person.name, id="name", validators=[Length(1, 100, "1 to 100 characters")])
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
                options(CAREER_STAGES),
                id="career_stage",
                value=blank_or(person.career_stage, CAREER_STAGES),
            ),
        )
        yield from field(
            "County of work",
            Select(
                [(common.printable(c), c) for c in self.counties],
                id="county",
                value=blank_or(person.county, self.counties),
            ),
        )
        yield from field(
            "Specialty", Input(person.specialty, id="specialty", validators=[Length(0, 60, "at most 60")])
        )
        yield Check(
            "Does interventional work",
            value=bool(common.yes_no("interventional", person.interventional)) if start else False,
            id="interventional",
            compact=True,
        )
        yield from field(
            "Status",
            Select(
                options(SUPPORTER_STATUSES),
                id="status",
                value=start.status if start else "nominated",
                allow_blank=False,
            ),
        )
        yield from field(
            "Max open cases",
            Input(
                str(start.max_active) if start else "2",
                id="max_active",
                validators=[
                    service_rule(
                        roster.clean_max_active, f"a whole number from 0 to {roster.MAX_ACTIVE_LIMIT}"
                    )
                ],
            ),
        )
        yield from field(
            "Nominated by",
            Input(
                start.nominated_by if start else "",
                id="nominated_by",
                placeholder="colleague (optional)",
                validators=[Length(0, 100, "at most 100 characters")],
            ),
        )

    def cross_problems(self) -> dict[str, str]:
        return {
            name: "choose one" for name in ("career_stage", "county", "status") if not selected(self, name)
        }

    def result(self) -> roster.SupporterInput:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        return roster.SupporterInput(
            physician=PhysicianInput(
                name=text("name"),
                career_stage=selected(self, "career_stage"),
                county=selected(self, "county"),
                email=text("email"),
                phone=text("phone"),
                specialty=text("specialty"),
                interventional=self.query_one("#interventional", Checkbox).value,
            ),
            status=selected(self, "status"),
            max_active=text("max_active"),
            nominated_by=text("nominated_by"),
        )
