"""At 80x24 every screen and dialog fits (issue 11): each visible widget lies inside the terminal, each
dialog's outer box is whole (its border drawn), and no table needs sideways scrolling (its columns are
chosen by priority to fit). One app run walks every screen and dialog, opening and closing each."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable

from p2p_tui.tui import compat, pictures
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.dialogs.row_details import RowDetailsDialog
from p2p_tui.tui.widgets.bars import Bar, Bars
from p2p_tui.tui.widgets.table import Table, fitting

SIZE = (80, 24)
SEEN: list[str] = []  # the screens and dialogs the walk checked, by class name


def scrolled_inside(widget: Widget) -> bool:
    """Whether an ancestor scrolls it (it may then lie partly outside the terminal, legitimately)."""
    return any(
        isinstance(node, Widget) and (node.allow_vertical_scroll or node.allow_horizontal_scroll)
        for node in widget.ancestors
    )


def problems(app: P2PApp) -> list[str]:
    """What does not fit on the screen shown now."""
    screen = app.screen
    whole = Region(0, 0, *SIZE)
    found = []
    for widget in screen.query("*"):
        if not widget.is_on_screen or scrolled_inside(widget):
            continue
        if not whole.contains_region(widget.region):
            found.append(f"{widget!r} at {widget.region} is cut")
    if isinstance(screen, ModalScreen) or screen.query(".dialog-box"):
        for box in screen.query(".dialog-box"):
            if not whole.contains_region(box.region) or box.region.width < 20:
                found.append(f"dialog {box!r} at {box.region}")
    for table in screen.query(DataTable):
        if table.is_on_screen and table.virtual_size.width > table.scrollable_content_region.width:
            found.append(f"table {table.id} needs {table.virtual_size.width} columns")
    return [f"{type(screen).__name__}: {p}" for p in found]


async def step(pilot: Pilot[None], key: str) -> None:
    """Press a key and let the screen it leads to lay out (one pause: dialogs open at once)."""
    await pilot.press(key)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def visit(pilot: Pilot[None], *keys: str, back: int = 1) -> list[str]:
    """Press `keys`, note what does not fit, then press Escape `back` times."""
    app = pilot.app
    assert isinstance(app, P2PApp)
    for key in keys:
        await step(pilot, key)
    found = problems(app)
    SEEN.append(type(app.screen).__name__)
    for _ in range(back):
        await step(pilot, "escape")
    return [f"after {' '.join(keys)}: {p}" for p in found]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    with pictures.frozen_clock():
        return pictures.make_demo_vault(tmp_path)


async def walk(pilot: Pilot[None]) -> list[str]:
    """Every screen and dialog of the unlocked console, in one run."""
    app = pilot.app
    assert isinstance(app, P2PApp)
    found: list[str] = []
    await pictures.play(pictures.Scene("today"), pilot)
    found += problems(app)
    palette = app.screen.query_one("FooterKey.-command-palette")
    if palette.region.right != SIZE[0]:  # a cell left beside it shows a letter of a key under it
        found.append(f"the palette's key ends at {palette.region.right}")
    found += await visit(pilot, "space", back=0)
    found += await visit(pilot, "space", "z")
    found += await visit(pilot, "f1")
    found += await visit(pilot, "f3", back=0)
    cases = app.screen.query_one("#cases", Table)
    assert cases.hidden, "at 80 columns Cases hides some columns"
    await pilot.press("full_stop")
    await pictures.settle(pilot)
    assert isinstance(app.screen, RowDetailsDialog)  # the hidden columns of the highlighted row
    found += await visit(pilot)
    found += await visit(pilot, "f7")
    for status, keys in (
        ("new", ("m",)),
        ("matched", ("c",)),
        ("followed_up", ("v",)),
        ("contacted", ("exclamation_mark", "x", "l")),  # k: no consent is asked on this case
    ):
        await pictures.open_case_in(status)(pilot)
        await pictures.settle(pilot)
        found += [f"case {status}: {p}" for p in problems(app)]
        if status == "new":  # no contact before a match: c says so, no form opens
            await step(pilot, "c")
            assert type(app.screen).__name__ == "CaseScreen"
            assert any("needs a match first" in n.message for n in compat.notifications(app))
        for key in keys:  # each opens a dialog (or the match screen), closed by Escape
            found += await visit(pilot, key)
        await step(pilot, "escape")
    found += await visit(pilot, "f4", back=0)
    found += await visit(pilot, "a")
    found += await visit(pilot, "enter", back=0)
    for key in ("s", "p", "e", "c", "x", "n"):
        found += await visit(pilot, key)
    found += await visit(pilot, "f5", back=0)
    found += await visit(pilot, "a")
    found += await visit(pilot, "r")
    found += await visit(pilot, "f6", back=0)
    theme = app.screen.query_one("#theme")
    app.screen.set_focus(app.screen.query_one("#wellbeing_check_in_weeks"))
    await pilot.press("tab")  # onto the theme: scrolled into view, whole (its right edge, its ▼)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    assert app.focused is theme
    if not Region(0, 0, *SIZE).contains_region(theme.region):
        found.append(f"the theme's choice at {theme.region} is cut")
    app.screen.set_focus(app.screen.query_one("#settings-form"))
    found += await visit(pilot, "P")
    found += await visit(pilot, "B")
    found += await visit(pilot, "f9", back=0)
    return found


async def test_every_screen_and_dialog_fits_at_80x24(demo: Path, tmp_path: Path) -> None:
    with pictures.frozen_clock():
        app = P2PApp(demo, passphrase=pictures.PASSPHRASE, kdf=pictures.CHEAP)
        async with app.run_test(size=SIZE) as pilot:
            found = await walk(pilot)
            await pilot.resize_terminal(200, 50)  # a wide terminal shows every column again
            await pilot.press("f3")
            await pictures.settle(pilot)
            assert app.screen.query_one("#cases", Table).hidden == ()
            await pilot.press("ctrl+q")
    assert found == []
    dialogs = {
        "ChoiceDialog", "HelpScreen", "IntakeScreen", "MatchScreen", "ContactDialog", "SurveyDialog",
        "SafetyDialog", "TextDialog", "SupporterFormDialog", "EntryDialog",
        "ConflictDialog", "EventFormDialog", "AttendanceDialog", "PassphraseDialog", "BackupsDialog",
        "RowDetailsDialog", "CasesScreen", "RosterScreen", "SupporterScreen", "TrainingScreen",
        "SettingsScreen", "ReportScreen",
    }  # fmt: skip
    assert dialogs <= set(SEEN), dialogs - set(SEEN)


async def test_unlock_and_create_fit_at_80x24(demo: Path, tmp_path: Path) -> None:
    found = []
    for scene in (
        pictures.Scene("unlock", unlocked=False),
        pictures.Scene("create", unlocked=False, new_vault=True),
    ):
        app = pictures.app_for(scene, tmp_path, demo)
        async with app.run_test(size=SIZE) as pilot:
            await pictures.play(scene, pilot)
            found += problems(app)
            await pilot.press("ctrl+q")
    assert found == []


def test_columns_are_dropped_lowest_priority_first() -> None:
    widths, priorities = [5, 20, 10, 12], [9, 8, 1, 5]
    assert fitting(widths, priorities, 100) == (0, 1, 2, 3)
    assert fitting(widths, priorities, 40) == (0, 1, 3)  # the lowest (2) goes first
    assert fitting(widths, priorities, 26) == (0, 1)
    assert fitting(widths, priorities, 1) == (0,)  # the highest always stays


async def test_a_trend_with_too_few_lines_keeps_its_newest_rows() -> None:
    from textual.app import App

    class One(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Bars("Referrals per quarter", drop_first=True, id="bars")

    app = One()
    async with app.run_test(size=(40, 10)) as pilot:
        bars = app.query_one(Bars)
        bars.styles.height = 3
        bars.show([Bar(f"2026Q{q}", q, str(q)) for q in (1, 2, 3, 4)])
        await pilot.pause()
        shown = str(bars.render())
    assert "Referrals per quarter" in shown
    assert "2026Q4" in shown and "2026Q3" in shown and "2026Q1" not in shown


async def test_a_trend_whose_title_wraps_still_shows_its_newest_quarter() -> None:
    from textual.app import App

    class One(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Bars("Referrals per quarter · median working days to match", drop_first=True)

    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        bars = app.query_one(Bars)
        bars.show([Bar(f"2026Q{q}", q, str(q)) for q in (1, 2, 3, 4)])
        await pilot.pause()
        shown = str(bars.render())
        assert bars.size.height == len(bars.title_lines(bars.size.width)) + 4 > 5
    assert "2026Q4" in shown and "2026Q1" in shown and "match" in shown
