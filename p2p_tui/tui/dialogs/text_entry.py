"""One short line of text (a logistics note, an override reason) with its rule shown beside it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.validation import Length
from textual.widgets import Button, Input, Static


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
                yield Static(self.warning, classes="warning", markup=False)  # wraps
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

    def problem(self, value: str) -> str:
        """What is wrong with `value`, or '' (an empty required text says it is required)."""
        if self.minimum and not value.strip():
            return f"A reason is required: {self.minimum} to {self.maximum} characters."
        result = self.query_one("#text", Input).validate(value)
        return "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)

    @on(Input.Changed, "#text")
    def changed(self, event: Input.Changed) -> None:
        text = self.problem(event.value)
        self.query_one("#text-error", Static).update(text)
        self.query_one("#save", Button).disabled = bool(text)

    @on(Input.Submitted, "#text")
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        field = self.query_one("#text", Input)
        text = self.problem(field.value)
        if text:
            self.query_one("#text-error", Static).update(text)  # the dialog stays open, input kept
            return
        self.dismiss(field.value.strip())

    def action_cancel(self) -> None:
        """Escape: cancel."""
        self.dismiss(None)
