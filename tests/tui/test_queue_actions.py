"""Nothing about a person is recorded by one key: every queue kind's action on Today shows its form
and records nothing on Escape; Ctrl+Z undoes the last change exactly; a pending consent stops match
and contact on the case page with the reason, before any form opens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from p2p_tui.services.cases import intake, lifecycle, matching, safety
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.people import roster
from p2p_tui.store import Store
from p2p_tui.tui import compat
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.consent import ConsentDialog
from p2p_tui.tui.dialogs.contact import ContactDialog
from p2p_tui.tui.dialogs.survey import SurveyDialog
from p2p_tui.tui.screens.case import CaseScreen
from p2p_tui.tui.screens.match import MatchScreen
from p2p_tui.tui.screens.supporter import SupporterScreen
from p2p_tui.tui.screens.today import TodayScreen
from tests.conftest import CHEAP_KDF, PASSPHRASE, TODAY, data_dump
from tests.tui.keys import screen_text, text_of, wait_for

SIZE = (120, 36)
FORMS = {
    "safety": ConfirmDialog,
    "unmatched": MatchScreen,
    "no_first_contact": ContactDialog,
    "check_in": ContactDialog,
    "survey": SurveyDialog,
    "consent_pending": ConsentDialog,
    "wellbeing": SupporterScreen,  # the safety escalation's supporter: recorded on their page (w)
    "reassign": CaseScreen,  # the case, with what to do (d, then m)
}


def referral(n: int, *, received: int = 10, **kw: Any) -> int:
    person = PhysicianInput(f"Physician Number{n}", "mid", "Kings", email=f"doc{n}@example.org")
    values = {"pathway": "reach_in", "source": "self"} | kw
    data = ReferralInput(person, TODAY - timedelta(days=received), stressors=("burnout",), **values)
    return int(intake.create_referral(data, on=TODAY).id)


def matched(n: int) -> int:
    rid = referral(n)
    matching.confirm_match(rid, matching.rank(rid)[0].supporter_id, on=TODAY - timedelta(days=9))
    return rid


@pytest.fixture
def every_kind(vault_path: Path) -> Iterator[Path]:
    """A vault with one queue item of each kind (and a pending consent's case, #1)."""
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        for i, county in enumerate(("Queens", "Prince", "Queens", "Prince")):
            person = PhysicianInput(f"Supporter Person{i}", "late", county, email=f"s{i}@example.org")
            roster.add_supporter(roster.SupporterInput(person, status="active", max_active=5))
        referral(1, pathway="reach_out", source="leadership", consent="pending")
        referral(2)  # unmatched
        matched(3)  # no first contact
        checked = matched(4)
        lifecycle.record_contact(checked, "initial", "phone", TODAY - timedelta(days=8))
        surveyed = matched(5)
        lifecycle.record_contact(surveyed, "initial", "phone", TODAY - timedelta(days=8))
        lifecycle.record_contact(surveyed, "follow_up", "phone", TODAY - timedelta(days=7))
        safety.escalate(matched(6), "php", on=TODAY - timedelta(days=1), at="10:00")
        evaluated = matched(7)
        sid = lifecycle.active_match(lifecycle.get_referral(evaluated)).supporter_id  # type: ignore[union-attr]
        roster.add_conflict(
            sid, "Physician Number7", physician_id=lifecycle.get_referral(evaluated).physician_id
        )
    store.close()
    yield vault_path


def dump(app: P2PApp) -> list[str]:
    assert app.store is not None
    with app.store.lock:
        return data_dump(app.store.db.raw())


async def on_item(pilot: Any, app: P2PApp, kind: str) -> int:
    """Put Today's cursor on the item of this kind; returns its case id."""
    screen = app.screen
    assert isinstance(screen, TodayScreen)
    keys = list(screen.items)
    row = next(i for i, k in enumerate(keys) if k.endswith(f":{kind}"))
    screen.query_one("#queue").move_cursor(row=row)  # type: ignore[attr-defined]
    await pilot.pause()
    return int(keys[row].split(":")[0].lstrip("s"))  # "s3": supporter 3


async def test_each_queue_kind_shows_its_form_and_escape_records_nothing(every_kind: Path) -> None:
    app = P2PApp(every_kind, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.items)
        assert {k.split(":")[1] for k in app.screen.items} == set(FORMS)  # type: ignore[attr-defined]
        before = dump(app)
        for n, (kind, form) in enumerate(FORMS.items()):
            rid = await on_item(pilot, app, kind)
            await pilot.press("d" if n % 2 else "enter")
            await wait_for(pilot, lambda f=form: isinstance(app.screen, f))  # type: ignore[misc]
            if kind == "survey":  # the form names the case and the supporter, as from the case (v)
                title = app.screen.title_text()  # type: ignore[attr-defined]
                assert f"case #{rid}" in title and "from Supporter Person" in title, title
            if kind == "reassign":
                assert any("Press d to end the match" in n.message for n in compat.notifications(app))
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
            assert dump(app) == before, kind

        # Enter on the pre-filled form records it; Ctrl+Z puts the database back exactly
        rid = await on_item(pilot, app, "no_first_contact")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDialog))
        assert app.focused is not None and app.focused.id == "mode"  # focus on "How"
        date_field = app.screen.query_one("#date", Input)
        date_field.value = "2020-01-01"  # before the referral: refused by the service
        await pilot.press("enter")
        await wait_for(pilot, lambda: "before the referral" in text_of(app, "#date-error"))
        assert isinstance(app.screen, ContactDialog) and date_field.value == "2020-01-01"  # kept open
        assert app.focused is date_field and date_field.cursor_position == len("2020-01-01")
        assert "Not saved" in text_of(app, "#form-error")
        assert dump(app) == before
        date_field.value = TODAY.isoformat()
        await wait_for(pilot, lambda: "Not saved" not in text_of(app, "#form-error"))  # fixed: it goes
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await wait_for(pilot, lambda: f"{rid}:no_first_contact" not in app.screen.items)  # type: ignore[attr-defined]
        assert any("Ctrl+Z undoes it" in n.message for n in compat.notifications(app))
        assert dump(app) != before
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: f"{rid}:no_first_contact" in app.screen.items)  # type: ignore[attr-defined]
        assert dump(app) == before
        assert any(n.message.startswith("Undone: Case #") for n in compat.notifications(app))
        await pilot.press("ctrl+q")


