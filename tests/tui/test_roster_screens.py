"""The roster and a supporter's page, driven by keys: add, open, status, pause, capacity, conflicts,
nominations, and privacy mode masking every name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, OptionList, Select, Static

from p2p_tui.services import clock
from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.store import Store
from p2p_tui.store.models import Conflict, Nomination, Supporter
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.conflict import ConflictDialog
from p2p_tui.tui.dialogs.entry import EntryDialog
from p2p_tui.tui.dialogs.supporter_form import SupporterFormDialog
from p2p_tui.tui.screens.roster import RosterScreen
from p2p_tui.tui.screens.supporter import SupporterScreen
from p2p_tui.tui.screens.unlock import UnlockScreen
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.tui.conftest import AppFactory
from tests.tui.keys import fill, wait_for

SIZE = (120, 36)
# surnames that appear nowhere else on screen, so their absence proves the masking
ADA = ("Ada Quorn", "ada.quorn@example.org", "902 555 0101")
NOMINATOR = "Bea Nominatrix"
EVALUEE = "Cyrus Evaluee"


async def open_area(pilot: Pilot[None], key: str, screen: type) -> None:
    """Wait for the unlock, then go to an area by its F-key."""
    app = pilot.app
    assert isinstance(app, P2PApp)
    await wait_for(pilot, lambda: app.store is not None and not isinstance(app.screen, UnlockScreen))
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, screen))


def text_of(app: P2PApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def screen_text(app: P2PApp) -> str:
    """Every Static's text and every table cell of the screen on top."""
    parts = []
    for widget in app.screen.query("*"):
        if isinstance(widget, DataTable):
            for row in range(widget.row_count):
                parts.extend(str(cell) for cell in widget.get_row_at(row))
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return "\n".join(parts)


def make_vault(path: Path) -> int:
    """A vault with one supporter in training (nominated by a colleague) and a conflict; their id."""
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        name, email, phone = ADA
        made = roster.add_supporter(
            SupporterInput(
                PhysicianInput(name, "late", "Prince", email=email, phone=phone),
                status="in_training",
                nominated_by=NOMINATOR,
            )
        )
        roster.add_conflict(made.id, EVALUEE, "evaluates")
    store.close()
    return made.id


def stored(app: P2PApp, query: Callable[[], object]) -> object:
    assert app.store is not None
    with app.store.lock:
        return query()


async def test_add_a_supporter_by_keys(make_app: AppFactory, vault_path: Path) -> None:
    make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, "f4", RosterScreen)
        assert app.screen.query_one("#roster", DataTable).row_count == 1
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterFormDialog))
        await fill(pilot, "Orla Vantongeren")
        await pilot.press("tab")
        await fill(pilot, "not-an-email")
        assert "name@example.org" in text_of(app, "#email-error")
        assert app.screen.query_one("#save", Button).disabled
        app.screen.query_one("#email", Input).value = ""
        await fill(pilot, "orla@example.org")
        assert text_of(app, "#email-error") == ""
        await pilot.press("tab", "tab")  # phone stays empty; to career stage
        assert isinstance(app.focused, Select) and app.focused.id == "career_stage"
        await pilot.press("enter", "down", "down", "enter")  # blank, early, mid
        await pilot.press("tab", "enter", "down", "enter")  # the first county
        assert app.screen.query_one("#career_stage", Select).value == "mid"
        assert app.screen.query_one("#county", Select).value == "Kings"
        assert not app.screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
        await wait_for(pilot, lambda: app.screen.query_one("#roster", DataTable).row_count == 2)
        assert stored(app, lambda: Supporter.select().count()) == 2
        assert "Orla Vantongeren" in screen_text(app)
        await pilot.press("ctrl+q")


async def test_the_service_refusal_reopens_the_form_with_the_reason(
    make_app: AppFactory, vault_path: Path
) -> None:
    make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, "f4", RosterScreen)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterFormDialog))
        await pilot.press("escape")
        # the county was removed from Settings while the form was open: the service says so
        bad = SupporterInput(PhysicianInput("Pat Late", "late", "Summerside"), status="active")
        screen.save_supporter(bad)
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterFormDialog))
        await pilot.pause()
        assert "Settings" in text_of(app, "#county-error")
        assert "Not saved" in text_of(app, "#form-error")
        assert app.screen.query_one("#name", Input).value == "Pat Late"
        await pilot.press("escape")
        assert stored(app, lambda: Supporter.select().count()) == 1
        await pilot.press("ctrl+q")


async def choose(pilot: Pilot[None], value: str) -> None:
    """Pick an option of the ChoiceDialog on top by its value, with the arrow keys and Enter."""
    options = pilot.app.screen.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    target = ids.index(value)
    while options.highlighted != target:
        await pilot.press("down")
    await pilot.press("enter")


