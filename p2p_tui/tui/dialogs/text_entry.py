"""One short line of text (a logistics note, an override reason) with its rule shown beside it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.validation import Length
from textual.widgets import Button, Input, Label, Static


class TextDialog(ModalScreen[str | None]):
    """Returns the text, or None on Escape. Save stays disabled until the text is valid."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="text.cancel")]

    def __init__(
        self, title: str, *, warning: str = "", value: str = "", minimum: int = 0, maximum: int = 140
    ) -> None:
        super().__init__()
        self.title_text = title
        self.warning = warning
        self.value = value
        self.minimum = minimum
        self.maximum = maximum

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="title")
            if self.warning:
                yield Label(self.warning, classes="warning")
            yield Input(
                self.value,
                id="text",
                max_length=self.maximum,
                validators=[
                    Length(
                        minimum=self.minimum,
                        maximum=self.maximum,
                        failure_description=f"{self.minimum} to {self.maximum} characters",
                    )
                ],
                valid_empty=self.minimum == 0,
            )
            yield Static("", id="text-error", classes="error")
            yield Button("Save", id="save", variant="primary", disabled=self.minimum > 0 and not self.value)

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    @on(Input.Changed, "#text")
    def changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        ok = result is None or result.is_valid
        self.query_one("#text-error", Static).update("" if ok else "; ".join(result.failure_descriptions))  # type: ignore[union-attr]
        self.query_one("#save", Button).disabled = not ok

    @on(Input.Submitted, "#text")
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        field = self.query_one("#text", Input)
        if field.validate(field.value) is None or field.is_valid:
            self.dismiss(field.value.strip())

    def action_cancel(self) -> None:
        """Escape: cancel."""
        self.dismiss(None)
