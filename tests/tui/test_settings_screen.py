"""Settings, driven by keys: invalid values refused beside their field, valid ones saved and followed
(auto-lock, counties, backup policy); the passphrase changed; the backups listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input

from p2p_tui.store import Store, settings
from p2p_tui.tui import compat
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.dialogs.backups import BackupsDialog
from p2p_tui.tui.dialogs.passphrase import PassphraseDialog
from p2p_tui.tui.screens.settings import SPECS, SettingsScreen
from p2p_tui.tui.screens.unlock import UnlockScreen
from p2p_tui.vault import Vault, WrongPassphrase, backups
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.tui.conftest import AppFactory
from tests.tui.keys import fill, screen_text, text_of, wait_for

SIZE = (120, 36)
NEW_PASSPHRASE = "a brand new passphrase"


def toasts(app: P2PApp) -> str:
    return "\n".join(n.message for n in compat.notifications(app))


def make_vault(path: Path) -> None:
    """A vault saved twice, so it has a backup."""
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        settings.put("retention_days", 120)
    store.close()


async def open_settings(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, P2PApp)
    await wait_for(pilot, lambda: app.store is not None and not isinstance(app.screen, UnlockScreen))
    await pilot.press("f6")
    await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))


async def goto(pilot: Pilot[None], field_id: str) -> None:
    """Tab to a field."""
    for _ in range(len(SPECS) + 2):
        if pilot.app.focused is not None and pilot.app.focused.id == field_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"no field {field_id}")


async def test_every_setting_is_a_field_with_its_stored_value(make_app: AppFactory, vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        assert set(SPECS) == set(settings.DEFAULTS) - {"theme"}  # the theme: a choice, not a field
        values = {key: app.screen.query_one(f"#{key}", Input).value for key in SPECS}
        assert values["counties"] == "Kings, Queens, Prince"
        assert values["retention_days"] == "120"
        assert values["honorarium_rate"] == "100.00"
        assert app.screen.query_one("#save-settings", Button).disabled  # nothing changed yet
        await pilot.press("ctrl+q")


async def test_edit_with_invalid_then_valid_values(make_app: AppFactory, vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        save = app.screen.query_one("#save-settings", Button)
        await goto(pilot, "counties")
        await fill(pilot, "Kings, Queens, kings")
        assert "repeated" in text_of(app, "#counties-error")
        assert save.disabled
        await fill(pilot, "Kings, , Queens")
        assert "none empty" in text_of(app, "#counties-error")
        await fill(pilot, "Kings, Queens, Prince, Charlottetown")
        assert text_of(app, "#counties-error") == ""
        await goto(pilot, "clock_match_days")
        await fill(pilot, "1.5")
        assert "whole number from 0 to 30" in text_of(app, "#clock_match_days-error")
        await fill(pilot, "2")
        await goto(pilot, "autolock_minutes")
        await fill(pilot, "0")
        assert "from 1 to 60" in text_of(app, "#autolock_minutes-error")
        assert save.disabled
        await pilot.press("ctrl+s")  # refused while a field is wrong
        assert app.autolock_seconds == 5 * 60
        await fill(pilot, "7")
        await goto(pilot, "backups_keep_last")
        await fill(pilot, "3")
        assert not save.disabled
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Settings saved." in toasts(app))
        assert app.autolock_seconds == 7 * 60
        assert app.store is not None
        assert app.store.vault.policy.keep_last == 3
        with app.store.lock:
            assert settings.get("counties") == ["Kings", "Queens", "Prince", "Charlottetown"]
            assert settings.get("clock_match_days") == 2
            assert settings.get("autolock_minutes") == 7
        assert save.disabled  # saved: nothing to save again
        # an unsaved edit: Escape leaves the field, warns once, then leaves the screen
        await goto(pilot, "suppression_threshold")
        await fill(pilot, "9")
        await pilot.press("escape")
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, SettingsScreen)
        assert "Changes not saved" in toasts(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen))
        with app.store.lock:
            assert settings.get("suppression_threshold") == 5
        await pilot.press("ctrl+q")


async def test_change_the_passphrase(make_app: AppFactory, vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        # a wrong current passphrase: refused by the vault, nothing changed
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PassphraseDialog))
        await fill(pilot, "not the passphrase")
        await pilot.press("tab")
        await fill(pilot, "short")
        assert "too weak" in text_of(app, "#new-error")
        await fill(pilot, NEW_PASSPHRASE)
        await pilot.press("tab")
        await fill(pilot, NEW_PASSPHRASE + "x")
        assert "differ" in text_of(app, "#again-error")
        assert app.screen.query_one("#save", Button).disabled
        await fill(pilot, NEW_PASSPHRASE)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await wait_for(pilot, lambda: "not right" in toasts(app))
        Vault.open(vault_path, PASSPHRASE, lock=False)[0].close()
        # the right one: changed
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PassphraseDialog))
        await fill(pilot, PASSPHRASE)
        await pilot.press("tab")
        await fill(pilot, NEW_PASSPHRASE)
        await pilot.press("tab")
        await fill(pilot, NEW_PASSPHRASE)
        await pilot.press("enter")  # Enter in the last field saves
        await wait_for(pilot, lambda: "Passphrase changed" in toasts(app))
        with pytest.raises(WrongPassphrase):
            Vault.open(vault_path, PASSPHRASE, lock=False)
        Vault.open(vault_path, NEW_PASSPHRASE, lock=False)[0].close()
        await pilot.press("ctrl+q")
    Store.open(vault_path, NEW_PASSPHRASE).close()


async def test_the_backups_are_listed_with_how_to_restore(make_app: AppFactory, vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        assert "p2p-tui restore" in text_of(app, "#keys-note")
        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, BackupsDialog))
        table = app.screen.query_one("#backups", DataTable)
        await wait_for(pilot, lambda: table.row_count >= 1)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[2] == "intact" and int(first[1]) >= 1
        assert "p2p-tui restore" in text_of(app, "#restore-note")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.press("ctrl+q")


async def test_a_backup_is_restored_from_the_console(make_app: AppFactory, vault_path: Path) -> None:
    make_vault(vault_path)  # its first save holds the default retention (90); the vault holds 120
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, BackupsDialog))
        table = app.screen.query_one("#backups", DataTable)
        await wait_for(pilot, lambda: table.row_count >= 1)
        await pilot.press("G", "enter")  # the oldest backup: the first save, before 120
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.store is None
        assert "Restoring the backup" in screen_text(pilot)
        await fill(pilot, "not the passphrase")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "not right" in text_of(app, "#unlock-error"))
        await fill(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))  # back where it was
        assert settings.get("retention_days") == 90
        await pilot.press("ctrl+q")
    kept = [b.generation for b in backups.listing(vault_path)]
    assert max(kept) >= 2  # the file that was replaced is among the backups


def test_stored_settings_are_shown_printable() -> None:
    """Atk 9 (second round): an old vault's county with an OSC sequence reached the terminal raw."""
    from p2p_tui.tui.screens.settings import as_text

    shown = as_text("counties", ["Kings", "Prince\x1b]0;PWNED\x07"]) + as_text(
        "organisation_name", "Org\x9b1m"
    )
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert shown.startswith("Kings, Prince\ufffd]0;PWNED\ufffd")
