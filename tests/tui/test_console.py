"""Keys that work everywhere: help, palette, privacy mode, auto-lock, the save indicator; and the Today
and Cases screens' own keys."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import RenderableType
from textual.widgets import Input

from p2p_tui.services.cases import intake, lifecycle, matching
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.people import roster
from p2p_tui.store import Store, settings
from p2p_tui.store.models import Contact, Snooze
from p2p_tui.tui import compat
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.commands import FindProvider
from p2p_tui.tui.dialogs.contact import ContactDialog
from p2p_tui.tui.dialogs.snooze import SnoozeDialog
from p2p_tui.tui.screens.case import CaseScreen
from p2p_tui.tui.screens.cases import CasesScreen
from p2p_tui.tui.screens.help import HelpScreen
from p2p_tui.tui.screens.today import TodayScreen
from p2p_tui.tui.screens.unlock import UnlockScreen
from tests.conftest import CHEAP_KDF, PASSPHRASE, TODAY
from tests.tui.keys import screen_text, text_of, wait_for

SIZE = (120, 36)
NAMES = ("Quinn Referredperson", "Rory Supporterperson", "Sky Supporterperson")


@pytest.fixture
def populated(vault_path: Path) -> Iterator[Path]:
    """A vault with two supporters and two referrals: one matched, one new."""
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    today = TODAY
    with store.atomic():
        for name, county in zip(NAMES[1:], ("Queens", "Prince"), strict=True):
            email = name.split()[0].lower() + "@example.org"
            roster.add_supporter(
                roster.SupporterInput(PhysicianInput(name, "late", county, email=email), status="active")
            )
        first = intake.create_referral(
            ReferralInput(
                PhysicianInput(NAMES[0], "mid", "Kings", email="quinn@example.org", phone="902-555-0199"),
                today - timedelta(days=7),
                "reach_in",
                "self",
                ("burnout",),
            ),
            on=today,
        )
        matching.confirm_match(
            first.id, matching.rank(first.id)[0].supporter_id, on=today - timedelta(days=7)
        )
        intake.create_referral(
            ReferralInput(
                PhysicianInput("Tal Other", "early", "Kings"), today, "reach_in", "colleague", ("conflict",)
            ),
            on=today,
        )
    store.close()
    yield vault_path


async def opened(pilot: Any, app: P2PApp) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
    await wait_for(pilot, lambda: "to do" in screen_text(pilot))


async def test_the_console_takes_its_clock_as_an_argument(populated: Path) -> None:
    """`P2PApp(now=...)` is the date every screen and service of that console reads."""
    app = P2PApp(populated, passphrase=PASSPHRASE, now=lambda: datetime(2027, 3, 3, 9, 0, tzinfo=UTC))
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        assert "Wednesday 03 March 2027" in screen_text(pilot)


async def test_the_palette_finds_a_physician_and_offers_their_case_or_roster_page(populated: Path) -> None:
    app = P2PApp(populated, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        provider = FindProvider(app.screen)
        referred = [(hit.text, hit.help) for hit in [h async for h in provider.search("quinn")]]
        supporters = [hit.text for hit in [h async for h in provider.search("KY supp")]]  # any part
        assert [h async for h in provider.search("x")] == []  # two letters at least
        app.privacy = True
        masked = [h.text async for h in provider.search("quinn")]  # names masked: nothing found
        assert masked == ["Find by name is off while names are masked"]  # and it says so
    assert referred == [(f"{NAMES[0]}: case #1", "Open the case")]
    assert supporters == [f"{NAMES[2]}: supporter #2"]


async def test_help_lists_every_key_of_the_screen(populated: Path) -> None:
    app = P2PApp(populated, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = text_of(app, "#help-text")  # all of it, some below the fold (the box scrolls)
        for words in ("Why urgent", "Do it", "Snooze", "Privacy", "Lock", "Ctrl+P"):
            assert words in text, words
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("ctrl+q")


async def test_today_shows_the_queue_its_terms_and_marks_done(populated: Path) -> None:
    app = P2PApp(populated, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        text = screen_text(pilot)
        assert "match a supporter" in text and "first contact" in text
        assert "OVERDUE" in text  # the first contact was due 2 working days after a match a week ago
        for name in NAMES:
            assert name not in text  # the queue names no one
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        keys = list(screen.items)
        first_contact = next(i for i, k in enumerate(keys) if k.endswith(":no_first_contact"))
        table = screen.query_one("#queue")
        table.move_cursor(row=first_contact)  # type: ignore[attr-defined]
        await pilot.press("space")
        assert "urgency" in screen_text(pilot) and "overdue" in screen_text(pilot)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDialog))
        assert "by email" in screen_text(pilot)  # pre-filled with the physician's preferred mode
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await wait_for(pilot, lambda: "first contact" not in screen_text(pilot))
        assert app.store is not None
        with app.store.lock:
            assert [(c.mode, c.contact_on) for c in Contact.select()] == [("email", TODAY)]
        await pilot.press("ctrl+q")


async def test_snooze_needs_a_reason_takes_a_date_and_is_counted(populated: Path) -> None:
    app = P2PApp(populated, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        before = len(app.screen.items)  # type: ignore[attr-defined]
        await pilot.press("z")
        await wait_for(pilot, lambda: isinstance(app.screen, SnoozeDialog))
        assert app.screen.query_one("#until", Input).value == "2026-11-25"  # a week, unless changed
        await pilot.press("enter")  # no reason yet: Enter opens the list of reasons
        await pilot.press("escape", "escape")  # close the list, then the dialog: no snooze
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert len(app.screen.items) == before  # type: ignore[attr-defined]
        await pilot.press("z")
        await wait_for(pilot, lambda: isinstance(app.screen, SnoozeDialog))
        await pilot.press("enter", "down", "enter")  # the first reason
        app.screen.query_one("#until", Input).value = "2026-12-30"  # past the 30 days allowed
        await pilot.press("enter")
        await wait_for(pilot, lambda: "at most 30 days" in screen_text(pilot))
        assert isinstance(app.screen, SnoozeDialog)  # kept open, the date as typed
        app.screen.query_one("#until", Input).value = "2026-11-30"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await wait_for(pilot, lambda: len(app.screen.items) == before - 1)  # type: ignore[attr-defined]
        assert "1 snoozed, not shown" in screen_text(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: "snoozed to 2026-11-30" in screen_text(pilot))
        assert len(app.screen.items) == before  # type: ignore[attr-defined]
        assert app.store is not None
        with app.store.lock:
            assert [(z.until, z.reason) for z in Snooze.select()] == [(date(2026, 11, 30), "awaiting_reply")]
        await pilot.press("ctrl+q")


async def test_cases_filter_and_open(populated: Path) -> None:
    app = P2PApp(populated, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        assert "1–2 of 2" in screen_text(pilot)
        await pilot.press("slash")
        await pilot.press(*"FERRED")  # any part of the name, any case
        await wait_for(pilot, lambda: "1–1 of 1" in screen_text(pilot))
        await pilot.press("enter")  # back to the table
        await pilot.press("enter")  # open the case
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert NAMES[0] in screen_text(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("ctrl+q")


async def test_privacy_mode_hides_every_name_on_every_screen(populated: Path) -> None:
    app = P2PApp(populated, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        await pilot.press("f8")
        assert "PRIVACY MODE" in screen_text(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        text = screen_text(pilot)
        assert "search off: names masked" in text  # it says what it hides
        assert "Kings" in text and "mid career" in text  # masked rows stay distinguishable
        await pilot.press("slash")
        await wait_for(
            pilot, lambda: any("names are masked" in str(n.message) for n in compat.notifications(app))
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        text = screen_text(pilot)
        assert "quinn@example.org" not in text and "902-555-0199" not in text
        for name in NAMES:
            assert name not in text, name
        await pilot.press("escape", "f7")  # the intake's find-as-you-type says it is off
        await wait_for(pilot, lambda: type(app.screen).__name__ == "IntakeScreen")
        await pilot.press(*"Quinn")
        await wait_for(pilot, lambda: "off while names are masked" in screen_text(pilot))
        assert NAMES[0] not in screen_text(pilot).replace("Quinn", "")
        await pilot.press("escape")  # typed in: asked before it is thrown away
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog")
        await pilot.press("enter", "f3")
        screens = [app.screen]
        await pilot.press("f8")
        await wait_for(pilot, lambda: NAMES[0] in screen_text(pilot))
        assert screens
        await pilot.press("ctrl+q")


async def test_auto_lock_after_the_idle_time(populated: Path) -> None:
    now = [1000.0]
    app = P2PApp(populated, passphrase=PASSPHRASE, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        assert app.autolock_seconds == 5 * 60
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        now[0] += 299
        await app.check_autolock()
        assert app.store is not None  # not yet
        now[0] += 2
        await app.check_autolock()
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.store is None
        assert len(app.screen_stack) == 2  # every screen that showed a name is gone
        assert not app.query("AreaScreen") and not app._area_keys  # noqa: SLF001 - none kept either
        for name in NAMES:
            assert name not in screen_text(pilot)
        assert app.check_action("command_palette", ()) is False  # the lock screen offers no palette
        assert "palette" not in screen_text(pilot)
        await wait_for(pilot, lambda: bool(app.screen.query("#secret")))
        app.screen.query_one("#secret").value = PASSPHRASE  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))  # back where we were
        await pilot.press("ctrl+q")


async def test_a_failed_save_shows_the_error_and_keeps_the_data(
    populated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import p2p_tui.vault.file as vault_file

    real_replace = os.replace
    broken = [True]

    def failing_replace(src: Any, dst: Any) -> None:
        if broken[0] and str(src).endswith(".tmp"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(src, dst)

    monkeypatch.setattr(vault_file.os, "replace", failing_replace)
    app = P2PApp(populated, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        assert app.store is not None
        with app.store.atomic():
            settings.put("retention_days", 120)
        await wait_for(pilot, lambda: "NOT SAVED" in screen_text(pilot))
        assert any("No space left on device" in str(n.message) for n in compat.notifications(app))
        with app.store.lock:
            assert settings.get("retention_days") == 120  # kept in memory
        broken[0] = False
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "NOT SAVED" not in screen_text(pilot) and "saved" in screen_text(pilot))
        await pilot.press("ctrl+q")
    reopened = Store.open(populated, PASSPHRASE)
    try:
        assert settings.get("retention_days") == 120
    finally:
        reopened.close()


def test_case_page_safety_is_one_key_from_any_case(populated: Path) -> None:
    assert any(b.key == "exclamation_mark" for b in CaseScreen.BINDINGS)  # type: ignore[union-attr]
    assert lifecycle.TRANSITIONS  # the state machine the page offers


async def test_names_that_look_like_markup_never_break_a_screen(vault_path: Path) -> None:
    odd = "Kim [/] [b]Bold"
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    today = TODAY
    with store.atomic():
        roster.add_supporter(
            roster.SupporterInput(
                PhysicianInput("Lu [red]Sup", "late", "Queens", email="lu@example.org"), status="active"
            )
        )
        case = intake.create_referral(
            ReferralInput(
                PhysicianInput(odd, "mid", "Kings", email="kim@example.org"),
                today,
                "reach_in",
                "self",
                ("burnout",),
            ),
            on=today,
        )
        lifecycle.set_logistics_note(case.id, "call [i]after[/i] 5")
    store.close()
    app = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        await pilot.press("f3")
        await wait_for(pilot, lambda: odd in screen_text(pilot))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await wait_for(pilot, lambda: "call [i]after[/i] 5" in screen_text(pilot))
        await pilot.press("m")
        await wait_for(pilot, lambda: "Lu [red]Sup" in screen_text(pilot))
        await pilot.press("escape", "escape", "f7")
        await pilot.press("k", "i")
        await wait_for(pilot, lambda: "on file" in screen_text(pilot))
        await pilot.press("ctrl+q")


async def test_the_intake_form_starts_empty_each_time_and_is_gone_after_lock(populated: Path) -> None:
    from textual.widgets import Input as TextInput

    from p2p_tui.tui.screens.intake import IntakeScreen

    app = P2PApp(populated, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        await pilot.press("Z", "e", "d")
        assert app.screen.query_one("#name", TextInput).value == "Zed"
        await pilot.press("escape")  # filled: it asks before throwing the input away
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog")
        await pilot.press("escape")  # keep editing
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        assert app.screen.query_one("#name", TextInput).value == "Zed"
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmDialog")
        await pilot.press("enter")  # throw it away
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        assert app.screen.query_one("#name", TextInput).value == ""
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert not app.query("IntakeScreen")
        await pilot.press("ctrl+q")


def test_a_crash_report_shows_where_never_what() -> None:
    from p2p_tui.tui.app import crash_report

    def failing() -> None:
        who = NAMES[0]  # a local an ordinary traceback would print
        raise ValueError(f"failed for {who}")

    try:
        failing()
    except ValueError as exc:
        report = crash_report(exc)
    assert "ValueError" in report and "in failing" in report
    assert NAMES[0] not in report


async def test_the_console_uses_the_crash_report(populated: Path) -> None:
    class Crashing(P2PApp):
        def action_crash(self) -> None:
            raise ValueError(NAMES[0])

    app = Crashing(populated, passphrase=PASSPHRASE)
    shown: list[RenderableType] = []
    compat.capture_exit_output(app, shown)
    with pytest.raises(ValueError):
        async with app.run_test(size=SIZE) as pilot:
            await opened(pilot, app)
            app.bind("f12", "crash")
            await pilot.press("f12")
            await pilot.pause()
    text = "\n".join(str(r) for r in shown)
    assert "ValueError" in text and NAMES[0] not in text


async def test_nothing_reaches_the_clipboard(populated: Path) -> None:
    from textual.widgets import Input as TextInput

    from p2p_tui.tui.screens.intake import IntakeScreen

    app = P2PApp(populated, passphrase=PASSPHRASE)
    written: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot, app)
        terminal = compat.driver(app)  # what goes to the terminal
        real_write = terminal.write
        terminal.write = lambda data: (written.append(data), real_write(data))[1]  # type: ignore[method-assign]
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        app.screen.query_one("#name", TextInput).value = NAMES[0]
        await pilot.press("ctrl+a", "ctrl+c")  # select all, copy
        await pilot.press("ctrl+x")  # cut
        await pilot.pause()
        assert app.clipboard == ""
        assert not any("\x1b]52" in chunk for chunk in written)
        assert not P2PApp.ALLOW_SELECT
        await pilot.press("escape", "ctrl+q")


async def test_every_table_shows_text_cells_as_written() -> None:
    from textual.app import App

    from p2p_tui.tui.widgets.table import Table

    class One(App[None]):
        def compose(self) -> Any:
            yield Table(id="t")

    app = One()
    async with app.run_test() as pilot:
        table = app.query_one("#t", Table)
        table.add_columns("name")
        table.add_row("Kim [/] [b]Bold", key="1")  # as plain str: would raise MarkupError if parsed
        await pilot.pause()
        assert str(table.get_row_at(0)[0]) == "Kim [/] [b]Bold"
