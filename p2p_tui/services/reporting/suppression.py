"""Small-count suppression that explains itself (ARCHITECTURE.md §5, "Reports").

A count from 1 to threshold - 1 is published as "<5" and marked `*` ("fewer than 5"). Within a
breakdown whose total is published, more cells are withheld ("—", marked `†`: "withheld so a small
count cannot be worked out") only while the total less the published cells would narrow a hidden cell
to one value (`protect`). Overlapping categories (stressors: a referral has one or more) have no total
that the rows add up to, so a hidden stressor is complemented only in the rare case where the case
total alone pins it (the published rows leave exactly one value for it). A part of a whole that is
itself withheld or small is withheld too (marked `‡`). Every format prints the marks and `footnotes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WITHHELD = "—"
SMALL, COMPLEMENT, WHOLE = "small", "complement", "whole"  # why a cell is withheld
MARKS = {SMALL: "*", COMPLEMENT: "†", WHOLE: "‡"}


@dataclass(frozen=True)
class Cell:
    """A published count: `value` is None when suppressed; `shown` is the number, "<5" or "—".

    `reason` (small, complement or whole; "" when published) says why, and `mark` is its footnote
    sign; `least` is what the rule itself tells a reader of a withheld count (a complemented cell of a
    breakdown is at least the threshold, the smallest being withheld first); they are left out of
    equality, which compares what is published.
    """

    value: int | None
    shown: str
    reason: str = field(default="", compare=False)
    least: int = field(default=0, compare=False)

    @property
    def mark(self) -> str:
        """The footnote sign of why the count is withheld ("" when published)."""
        return MARKS.get(self.reason, "")

    @property
    def text(self) -> str:
        """The count as printed, with its mark: "12", "<5*", "—†"."""
        return self.shown + self.mark


@dataclass(frozen=True)
class Proportion:
    """A part of a whole ("met 26 of 30"), both protected, and the share as it may be published."""

    part: Cell
    whole: Cell
    share: str

    @property
    def text(self) -> str:
        """ "26 of 30 (87%)", marks included."""
        return f"{self.part.text} of {self.whole.text} ({self.share})"


def small(value: int, threshold: int) -> bool:
    """Whether a count is primary-suppressed: 1 to threshold - 1."""
    return 0 < value < threshold


def count_cell(value: int, threshold: int) -> Cell:
    """A count standing alone (no published complement): "<5" when small, else the number."""
    return Cell(None, f"<{threshold}", SMALL) if small(value, threshold) else Cell(value, str(value))


def withheld(reason: str) -> Cell:
    """A withheld cell ("—") for `reason`."""
    return Cell(None, WITHHELD, reason)


def suppression_rule(threshold: int) -> str:
    """The rule in words, printed on every format."""
    if threshold <= 1:
        return "No counts are suppressed (the suppression threshold is 1)."
    return (
        f'Counts from 1 to {threshold - 1} are shown as "<{threshold}"; zero is shown as 0. A count shown '
        f'"{WITHHELD}" is withheld so that no small count can be worked out from the totals.'
    )


def footnotes(threshold: int) -> tuple[tuple[str, str], ...]:
    """The marks and what each means, in the order printed under every report."""
    return (
        (MARKS[SMALL], f"fewer than {threshold} (a count from 1 to {threshold - 1})"),
        (MARKS[COMPLEMENT], "withheld so that a small count cannot be worked out from a total"),
        (MARKS[WHOLE], f"withheld because the whole it is part of is fewer than {threshold} or withheld"),
    )


def _pinned(
    counts: Sequence[int], primary: set[int], comp: set[int], total: int, t: int, partition: bool
) -> bool:
    """Whether what is published narrows a hidden cell to one value (or none), for a reader who knows
    the rule: "<5" is 1 to t - 1; "—" is at least t (else it would read "<5") and at most the smallest
    published non-zero cell (the smallest are withheld first) and the total. In a partition the hidden
    cells add up to the total less the published cells; in a covering (stressors: each referral has one
    or more) to at least that. With integer bounds each cell's possible values form the interval below.
    A "<2" cell is 1 by its mark alone (threshold 2): only narrowing beyond the mark counts."""
    hidden = primary | comp
    top = min([total, *(c for i, c in enumerate(counts) if i not in hidden and c > 0)])
    bounds = {i: ((1, t - 1) if i in primary else (t, top)) for i in hidden}
    hidden_sum = total - sum(c for i, c in enumerate(counts) if i not in hidden)
    lows, highs = sum(low for low, _ in bounds.values()), sum(high for _, high in bounds.values())
    for low, high in bounds.values():
        least = max(low, hidden_sum - (highs - high))
        most = min(high, hidden_sum - (lows - low)) if partition else high
        if least > most or (least == most and low < high):
            return True
    return False


def protect(counts: Sequence[int], total: int, threshold: int, *, partition: bool = True) -> tuple[Cell, ...]:
    """The published cells of one breakdown whose published total is `total`.

    1. Zero is shown as 0; a count from 1 to threshold - 1 is primary-suppressed ("<5", small).
    2. In a partition, while fewer than two cells are hidden, and in either kind while the total less
       the published cells narrows a hidden cell to a single value (see `_pinned`), the next-smallest
       non-zero published cell is withheld too ("—", complement).
    3. If that still cannot protect the small cells (every non-zero cell is hidden), every cell,
       zeros included, is withheld (complement): the breakdown then says nothing beyond its total.
    A total from 1 to threshold - 1 withholds every cell (whole).

    Args:
        counts: The true counts, one per row.
        total: The published total (referrals: in a partition the rows add up to it; in a covering,
            `partition=False`, each referral is in one row or more, so they add up to at least it).
        threshold: Counts below it (and above zero) are small.
        partition: Whether the rows add up to the total exactly.
    """
    if threshold <= 1 or total == 0:
        return tuple(Cell(c, str(c)) for c in counts)
    if small(total, threshold):
        return tuple(withheld(WHOLE) for _ in counts)
    primary = {i for i, c in enumerate(counts) if small(c, threshold)}
    comp: set[int] = set()
    while primary and (
        (partition and len(primary | comp) < 2) or _pinned(counts, primary, comp, total, threshold, partition)
    ):
        candidates = [i for i, c in enumerate(counts) if c > 0 and i not in primary | comp]
        if not candidates:
            return tuple(withheld(COMPLEMENT) for _ in counts)
        comp.add(min(candidates, key=lambda i: (counts[i], i)))
    return tuple(
        Cell(None, f"<{threshold}", SMALL)
        if i in primary
        else Cell(None, WITHHELD, COMPLEMENT, least=threshold)
        if i in comp
        else Cell(c, str(c))
        for i, c in enumerate(counts)
    )


def part_cell(part: int, whole: Cell, whole_count: int, threshold: int) -> Cell:
    """A count that is part of a published whole: protected together with its unpublished complement.

    (PHP referrals of all referrals, say: if only 2 were not referred, the count is withheld, since
    the total less it would show the 2.) A withheld whole withholds the part.
    """
    if whole.value is None:
        return withheld(WHOLE)
    return protect([part, whole_count - part], whole_count, threshold)[0]


def percent(part: int, whole: int) -> str:
    """A whole percentage, halves rounded up."""
    return f"{(200 * part + whole) // (2 * whole)}%"


def proportion(part: int, whole: Cell, whole_count: int, threshold: int) -> Proportion:
    """`part` of a published whole, with the share only as far as the published cells allow.

    The share of a withheld part is given as the bound its mark already tells: "at most 14%" for a
    small part, "at least 87%" when the rest is small (the part withheld with it); otherwise "—" with
    the mark of why ("—‡" when the whole is withheld, "—†" when the part is).
    """
    cell = part_cell(part, whole, whole_count, threshold)
    if whole.value is None:
        return Proportion(cell, whole, WITHHELD + MARKS[WHOLE])
    if whole_count == 0:
        return Proportion(cell, whole, "n/a")
    if cell.value is not None:
        return Proportion(cell, whole, percent(cell.value, whole_count))
    rest = protect([part, whole_count - part], whole_count, threshold)[1]
    if cell.reason == SMALL:
        return Proportion(cell, whole, f"at most {-(-100 * (threshold - 1) // whole_count)}%")
    if rest.reason == SMALL:
        return Proportion(cell, whole, f"at least {100 * (whole_count - threshold + 1) // whole_count}%")
    return Proportion(cell, whole, WITHHELD + MARKS[COMPLEMENT])


@dataclass(frozen=True)
class Breakdown:
    """Referrals (or surveys) by one attribute: a row per value, in vocabulary order, and the total.

    `overlapping` rows (stressors) count mentions: a referral is in one row or more, so the rows add up
    to more than the total, which counts referrals (cases).
    """

    name: str
    rows: tuple[tuple[str, Cell], ...]
    total: Cell
    overlapping: bool = False

    @property
    def withheld(self) -> bool:
        """Whether every row is withheld (the small cells could not be protected otherwise)."""
        return bool(self.rows) and all(cell.shown == WITHHELD for _, cell in self.rows)


def breakdown(
    name: str, rows: Sequence[tuple[str, int]], total: int, threshold: int, *, partition: bool = True
) -> Breakdown:
    """A protected breakdown; its total is the count standing alone (the quarter's referrals)."""
    cells = protect([count for _, count in rows], total, threshold, partition=partition)
    labels = (label for label, _ in rows)
    return Breakdown(
        name, tuple(zip(labels, cells, strict=True)), count_cell(total, threshold), overlapping=not partition
    )
