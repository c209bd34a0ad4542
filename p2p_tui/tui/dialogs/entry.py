"""One value with its rule beside it: a date (masked YYYY-MM-DD), a number, or a short name."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.validation import Validator
from textual.widgets import Input, MaskedInput

from p2p_tui.tui.dialogs.form import FormDialog, field


class EntryDialog(FormDialog[str]):
    """Returns the text typed (trimmed), or None on Escape. Save stays disabled until it is valid."""

    def __init__(
        self,
        title: str,
        label: str,
        *,
        value: str = "",
        validators: Sequence[Validator] = (),
        note: str = "",
        mask: str | None = None,
        placeholder: str = "",
    ) -> None:
        """`mask` makes it a MaskedInput (e.g. `DATE_MASK`)."""
        super().__init__()
        self.title_text = title
        self.label = label
        self.value = value
        self.validators = list(validators)
        self.note = note
        self.mask = mask
        self.placeholder = placeholder

    def compose_fields(self) -> ComposeResult:
        if self.mask:
            widget: Input = MaskedInput(self.mask, value=self.value, id="entry", validators=self.validators)
        else:
            widget = Input(self.value, id="entry", validators=self.validators, placeholder=self.placeholder)
        yield from field(self.label, widget)

    def result(self) -> str:
        return self.query_one("#entry", Input).value.strip()
