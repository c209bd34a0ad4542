"""Small-cell suppression: no withheld count can be worked out from what a breakdown publishes.

The reader is given every advantage: they know the rule, the total, every published cell, that "<t"
means 1 to t-1, that "—" means at least t and at most the smallest published non-zero cell (the
smallest are withheld first), and, for stressors, that every referral has at least one. The checks
enumerate what the hidden cells can be (bounded subset sums, as bit sets) independently of the
interval arithmetic the implementation uses, and require two or more values for every hidden cell
whose mark alone allows two (under a threshold of 2, "<2" is 1 by its mark: the rule itself says so).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p2p_tui.services.cases.clocks import ClockLengths
from p2p_tui.services.reporting import standards
from p2p_tui.services.reporting.quarterly import Cell, part_cell, protect, summarize
from p2p_tui.services.reporting.standards import StandardFigure
from p2p_tui.services.reporting.suppression import count_cell
from p2p_tui.store import Store
from p2p_tui.store.vocab import SOURCES
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.unit.test_reports import row, set_utilization

DASH = "—"


def reachable(bounds: Sequence[tuple[int, int]], limit: int) -> int:
    """The sums the cells can make, each within its bounds, as a bit set (bit s: sum s), up to `limit`."""
    sums = 1
    mask = (1 << (limit + 1)) - 1
    for low, high in bounds:
        spread = 0
        for value in range(low, min(high, limit) + 1):
            spread |= sums << value
        sums = spread & mask
    return sums


def reader_bounds(cells: Sequence[Cell], total: int, threshold: int) -> list[tuple[int, int] | None]:
    """What the reader knows of each cell from the published breakdown (None: published)."""
    if all(cell.shown == DASH for cell in cells):  # withheld entirely: anything adding up to the total
        return [(0, total) for _ in cells]
    published = [cell.value for cell in cells if cell.value]
    top = min([total, *[v for v in published if v is not None]])
    bounds: list[tuple[int, int] | None] = []
    for cell in cells:
        if cell.value is not None:
            bounds.append(None)
        elif cell.shown == f"<{threshold}":
            bounds.append((1, threshold - 1))
        else:
            assert cell.shown == DASH
            bounds.append((threshold, top))
    return bounds


def possible_values(
    cells: Sequence[Cell], total: int, threshold: int, partition: bool
) -> dict[int, set[int]]:
    """For each hidden cell, every value consistent with everything published."""
    bounds = reader_bounds(cells, total, threshold)
    hidden = [i for i, b in enumerate(bounds) if b is not None]
    hidden_sum = total - sum(cell.value or 0 for cell in cells)
    limit = max(total * len(cells), 1)
    found: dict[int, set[int]] = {}
    for i in hidden:
        low, high = bounds[i]  # type: ignore[misc]
        others = reachable([bounds[j] for j in hidden if j != i], limit)  # type: ignore[misc]
        values = set()
        for v in range(low, high + 1):
            if partition:
                ok = 0 <= hidden_sum - v <= limit and others >> (hidden_sum - v) & 1
            else:  # at least: some reachable sum of the others reaches hidden_sum - v
                need = max(hidden_sum - v, 0)
                ok = need <= limit and (others >> need) != 0
            if ok:
                values.add(v)
        found[i] = values
    return found


def check(counts: Sequence[int], total: int, threshold: int, partition: bool = True) -> list[Cell]:
    """Protect `counts` and check every promise of the rule; returns the cells."""
    cells = list(protect(counts, total, threshold, partition=partition))
    assert len(cells) == len(counts)
    small_total = 0 < total < threshold
    withheld = all(cell.shown == DASH for cell in cells)
    for cell, count in zip(cells, counts, strict=True):
        if cell.value is not None:  # published exactly, and never a small count
            assert (cell.value, cell.shown) == (count, str(count))
            assert not 0 < count < threshold
        elif cell.shown == f"<{threshold}":
            assert 0 < count < threshold  # the mark is true
        else:
            assert cell.shown == DASH
            assert withheld or count >= threshold  # complementary cells are never small ones
        if count == 0 and not withheld:
            assert cell == Cell(0, "0")
    if small_total:
        assert withheld
    hidden = [i for i, cell in enumerate(cells) if cell.value is None]
    if partition and hidden and len(cells) > 1:  # overlapping rows have no total they add up to
        assert len(hidden) >= 2, "one hidden cell is the total less the others"
    # the truth is one of the reader's possibilities, and no hidden cell is pinned by the others
    bounds = reader_bounds(cells, total, threshold)
    for i, values in possible_values(cells, total, threshold, partition).items():
        assert counts[i] in values, (counts, i)
        low, high = bounds[i]  # type: ignore[misc]
        if high > low and not (small_total and len(cells) == 1):
            assert len(values) >= 2, f"cell {i} of {counts} can only be {values}"
    return cells


counts_strategy = st.lists(
    st.one_of(st.integers(0, 4), st.integers(0, 12), st.integers(0, 60)), min_size=2, max_size=9
)


@settings(max_examples=400, deadline=None)
@given(counts=counts_strategy, threshold=st.integers(2, 10))
def test_no_hidden_cell_of_a_partition_can_be_recovered(counts: list[int], threshold: int) -> None:
    check(counts, sum(counts), threshold)


@settings(max_examples=300, deadline=None)
@given(counts=st.lists(st.integers(0, 8), min_size=2, max_size=6), threshold=st.integers(2, 10))
def test_many_small_cells_are_protected_or_the_breakdown_withheld(counts: list[int], threshold: int) -> None:
    check(counts, sum(counts), threshold)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), threshold=st.integers(2, 10))
def test_no_hidden_stressor_can_be_recovered(data: st.DataObject, threshold: int) -> None:
    """Stressors overlap: each count is at most the total, and together they cover it."""
    counts = data.draw(st.lists(st.integers(0, 30), min_size=6, max_size=6).filter(lambda c: any(c)))
    total = data.draw(st.integers(max(counts), sum(counts)))
    check(counts, total, threshold, partition=False)


def test_overlapping_rows_are_complemented_only_where_the_cover_pins_a_small_one() -> None:
    # stressors: 10 + 9 + 14 + 6 published already cover more than the 30 referrals: conflict's 2
    # cannot be worked out, so nothing else is withheld
    assert [c.shown for c in check([10, 9, 2, 6, 14], 30, 5, partition=False)] == ["10", "9", "<5", "6", "14"]
    # 20 referrals, the others cover at most 16: at least 4 have only the small one, so "<5" is 4
    cells = check([10, 4, 6], 20, 5, partition=False)
    assert [c.shown for c in cells] == ["10", "<5", DASH]


def test_worked_examples() -> None:
    shown = lambda counts: [c.shown for c in check(counts, sum(counts), 5)]  # noqa: E731
    assert shown([12, 8, 0, 3, 7]) == ["12", "8", "0", "<5", DASH]  # 3 alone would be 30 - 27
    assert shown([4, 4, 22]) == ["<5", "<5", DASH]  # 4 + 4 = 8 would pin both at 4
    assert shown([4, 4]) == [DASH, DASH]  # two small cells adding to 8: both are 4, so withheld
    assert shown([1, 1, 1, 1, 1]) == [DASH] * 5  # five "<5" adding to 5 are all 1: withheld
    assert shown([2, 28]) == ["<5", DASH]
    assert shown([0, 0, 30]) == ["0", "0", "30"]
    assert shown([3, 2, 0]) == ["<5", "<5", "0"]  # hidden sum 5: each of them 1 to 4
    assert [c.shown for c in check([1, 5, 8], 14, 2)] == ["<2", DASH, DASH]  # 5 alone would be 14-8-1
    assert [c.shown for c in protect([3, 1], 4, 5)] == [DASH, DASH]  # a small total withholds all
    assert [c.shown for c in protect([3, 1], 4, 1)] == ["3", "1"]  # threshold 1: nothing suppressed


def test_a_part_of_a_total_is_protected_with_its_complement() -> None:
    total = Cell(30, "30")
    assert part_cell(3, total, 30, 5) == Cell(None, "<5")
    assert part_cell(28, total, 30, 5) == Cell(None, DASH)  # the 2 others would show
    assert part_cell(30, total, 30, 5) == Cell(30, "30")
    assert part_cell(0, total, 30, 5) == Cell(0, "0")
    assert part_cell(20, total, 30, 5) == Cell(20, "20")
    assert part_cell(2, Cell(None, DASH), 26, 5) == Cell(None, DASH)  # a withheld whole


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sources=st.lists(st.sampled_from(SOURCES[:5]), min_size=1, max_size=40),
    threshold=st.integers(2, 10),
)
def test_a_summary_never_publishes_what_its_rows_would_give_away(sources: list[str], threshold: int) -> None:
    """Summaries over random referrals: every breakdown's total is the referral total, and every
    partition breakdown passes the same reader's check against the true counts."""
    with tempfile.TemporaryDirectory(prefix="p2p-suppression-") as folder:
        store, _ = Store.create(Path(folder) / "v.p2pvault", PASSPHRASE, kdf=CHEAP_KDF)
        try:
            stages = ("early", "mid", "late", "retired")
            rows = [
                row(i + 1, "2026-08", source=s, career_stage=stages[i * 7 % (i % 4 + 1)], php=i % 3 == 0)
                for i, s in enumerate(sources)
            ]
            set_utilization(store, rows)
            with store.lock:
                summary = summarize("2026Q3", threshold=threshold)
        finally:
            store.close()
    total = len(rows)
    assert summary.referrals == (
        Cell(None, f"<{threshold}") if total < threshold else Cell(total, str(total))
    )
    truth = {
        "source": [sum(r[6] == s for r in rows) for s in SOURCES],
        "career_stage": [sum(r[3] == s for r in rows) for s in stages],
        "pathway": [total, 0],
    }
    for table in summary.breakdowns:
        assert table.total == summary.referrals
        if table.name in truth:
            cells = [cell for _, cell in table.rows]
            assert cells == check(truth[table.name], total, threshold)