async def test_a_supporters_page_by_keys(make_app: AppFactory, vault_path: Path) -> None:
    sid = make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)

    def supporter() -> Supporter:
        return stored(app, lambda: Supporter.get_by_id(sid))  # type: ignore[return-value]

    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, "f4", RosterScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterScreen))
        assert "IN TRAINING" in text_of(app, "#supporter-facts")
        # status: the legal next steps only
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == list(
            roster.STATUS_STEPS["in_training"]
        )
        await choose(pilot, "active")
        await wait_for(pilot, lambda: supporter().status == "active")
        assert "ACTIVE" in text_of(app, "#supporter-facts")
        # pause: a past date is refused beside the field, a later one saved
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryDialog))
        await fill(pilot, "2001-01-01")
        assert "after today" in text_of(app, "#entry-error")
        assert app.screen.query_one("#save", Button).disabled
        until = clock.today() + timedelta(days=30)
        await fill(pilot, until.isoformat())
        assert text_of(app, "#entry-error") == ""
        await pilot.press("enter")
        await wait_for(pilot, lambda: supporter().unavailable_until == until)
        assert f"unavailable until {until.isoformat()}" in text_of(app, "#supporter-facts")
        # capacity
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryDialog))
        await fill(pilot, "25")
        assert "0 to 20" in text_of(app, "#entry-error")
        await fill(pilot, "3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: supporter().max_active == 3)
        # a conflict added, then the first one removed
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictDialog))
        await fill(pilot, "Dora Declared")
        await pilot.press("tab", "space", "down", "enter")  # kind: declared (Enter would save: valid)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.query_one("#conflicts", DataTable).row_count == 2)
        kinds = stored(app, lambda: sorted(c.kind for c in Conflict.select()))
        assert kinds == ["declared", "evaluates"]
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        first = app.screen.query_one(OptionList).get_option_at_index(0).id
        assert first is not None
        await choose(pilot, first)
        await wait_for(pilot, lambda: stored(app, lambda: Conflict.select().count()) == 1)
        assert stored(app, lambda: Conflict.get().name_key) == "dora declared"
        # a nomination
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryDialog))
        await fill(pilot, "Dana Nominee")
        await pilot.press("enter")
        await wait_for(pilot, lambda: stored(app, lambda: Nomination.select().count()) == 2)
        assert "Dana Nominee" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
        row = app.screen.query_one("#roster", DataTable).get_row_at(0)
        assert [str(c) for c in row[1:6]] == ["active", "0/3", "0", f"away until {until.isoformat()}", "2"]
        await pilot.press("ctrl+q")


async def test_privacy_mode_masks_every_supporter_name(make_app: AppFactory, vault_path: Path) -> None:
    sid = make_vault(vault_path)
    secrets = [*ADA, "Quorn", NOMINATOR, "Nominatrix", "Evaluee", "cyrus"]
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, "f4", RosterScreen)
        assert "Ada Quorn" in screen_text(app)  # the check below would see a name
        await pilot.press("f8")
        await wait_for(pilot, lambda: app.privacy)
        await pilot.pause()
        text, svg = screen_text(app), app.export_screenshot()
        assert f"•••••• #{sid}" in text  # masked rows stay told apart
        for secret in secrets:
            assert secret.lower() not in text.lower()
            assert secret.split()[-1] not in svg
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterScreen))
        await pilot.pause()
        assert f"Supporter #{sid}" in screen_text(app)
        text, svg = screen_text(app), app.export_screenshot()
        for secret in secrets:
            assert secret.lower() not in text.lower()
            assert secret.split()[-1] not in svg
        await pilot.press("f8")  # and back: the page redraws with the names
        await wait_for(pilot, lambda: "Ada Quorn" in screen_text(app))
        assert "cyrus evaluee" in screen_text(app)
        await pilot.press("ctrl+q")


async def test_names_are_shown_as_typed_never_as_markup(make_app: AppFactory, vault_path: Path) -> None:
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    odd = "Kim [/] [b]Brackets"
    with store.atomic():
        made = roster.add_supporter(SupporterInput(PhysicianInput(odd, "mid", "Kings"), status="active"))
        roster.nominate(made.id, "[red]Lou")
        roster.add_conflict(made.id, "Mo [/i]", "declared")
    store.close()
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await open_area(pilot, "f4", RosterScreen)
        assert odd in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterScreen))
        await pilot.pause()
        text = screen_text(app)
        assert odd in text and "[red]Lou" in text and "mo [/i]" in text
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("ctrl+q")
