"""Unlock an existing vault: passphrase (or recovery code), retry on a wrong one, clear errors; a
damaged vault offers the newest backup that opens with the same passphrase."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from p2p_tui.store import Store
from p2p_tui.store import restore as restoring
from p2p_tui.tui.keymap import current_keys
from p2p_tui.tui.messages import Unlocked
from p2p_tui.vault import VaultDamaged, VaultError, VaultLocked, WrongPassphrase
from p2p_tui.vault.backups import Backup


class UnlockScreen(Screen[None]):
    """Asks for the passphrase and opens the vault in a worker thread (the KDF takes ~0.5 s)."""

    BINDINGS = [
        Binding("ctrl+r", "toggle_recovery", "Use recovery code", id="unlock.recovery"),
        Binding("ctrl+o", "restore_backup", "Restore backup", id="unlock.restore"),
        Binding("ctrl+q", "app.quit", "Quit", id="unlock.quit"),
        Binding("escape", "cancel_restore", "Don't restore", show=False, id="unlock.cancel_restore"),
    ]

    def __init__(
        self, path: Path, passphrase: str | None = None, hint: str = "", restore: Backup | None = None
    ) -> None:
        """`restore`: a backup chosen in Settings, restored with the passphrase typed here."""
        super().__init__()
        self.path = path
        self.restore = restore
        self._given = passphrase
        self.hint = hint
        self.recovery = False
        self.error_text = ""
        self.offered: tuple[Backup, str, bool] | None = None  # a backup that opens, its secret, recovery

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-box", classes="dialog-box"):
            yield Static("p2p-tui", classes="title")
            yield Label(f"Vault: {self.path.name}", id="vault-name")
            if self.hint:
                yield Label(self.hint, id="hint", classes="note")
            if self.restore is not None:
                taken = self.restore.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
                yield Label(
                    f"Restoring the backup of {taken} (generation {self.restore.generation}): type the "
                    "passphrase it was made under. The current file is kept as a backup first. "
                    "Escape: unlock without restoring.",
                    id="restoring",
                    classes="warning",
                )
            yield Label("Passphrase", id="secret-label")
            yield Input(password=True, id="secret", placeholder="passphrase")
            yield Static("", id="unlock-error", classes="error", markup=False)
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
        if self.restore is not None:
            self._busy()
            self.restore_and_unlock(self.restore, event.value, self.recovery)
            return
        self.unlock(event.value, recovery=self.recovery)

    def show_error(self, text: str) -> None:
        """Show an error under the field and let the coordinator try again."""
        self.error_text = text
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
            self.app.call_from_thread(self._failed, exc, secret, recovery)
            return
        self.app.post_message(Unlocked(store))

    def _busy(self) -> None:
        self.query_one("#unlock-error", Static).update("Unlocking…")
        self.query_one("#secret", Input).disabled = True

    def _failed(self, exc: VaultError, secret: str = "", recovery: bool = False) -> None:
        if isinstance(exc, WrongPassphrase):
            text = f"{exc.message} Try again."
        elif isinstance(exc, VaultLocked | VaultDamaged):
            text = f"{exc.message}\n{exc.next_step}"
        else:
            text = str(exc)
        self.show_error(text)
        if isinstance(exc, VaultDamaged) and secret:
            self.find_backup(secret, recovery)

    @work(thread=True, group="backups", exclusive=True, exit_on_error=False)
    def find_backup(self, secret: str, recovery: bool) -> None:
        """Look for the newest backup that opens with the secret just typed (off the event loop)."""
        found = restoring.newest_that_opens(self.path, secret, recovery=recovery)
        self.app.call_from_thread(self._offer, found, secret, recovery)

    def _offer(self, found: Backup | None, secret: str, recovery: bool) -> None:
        error = self.query_one("#unlock-error", Static)
        if found is None:
            error.update(f"{self.error_text}\nNo backup opens with it either.")
            return
        self.offered = (found, secret, recovery)
        taken = found.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
        error.update(
            f"{self.error_text}\nThe newest backup that opens is from {taken} "
            f"(generation {found.generation}). {current_keys(self.app, 'unlock.restore', 'ctrl+o')} "
            "restores it; the damaged file is kept among "
            "the backups."
        )

    def action_cancel_restore(self) -> None:
        """Escape while restoring: unlock the vault as it is instead."""
        if self.restore is not None:
            self.restore = None
            self.query_one("#restoring", Label).update("Not restoring: unlock the vault as it is.")

    def action_restore_backup(self) -> None:
        """Restore the backup offered after a damaged vault, then unlock it."""
        if self.offered is None:
            self.notify("A backup is offered only when the vault is damaged.", severity="warning")
            return
        self.restore_and_unlock(*self.offered)

    @work(thread=True, group="unlock", exclusive=True, exit_on_error=False)
    def restore_and_unlock(self, backup: Backup, secret: str, recovery: bool) -> None:
        """Restore the backup over the vault, then open it."""
        try:
            restoring.restore_from(self.path, backup.path, secret, recovery=recovery)
            store = Store.open(self.path, secret, recovery=recovery)
        except VaultError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.offered = None
        self.app.post_message(Unlocked(store))