# -- the standards beside the headline counts -------------------------------------------------------


def _quarter(cases: Sequence[tuple[int, bool, tuple[bool, ...]]]) -> standards.QuarterTallies:
    """Tallies of a closed quarter from cases (the last step reached 0-4: none, matched, contacted,
    followed up, surveyed; declined after it; each step on time) as `standards.tallies` counts them."""
    made = {}
    for at, name in enumerate(standards.STANDARDS):  # the clock starts at step `at`, ends at at + 1
        started = [c for c in cases if c[0] >= at]
        done = [c for c in started if c[0] > at]
        base = [c for c in started if c[0] > at or not c[1]]
        met = sum(c[2][at] for c in done)
        made[name] = standards.Tally(met, len(base), 0, Counter({1: len(done)}))
    return standards.QuarterTallies(
        len(cases),
        made,
        sum(c[1] for c in cases),
        0,
        sum(c[0] >= 2 for c in cases),
        sum(c[0] >= 3 for c in cases),
    )


def _published(found: standards.QuarterTallies, t: int) -> tuple[standards.Headline, list[StandardFigure]]:
    lengths = ClockLengths(1, 2, 7, 14)

    def times(took: Counter[int], t: int) -> tuple[float | None, float | None]:  # shown from t cases
        return (1.0, 1.0) if sum(took.values()) >= t else (None, None)

    return standards.headline(found, t), list(standards.figures(found, t, lengths, times))


