"""The quarter's figures from issue 13, beside the utilization summary: formal and informal encounters
apart and together, matches outside the program by resource, and supporters' wellbeing check-ins by
result. Aggregates only, suppressed by the summary's own rules (`suppression`).

- Encounters: formal are the quarter's referrals (the summary's total), informal the supporters'
  unplanned conversations counted in the quarter. "Together" is withheld (†) whenever either part is
  small, since together less the other part (both published) would give the small one back.
- Matched to: every referral of the quarter by its latest match, a program supporter, an outside
  resource, or not matched (a partition of the referrals; complementary suppression applies).
- Check-ins: the wellbeing check-ins done in the quarter, by result; never per supporter.
"""

from __future__ import annotations

from dataclasses import dataclass

from p2p_tui.services.people import wellbeing
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.services.reporting.suppression import (
    COMPLEMENT,
    Breakdown,
    Cell,
    breakdown,
    count_cell,
    small,
    withheld,
)
from p2p_tui.store import query
from p2p_tui.store.vocab import OUTSIDE_RESOURCES

PROGRAM, NOT_MATCHED = "program", "not_matched"
FORMAL, INFORMAL = "formal", "informal"


@dataclass(frozen=True)
class PeerFigures:
    """Encounters (rows formal, informal; total: together), matches by whom, check-ins by result."""

    encounters: Breakdown
    matched_to: Breakdown
    check_ins: Breakdown

    @property
    def tables(self) -> tuple[Breakdown, ...]:
        """The three, in the order printed."""
        return (self.encounters, self.matched_to, self.check_ins)


def _between(sql: str, quarter: Quarter) -> int:
    return int(query.scalar(sql, quarter.start.isoformat(), quarter.end.isoformat()) or 0)


def encounters(formal: int, informal: int, threshold: int) -> Breakdown:
    """Formal and informal encounters apart, each standing alone, and together unless a part is small."""
    together: Cell = count_cell(formal + informal, threshold)
    if small(formal, threshold) or small(informal, threshold):
        together = withheld(COMPLEMENT)
    rows = ((FORMAL, count_cell(formal, threshold)), (INFORMAL, count_cell(informal, threshold)))
    return Breakdown("encounters", rows, together)


def _matched_to(quarter: Quarter, total: int, threshold: int) -> Breakdown:
    tests = ["days_to_match IS NOT NULL AND outside_resource IS NULL"]
    tests += ["outside_resource = ?" for _ in OUTSIDE_RESOURCES] + ["days_to_match IS NULL"]
    exprs = ", ".join(f"COUNT(*) FILTER (WHERE {test})" for test in tests)
    sql = f"SELECT {exprs} FROM utilization WHERE quarter = ?"  # noqa: S608 - constant tests only
    counts = [int(v) for v in query.rows(sql, *OUTSIDE_RESOURCES, str(quarter))[0]]
    names = (PROGRAM, *OUTSIDE_RESOURCES, NOT_MATCHED)
    return breakdown("matched_to", list(zip(names, counts, strict=True)), total, threshold)


def _check_ins(quarter: Quarter, threshold: int) -> Breakdown:
    counts = list(wellbeing.result_counts(quarter.start, quarter.end).items())
    return breakdown("check_in_result", counts, sum(c for _, c in counts), threshold)


def peer_figures(quarter: Quarter, referrals: int, threshold: int) -> PeerFigures:
    """The quarter's encounters, matches by whom and check-ins (call under the lock)."""
    informal = _between("SELECT COUNT(*) FROM informal_encounter WHERE met_on BETWEEN ? AND ?", quarter)
    return PeerFigures(
        encounters=encounters(referrals, informal, threshold),
        matched_to=_matched_to(quarter, referrals, threshold),
        check_ins=_check_ins(quarter, threshold),
    )
