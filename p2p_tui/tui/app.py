"""The Textual app: takes the vault path (and, for tests, cheap KDF parameters) as arguments.

One screen stack: the unlock (or create) screen, then an area screen (Today, Cases, Roster, ...) with
detail screens pushed on top. Area screens are made once and kept (installed) while the vault is open,
so moving between areas costs a reload of their data, not a new screen (about 300 ms a switch at
10,000 referrals otherwise). Locking closes the store, then uninstalls and removes every screen, so
nothing that showed a name survives; unlocking returns to the area that was open.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen

from p2p_tui.services import clock as services_clock
from p2p_tui.store import Store, settings
from p2p_tui.tui import compat, themes
from p2p_tui.tui.commands import AREA_TITLES, FindProvider, GoToProvider
from p2p_tui.tui.dialogs.recovery_code import RecoveryCodeDialog
from p2p_tui.tui.messages import GoTo, OpenCase, OpenSupporter, RestoreBackup, SaveStateChanged, Unlocked
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.screens.create import CreateScreen
from p2p_tui.tui.screens.unlock import UnlockScreen
from p2p_tui.tui.widgets.save_indicator import SaveIndicator
from p2p_tui.vault import KdfParams, SaveState, VaultError
from p2p_tui.vault.backups import Backup


def crash_report(error: BaseException | None) -> str:
    """What the terminal shows after a crash: the error's type and where it happened, nothing else."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    where = [f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames[-8:]]
    return "\n".join(
        [
            f"p2p-tui stopped on an unexpected {type(error).__name__}. What was saved is in the vault.",
            "Where (no data shown):",
            *where,
        ]
    )


def area_screen(name: str) -> AreaScreen:
    """A new screen for a top-level area."""
    from p2p_tui.tui import screens

    return screens.AREAS[name]()


MAX_NOTICES = 2  # notices stacked at the top right at once