def _reads(top: standards.Headline) -> tuple[str, str, str]:
    return top.contacted.text, top.follow_up.part.text, top.follow_up.share


cases_strategy = st.lists(
    st.tuples(st.integers(0, 4), st.booleans(), st.tuples(*[st.booleans()] * 4)), min_size=0, max_size=32
).map(lambda cs: [(reach, declined and reach < 4, on_time) for reach, declined, on_time in cs])


@settings(max_examples=150, deadline=None)
@given(cases=cases_strategy, t=st.integers(2, 6))
def test_the_standards_never_narrow_a_withheld_headline_count(
    cases: list[tuple[int, bool, tuple[bool, ...]]], t: int
) -> None:
    """A reader who knows the rule re-runs it on every (contacted, followed) the headline allows and
    keeps those the published standards also allow (the follow-up's base are cases with a first
    contact, its met ones with a follow-up, and so on; the cases left out of a base were declined, so
    the declines are at least what they add up to). The standards must leave the hidden headline
    counts exactly as open as the headline alone does, and never pin the declines."""
    found = _quarter(cases)
    top, rows = _published(found, t)
    r = found.referrals
    row = {f.name: (f.met.value, f.base.value) for f in rows}
    timed = {f.name for f in rows if f.median is not None}  # shown: t cases or more took the step
    declined_cell = count_cell(found.declined, t)
    before: set[tuple[int, int]] = set()
    after: set[tuple[int, int, int]] = set()
    for c in range(r + 1):
        for f in range(c + 1):
            if _reads(standards.headline(replace(found, contacted=c, followed=f), t)) != _reads(top):
                continue
            before.add((c, f))
            m_fc, _ = row["first_contact"]
            m_fu, b_fu = row["follow_up"]
            _, b_sv = row["survey"]
            _, b_m = row["match"]
            if (m_fc is not None and m_fc > c) or (b_fu is not None and not f <= b_fu <= c):
                continue
            if (m_fu is not None and m_fu > f) or (b_sv is not None and b_sv > f):
                continue
            if ("first_contact" in timed and c < t) or ({"follow_up", "survey"} & timed and f < t):
                continue
            least = sum(
                gap for gap in ((r - b_m) if b_m is not None else 0, (c - b_fu) if b_fu is not None else 0,
                                (f - b_sv) if b_sv is not None else 0)
            )  # fmt: skip
            for d in range(r + 1):
                if d >= least and count_cell(d, t) == declined_cell:
                    after.add((c, f, d))
    assert (found.contacted, found.followed, found.declined) in after
    assert {(c, f) for c, f, _ in after} == before, "the standards narrow a withheld headline count"
    declines = {d for _, _, d in after}
    alone = [d for d in range(r + 1) if count_cell(d, t) == declined_cell]
    if len(alone) >= 2:  # under a threshold of 2, "<2" is 1 by its mark alone
        assert len(declines) >= 2, f"the declines can only be {declines}"


