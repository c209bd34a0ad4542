"""The coordinator's whole day, by keys, on a new vault: create it, take a referral, match it, record
the first contact and the follow-up, answer the survey, close the case, and see the queue empty."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, SelectionList

from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.people import roster
from p2p_tui.store import settings
from p2p_tui.store.models import Contact, Match, Physician, Referral, Survey
from p2p_tui.tui import compat
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.contact import ContactDialog
from p2p_tui.tui.dialogs.recovery_code import RecoveryCodeDialog
from p2p_tui.tui.dialogs.survey import SurveyDialog
from p2p_tui.tui.screens.case import CaseScreen
from p2p_tui.tui.screens.intake import IntakeScreen
from p2p_tui.tui.screens.match import MatchScreen
from p2p_tui.tui.screens.today import TodayScreen
from tests.conftest import PASSPHRASE
from tests.tui.conftest import AppFactory
from tests.tui.keys import choose, fill, screen_text, text_of, wait_for

SIZE = (120, 36)


async def tab_to(pilot: Pilot[None], widget_id: str, limit: int = 30) -> None:
    """Press Tab until the widget with this id has focus."""
    for _ in range(limit):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"never reached #{widget_id}")


async def test_the_whole_day_by_keys(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        # create the vault
        await fill(pilot, PASSPHRASE)
        await pilot.press("enter")
        await fill(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryCodeDialog))
        await pilot.press("tab", "space", "tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert "queue is empty" in screen_text(pilot)

        # the roster (its own screens are tested elsewhere)
        assert app.store is not None
        with app.store.atomic():
            for name, stage, county in (
                ("Rae Supporter", "mid", "Queens"),
                ("Lee Supporter", "late", "Prince"),
            ):
                email = name.split()[0].lower() + "@example.org"
                roster.add_supporter(
                    roster.SupporterInput(PhysicianInput(name, stage, county, email=email), status="active")
                )

        # take a referral
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        await fill(pilot, "Dana Referred")
        await tab_to(pilot, "email")
        await fill(pilot, "dana@example.org")
        await choose(pilot, "#career_stage", "mid")
        await choose(pilot, "#county", "Kings")
        await choose(pilot, "#pathway", "reach_in")
        await choose(pilot, "#source", "self")
        app.screen.query_one("#stressors", SelectionList).focus()
        await pilot.press("space")  # adverse event
        assert not app.screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "Dana Referred" in screen_text(pilot)

        # match it
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MatchScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "MATCHED" in screen_text(pilot)

        # first contact, then the follow-up check-in
        for status in ("CONTACTED", "FOLLOWED UP"):
            await pilot.press("c")
            await wait_for(pilot, lambda: isinstance(app.screen, ContactDialog))
            await pilot.press("enter")  # pre-filled: today, the preferred mode; Enter records it
            await wait_for(pilot, lambda s=status: s in screen_text(pilot))  # type: ignore[misc]

        # the supporter's survey
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, SurveyDialog))
        await tab_to(pilot, "record")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))

        # close the case, under a retention of 0 days: the dialog says the name goes at once
        with app.store.atomic():
            settings.put("retention_days", 0)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("enter")  # "Close the case" is first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))  # it ends the match: asked
        said = " ".join(screen_text(pilot).split())
        assert "Purged at once: the physician's name and contacts" in said
        assert "Ctrl+Z cannot bring them back" in said
        await pilot.press("enter")
        await wait_for(pilot, lambda: "CLOSED" in screen_text(pilot))
        assert any("cannot be undone" in str(n.message) for n in compat.notifications(app))
        await pilot.press("ctrl+z")  # a purge is final: refused, with why
        await wait_for(
            pilot, lambda: any("purge is final" in str(n.message) for n in compat.notifications(app))
        )
        with app.store.lock:
            assert (
                Referral.get().status == "closed"
                and Physician.get_by_id(Referral.get().physician_id).name == ""
            )

        # the queue is empty again
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert "queue is empty" in screen_text(pilot)

        with app.store.lock:
            referral = Referral.get()
            assert referral.status == "closed"
            assert Match.select().count() == 1
            assert [c.kind for c in Contact.select().order_by(Contact.id)] == ["initial", "follow_up"]
            assert Survey.select().count() == 1
        await pilot.press("ctrl+q")
    assert app.store is None  # saved and closed


async def test_the_intake_form_shows_errors_beside_fields(make_app: AppFactory, vault_path: Path) -> None:
    from p2p_tui.store import Store
    from tests.conftest import CHEAP_KDF

    Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)[0].close()
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        save = app.screen.query_one("#save", Button)
        assert save.disabled
        await tab_to(pilot, "email")
        await fill(pilot, "not-an-email")
        assert "like name@example.org" in screen_text(pilot)
        app.screen.query_one("#email", Input).value = ""
        await choose(pilot, "#pathway", "reach_out")
        await pilot.pause()
        offered = compat.select_values(app.screen.query_one("#source", Select))
        assert [v for v in offered if isinstance(v, str)] == [
            "media",
            "leadership",
            "colleague",
            "other",
        ]  # only the pathway's sources
        await choose(pilot, "#source", "leadership")
        assert app.screen.query_one("#consent-row").display  # consent asked where it is needed
        await choose(pilot, "#source", "media")
        assert not app.screen.query_one("#consent-row").display
        assert "Still needed: name" in text_of(app, "#form-error")
        assert save.disabled
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("ctrl+q")
