"""The Report screen, driven by keys on the demo vault: the quarter's summary as the service computes
it, the quarter picker, an empty quarter, suppressed cells, and the export (never a name in it)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import OptionList

from p2p_tui.services.reporting import annual, member_survey, quarterly
from p2p_tui.services.reporting.quarterly import Cell, Summary
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store
from p2p_tui.store.models import Physician
from p2p_tui.tui import compat, pictures
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.member_survey_form import MemberSurveyDialog
from p2p_tui.tui.screens.report import FORMATS, ReportScreen, after, reserve, words, write_export
from p2p_tui.tui.screens.report_annual import compact, year_table
from p2p_tui.tui.screens.today import TodayScreen
from p2p_tui.tui.widgets.bars import Bar, bar_text
from tests.tui.keys import fill, screen_text, wait_for
from tests.unit.test_report_formats import drawn

QUARTER = Quarter.last_complete(pictures.FROZEN_DAY)  # 2026Q3: F9 opens on it, as the CLI does
RUNNING = Quarter.of(pictures.FROZEN_DAY)  # 2026Q4


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo vault, made once for this module (each test works on its own copy)."""
    with pictures.frozen_clock():
        return pictures.make_demo_vault(tmp_path_factory.mktemp("report-demo"))


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the demo vault, with the services' clock frozen on the demo's day."""
    vault = tmp_path / "demo.p2pvault"
    shutil.copyfile(demo_master, vault)
    with pictures.frozen_clock():
        yield vault


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's documents folder, in the test's temporary folder (not created yet)."""
    folder = tmp_path / "Documents"
    monkeypatch.setattr(platformdirs, "user_documents_path", lambda: folder)
    return folder


def physician_names(vault: Path) -> list[str]:
    """Every physician's name in a vault (referred physicians and supporters alike)."""
    store = Store.open(vault, pictures.PASSPHRASE)
    try:
        with store.lock:
            return [p.name for p in Physician.select(Physician.name)]
    finally:
        store.abandon()


def leaks(names: list[str], text: str) -> list[str]:
    """The names found in `text`, whole or by their surname as a word (purged names are empty)."""
    return [n for n in names if n and (n in text or re.search(rf"\b{re.escape(n.split()[-1])}\b", text))]


def report(app: P2PApp) -> ReportScreen:
    screen = app.screen
    assert isinstance(screen, ReportScreen)
    return screen


def ready(app: P2PApp, quarter: Quarter) -> bool:
    """The report screen shows the summary of `quarter`, computed and drawn."""
    screen = app.screen
    return (
        isinstance(screen, ReportScreen)
        and screen.computed is not None
        and screen.computed[0] == quarter
        and screen.summary is not None
        and screen.summary.quarter == str(quarter)
    )


async def open_report(pilot: Pilot[None], app: P2PApp) -> ReportScreen:
    """Unlock, press F9, wait for the summary of the last complete quarter."""
    await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen), limit=500)
    await pilot.press("f9")
    await wait_for(pilot, lambda: ready(app, QUARTER), limit=500)
    await pilot.pause()
    return report(app)


def expected(app: P2PApp, quarter: Quarter) -> Summary:
    """What the service computes for the quarter, straight from the store."""
    assert app.store is not None
    with app.store.lock:
        return quarterly.summarize(quarter)


def shown_cells(summary: Summary) -> list[Cell]:
    return [cell for table in summary.breakdowns for _, cell in table.rows]


def messages(app: P2PApp) -> str:
    return "\n".join(str(n.message) for n in compat.notifications(app))


# -- the screen -------------------------------------------------------------------------------------


async def test_f9_shows_the_quarter_and_the_service_s_referral_total(demo: Path) -> None:
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=pictures.SIZE) as pilot:
        screen = await open_report(pilot, app)
        want = expected(app, QUARTER)
        assert not want.empty
        text = screen_text(pilot)
        assert f"summary {QUARTER} ({QUARTER.label})" in text
        found = re.search(r"Referrals\s+(\S+)\s+PHP referrals", text)
        assert found is not None and found.group(1) == want.referrals.shown
        assert screen.summary == want
        assert "Referrals per quarter" in text and "Referrals by source" in text
        assert 'are shown as "<5"' in text  # the suppression rule, stated on screen
        assert "computing" not in text


async def test_brackets_move_between_quarters_and_an_empty_quarter_says_so(demo: Path) -> None:
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=pictures.SIZE) as pilot:
        await open_report(pilot, app)
        await pilot.press("left_square_bracket")
        earlier = QUARTER.previous()
        await wait_for(pilot, lambda: ready(app, earlier))
        await pilot.pause()
        assert f"summary {earlier} ({earlier.label})" in screen_text(pilot)
        assert report(app).summary == expected(app, earlier)

        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        later = RUNNING.next()  # no referral yet
        await wait_for(pilot, lambda: ready(app, later))
        await pilot.pause()
        text = screen_text(pilot)
        assert f"summary {later}" in text
        assert "No referrals this quarter." in text
        assert report(app).summary == expected(app, later)


