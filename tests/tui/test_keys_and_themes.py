"""A keymap rebinds keys by id and the help screen shows the new ones; the theme chosen in Settings is
kept in the vault and survives a lock and unlock (and a new start)."""

from __future__ import annotations

from pathlib import Path

from p2p_tui.store import Store, settings
from p2p_tui.tui import compat, keymap
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.screens.cases import CasesScreen
from p2p_tui.tui.screens.help import HelpScreen
from p2p_tui.tui.screens.settings import SettingsScreen
from p2p_tui.tui.screens.today import TodayScreen
from p2p_tui.tui.screens.unlock import UnlockScreen
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.tui.keys import choose, fill, screen_text, wait_for

SIZE = (120, 36)


def make_vault(path: Path) -> None:
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    store.close()


async def test_a_keymap_file_rebinds_two_keys_and_help_shows_them(vault_path: Path, tmp_path: Path) -> None:
    make_vault(vault_path)
    file = tmp_path / "keymap.toml"
    file.write_text('[app]\nprivacy = "f12"\ncases = "C"\n')
    app = P2PApp(vault_path, passphrase=PASSPHRASE, keymap=keymap.load(file))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("f8")  # the old key does nothing now
        assert not app.privacy
        await pilot.press("f12")
        assert app.privacy
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(pilot)
        assert isinstance(app.screen, HelpScreen)
        whole = "\n".join(app.screen.lines())  # all of it, some below the fold (the box scrolls)
        assert "F12            Privacy" in whole and "C              Cases" in whole
        assert "F8 " not in whole and "F3 " not in whole
        assert "[              Previous page" in text and "]              Next page" in text
        assert "Copy" not in whole and "help_quit" not in whole and "^c" not in whole
        # the focused table's keys too, as the keymap has them
        assert (
            "This table:" in whole and ".              Whole row" in whole and "End            Last" in whole
        )
        await pilot.press("escape")
        await pilot.press("ctrl+q")


async def test_the_theme_chosen_in_settings_survives_a_lock_and_a_new_start(vault_path: Path) -> None:
    make_vault(vault_path)
    app = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert app.theme == "textual-dark"
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await choose(pilot, "#theme", "p2p-high-contrast")
        assert app.theme == "p2p-high-contrast"
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        app.theme = "textual-light"  # whatever it shows while locked, unlocking applies the vault's
        await fill(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        assert app.theme == "p2p-high-contrast"
        await pilot.press("ctrl+q")
    again = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: again.store is not None and not isinstance(again.screen, UnlockScreen))
        assert again.theme == "p2p-high-contrast"
        with again.store.lock:
            assert settings.get("theme") == "p2p-high-contrast"
        await pilot.press("ctrl+q")


async def test_an_empty_field_stands_out_from_the_background_in_every_theme(vault_path: Path) -> None:
    from textual.widgets import Input

    from p2p_tui.tui.themes import CHOICES

    make_vault(vault_path)
    app = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        app.screen.set_focus(None)
        for theme, _ in CHOICES:
            app.theme = theme
            await pilot.pause()
            behind = app.screen.styles.background
            for field in app.screen.query(Input):
                shown = behind + field.styles.background  # what the eye sees: the field over its screen
                assert shown.rgb != behind.rgb or shown.ansi != behind.ansi, (theme, field.id)
        await pilot.press("ctrl+q")


async def test_at_most_two_notices_stack_the_newest_kept(vault_path: Path) -> None:
    make_vault(vault_path)
    app = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        for n in range(4):
            app.notify(f"notice {n}")
        await pilot.pause()
        assert [n.message for n in compat.notifications(app)] == ["notice 2", "notice 3"]
        await pilot.press("ctrl+q")
