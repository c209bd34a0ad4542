"""Hostile text in the console (issue 9, items 2 and 3): an old vault's control characters never reach
the terminal, and a supporter who may be the referred physician waits for the coordinator's word."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Button, SelectionList

from p2p_tui.services import common
from p2p_tui.services.cases import intake, lifecycle, same_person
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.people import roster
from p2p_tui.store import Store
from p2p_tui.store.models import Physician, Referral
from p2p_tui.tui import compat
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.screens.case import CaseScreen
from p2p_tui.tui.screens.intake import IntakeScreen
from p2p_tui.tui.screens.match import MatchScreen
from p2p_tui.tui.screens.supporter import SupporterScreen
from p2p_tui.tui.screens.today import TodayScreen
from p2p_tui.tui.widgets.table import Table
from tests.conftest import CHEAP_KDF, PASSPHRASE, TODAY
from tests.tui.keys import choose, fill, screen_text, wait_for
from tests.tui.test_day import tab_to

SIZE = (120, 36)
TITLE = "\x1b]0;owned\x07"  # sets the terminal's title
CLIPBOARD = "\x1b]52;c;ZWNobyBoaQ==\x07"  # writes the clipboard (OSC 52)


def raw_svg(app: P2PApp) -> str:
    return app.export_screenshot()


def has_control(text: str) -> bool:
    return bool(common.CONTROL.search(text.replace("\n", "")))


async def test_an_old_vault_with_control_characters_in_names_prints_them_neutralised(
    vault_path: Path,
) -> None:
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        sup = roster.add_supporter(
            roster.SupporterInput(
                PhysicianInput("Lu Sup", "late", "Queens", email="lu@example.org"), "active"
            )
        )
        case = intake.create_referral(
            ReferralInput(PhysicianInput("Kim Ref", "mid", "Kings"), TODAY, "reach_in", "self", ("burnout",)),
            on=TODAY,
        )
        # as a vault written before the refusal holds them (or one edited by hand)
        Physician.update(name=f"Kim{TITLE} Ref\u202e", specialty="ER\x9b2J").where(
            Physician.id == case.physician_id
        ).execute()
        Physician.update(name=f"Lu{CLIPBOARD} Sup\x85").where(Physician.id == sup.physician_id).execute()
        Referral.update(logistics_note="call\x1b[2J Tue").where(Referral.id == case.id).execute()
    store.close()
    app = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("f3")  # cases
        await wait_for(pilot, lambda: "Kim" in screen_text(pilot))
        assert not has_control(raw_svg(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await wait_for(pilot, lambda: "Tue" in screen_text(pilot))
        assert not has_control(raw_svg(app))
        assert "\ufffd" in screen_text(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MatchScreen) and "Lu" in screen_text(pilot))
        assert not has_control(raw_svg(app))
        app.open_supporter(sup.id)
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterScreen) and "Lu" in screen_text(pilot))
        assert not has_control(raw_svg(app))
        await pilot.press("ctrl+q")


async def test_the_shared_table_never_shows_a_control_character() -> None:
    from rich.text import Text
    from textual.app import App

    class One(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Table(id="t")

    app = One()
    async with app.run_test() as pilot:
        table = app.query_one("#t", Table)
        table.add_columns("name", "styled")
        table.add_row(f"Ann{TITLE}Lee", Text(f"Bo{CLIPBOARD}b", style="dim"), key="1")
        await pilot.pause()
        plain, styled = table.get_row_at(0)
        assert str(plain) == "Ann\ufffd]0;owned\ufffdLee"
        assert not has_control(str(styled)) and styled.style == "dim"  # type: ignore[attr-defined]


def make_vault(vault_path: Path) -> tuple[int, int, int]:
    """A supporter, Sam Lee, referred under another email; and another supporter."""
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        me = roster.add_supporter(
            roster.SupporterInput(
                PhysicianInput("Sam Lee", "late", "Queens", email="sam@clinic.test"), "active"
            )
        )
        other = roster.add_supporter(
            roster.SupporterInput(
                PhysicianInput("Ola Other", "late", "Prince", email="ola@clinic.test"), "active"
            )
        )
        case = intake.create_referral(
            ReferralInput(
                PhysicianInput("Sam Lee", "mid", "Kings", email="sam.lee@home.test"),
                TODAY - timedelta(days=1),
                "reach_in",
                "self",
                ("burnout",),
            ),
            on=TODAY,
        )
    store.close()
    return int(case.id), int(me.id), int(other.id)


async def test_a_supporter_who_may_be_the_physician_is_greyed_and_cleared_by_2(vault_path: Path) -> None:
    case_id, me, _other = make_vault(vault_path)
    app = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        app.open_case(case_id)
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await wait_for(pilot, lambda: "may be 1 of the supporters" in screen_text(pilot))
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MatchScreen))
        screen = app.screen
        assert isinstance(screen, MatchScreen)
        table = screen.query_one("#candidates", Table)
        assert screen.ranked[0].supporter_id != me  # no longer first for their own case
        assert "They are two people" not in screen_text(pilot)  # 2 only on the flagged one
        row = next(i for i, c in enumerate(screen.ranked) if c.supporter_id == me)
        table.move_cursor(row=row)
        await wait_for(pilot, lambda: "confirm they are two people first" in screen_text(pilot))
        await wait_for(
            pilot, lambda: "They are two people" in screen_text(pilot)
        )  # the footer shows the key now
        await pilot.press("enter")  # cannot be chosen: nothing recorded
        await pilot.pause()
        assert isinstance(app.screen, MatchScreen)
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        text = screen_text(pilot)
        assert f"case #{case_id}" in text and f"Supporter #{me}" in text and text.count("Sam Lee") >= 2
        await pilot.press("escape")  # cancel: still flagged
        await wait_for(pilot, lambda: isinstance(app.screen, MatchScreen))
        assert next(c for c in screen.ranked if c.supporter_id == me).may_be_self
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MatchScreen))
        await wait_for(pilot, lambda: next(c for c in screen.ranked if c.supporter_id == me).eligible)
        assert app.store is not None
        with app.store.lock:
            assert same_person.flagged(case_id) == ()
        await pilot.press("escape", "ctrl+q")


async def test_intake_warns_after_save_when_the_physician_may_be_a_supporter(vault_path: Path) -> None:
    make_vault(vault_path)
    app = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        await fill(pilot, "Ola\u00a0Other")  # a supporter's name, with a no-break space
        await tab_to(pilot, "email")
        await fill(pilot, "ola.other@home.test")
        await choose(pilot, "#career_stage", "mid")
        await choose(pilot, "#county", "Kings")
        await choose(pilot, "#pathway", "reach_in")
        await choose(pilot, "#source", "self")
        app.screen.query_one("#stressors", SelectionList).focus()
        await pilot.press("space")
        assert not app.screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await wait_for(pilot, lambda: "may be 1 of the supporters" in screen_text(pilot))  # the case page
        warned = [n for n in compat.notifications(app) if n.severity == "warning"]  # the toasts
        assert len(warned) == 1 and "The physician may be a supporter" in warned[0].message
        assert "key 2" in warned[0].message and "Ola" not in warned[0].message  # no name in a toast
        assert app.store is not None
        with app.store.lock:
            newest = Referral.select().order_by(Referral.id.desc()).first()
            assert len(same_person.flagged(newest.id)) == 1
            assert lifecycle.get_referral(newest.id).physician.name == "Ola Other"
        await pilot.press("ctrl+q")
