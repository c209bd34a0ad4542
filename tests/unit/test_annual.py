"""The annual report (`report --year`): the fiscal year, golden figures on a small crafted year, the
Member Survey beside utilization with the small-number rule, and a hypothesis property that the year
column lets no hidden quarter count be worked out.

The clock stands at 18 November 2026 (tests/conftest.py): FY2026 (April start) is 2026Q2 and 2026Q3
complete, 2026Q4 to date (day 49 of 92), 2027Q1 not begun.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting import annual_formats, member_survey
from p2p_tui.services.reporting.annual import Annual, FiscalYear, Table, summarize_year, year_cell
from p2p_tui.services.reporting.member_survey import SurveyResult
from p2p_tui.services.reporting.suppression import Cell, protect
from p2p_tui.store import Store
from tests.unit.test_reports import row, set_utilization


def test_the_fiscal_year_and_its_label() -> None:
    fy = FiscalYear(2026, 4)
    assert [str(q) for q in fy.quarters] == ["2026Q2", "2026Q3", "2026Q4", "2027Q1"]
    assert fy.label == "Fiscal year 2026–27 (April 2026 to March 2027)"
    assert FiscalYear(2026, 1).label == "Fiscal year 2026 (January to December 2026)"
    assert FiscalYear.of(date(2027, 3, 31), 4) == fy
    with pytest.raises(ValidationError, match="January, April, July or October"):
        FiscalYear(2026, 2)


def crafted_year(store: Store) -> Annual:
    """2026Q2: 12 referrals (9 reach-in, 3 reach-out); 2026Q3: 3 (a small quarter); 2026Q4: 7 so far."""
    rows = [row(i, "2026-05", pathway="reach_in" if i <= 9 else "reach_out") for i in range(1, 13)]
    rows += [row(i, "2026-08") for i in range(13, 16)]
    rows += [row(i, "2026-10") for i in range(16, 23)]
    set_utilization(store, rows)
    with store.lock:
        return summarize_year(2026)


def by_label(table: Table, label: str) -> tuple[str, ...]:
    for found in (*table.rows, *([table.total] if table.total else [])):
        if found.label == label:
            return (*found.quarters, found.year)
    raise KeyError(label)


def test_golden_annual_figures(store: Store) -> None:
    found = crafted_year(store)
    assert found.heading == "Fiscal year 2026–27 (April 2026 to March 2027), to date"
    assert [c.state for c in found.columns] == ["", "", "to date (day 49 of 92)", "not begun"]
    key = found.table("key")
    # 12 + "<5" (1 to 4) + 7: 20 to 23, the exact year withheld (it would give away the 3)
    assert by_label(key, "Referrals received") == ("12", "<5*", "7", "", "20 to 23†")
    assert by_label(key, "Supporter surveys submitted") == ("0", "0", "0", "", "0")  # every quarter exact
    # 0 + (withheld, 2026Q3 is small: 0 or more) + 0
    assert by_label(key, "Safety escalations") == ("0", "—‡", "0", "", "—†")
    pathway = found.table("pathway")
    # 2026Q2: reach-out 3 is small, reach-in 9 withheld with it; 2026Q3 withheld whole; 2026Q4 exact
    # (the "—†" is at least 5, the rule says: at least 5 + 0 + 7)
    assert by_label(pathway, "Reach-in") == ("—†", "—‡", "7", "", "at least 12†")
    assert by_label(pathway, "Reach-out") == ("<5*", "—‡", "0", "", "at least 1†")
    assert by_label(pathway, "Total referrals (cases)") == ("12", "<5*", "7", "", "20 to 23†")
    assert found.member_survey is None


def test_every_format_names_the_year_and_its_quarters(store: Store) -> None:
    found = crafted_year(store)
    md = annual_formats.to_markdown(found)
    assert md.startswith(
        "# Annual utilization report: Fiscal year 2026–27 (April 2026 to March 2027), to date"
    )
    assert "| Referrals received | 12 | <5\\* | 7 |  | 20 to 23† |" in md
    assert "Oct–Dec 2026, to date (day 49 of 92)" in md and "Jan–Mar 2027, not begun" in md
    csv = annual_formats.to_csv(found)
    assert "key,Referrals received,FY2026,20 to 23†" in csv
    assert annual_formats.annual_dict(found)["quarters"][3]["state"] == "not begun"


def test_the_member_survey_beside_utilization_with_the_small_number_rule(store: Store) -> None:
    with store.atomic():
        member_survey.save(
            SurveyResult(2026, 40, 30, 3, 36, (("Felt supported", 5), ("Knew how to reach it", 50)))
        )
        member_survey.save(SurveyResult(2025, 4, 2, 1, 3, (("Felt supported", 50),)))
    found = crafted_year(store).member_survey
    assert found is not None
    shown = {name: (p.part.text, p.share) for name, p in found.figures}
    assert found.respondents.text == "40"
    assert shown["aware"] == ("30", "75%")
    assert shown["used"] == ("<5*", "—*")  # 3: small, its share withheld
    assert shown["recommend"] == ("—†", "—†")  # 36: the 4 who would not are small
    assert found.questions == (("Felt supported", "—*"), ("Knew how to reach it", "50%"))  # 5% of 40 is 2
    with store.lock:
        small = summarize_year(2025).member_survey
    assert small is not None and small.respondents.text == "<5*"
    assert {p.share for _, p in small.figures} == {"—‡"}
    assert small.questions == (("Felt supported", "—‡"),)
    md = annual_formats.to_markdown(crafted_year(store))
    assert "| Have used the program | <5\\* | —\\* |" in md


@pytest.mark.parametrize(
    ("text", "problem"),
    [("Felt supported", "LABEL=PERCENT"), ("A=101", "0 to 100"), ("=5", "label"), ("A\x1bB=5", "control")],
)
def test_a_further_question_is_a_short_label_and_a_percent(text: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        member_survey.parse_question(text)
    assert member_survey.parse_question(" Felt supported = 62% ") == ("Felt supported", 62)


def test_counts_no_more_than_the_respondents(store: Store) -> None:
    with store.atomic(), pytest.raises(ValidationError, match="aware"):
        member_survey.save(SurveyResult(2026, 10, 11, 0, 0))
    with store.atomic():
        member_survey.save(SurveyResult(2026, 10, 5, 0, 0))
    with store.atomic(), pytest.raises(ValidationError, match="already"):
        member_survey.save(SurveyResult(2026, 10, 5, 0, 0))
    with store.atomic():
        assert member_survey.remove(2026) and not member_survey.remove(2026)


# -- the property ---------------------------------------------------------------------------------

BIG = 10_000


def bounds(cell: Cell, t: int) -> tuple[int, int]:
    """What a reader knows of a published cell, the rule in hand ("—" of a breakdown not withheld
    entirely as t and up, the smallest being withheld first; else 0 and up)."""
    if cell.value is not None:
        return cell.value, cell.value
    if cell.reason == "small":
        return 1, t - 1
    return cell.least, BIG


def tighten(cells: dict[object, list[int]], groups: list[tuple[list[object], tuple[int, int]]]) -> None:
    """Interval propagation to a fixpoint: for each group, its cells add up to a value within bounds."""
    changed = True
    while changed:
        changed = False
        for members, (low, high) in groups:
            lows = sum(cells[m][0] for m in members)
            highs = sum(cells[m][1] for m in members)
            for m in members:
                lo, hi = cells[m]
                new = (max(lo, low - (highs - hi)), min(hi, high - (lows - lo)))
                if new != (lo, hi):
                    cells[m][:] = new
                    changed = True


def year_bounds(cell: Cell, t: int) -> tuple[int, int]:
    if cell.value is not None:
        return cell.value, cell.value
    shown = cell.shown
    if shown.startswith("<"):
        return 1, t - 1
    if shown.startswith("at least "):
        return int(shown.removeprefix("at least ")), BIG
    if " to " in shown:
        low, high = shown.split(" to ")
        return int(low), int(high)
    return 0, BIG


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=1, max_size=4),
    threshold=st.integers(2, 6),
)
def test_the_year_column_lets_no_hidden_quarter_count_be_worked_out(
    data: list[list[int]], threshold: int
) -> None:
    """A breakdown of 3 rows over up to 4 quarters, each quarter protected as its report publishes it;
    the year column beside it (each row's year and the year's total) narrows no hidden quarter cell
    beyond what the quarterly reports already tell, shows no small year count, and holds the truth."""
    t = threshold
    quarters = [protect(counts, sum(counts), t) for counts in data]
    totals = [Cell(sum(c), str(sum(c))) if not 0 < sum(c) < t else Cell(None, f"<{t}", "small") for c in data]
    known = {
        (q, r): list(bounds(cell, t)) for q, cells in enumerate(quarters) for r, cell in enumerate(cells)
    }
    columns = [([(q, r) for r in range(3)], bounds(totals[q], t)) for q in range(len(data))]
    alone = {k: v[:] for k, v in known.items()}
    tighten(alone, columns)
    rows = [year_cell([quarters[q][r] for q in range(len(data))], t) for r in range(3)]
    year_total = year_cell(totals, t)
    with_year = {k: v[:] for k, v in known.items()}
    groups = columns + [([(q, r) for q in range(len(data))], year_bounds(rows[r], t)) for r in range(3)]
    groups.append((list(known), year_bounds(year_total, t)))
    tighten(with_year, groups)
    assert with_year == alone  # the year column tells nothing the quarters do not
    for r, cell in enumerate(rows):
        truth = sum(data[q][r] for q in range(len(data)))
        low, high = year_bounds(cell, t)
        assert low <= truth <= high
        assert not (0 < truth < t and cell.value is not None)  # a small year count is never shown


def test_a_year_not_begun_and_a_year_ended(store: Store) -> None:
    with store.lock:
        later, earlier = summarize_year(2027), summarize_year(2025)
    assert later.heading.endswith("(April 2027 to March 2028), not begun")
    assert {c.state for c in later.columns} == {"not begun"}
    assert earlier.heading == "Fiscal year 2025–26 (April 2025 to March 2026)"
    assert by_label(earlier.table("key"), "Referrals received") == ("0", "0", "0", "0", "0")


def test_the_year_of_withheld_quarters_starts_from_their_known_bounds() -> None:
    """A "—†" quarter of a breakdown is at least the threshold: the year beside it says so, where it
    once counted it as 0 ("Declined at least 2†" beside a Q4 of at least 5)."""
    q2, q3, q4 = protect([3, 20], 23, 5)[0], protect([2, 25], 27, 5)[0], protect([20, 9], 29, 5)[1]
    assert (q2.text, q3.text, q4.text) == ("<5*", "<5*", "9")
    withheld = protect([3, 7, 19], 29, 5)[1]  # 7 withheld so the 3 cannot be worked out
    assert withheld.text == "—†" and withheld.least == 5
    assert year_cell([q2, q3, withheld, None], 5).text == "at least 7†"  # 1 + 1 + 5
    everything = protect([1, 1, 1, 1, 1], 5, 5)[0]  # a breakdown withheld entirely: could be 0
    assert everything.least == 0
