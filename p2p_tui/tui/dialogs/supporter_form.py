"""Add a supporter to the roster: identity, status, capacity, who nominated them and whom they evaluate
(names separated by ';', as the roster CSV), as a form.

Returns a `SupporterInput` (validated again by `roster.add_supporter`). When the service refuses it,
the roster reopens this form with the same values and the refusal beside its field.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.validation import Length
from textual.widgets import Input, Select

from p2p_tui.services import labels
from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.store.vocab import SUPPORTER_STATUSES
from p2p_tui.tui.dialogs.form import FormDialog, field, selected, service_rule
from p2p_tui.tui.dialogs.person_form import (
    NAMES_HINT,
    identity_fields,
    identity_problems,
    identity_result,
    names_rule,
)


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
        yield from identity_fields(start.physician if start else PhysicianInput("", "", ""), self.counties)
        yield from field(
            "Status",
            Select(
                labels.options("supporter_status", SUPPORTER_STATUSES),
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
        yield from field(
            "Evaluates",
            Input(
                start.evaluates if start else "",
                id="evaluates",
                placeholder=NAMES_HINT,
                validators=[names_rule("evaluates")],
            ),
        )

    def cross_problems(self) -> dict[str, str]:
        found = identity_problems(self)
        return found | ({"status": "choose one"} if not selected(self, "status") else {})

    def result(self) -> roster.SupporterInput:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        return roster.SupporterInput(
            physician=identity_result(self),
            status=selected(self, "status"),
            max_active=text("max_active"),
            nominated_by=text("nominated_by"),
            evaluates=text("evaluates"),
        )
