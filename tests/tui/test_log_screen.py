"""The audit trail in the console (issue 13): the unlock is recorded, F10 lists the trail with field
names and never a name, Enter on a case's entry opens the case, whose page shows its own entries."""

from __future__ import annotations

from pathlib import Path

from p2p_tui.services.admin import audit
from p2p_tui.services.cases import intake, lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.store import Store
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.screens.case import CaseScreen
from p2p_tui.tui.screens.log import LogScreen
from p2p_tui.tui.screens.today import TodayScreen
from tests.conftest import CHEAP_KDF, PASSPHRASE, TODAY
from tests.tui.keys import screen_text, text_of, wait_for

NAME = "Wilhelmina Audittest"


async def test_the_log_screen_and_the_case_pages_own_entries(vault_path: Path) -> None:
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        person = PhysicianInput(NAME, "mid", "Kings", email="wilhelmina@secret.example.org")
        rid = int(intake.create_referral(ReferralInput(person, TODAY, "reach_in", "self", ("burnout",))).id)
        lifecycle.set_logistics_note(rid, "Wilhelmina: mornings")
    store.close()
    app = P2PApp(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await app.workers.wait_for_complete()  # the unlock's entry and the retention check
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))
        await wait_for(pilot, lambda: "Audit trail: 1–6 of 6" in screen_text(pilot))
        text = screen_text(pilot)
        assert "unlocked" in text and "changed case" in text and "logistics note" in text
        assert "Wilhelmina" not in text and "secret" not in text
        await pilot.press("down")  # the newest is the unlock (no case); the next, the note's change
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await wait_for(pilot, lambda: "changed case: logistics note" in text_of(app, "#case-audit"))
        assert "added case" in text_of(app, "#case-audit") and "Wilhelmina" not in text_of(app, "#case-audit")
        assert app.store is not None
        with app.store.lock:
            kinds = [e.kind for e in audit.entries()]
        assert kinds[-1] == "unlock"
        await pilot.press("ctrl+q")