def test_a_standard_beside_a_withheld_headline_count_is_withheld() -> None:
    """The demo's 2026Q3: 27 referrals, 26 with a first contact (so "—†"), 20 of them followed up on
    time. A follow-up base of 26 would pin the hidden 26; a survey base of 22 would narrow the
    follow-ups done; a match base of 26 beside 27 referrals would show 1 case left out."""
    cases = [(4, False, (True,) * 4)] * 20 + [(3, False, (True, False, False, True))] * 2
    cases += [(2, False, (True, True, False, True))] * 4 + [(0, True, (False,) * 4)]
    found = _quarter(cases)
    top, rows = _published(found, 5)
    assert top.referrals.text == "27" and top.contacted.text == "—†"
    assert top.follow_up.text == "—‡ of —† (—‡)"  # the share says why it is withheld too
    shown = {f.name: (f.met.text, f.base.text, f.share) for f in rows}
    assert shown["follow_up"] == ("—‡", "—†", "—‡")
    timings = {f.name: f.median is not None for f in rows}  # 26 took the first contact: "26 or more"
    assert timings == {"match": True, "first_contact": False, "follow_up": False, "survey": False}
    assert shown["survey"] == ("—‡", "—†", "—‡")
    assert shown["match"] == ("—‡", "—†", "—‡")  # 26 of 27: the one left out would show