@compat.quiet_crashes(crash_report)  # Textual's own report shows locals and messages: either may hold a name
@compat.at_most_notices(MAX_NOTICES)  # they never reach down over a panel being read (Why urgent)
class P2PApp(App[None]):
    """The coordinator's console."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "p2p-tui"
    COMMANDS = {GoToProvider, FindProvider}
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="app.help"),
        Binding("f2", "go('today')", "Today", id="app.today", show=False),
        Binding("f3", "go('cases')", "Cases", id="app.cases", show=False),
        Binding("f4", "go('roster')", "Roster", id="app.roster", show=False),
        Binding("f5", "go('training')", "Training", id="app.training", show=False),
        Binding("f6", "go('settings')", "Settings", id="app.settings", show=False),
        Binding("f7", "new_referral", "New referral", id="app.new_referral", show=False),
        Binding("f9", "go('report')", "Report", id="app.report", show=False),
        Binding("f10", "go('log')", "Audit trail", id="app.log", show=False),
        Binding("f8", "toggle_privacy", "Privacy", id="app.privacy"),
        Binding("ctrl+l", "lock", "Lock", id="app.lock"),
        Binding("ctrl+s", "save", "Save now", id="app.save", show=False),
        Binding("ctrl+z", "undo", "Undo", id="app.undo", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False),
    ]

    privacy: reactive[bool] = reactive(False, init=False)
    # Nothing identifying may reach the clipboard (ARCHITECTURE.md §8): no selecting text with the mouse,
    # and copying (Ctrl+C in a field, a selection) is refused below, so no OSC 52 escape is ever sent.
    ALLOW_SELECT = False

    def __init__(
        self,
        vault_path: Path,
        *,
        passphrase: str | None = None,
        kdf: KdfParams | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: services_clock.Now | None = None,
        hint: str = "",
        keymap: Mapping[str, str] | None = None,
        keymap_problems: Sequence[str] = (),
    ) -> None:
        """`clock` times idleness (auto-lock); `now`, when given, becomes the date and time every
        service reads (`services.clock`). `hint` is shown on the unlock screen (the demo's
        passphrase; never a real one). `keymap` rebinds keys by binding id (`tui.keymap`);
        `keymap_problems`, why a keymap file was ignored, is shown once the console starts."""
        super().__init__()
        themes.register(self)
        self.keymap: dict[str, str] = dict(keymap or {})
        self._keymap_problems = list(keymap_problems)
        if now is not None:
            services_clock.install(now)
        self.hint = hint
        self.vault_path = Path(vault_path)
        self._passphrase = passphrase
        self.kdf = kdf
        self.clock = clock
        self.store: Store | None = None
        self.save_state = SaveState.SAVED
        self.last_activity = clock()
        self.autolock_seconds = 5 * 60.0
        self._resume_area = "today"
        self._area_keys: set[str] = set()
        self._discard_armed = False

    # -- entry ------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        self.set_interval(5.0, self.check_autolock, name="autolock")
        self._exit_on_signals()
        self.show_entry()

    def _exit_on_signals(self) -> None:
        """SIGTERM and SIGHUP exit cleanly: the last save completes first (see on_unmount)."""
        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, self.exit)

    def on_unmount(self) -> None:
        """However the app ends, the last save completes and the vault is closed."""
        if self.store is not None:
            try:
                self.store.close()
            except VaultError:
                self.store.abandon()  # the file keeps the last saved version
            self.store = None

    def show_entry(self) -> None:
        """The unlock screen, or the create screen where no vault exists yet."""
        if self.vault_path.exists():
            screen: UnlockScreen | CreateScreen = UnlockScreen(self.vault_path, self._passphrase, self.hint)
        else:
            screen = CreateScreen(self.vault_path, self.kdf)
        self._passphrase = None
        self.push_screen(screen)

    @on(Unlocked)
    def unlocked(self, message: Unlocked) -> None:
        self.store = message.store
        self.store.saver.set_listener(self._saver_listener)
        with self.store.lock:
            self.autolock_seconds = float(settings.get("autolock_minutes")) * 60
            self.theme = themes.usable(self, str(settings.get("theme")))
        self.last_activity = self.clock()
        self.switch_screen(self.area(self._resume_area))
        if message.recovery_code:
            self.push_screen(RecoveryCodeDialog(message.recovery_code))
        if self._keymap_problems:  # said once, on the first area screen (the unlock screen draws no toast)
            problems, self._keymap_problems = "\n".join(self._keymap_problems), []
            self.notify(problems, title="Keymap file ignored", severity="warning", timeout=30, markup=False)
        self.retention_check()

    @work(thread=True, group="retention", exclusive=True, exit_on_error=False)
    def retention_check(self) -> None:
        """Once a day, at unlock: remove the identifying fields of cases past the retention period."""
        from p2p_tui.services.admin import audit, retention

        store = self.store
        if store is None:
            return
        try:
            with store.atomic():
                audit.record("unlock")
            with store.atomic():
                done = retention.daily_check()
        except Exception:  # noqa: BLE001 - never a traceback: say what to do instead
            self.call_from_thread(
                self.notify,
                "The daily retention check failed; run: p2p-tui purge --dry-run",
                severity="error",
            )
            return
        if done is not None and not done.empty:
            message = f"Retention: identifying details of {done.cases} ended cases were removed."
            self.call_from_thread(self.notify, message)

    # -- saving -----------------------------------------------------------------------------------

    def _saver_listener(self, state: SaveState, error: VaultError | None) -> None:
        """Called from the saver's thread: hand over to the event loop."""
        self.post_message(SaveStateChanged(state, error))

    @on(SaveStateChanged)
    def save_state_changed(self, message: SaveStateChanged) -> None:
        self.save_state = message.state
        for indicator in self.screen.query(SaveIndicator):
            indicator.state = message.state
        if message.state is SaveState.FAILED and message.error is not None:
            self.notify(str(message.error), title="Not saved", severity="error", timeout=30)

    def action_save(self) -> None:
        """Save now (after a failed save, once the disk is fixed)."""
        if self.store is not None:
            self.store.saver.request()

    async def action_undo(self) -> None:
        """Undo the session's last change (the database as it was just before it), then save."""
        from p2p_tui.services.errors import ValidationError
        from p2p_tui.store.undo import NothingToUndo

        if self.store is None:
            return
        screen = self.screen
        if not isinstance(screen, AreaScreen):
            self.notify("Close this form first (Escape); then Ctrl+Z undoes the last change.")
            return
        try:
            label = self.store.undo_last()
        except NothingToUndo as exc:
            self.notify(str(exc))
            return
        self.notify(f"Undone: {label}.")
        try:
            screen.reload()
        except ValidationError:  # the page's case was what the undone change created
            await self.action_go(self._current_area())

    def _current_area(self) -> str:
        """The area under the detail screens (Today when none)."""
        return next(
            (s.AREA for s in reversed(self.screen_stack) if isinstance(s, AreaScreen) and s.AREA), "today"
        )

    # -- navigation -------------------------------------------------------------------------------

    async def action_go(self, area: str) -> None:
        """Show a top-level area, dropping any detail screens above the current one."""
        if self.store is None or area not in AREA_TITLES:
            return
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        if isinstance(self.screen, AreaScreen) and self.screen.AREA == area:
            self.screen.reload()
            return
        await self.switch_screen(self.area(area))

    def area(self, name: str) -> str:
        """The installed screen of an area (made on first use), by its name."""
        key = f"area:{name}"
        if key not in self._area_keys:
            self.install_screen(area_screen(name), name=key)
            self._area_keys.add(key)
        return key

    async def drop_areas(self) -> None:
        """Uninstall and remove every area screen (at lock: none may keep a name in memory)."""
        for key in sorted(self._area_keys):
            screen = self.get_screen(key)
            self.uninstall_screen(key)
            if screen.is_mounted:
                await screen.remove()
        self._area_keys.clear()

    def open_case(self, referral_id: int) -> None:
        """Show a case's page: one page is made and kept (like the areas), its case swapped."""
        from p2p_tui.tui.screens.case import CaseScreen

        if self.store is None:
            return
        key = "case"
        if key not in self._area_keys:
            self.install_screen(CaseScreen(referral_id), name=key)
            self._area_keys.add(key)
        page = self.get_screen(key)
        assert isinstance(page, CaseScreen)  # noqa: S101 - narrows the type
        if page.is_current:
            page.show(referral_id)
        elif page in self.screen_stack:  # already open lower down (the palette, over a case)
            self.push_screen(CaseScreen(referral_id))
        else:
            page.show(referral_id)
            self.push_screen(key)

    @on(OpenCase)
    def _open_case_asked(self, message: OpenCase) -> None:
        self.open_case(message.referral_id)

    @on(OpenSupporter)
    def _open_supporter_asked(self, message: OpenSupporter) -> None:
        self.open_supporter(message.supporter_id)

    @on(GoTo)
    async def _go_asked(self, message: GoTo) -> None:
        await self.action_go(message.area)

    @on(RestoreBackup)
    async def _restore_asked(self, message: RestoreBackup) -> None:
        await self.restore_backup(message.backup)

    def open_supporter(self, supporter_id: int) -> None:
        """Push a supporter's roster page."""
        from p2p_tui.tui.screens.supporter import SupporterScreen

        if self.store is not None:
            self.push_screen(SupporterScreen(supporter_id))

    def action_new_referral(self) -> None:
        """Open the intake form (made once, cleared on each showing, removed at lock like the areas)."""
        if self.store is None or type(self.screen).__name__ == "IntakeScreen":
            return
        from p2p_tui.tui.screens.intake import IntakeScreen

        key = "intake"
        if key not in self._area_keys:
            self.install_screen(IntakeScreen(), name=key)
            self._area_keys.add(key)
        self.push_screen(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The lock and create screens offer no command palette (nothing to find, nowhere to go)."""
        if action == "command_palette":
            return self.store is not None
        return True

    def action_command_palette(self) -> None:
        """The command palette, only while the vault is open."""
        if self.store is not None:
            super().action_command_palette()

    def action_help(self) -> None:
        """Every key of this screen and of the app."""
        from p2p_tui.tui.screens.help import HelpScreen

        if self.store is None and not isinstance(self.screen, HelpScreen):  # locked: nothing kept
            self.push_screen(HelpScreen(self.screen))
        elif not isinstance(self.screen, HelpScreen):
            key = "help"
            if key not in self._area_keys:
                self.install_screen(HelpScreen(), name=key)
                self._area_keys.add(key)
            page = self.get_screen(key)
            assert isinstance(page, HelpScreen)  # noqa: S101 - narrows the type
            page.show(self.screen)
            self.push_screen(key)

    # -- privacy and locking ----------------------------------------------------------------------

    def action_toggle_privacy(self) -> None:
        """Mask every name and contact on every screen (for shared spaces)."""
        if self.store is not None:
            self.privacy = not self.privacy

    async def watch_privacy(self, privacy: bool) -> None:
        if privacy:  # an open dialog may show names: close it (nothing in it was saved yet)
            while isinstance(self.screen, ModalScreen) and len(self.screen_stack) > 2:
                await self.pop_screen()
        for screen in self.screen_stack:
            if isinstance(screen, AreaScreen) and screen.is_mounted:
                screen.on_screen_resume()
        self.notify("Privacy mode on: names hidden." if privacy else "Privacy mode off.")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_activity = self.clock()
        await super().on_event(event)

    async def check_autolock(self) -> None:
        """Lock once the console has been idle for the auto-lock time."""
        if self.store is not None and self.clock() - self.last_activity >= self.autolock_seconds:
            await self.action_lock()

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

    async def action_lock(self) -> None:
        """Close the database, drop the keys, clear every screen, and ask for the passphrase."""
        await self.leave_vault()

    async def restore_backup(self, backup: Backup) -> None:
        """Save and lock; the unlock screen then restores `backup` with the passphrase it was made under."""
        await self.leave_vault(restore=backup)

    async def leave_vault(self, restore: Backup | None = None) -> None:
        """Save and close the vault, remember the area to return to, and replace every screen (all that
        showed a name) with the unlock screen. If the save fails, nothing is closed."""
        if self.store is None:
            return
        area = self._current_area()
        if not self.close_store():
            return
        self._resume_area = area
        self.clear_notifications()
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        await self.switch_screen(UnlockScreen(self.vault_path, hint=self.hint, restore=restore))
        await self.drop_areas()

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

    def copy_to_clipboard(self, text: str) -> None:
        """Refused: the system clipboard outlives the console and is shared with every program."""
        del text
        self.notify("Copying is off in p2p-tui: nothing from the vault may reach the clipboard.")

    def top_screen(self) -> Screen[object]:
        """The screen on top (typed helper for tests)."""
        return self.screen