async def test_a_pending_consent_stops_match_and_contact_before_any_form(every_kind: Path) -> None:
    app = P2PApp(every_kind, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.items)
        await on_item(pilot, app, "consent_pending")
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        for key in ("m", "c"):
            app.clear_notifications()
            await pilot.press(key)
            await wait_for(
                pilot, lambda: any("consent is still pending" in n.message for n in compat.notifications(app))
            )
            assert isinstance(app.screen, CaseScreen)  # no match screen, no contact form
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConsentDialog))
        await pilot.press("enter", "down", "down", "enter")  # refused
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await wait_for(pilot, lambda: "DECLINED" in screen_text(pilot))
        await pilot.press("ctrl+q")


def test_the_header_counts_what_is_snoozed_and_says_the_key(store: Store) -> None:
    from p2p_tui.services.cases import followups
    from p2p_tui.tui.screens.today import summary

    with store.atomic():
        roster.add_supporter(
            roster.SupporterInput(
                PhysicianInput("Sam Sup", "late", "Queens", email="s@example.org"), status="active"
            )
        )
        first, second = matched(1), referral(2)
        followups.snooze(first, "no_first_contact", TODAY + timedelta(days=3), "scheduled")
        items = followups.queue(TODAY, include_snoozed=True)
    assert [(i.referral_id, i.snoozed_until) for i in items if i.snoozed_until] == [
        (first, TODAY + timedelta(days=3))
    ]
    assert [i.referral_id for i in followups.queue(TODAY)] == [second]
    assert "1 to do, 1 overdue, 1 snoozed, not shown." in summary(TODAY, items, False)
    assert "1 snoozed, shown." in summary(TODAY, items, True)


async def test_todays_cursor_stays_on_its_item_and_home_and_end_move_it(every_kind: Path) -> None:
    """Issue 10 review: s, a form's Escape or a reload never send the cursor back to the top (the
    next d would act on the SAFETY item); Home and End go to the first and last rows; a snoozed row
    says why it was snoozed."""
    from p2p_tui.services.cases import followups
    from p2p_tui.tui.widgets.table import Table

    store = Store.open(every_kind, PASSPHRASE)
    with store.atomic():
        followups.snooze(referral(8), "unmatched", TODAY + timedelta(days=3), "awaiting_reply")
    store.close()
    app = P2PApp(every_kind, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.items)
        table = app.screen.query_one("#queue", Table)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 > 0
        kept = table.selected_key()
        await pilot.press("s")  # the snoozed item is shown: one row more, the cursor on its item
        await wait_for(pilot, lambda: "snoozed to" in screen_text(pilot))
        assert "awaiting a reply" in screen_text(pilot)
        assert table.selected_key() == kept
        await pilot.press("d")
        await wait_for(pilot, lambda: not isinstance(app.screen, TodayScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("r")
        await pilot.pause()
        assert table.selected_key() == kept
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("ctrl+q")