async def test_suppressed_cells_show_as_published(demo: Path) -> None:
    """(On a taller terminal, so every breakdown is in view without scrolling.)"""
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=(pictures.SIZE[0], 60)) as pilot:
        screen = await open_report(pilot, app)
        summary = screen.summary
        assert summary is not None
        assert any(c.shown == "<5" for c in shown_cells(summary)), "the demo quarter has small cells"
        text = screen_text(pilot)
        for table in summary.breakdowns:
            if table.name == "source":  # drawn as the chart
                continue
            for label, cell in table.rows:
                assert re.search(rf"{re.escape(words(label))}\s+{re.escape(cell.text)}\s", text), (
                    label,
                    cell,
                )
        for label, cell in summary.breakdown("source").rows:  # a suppressed count draws no bar
            row = re.search(rf"{re.escape(words(label))}\s+{re.escape(cell.text)}\s+(█*)", text)
            assert row is not None, (label, cell)
            assert bool(row.group(1)) == bool(cell.value), (label, cell)


async def test_computing_shows_a_line_and_never_blocks_the_keys(demo: Path) -> None:
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=pictures.SIZE) as pilot:
        screen = await open_report(pilot, app)
        assert app.store is not None
        with app.store.lock:  # a long save or summary elsewhere: the worker waits, the screen does not
            await pilot.press("left_square_bracket")
            await wait_for(pilot, lambda: "computing the summary of 2026Q2" in screen_text(pilot))
            assert screen.summary is not None and screen.summary.quarter == str(QUARTER)
        await wait_for(pilot, lambda: ready(app, QUARTER.previous()))
        await pilot.pause()
        assert "computing" not in screen_text(pilot)


async def test_privacy_mode_changes_nothing_and_computes_nothing_again(demo: Path) -> None:
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=pictures.SIZE) as pilot:
        screen = await open_report(pilot, app)
        before = screen.summary
        assert before is not None
        await pilot.press("f8")
        await wait_for(pilot, lambda: "PRIVACY MODE" in screen_text(pilot))
        await app.workers.wait_for_complete()
        assert screen.summary is before  # resumed, not recomputed: nothing changed
        found = re.search(r"Referrals\s+(\S+)\s+PHP referrals", screen_text(pilot))
        assert found is not None and found.group(1) == before.referrals.shown


async def test_escape_goes_back_to_today(demo: Path) -> None:
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=pictures.SIZE) as pilot:
        await open_report(pilot, app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))


# -- export -----------------------------------------------------------------------------------------


async def export(pilot: Pilot[None], app: P2PApp, fmt: str) -> None:
    """Press e, pick `fmt` in the dialog, and wait for the worker."""
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
    index = [value for value, _ in FORMATS].index(fmt)
    options = app.screen.query_one(OptionList)
    await wait_for(pilot, lambda: options.highlighted is not None)
    await pilot.press(*(["down"] * index), "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))
    await wait_for(pilot, lambda: not report(app).exporting, limit=500)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
async def test_export_writes_the_quarter_and_no_name(demo: Path, documents: Path, fmt: str) -> None:
    names = physician_names(demo)
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=pictures.SIZE) as pilot:
        await open_report(pilot, app)
        await export(pilot, app, fmt)
        path = documents / f"p2p-tui-summary-{QUARTER}.{fmt}"
        assert path.is_file(), messages(app)
        assert str(path) in messages(app)
        text = path.read_text(encoding="utf-8")
        assert str(QUARTER) in text
        assert not leaks(names, text)
        await export(pilot, app, fmt)  # never overwrites
        assert (documents / f"p2p-tui-summary-{QUARTER}-1.{fmt}").is_file()
        assert path.read_text(encoding="utf-8") == text


async def test_export_pdf_holds_the_quarter_and_no_name(demo: Path, documents: Path) -> None:
    names = physician_names(demo)
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=pictures.SIZE) as pilot:
        await open_report(pilot, app)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: ready(app, RUNNING), limit=500)
        with drawn() as texts:  # what the PDF writer was asked to draw (its text is glyph ids)
            await export(pilot, app, "pdf")
        path = documents / f"p2p-tui-summary-{RUNNING}.pdf"
        data = path.read_bytes()
        assert data.startswith(b"%PDF"), messages(app)
        text = "\n".join(texts)
        assert "to date (day" in text  # the running quarter, labelled so
        assert str(RUNNING) in text
        assert not leaks(names, text)


async def test_an_export_that_cannot_be_written_says_what_to_do(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the documents folder should be", encoding="utf-8")
    monkeypatch.setattr(platformdirs, "user_documents_path", lambda: blocker / "Documents")
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=pictures.SIZE) as pilot:
        await open_report(pilot, app)
        await export(pilot, app, "md")
        errors = [n for n in compat.notifications(app) if n.severity == "error"]
        assert errors and "press e" in str(errors[-1].message)
        assert "Traceback" not in str(errors[-1].message)
        assert not report(app).exporting


