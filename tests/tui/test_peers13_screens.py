"""By keys at 80x24: a wellbeing check-in on a supporter's page (a break sets unavailable until), and
the match screen's outside match. Escape on a confirmation records nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable

from p2p_tui.services import clock
from p2p_tui.services.cases import intake
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.people import roster
from p2p_tui.store import Store
from p2p_tui.store.models import Match, Referral, Supporter, WellbeingCheckIn
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.entry import EntryDialog
from p2p_tui.tui.dialogs.peers import OutsideDialog
from p2p_tui.tui.screens.match import MatchScreen
from p2p_tui.tui.screens.roster import RosterScreen
from p2p_tui.tui.screens.supporter import SupporterScreen
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.tui.conftest import AppFactory
from tests.tui.keys import fill, wait_for
from tests.tui.test_roster_screens import choose, open_area, stored

SIZE = (80, 24)


def make_vault(path: Path, *, with_supporter: bool) -> tuple[int, int]:
    """A vault with an active supporter (or none) and a new self-referral; (supporter id, case id)."""
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        sid = 0
        if with_supporter:
            person = PhysicianInput("Wren Holloway", "late", "Prince", email="wren@example.org")
            sid = roster.add_supporter(roster.SupporterInput(person, status="active")).id
        patient = PhysicianInput("Doctor Testname", "mid", "Kings", email="doc@example.org")
        rid = intake.create_referral(
            ReferralInput(patient, clock.today(), "reach_in", "self", ("burnout",))
        ).id
    store.close()
    return sid, rid


async def test_a_wellbeing_check_in_by_keys_sets_a_break(make_app: AppFactory, vault_path: Path) -> None:
    sid, _rid = make_vault(vault_path, with_supporter=True)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    until = clock.today() + timedelta(weeks=4)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, "f4", RosterScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterScreen))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await choose(pilot, "wants_break")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryDialog))
        await fill(pilot, until.isoformat())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        shown = str(app.screen.query_one("#confirm-lines").render())
        assert "wants a break" in shown and f"until {until.isoformat()}" in shown
        await pilot.press("escape")  # nothing recorded
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterScreen))
        assert stored(app, lambda: WellbeingCheckIn.select().count()) == 0
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await choose(pilot, "wants_break")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryDialog))
        await fill(pilot, until.isoformat())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: stored(app, lambda: WellbeingCheckIn.select().count()) == 1)
        assert stored(app, lambda: Supporter.get_by_id(sid).unavailable_until) == until
        await wait_for(pilot, lambda: app.screen.query_one("#check-ins", DataTable).row_count == 1)
        row = [str(c) for c in app.screen.query_one("#check-ins", DataTable).get_row_at(0)]
        assert row == [clock.today().isoformat(), "wants a break", until.isoformat()]
        await pilot.press("ctrl+q")


async def test_the_match_screen_matches_outside_the_program(make_app: AppFactory, vault_path: Path) -> None:
    _sid, rid = make_vault(vault_path, with_supporter=False)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, "f4", RosterScreen)
        app.push_screen(MatchScreen(rid))
        await wait_for(pilot, lambda: isinstance(app.screen, MatchScreen))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OutsideDialog))
        await pilot.press("ctrl+s")  # the PHP, no eligible supporter (the roster is empty)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        shown = str(app.screen.query_one("#confirm-lines").render())
        assert "Physician Health Program" in shown and "no eligible supporter" in shown
        await pilot.press("enter")
        await wait_for(pilot, lambda: stored(app, lambda: Referral.get_by_id(rid).status) == "matched")
        match = stored(app, lambda: Match.get())
        assert match.supporter_id is None and match.outside_resource == "php"  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: not isinstance(app.screen, MatchScreen))
        await pilot.press("ctrl+q")
