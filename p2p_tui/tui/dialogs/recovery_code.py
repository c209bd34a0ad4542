"""Shows the recovery code once and asks the coordinator to confirm it was written down."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Static

from p2p_tui.tui.widgets.marks import Check


class RecoveryCodeDialog(ModalScreen[bool]):
    """The recovery code, never shown again; dismissed only once the box is ticked."""

    BINDINGS = [
        Binding("escape", "noop", "Stays open: write the code down first", show=False, id="recovery.escape")
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Recovery code", classes="title")
            yield Label("It opens the vault if the passphrase is ever forgotten. It is shown only now.")
            yield Label("Write it on paper and keep it locked away; never store it on this computer.")
            yield Static(self.code, id="code", classes="code")
            yield Check("I have written the recovery code down", id="written")
            yield Button("Continue", id="continue", variant="primary", disabled=True)

    def action_noop(self) -> None:
        """Escape does not skip the code: it must be confirmed."""
        self.notify("Tick the box once the code is written down.", severity="warning")

    @on(Checkbox.Changed, "#written")
    def ticked(self, event: Checkbox.Changed) -> None:
        self.query_one("#continue", Button).disabled = not event.value

    @on(Button.Pressed, "#continue")
    def done(self) -> None:
        self.dismiss(True)
