"""The one CSV writer: no cell of any CSV the program writes starts a formula or carries a control."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from p2p_tui.services import common
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import letterhead, statement
from p2p_tui.services.reporting.csv_text import FORMULA_START, NUMBER, csv_text, safe_cell
from p2p_tui.store import Store


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_a_formula_is_shown_as_text_and_a_number_stays_a_number() -> None:
    for formula in ("=1+1", "+A1", "-A1", "@SUM(A1)", "=HYPERLINK(1)"):
        assert safe_cell(formula) == "'" + formula
    assert safe_cell("\t=1") == "\ufffd=1" and safe_cell("\r=1") == "\ufffd=1"  # controls go first
    assert safe_cell("-3") == "-3" and safe_cell("2.5") == "2.5" and safe_cell(None) == ""
    assert safe_cell("Jo\x1b]0;owned\x07") == "Jo\ufffd]0;owned\ufffd"


def test_the_honorarium_statement_csv_escapes_a_name_that_is_a_formula(store: Store) -> None:
    """Issue 9, item 4: `report --honoraria --format csv` wrote `=cmd|...` raw."""
    lines = (HonorariumLine(1, "=cmd|' /C calc'!A0", 2.0, 250.0), HonorariumLine(2, "@Ana\x9b", 1.0, 125.0))
    with store.lock:
        head = letterhead.current()
    written = cells(
        statement.to_csv(statement.Statement("2026Q3", "July to September 2026", None, lines, head))
    )
    assert "'=cmd|' /C calc'!A0" in written and "'@Ana\ufffd" in written
    for cell in written:
        assert not cell.startswith(FORMULA_START) or NUMBER.match(cell)
        assert common.printable(cell) == cell


@given(st.lists(st.text(max_size=12), min_size=1, max_size=5))
def test_no_cell_ever_starts_a_formula_or_holds_a_control(row: list[str]) -> None:
    for cell in cells(csv_text(["h"] * len(row), [row]))[len(row) :]:
        assert common.printable(cell) == cell
        if cell.startswith(FORMULA_START):
            assert NUMBER.match(cell)
