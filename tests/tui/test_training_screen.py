"""Training & Community of Practice, driven by keys: add an event, record attendance, and the
honorarium shown is hours × rate (support itself is never paid)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, DataTable, Input, SelectionList, Static

from p2p_tui.services import clock
from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.people import roster, training
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store
from p2p_tui.store.models import Attendance, TrainingEvent
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.dialogs.attendance import AttendanceDialog
from p2p_tui.tui.dialogs.event_form import EventFormDialog
from p2p_tui.tui.screens.supporter import SupporterScreen
from p2p_tui.tui.screens.training import TrainingScreen
from p2p_tui.tui.screens.unlock import UnlockScreen
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.tui.conftest import AppFactory
from tests.tui.keys import fill, wait_for

SIZE = (120, 36)


def text_of(app: P2PApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def cells(table: DataTable[object]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]


def make_vault(path: Path) -> dict[str, int]:
    """Two supporters who may attend (active, in training) and one who may not (retired)."""
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    ids = {}
    with store.atomic():
        for name, status in (
            ("Ann Active", "active"),
            ("Tim Trainee", "in_training"),
            ("Rex Retired", "retired"),
        ):
            person = PhysicianInput(name, "mid", "Kings", email=f"{name.split()[0].lower()}@example.org")
            ids[name] = roster.add_supporter(SupporterInput(person, status=status)).id
    store.close()
    return ids


async def test_add_an_event_record_attendance_and_see_the_honoraria(
    make_app: AppFactory, vault_path: Path
) -> None:
    ids = make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store is not None and not isinstance(app.screen, UnlockScreen))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
        quarter = Quarter.of(clock.today())
        assert str(quarter) in text_of(app, "#quarter-title")
        assert "volunteer and never paid" in text_of(app, "#volunteer-note")
        # add an event: hours refused beside the field, then fixed; the rate defaults to the setting
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EventFormDialog))
        assert app.screen.query_one("#rate", Input).value == "100.00"
        await pilot.press("tab", "tab")  # kind, held on, hours
        await fill(pilot, "2.6")
        assert "quarter hours" in text_of(app, "#hours-error")
        assert app.screen.query_one("#save", Button).disabled
        await fill(pilot, "2.5")
        assert text_of(app, "#hours-error") == ""
        await pilot.press("tab")
        await fill(pilot, "Spring workshop")
        await pilot.press("tab")
        await fill(pilot, "120.50")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
        events = app.screen.query_one("#events", DataTable)
        await wait_for(pilot, lambda: events.row_count == 1)
        assert cells(events)[0][2:] == ["Spring workshop", "2.5", "$120.50/h", "0"]
        # Enter on the event: tick both who may attend; hours default to the event's
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AttendanceDialog))
        people = app.screen.query_one("#people", SelectionList)
        assert people.option_count == 2  # the retired supporter is not offered
        assert app.screen.query_one("#hours", Input).value == "2.5"
        assert isinstance(app.focused, SelectionList)
        await pilot.press("space", "down", "space")
        await wait_for(pilot, lambda: len(people.selected) == 2)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
        assert app.store is not None
        with app.store.lock:
            recorded = sorted((a.supporter_id, a.hours) for a in Attendance.select())
            event = TrainingEvent.get()
            lines = training.honoraria(quarter)
        assert recorded == [(ids["Ann Active"], 2.5), (ids["Tim Trainee"], 2.5)]
        assert (event.hours, event.rate) == (2.5, 120.5)
        honoraria = cells(app.screen.query_one("#honoraria", DataTable))
        assert honoraria == [["Ann Active", "2.5", "$301.25"], ["Tim Trainee", "2.5", "$301.25"]]
        assert [line.amount for line in lines] == [2.5 * 120.5] * 2
        assert cells(events)[0][-1] == "2"
        totals = text_of(app, "#training-totals")
        assert "training 5 h" in totals and "$602.50" in totals
        # untick one: their attendance goes
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AttendanceDialog))
        await pilot.press("down", "space", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
        await wait_for(pilot, lambda: cells(events)[0][-1] == "1")
        # the honoraria table opens a supporter's page, which shows the same amount
        app.screen.query_one("#honoraria", DataTable).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SupporterScreen))
        assert "$301.25" in text_of(app, "#attendance-summary")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
        # quarters: the previous one is empty, the next brings the event back
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: str(quarter.previous()) in text_of(app, "#quarter-title"))
        assert events.row_count == 0
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: events.row_count == 1)
        await pilot.press("ctrl+q")
