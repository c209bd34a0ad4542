"""k-anonymity of the de-identified export (ARCHITECTURE.md §5, "Reports").

Each exported row is one physician's case. Its quasi-identifiers (what someone who knows the physician
could know: the month received and its quarter, county, career stage, pathway, source and stressors;
`QUASI_IDENTIFIERS`, the one list the export and `--check` both count over) must be shared by
at least k rows (k from Settings, default 5, never below 3), as Ontario's IPC de-identification
guidance and CIHI's practice treat smaller groups as identifying. Rows are generalised one step at a
time, for every row alike, until every combination occurs k times or more:

1. the month received becomes its quarter ("2026-08" -> "2026Q3");
2. the county becomes "PEI";
3. the stressors become their number ("2 stressors");
4. the quarter becomes its year ("2026");
5. the source becomes "any" (the pathway stays);
6. the number of stressors becomes "any".

The export stops at the first step after which at most `WITHHOLD_AT_MOST` of the rows (5%) are still
in a group smaller than k, so a few unusual cases do not coarsen every row; those rows are withheld,
and counted. (A community of about 400 physicians yields few referrals a quarter: a whole year's
export usually needs steps 1 to 3, a quarter's more.) `smallest_group` checks any CSV it wrote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from p2p_tui.services.reporting import csv_text

QUASI_IDENTIFIERS = ("month_received", "quarter", "county", "career_stage", "pathway", "source", "stressors")
STEPS = (
    "month to quarter",
    "county to PEI",
    "stressors to a count",
    "quarter to year",
    "source to any",
    "number of stressors to any",
)
PROVINCE = "PEI"
ANY = "any"
WITHHOLD_AT_MOST = 0.05


@dataclass(frozen=True)
class Anonymised:
    """What the export did: the rows kept, the steps taken, how many rows were withheld, and k."""

    rows: tuple[tuple[Any, ...], ...]
    k: int
    steps: tuple[str, ...]
    withheld: int
    smallest: int  # the smallest group of rows sharing their quasi-identifiers (0: no row kept)

    def describe(self) -> str:
        """What was done, in a sentence for the coordinator."""
        names = ", ".join(name.replace("_", " ") for name in QUASI_IDENTIFIERS)
        done = f"generalised {', '.join(self.steps)}" if self.steps else "nothing generalised"
        return (
            f"k-anonymity with k = {self.k} over {names}: {done}; {rows(len(self.rows))} written, "
            f"{self.withheld} withheld (in a group smaller than {self.k} even then)."
        )


def rows(n: int) -> str:
    """ "1 row", "12 rows"."""
    return f"{n} row{'' if n == 1 else 's'}"


def _quarter(month: str) -> str:
    if len(month) == 7 and month[4] == "-":
        return f"{month[:4]}Q{(int(month[5:7]) + 2) // 3}"
    return month  # already a quarter


def _count(stressors: str) -> str:
    if stressors.endswith("stressor") or stressors.endswith("stressors"):
        return stressors
    n = len([s for s in stressors.split(";") if s])
    return f"{n} stressor{'' if n == 1 else 's'}"


def _generalise(row: tuple[Any, ...], at: dict[str, int], step: int) -> tuple[Any, ...]:
    values = list(row)
    if step >= 1:
        values[at["month_received"]] = _quarter(str(values[at["month_received"]]))
    if step >= 2:
        values[at["county"]] = PROVINCE
    if step >= 3:
        values[at["stressors"]] = _count(str(values[at["stressors"]]))
    if step >= 4:
        values[at["month_received"]] = str(values[at["month_received"]])[:4]
        if "quarter" in at:  # the record's quarter says what the month did: it goes the same way
            values[at["quarter"]] = str(values[at["quarter"]])[:4]
    if step >= 5:
        values[at["source"]] = ANY
    if step >= 6:
        values[at["stressors"]] = ANY
    return tuple(values)


def _small(rows: Sequence[tuple[Any, ...]], positions: Sequence[int], k: int) -> set[tuple[Any, ...]]:
    groups = Counter(tuple(row[i] for i in positions) for row in rows)
    return {key for key, n in groups.items() if n < k}


def _alone(rows: Sequence[tuple[Any, ...]], positions: Sequence[int], k: int) -> int:
    """How many rows are in a group smaller than k."""
    groups = Counter(tuple(row[i] for i in positions) for row in rows)
    return sum(n for n in groups.values() if n < k)


def anonymise(rows: Sequence[tuple[Any, ...]], fields: Sequence[str], k: int) -> Anonymised:
    """`rows` (tuples in the order of `fields`) made k-anonymous over `QUASI_IDENTIFIERS`.

    The fewest steps after which at most 5% of the rows are in a group smaller than k are taken (all
    of them if none does); the rows still in such a group are withheld. The rows keep their order.
    """
    at = {name: fields.index(name) for name in (*QUASI_IDENTIFIERS, "quarter") if name in fields}
    positions = [at[name] for name in QUASI_IDENTIFIERS]
    step = 0
    current = list(rows)
    while step < len(STEPS) and _alone(current, positions, k) > WITHHOLD_AT_MOST * len(current):
        step += 1
        current = [_generalise(row, at, step) for row in rows]
    small = _small(current, positions, k)
    kept = tuple(row for row in current if tuple(row[i] for i in positions) not in small)
    groups = Counter(tuple(row[i] for i in positions) for row in kept)
    return Anonymised(kept, k, STEPS[:step], len(current) - len(kept), min(groups.values(), default=0))


def smallest_group(text: str) -> tuple[int, int]:
    """The smallest group over the quasi-identifiers of an exported CSV, and its number of rows.

    Raises:
        ValueError: the CSV lacks a quasi-identifier column (it is not one the export wrote), a row
            has not as many values as the header, or a record cannot be read (csv_text.CsvError); the
            message names the line.
    """
    found = csv_text.records(text)
    head = next(found, (1, []))[1]
    missing = [name for name in QUASI_IDENTIFIERS if name not in head]
    if missing:
        raise ValueError(f"not an export of p2p-tui: no column {', '.join(missing)}")
    positions = [head.index(name) for name in QUASI_IDENTIFIERS]
    groups: Counter[tuple[str, ...]] = Counter()
    for line, row in found:
        if not row:
            continue
        if len(row) != len(head):
            raise ValueError(f"line {line}: has {len(row)} values; the header has {len(head)} columns")
        groups[tuple(row[i] for i in positions)] += 1
    return min(groups.values(), default=0), sum(groups.values())
