"""The Textual app: takes the vault path (and, for tests, cheap KDF parameters) as arguments."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import App
from textual.binding import Binding

from p2p_tui.store import Store
from p2p_tui.tui.dialogs.recovery_code import RecoveryCodeDialog
from p2p_tui.tui.messages import SaveStateChanged, Unlocked
from p2p_tui.tui.screens.create import CreateScreen
from p2p_tui.tui.screens.home import HomeScreen
from p2p_tui.tui.screens.unlock import UnlockScreen
from p2p_tui.tui.widgets.save_indicator import SaveIndicator
from p2p_tui.vault import KdfParams, SaveState, VaultError


class P2PApp(App[None]):
    """The coordinator's console."""

    CSS_PATH = "app.tcss"
    TITLE = "p2p-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False),
        Binding("ctrl+s", "save", "Save now", id="app.save", show=False),
    ]

    def __init__(
        self, vault_path: Path, *, passphrase: str | None = None, kdf: KdfParams | None = None
    ) -> None:
        super().__init__()
        self.vault_path = Path(vault_path)
        self._passphrase = passphrase
        self.kdf = kdf
        self.store: Store | None = None
        self._discard_armed = False

    def on_mount(self) -> None:
        self.show_entry()

    def show_entry(self) -> None:
        """The unlock screen, or the create screen where no vault exists yet."""
        if self.vault_path.exists():
            screen: UnlockScreen | CreateScreen = UnlockScreen(self.vault_path, self._passphrase)
        else:
            screen = CreateScreen(self.vault_path, self.kdf)
        self._passphrase = None
        self.switch_screen(screen) if self.screen_stack[1:] else self.push_screen(screen)

    @on(Unlocked)
    def unlocked(self, message: Unlocked) -> None:
        self.store = message.store
        self.store.saver.set_listener(self._saver_listener)
        self.switch_screen(HomeScreen())
        if message.recovery_code:
            self.push_screen(RecoveryCodeDialog(message.recovery_code))

    def _saver_listener(self, state: SaveState, error: VaultError | None) -> None:
        """Called from the saver's thread: hand over to the event loop."""
        self.post_message(SaveStateChanged(state, error))

    @on(SaveStateChanged)
    def save_state(self, message: SaveStateChanged) -> None:
        for indicator in self.screen.query(SaveIndicator):
            indicator.state = message.state
        if message.state is SaveState.FAILED and message.error is not None:
            self.notify(str(message.error), title="Not saved", severity="error", timeout=30)

    def close_store(self) -> bool:
        """Finish the last save and close the vault; False (with an error shown) if it failed."""
        if self.store is None:
            return True
        try:
            self.store.close()
        except VaultError as exc:
            self.notify(f"{exc} Quit again with Ctrl+Q to discard.", severity="error", timeout=30)
            return False
        self.store = None
        return True

    async def action_quit(self) -> None:
        """Save, close, exit. If the last save failed, a second Ctrl+Q discards the change."""
        if self.close_store():
            self.exit()
        elif self._discard_armed and self.store is not None:
            self.store.abandon()
            self.store = None
            self.exit()
        else:
            self._discard_armed = True

    def action_save(self) -> None:
        """Save now (after a failed save, once the disk is fixed)."""
        if self.store is not None:
            self.store.saver.request()

    def action_lock(self) -> None:
        """Close the database, drop the keys, and ask for the passphrase again."""
        if self.close_store():
            self.switch_screen(UnlockScreen(self.vault_path))
