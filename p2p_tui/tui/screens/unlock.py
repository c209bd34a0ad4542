"""Unlock an existing vault: passphrase (or recovery code), retry on a wrong one, clear errors."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from p2p_tui.store import Store
from p2p_tui.tui.messages import Unlocked
from p2p_tui.vault import VaultDamaged, VaultError, VaultLocked, WrongPassphrase


class UnlockScreen(Screen[None]):
    """Asks for the passphrase and opens the vault in a worker thread (the KDF takes ~0.5 s)."""

    BINDINGS = [
        Binding("ctrl+r", "toggle_recovery", "Use recovery code", id="unlock.recovery"),
        Binding("ctrl+q", "app.quit", "Quit", id="unlock.quit"),
    ]

    def __init__(self, path: Path, passphrase: str | None = None) -> None:
        super().__init__()
        self.path = path
        self._given = passphrase
        self.recovery = False

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box", classes="dialog-box"):
            yield Static("p2p-tui", classes="title")
            yield Label(f"Vault: {self.path.name}", id="vault-name")
            yield Label("Passphrase", id="secret-label")
            yield Input(password=True, id="secret", placeholder="passphrase")
            yield Static("", id="unlock-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        if self._given is not None:
            self.unlock(self._given, recovery=False)
            self._given = None
        else:
            self.query_one("#secret", Input).focus()

    def action_toggle_recovery(self) -> None:
        """Switch between the passphrase and the recovery code."""
        self.recovery = not self.recovery
        label = "Recovery code" if self.recovery else "Passphrase"
        self.query_one("#secret-label", Label).update(label)
        field = self.query_one("#secret", Input)
        field.password = not self.recovery
        field.placeholder = label.lower()
        field.focus()

    @on(Input.Submitted, "#secret")
    def submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.show_error("Type the passphrase, then Enter.")
            return
        self.unlock(event.value, recovery=self.recovery)

    def show_error(self, text: str) -> None:
        """Show an error under the field and let the coordinator try again."""
        self.query_one("#unlock-error", Static).update(text)
        field = self.query_one("#secret", Input)
        field.disabled = False
        field.value = ""
        field.focus()

    @work(thread=True, group="unlock", exclusive=True, exit_on_error=False)
    def unlock(self, secret: str, recovery: bool) -> None:
        """Open the vault off the event loop; report back by message."""
        self.app.call_from_thread(self._busy)
        try:
            store = Store.open(self.path, secret, recovery=recovery)
        except VaultError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.post_message(Unlocked(store))

    def _busy(self) -> None:
        self.query_one("#unlock-error", Static).update("Unlocking…")
        self.query_one("#secret", Input).disabled = True

    def _failed(self, exc: VaultError) -> None:
        if isinstance(exc, WrongPassphrase):
            text = f"{exc.message} Try again."
        elif isinstance(exc, VaultLocked | VaultDamaged):
            text = f"{exc.message}\n{exc.next_step}"
        else:
            text = str(exc)
        self.show_error(text)
