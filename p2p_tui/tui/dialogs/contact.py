"""Record that a conversation happened: when, and how. Never what was said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, MaskedInput, Select, Static

from p2p_tui.services import common
from p2p_tui.services.errors import ValidationError
from p2p_tui.store.vocab import CONTACT_MODES


@dataclass(frozen=True)
class ContactInput:
    """What the dialog returns."""

    kind: str
    mode: str
    on: date


class ContactDialog(ModalScreen[ContactInput | None]):
    """Date (YYYY-MM-DD) and mode; the kind follows from the case's status."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="contact.cancel")]

    def __init__(self, kind: str, today: date) -> None:
        super().__init__()
        self.kind = kind
        self.today = today

    def compose(self) -> ComposeResult:
        title = "First contact" if self.kind == "initial" else "Follow-up check-in"
        with Vertical(classes="dialog-box"):
            yield Static(f"Record the {title.lower()}", classes="title")
            yield Label("Logistics only: the program keeps no notes of what was said.", classes="note")
            yield Label("Date (YYYY-MM-DD)")
            yield MaskedInput("9999-99-99", value=self.today.isoformat(), id="on")
            yield Label("How")
            yield Select(
                [(m.replace("_", " "), m) for m in CONTACT_MODES], value="phone", id="mode", allow_blank=False
            )
            yield Static("", id="contact-error", classes="error")
            yield Button("Record", id="record", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#mode", Select).focus()

    @on(Button.Pressed, "#record")
    def record(self) -> None:
        try:
            day = common.past_date(
                "date", common.parse_date("date", self.query_one("#on", MaskedInput).value), self.today
            )
        except ValidationError as exc:
            self.query_one("#contact-error", Static).update(str(exc))
            return
        mode = self.query_one("#mode", Select).value
        self.dismiss(ContactInput(self.kind, str(mode), day))

    def action_cancel(self) -> None:
        """Escape: cancel."""
        self.dismiss(None)
