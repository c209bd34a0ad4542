"""Declare a conflict: a physician this supporter must never be matched with, and why in one word."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.validation import Length
from textual.widgets import Input, Select

from p2p_tui.services import labels
from p2p_tui.store.vocab import CONFLICT_KINDS
from p2p_tui.tui.dialogs.form import FormDialog, field, selected


@dataclass(frozen=True)
class ConflictInput:
    """What the dialog returns (validated again by `roster.add_conflict`)."""

    name: str
    kind: str


class ConflictDialog(FormDialog[ConflictInput]):
    """The physician's name and the kind of conflict."""

    TITLE_TEXT = "Add a conflict"
    NOTE = "The supporter will never be offered for this physician, now or if they are referred later."

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Physician", Input(id="conflict", validators=[Length(1, 100, "1 to 100 characters")])
        )
        yield from field(
            "Kind",
            Select(
                labels.options("conflict_kind", CONFLICT_KINDS),
                value="evaluates",
                allow_blank=False,
                id="kind",
            ),
        )

    def result(self) -> ConflictInput:
        return ConflictInput(self.query_one("#conflict", Input).value.strip(), selected(self, "kind"))