# -- the parts --------------------------------------------------------------------------------------


def test_reserve_never_takes_an_existing_name(tmp_path: Path) -> None:
    first = reserve(tmp_path, "p2p-tui-summary-2026Q3", "md")
    second = reserve(tmp_path, "p2p-tui-summary-2026Q3", "md")
    third = reserve(tmp_path, "p2p-tui-summary-2026Q3", "md")
    assert [p.name for p in (first, second, third)] == [
        "p2p-tui-summary-2026Q3.md",
        "p2p-tui-summary-2026Q3-1.md",
        "p2p-tui-summary-2026Q3-2.md",
    ]


def test_bars_scale_and_a_suppressed_value_draws_no_bar() -> None:
    assert bar_text(10, 10, 20) == "█" * 20
    assert bar_text(5, 10, 20) == "█" * 10
    assert bar_text(0, 10, 20) == ""
    assert bar_text(0.01, 10, 20) == "▏"  # above zero: at least a sliver
    assert Bar("self", None, "<5").value is None


async def test_bars_widget_draws_suppressed_rows_as_their_text() -> None:
    from textual.app import App, ComposeResult

    from p2p_tui.tui.widgets.bars import Bars

    class Chart(App[None]):
        def compose(self) -> ComposeResult:
            yield Bars("Referrals by source", id="bars")

    app = Chart()
    async with app.run_test(size=(60, 8)) as pilot:
        chart = app.query_one(Bars)
        chart.show([Bar("self", 12.0, "12"), Bar("colleague", None, "<5"), Bar("php", 0.0, "0")])
        await pilot.pause()
        lines = [line.plain.rstrip() for line in chart.lines(chart.size.width)]
        assert lines[0] == "Referrals by source"
        assert lines[1] == "self      12 " + "█" * (chart.size.width - 13)  # the largest fills the width
        assert lines[2] == "colleague <5"  # suppressed: its text, no bar
        assert lines[3] == "php        0"


# -- the annual view and the Member Survey (board12) ----------------------------------------------


async def test_y_shows_the_fiscal_year_and_m_enters_its_member_survey(demo: Path, documents: Path) -> None:
    app = P2PApp(demo, passphrase=pictures.PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, app)
        await pilot.press("y")
        await wait_for(
            pilot, lambda: screen.annual is not None and screen.annual_computed is not None, limit=500
        )
        await pilot.pause()
        text = screen_text(pilot)
        assert "Annual report FY2026" in text
        footer = text.splitlines()[-1]  # the annual view moves by year, and m is for it
        assert "Previous year" in footer and "Next year" in footer and "m  Survey" in footer
        assert "quarter" not in footer
        assert screen.annual is not None and screen.annual.fiscal_year.year == 2026
        await export(pilot, app, "md")
        assert f"Annual report written to {documents / 'p2p-tui-annual-FY2026.md'}" in messages(app)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MemberSurveyDialog))
        for text in ("40", "30", "3", "20", "Felt supported=50"):
            await fill(pilot, text)
            await pilot.press("tab")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))
        assert app.store is not None
        with app.store.lock:
            found = member_survey.of_year(2026)
        assert found == member_survey.SurveyResult(2026, 40, 30, 3, 20, (("Felt supported", 50),))
        await wait_for(
            pilot, lambda: screen.annual is not None and screen.annual.member_survey is not None, limit=500
        )
        await pilot.press("y")  # back to the quarter
        await wait_for(pilot, lambda: screen.fiscal_year is None and ready(app, QUARTER))


def test_the_annual_report_exports_under_its_own_name(store: Store, tmp_path: Path) -> None:
    with store.lock:
        found = annual.summarize_year(2026)
    path = write_export(found, "md", tmp_path / "Documents", None)
    assert path.name == "p2p-tui-annual-FY2026.md"
    assert path.read_text(encoding="utf-8").startswith("# Annual utilization report: Fiscal year 2026–27")


def test_the_annual_view_keeps_its_labels_whole_at_80_columns(store: Store) -> None:
    with store.lock:
        found = annual.summarize_year(2026)
    console = Console(width=78, record=True)
    console.print(year_table(found, found.table("activity")))
    text = console.export_text()
    assert "Supporters who had a" in text and "conversatio\n" not in text
    assert compact(("Honoraria in total", "$10,750.00", "at least 12†", "10 to 16†")) == [
        "Honoraria in total", "$10,750", "≥12†", "10–16†"
    ]  # fmt: skip


def test_the_trend_note_says_working_days_and_none() -> None:
    assert after(1.0) == "1 working day" and after(2.5) == "2.5 working days"
    assert after(None, Cell(0, "0")) == "none"  # no referrals: not a withheld "—"
    assert after(None, Cell(None, "<5")) == "too few"
