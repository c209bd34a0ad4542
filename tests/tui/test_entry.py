"""Creating and unlocking a vault by keys, in the console."""

from __future__ import annotations

from pathlib import Path

from p2p_tui.store import Store, settings
from p2p_tui.tui.dialogs.recovery_code import RecoveryCodeDialog
from p2p_tui.tui.screens.create import CreateScreen
from p2p_tui.tui.screens.today import TodayScreen
from p2p_tui.tui.screens.unlock import UnlockScreen
from p2p_tui.vault import backups, keys
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.tui.conftest import AppFactory
from tests.tui.keys import fill, screen_text, text_of, type_text, wait_for

SIZE = (120, 36)


async def test_create_a_vault_by_keys(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, CreateScreen)
        await type_text(pilot, "short")
        await pilot.press("enter", "s", "enter")
        assert "12 characters" in text_of(app, "#create-error")
        assert not (tmp_path / "program.p2pvault").exists()
        first = app.screen.query_one("#first")
        first.value = ""  # type: ignore[attr-defined]
        app.screen.query_one("#second").value = ""  # type: ignore[attr-defined]
        first.focus()
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await fill(pilot, PASSPHRASE + "x")
        await pilot.press("enter")
        assert "differ" in text_of(app, "#create-error")
        await pilot.press("backspace", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryCodeDialog))
        code = app.screen.code  # type: ignore[attr-defined]
        assert keys.normalize_recovery_code(code) == code
        await pilot.press("escape")  # cannot skip the code
        assert isinstance(app.screen, RecoveryCodeDialog)
        await pilot.press("tab", "space", "tab", "enter")  # tick, then Continue
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("ctrl+q")
    assert (tmp_path / "program.p2pvault").exists()
    Store.open(tmp_path / "program.p2pvault", code, recovery=True).close()


async def test_wrong_passphrase_says_so_and_allows_a_retry(make_app: AppFactory, vault_path: Path) -> None:
    Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)[0].close()
    before = vault_path.read_bytes()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await type_text(pilot, "not it")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "not right" in text_of(app, "#unlock-error"))
        assert vault_path.read_bytes() == before
        await fill(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("ctrl+q")


async def test_unlock_with_the_recovery_code(make_app: AppFactory, vault_path: Path) -> None:
    store, code = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    store.close()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await fill(pilot, code.lower())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("ctrl+q")


async def test_a_vault_in_use_says_so(make_app: AppFactory, vault_path: Path) -> None:
    holder, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    try:
        app = make_app(vault_path, passphrase=PASSPHRASE)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: "another" in text_of(app, "#unlock-error"))
            await pilot.press("ctrl+q")
    finally:
        holder.close()


async def test_a_damaged_vault_names_the_restore_command(make_app: AppFactory, vault_path: Path) -> None:
    Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)[0].close()
    data = bytearray(vault_path.read_bytes())
    data[-1] ^= 1
    vault_path.write_bytes(bytes(data))
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "p2p-tui restore" in text_of(app, "#unlock-error"))
        await pilot.press("ctrl+q")


async def test_lock_closes_the_vault_and_asks_again(make_app: AppFactory, vault_path: Path) -> None:
    Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)[0].close()
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        store = app.store
        assert store is not None
        with store.atomic():
            settings.put("autolock_minutes", 9)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.store is None and not store.vault.is_open
        await fill(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert settings.get("autolock_minutes") == 9
        await pilot.press("ctrl+q")


async def test_a_damaged_vault_offers_the_newest_backup_that_opens(
    make_app: AppFactory, vault_path: Path
) -> None:
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        settings.put("retention_days", 111)
    store.save_now()
    with store.atomic():
        settings.put("retention_days", 222)  # the newest backup holds 111
    store.close()
    data = bytearray(vault_path.read_bytes())
    data[-1] ^= 1
    vault_path.write_bytes(bytes(data))
    app = make_app(vault_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await fill(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Ctrl+O restores it" in text_of(app, "#unlock-error"))
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert settings.get("retention_days") == 111
        await pilot.press("ctrl+q")
    from p2p_tui.store import restore

    verdicts = [restore.check(b, PASSPHRASE) for b in backups.listing(vault_path)]
    damaged_kept = [v for v in verdicts if v.why_not == "damaged"]
    assert len(damaged_kept) == 1  # the damaged file was kept among the backups, not thrown away
    Store.open(vault_path, PASSPHRASE).close()  # and the vault opens from now on


async def test_the_demo_shows_its_passphrase_on_the_unlock_screen(tmp_path: Path) -> None:
    from p2p_tui.tui.app import P2PApp

    path = tmp_path / "demo.p2pvault"
    Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)[0].close()
    app = P2PApp(path, hint="Demo vault of synthetic people; its passphrase: demo vault passphrase")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: "its passphrase: demo vault passphrase" in screen_text(pilot))
        await pilot.press("ctrl+q")


LONG = (
    "the quiet harbour lamps flicker while gulls argue over bread crusts near the old pier and "
    "a ferry horn answers twice from somewhere past the lighthouse before the fog rolls back in again"
)


async def test_a_passphrase_past_zxcvbns_72_characters_creates_the_vault(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Issue 9, item 6: typing past 72 characters crashed the meter; Create crashed on it too."""
    assert len(LONG) > 180
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, CreateScreen)
        first = app.screen.query_one("#first")
        first.value = LONG[:60]  # type: ignore[attr-defined]
        await type_text(pilot, LONG[60:84])  # typed key by key across the 72nd character
        assert "Strength" in text_of(app, "#meter")
        await fill(pilot, LONG)
        assert "accepted" in text_of(app, "#meter")
        await pilot.press("enter")
        await fill(pilot, LONG)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryCodeDialog))
        await pilot.press("tab", "space", "tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("ctrl+q")
    Store.open(tmp_path / "program.p2pvault", LONG).close()
