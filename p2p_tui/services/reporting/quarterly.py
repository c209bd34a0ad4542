"""The quarterly utilization summary (DESIGN section 5): de-identified figures, small counts suppressed.

Figures about referred physicians come from the `utilization` table only (one de-identified row per
referral, kept after the retention purge); beside it, non-identifying aggregates: surveys submitted in
the quarter, training hours and the honoraria total, distinct supporter ids in `match` and `contact`.
A count from 1 to threshold - 1 is shown "<5"; within each breakdown (whose total is the quarter's
published referral total) more cells are withheld, shown "—", until no hidden cell can be worked out
(`protect`). Files: `render` (which imports the formats; this module imports none of them). The
identifying honorarium statement is apart.
Call `summarize` and `honorarium_statement` under `store.lock` (they read the in-memory database).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import training
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import query, settings
from p2p_tui.store.vocab import (
    CAREER_STAGES,
    ENDED_STATUSES,
    PATHWAYS,
    SOURCES,
    STRESSORS,
    SURVEY_DURATIONS,
)

WITHHELD = "—"
OUTCOMES = ("open", *ENDED_STATUSES)  # as the de-identified record keeps a status
NOT_ANSWERED = "not_answered"
NO_CONVERSATION = "no_conversation"
MAX_THRESHOLD = 100
TREND_QUARTERS = 4  # earlier quarters in the trend, beside the quarter itself
BREAKDOWNS = ("pathway", "source", "stressor", "career_stage", "county", "outcome")  # in Summary order
NO_REFERRALS = "No referrals this quarter."
STRESSOR_NOTE = (
    "A referral counts once for each of its stressors, so the stressor rows add up to more than the "
    "total, which counts referrals."
)


@dataclass(frozen=True)
class Cell:
    """A published count: `value` is None when suppressed; `shown` is the number, "<5" or "—"."""

    value: int | None
    shown: str


@dataclass(frozen=True)
class Breakdown:
    """Referrals (or surveys) by one attribute: a row per value, in vocabulary order, and the total."""

    name: str
    rows: tuple[tuple[str, Cell], ...]
    total: Cell

    @property
    def withheld(self) -> bool:
        """Whether every row is withheld (the small cells could not be protected otherwise)."""
        return bool(self.rows) and all(cell.shown == WITHHELD for _, cell in self.rows)


@dataclass(frozen=True)
class SurveyAggregate:
    """Supporter surveys submitted in the quarter, in aggregate (means only from `threshold` answers)."""

    count: Cell
    conversation_share: str
    durations: Breakdown
    mean_helpfulness: float | None
    mean_distress: float | None
    debriefs_wanted: Cell


@dataclass(frozen=True)
class TrendPoint:
    """One quarter of the trend: its referrals and median days from receipt to match."""

    quarter: str
    label: str
    referrals: Cell
    median_days_to_match: float | None


@dataclass(frozen=True)
class Summary:
    """The quarterly utilization summary: every figure de-identified and suppressed as published.

    `supporters_active` (distinct supporters with a contact in the quarter), `supporters_with_cases`
    (distinct supporters holding a match during the quarter) and `contacts` (conversations recorded in
    the quarter) describe the supporters' work in aggregate, not the referred physicians, so they are
    not suppressed. Training hours and the honoraria total are sums over supporters, never per person.
    """

    quarter: str
    label: str
    threshold: int
    empty: bool
    referrals: Cell
    breakdowns: tuple[Breakdown, ...]
    days_to_match: tuple[float | None, float | None]
    days_to_first_contact: tuple[float | None, float | None]
    follow_up_completion: tuple[Cell, Cell, str]
    php_referrals: Cell
    safety_escalations: Cell
    supporters_active: int
    supporters_with_cases: int
    contacts: int
    training_hours: dict[str, float]
    honoraria_total: float
    survey: SurveyAggregate
    trend: tuple[TrendPoint, ...]
    notes: tuple[str, ...]

    def breakdown(self, name: str) -> Breakdown:
        """The breakdown called `name` (pathway, source, stressor, career_stage, county, outcome)."""
        for found in self.breakdowns:
            if found.name == name:
                return found
        raise KeyError(name)


# -- suppression ----------------------------------------------------------------------------------


def small(value: int, threshold: int) -> bool:
    """Whether a count is primary-suppressed: 1 to threshold - 1."""
    return 0 < value < threshold


def count_cell(value: int, threshold: int) -> Cell:
    """A count standing alone (no published complement): "<5" when small, else the number."""
    return Cell(None, f"<{threshold}") if small(value, threshold) else Cell(value, str(value))


def suppression_rule(threshold: int) -> str:
    """The rule in words, printed on every format."""
    if threshold <= 1:
        return "No counts are suppressed (the suppression threshold is 1)."
    return (
        f'Counts from 1 to {threshold - 1} are shown as "<{threshold}"; zero is shown as 0. A count shown '
        f'"{WITHHELD}" is withheld so that no small count can be worked out from the totals.'
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

    1. Zero is shown as 0; a count from 1 to threshold - 1 is primary-suppressed ("<5").
    2. While fewer than two cells are hidden, or the total less the published cells narrows a hidden
       cell to a single value (see `_pinned`), the next-smallest non-zero published cell is
       withheld too ("—").
    3. If that still cannot protect the small cells (every non-zero cell is hidden), every cell,
       zeros included, is withheld: the breakdown then says nothing beyond its total.
    A total from 1 to threshold - 1 withholds every cell.
    """
    withheld = Cell(None, WITHHELD)
    if threshold <= 1 or total == 0:
        return tuple(Cell(c, str(c)) for c in counts)
    if small(total, threshold):
        return tuple(withheld for _ in counts)
    primary = {i for i, c in enumerate(counts) if small(c, threshold)}
    comp: set[int] = set()
    while primary and (
        len(primary | comp) < 2 or _pinned(counts, primary, comp, total, threshold, partition)
    ):
        candidates = [i for i, c in enumerate(counts) if c > 0 and i not in primary | comp]
        if not candidates:
            return tuple(withheld for _ in counts)
        comp.add(min(candidates, key=lambda i: (counts[i], i)))
    return tuple(
        Cell(None, f"<{threshold}") if i in primary else withheld if i in comp else Cell(c, str(c))
        for i, c in enumerate(counts)
    )


def part_cell(part: int, whole: Cell, whole_count: int, threshold: int) -> Cell:
    """A count that is part of a published whole: protected together with its unpublished complement.

    (PHP referrals of all referrals, say: if only 2 were not referred, the count is withheld, since
    the total less it would show the 2.) A withheld whole withholds the part.
    """
    if whole.value is None:
        return Cell(None, WITHHELD)
    return protect([part, whole_count - part], whole_count, threshold)[0]


def breakdown(
    name: str, rows: Sequence[tuple[str, int]], total: int, threshold: int, *, partition: bool = True
) -> Breakdown:
    """A protected breakdown; its total is the count standing alone (the quarter's referrals)."""
    cells = protect([count for _, count in rows], total, threshold, partition=partition)
    return Breakdown(
        name, tuple(zip((label for label, _ in rows), cells, strict=True)), count_cell(total, threshold)
    )


# -- reading --------------------------------------------------------------------------------------


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _dimensions() -> dict[str, tuple[str, ...]]:
    """The columns of `utilization` broken down, with their known values (counties from Settings)."""
    counties = tuple(dict.fromkeys(str(c) for c in settings.get("counties")))
    return dict(
        pathway=PATHWAYS, source=SOURCES, career_stage=CAREER_STAGES, county=counties, outcome=OUTCOMES
    )


Rows = list[tuple[str, int]]


def _has(stressor: str) -> str:
    """A test that a record's ';'-joined stressors include `stressor` (plain instr() unless the name is
    part of another name, which would need the slower delimited test)."""
    if any(stressor in other for other in STRESSORS if other != stressor):
        return "instr(';' || stressors || ';', ';' || ? || ';') > 0"
    return "instr(stressors, ?) > 0"


def _quarter_counts(quarter: Quarter) -> tuple[int, dict[str, Rows], Rows, list[int]]:
    """The quarter's total, rows by column, stressor rows, and [PHP, safety, first contact, follow-up
    done], in one pass over `utilization` (values outside the known lists in a second)."""
    dims = _dimensions()
    params = [value for known in dims.values() for value in known] + [*STRESSORS]
    tests = [f"{column} = ?" for column, known in dims.items() for _ in known] + [_has(s) for s in STRESSORS]
    tests += ["php_referred != 0", "safety_escalation != 0", "days_to_first_contact IS NOT NULL"]
    tests += ["follow_up_done != 0 AND days_to_first_contact IS NOT NULL"]
    # the columns and tests are this module's constants; every value is a parameter
    exprs = ", ".join(["COUNT(*)", *(f"COUNT(*) FILTER (WHERE {test})" for test in tests)])
    sql = f"SELECT {exprs} FROM utilization WHERE quarter = ?"  # noqa: S608
    values = [int(v) for v in query.rows(sql, *params, str(quarter))[0]]
    total, at = values[0], 1
    by: dict[str, Rows] = {}
    for column, known in dims.items():
        by[column] = list(zip(known, values[at : at + len(known)], strict=True))
        if sum(values[at : at + len(known)]) < total:
            by[column] += _others(quarter, column, known)
        at += len(known)
    stressors = list(zip(STRESSORS, values[at : at + len(STRESSORS)], strict=True))
    return total, by, stressors, values[at + len(STRESSORS) :]


def _others(quarter: Quarter, column: str, known: tuple[str, ...]) -> Rows:
    """Counts of values not in the known list (a county since removed from Settings, say)."""
    sql = (
        f"SELECT {column}, COUNT(*) FROM utilization WHERE quarter = ? "  # noqa: S608 - a constant column
        f"AND {column} NOT IN ({_marks(len(known))}) GROUP BY {column} ORDER BY {column}"
    )
    return [(str(value), int(count)) for value, count in query.rows(sql, str(quarter), *known)]


def _times(histogram: Counter[int], threshold: int) -> tuple[float | None, float | None]:
    """Median (the mean of the middle two for an even count) and 90th percentile (nearest rank: the
    ceil(0.9 n)-th smallest value) of days given as {days: cases}; (None, None) below `threshold`."""
    n = sum(histogram.values())
    if n < max(threshold, 1):
        return None, None

    def kth(k: int) -> int:  # the k-th smallest value, from 1
        for value in sorted(histogram):
            k -= histogram[value]
            if k <= 0:
                return value
        raise ValueError(k)

    return (kth((n + 1) // 2) + kth(n // 2 + 1)) / 2, float(kth((9 * n + 9) // 10))


def percent(part: int, whole: int) -> str:
    """A whole percentage, halves rounded up."""
    return f"{(200 * part + whole) // (2 * whole)}%"


def _follow_up(referrals: Cell, total: int, contacted: int, followed: int, t: int) -> tuple[Cell, Cell, str]:
    """Follow-ups done, of referrals that had a first contact, and the share."""
    base = part_cell(contacted, referrals, total, t)
    done = part_cell(followed, base, contacted, t)
    share = "n/a"
    if base.value and done.value is not None:
        share = percent(done.value, base.value)
    return done, base, share


def _survey(quarter: Quarter, threshold: int) -> SurveyAggregate:
    """Surveys submitted in the quarter: count, conversation share, durations, means, debriefs."""
    exprs = ["COUNT(*)", "SUM(conversation_happened = 0)"]
    exprs += ["SUM(conversation_happened != 0 AND duration = ?)" for _ in SURVEY_DURATIONS]
    exprs += ["SUM(conversation_happened != 0 AND duration IS NULL)", "COUNT(peer_helpfulness)"]
    exprs += ["AVG(peer_helpfulness)", "COUNT(supporter_distress)", "AVG(supporter_distress)"]
    exprs += ["SUM(wants_debrief != 0)"]
    sql = f"SELECT {', '.join(exprs)} FROM survey WHERE submitted_on BETWEEN ? AND ?"  # noqa: S608
    row = query.rows(sql, *SURVEY_DURATIONS, quarter.start.isoformat(), quarter.end.isoformat())[0]
    count, no_conversation = int(row[0]), int(row[1] or 0)
    durations = [int(v or 0) for v in row[2 : 2 + len(SURVEY_DURATIONS)]]
    not_answered = int(row[2 + len(SURVEY_DURATIONS)] or 0)
    helped_n, helped, distress_n, distress, debriefs = row[3 + len(SURVEY_DURATIONS) :]
    rows = [*zip(SURVEY_DURATIONS, durations, strict=True), (NOT_ANSWERED, not_answered)]
    table = breakdown("survey_duration", [*rows, (NO_CONVERSATION, no_conversation)], count, threshold)
    published = count_cell(count, threshold)
    no_talk = table.rows[-1][1]
    share = "n/a"
    if published.value and no_talk.value is not None:
        share = percent(count - no_talk.value, count)
    enough = count >= threshold
    return SurveyAggregate(
        count=published,
        conversation_share=share,
        durations=table,
        mean_helpfulness=float(helped) if enough and helped_n >= threshold else None,
        mean_distress=float(distress) if enough and distress_n >= threshold else None,
        debriefs_wanted=part_cell(int(debriefs or 0), published, count, threshold),
    )


def _supporters(quarter: Quarter) -> tuple[int, int, int]:
    """Distinct supporters with a contact, distinct supporters holding a match, contacts (the quarter)."""
    start, end = quarter.start.isoformat(), quarter.end.isoformat()
    sql = "SELECT COUNT(DISTINCT supporter_id), COUNT(*) FROM contact WHERE contact_on BETWEEN ? AND ?"
    active, contacts = query.rows(sql, start, end)[0]
    sql = (
        'SELECT COUNT(DISTINCT supporter_id) FROM "match" WHERE matched_on <= ? AND IFNULL(ended_on, ?) >= ?'
    )
    (with_cases,) = query.rows(sql, end, start, start)[0]
    return int(active), int(with_cases), int(contacts)


def _trend(quarters: list[Quarter], threshold: int) -> tuple[list[TrendPoint], dict[str, Counter[int]]]:
    """Referrals and median days to match per quarter (oldest first); this quarter's days histograms.

    One indexed read of the quarters' (quarter, days, days) triples, counted in C by `Counter`.
    """
    names = [str(q) for q in quarters]
    sql = "SELECT quarter, days_to_match, days_to_first_contact FROM utilization WHERE quarter IN "
    combos = Counter(query.rows(f"{sql}({_marks(len(names))})", *names))
    totals: Counter[str] = Counter()
    to_match: dict[str, Counter[int]] = {name: Counter() for name in names}
    to_contact: Counter[int] = Counter()
    for (name, match, contact), cases in combos.items():
        totals[name] += cases
        if match is not None:
            to_match[name][int(match)] += cases
        if contact is not None and name == names[-1]:
            to_contact[int(contact)] += cases
    points = [
        TrendPoint(name, q.label, count_cell(totals[name], threshold), _times(to_match[name], threshold)[0])
        for q, name in zip(quarters, names, strict=True)
    ]
    return points, {"match": to_match[names[-1]], "first_contact": to_contact}


def clean_threshold(threshold: int | None) -> int:
    """The suppression threshold: given, or from Settings; a whole number from 1 (1: no suppression)."""
    value = settings.get("suppression_threshold") if threshold is None else threshold
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_THRESHOLD:
        raise ValidationError("suppression_threshold", f"must be a whole number from 1 to {MAX_THRESHOLD}")
    return value


def _quarter(quarter: str | Quarter) -> Quarter:
    return quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)


def summarize(
    quarter: str | Quarter, *, threshold: int | None = None, trend_quarters: int = TREND_QUARTERS
) -> Summary:
    """The quarter's summary, with `trend_quarters` earlier quarters in the trend (call under the lock)."""
    q = _quarter(quarter)
    t = clean_threshold(threshold)
    if trend_quarters < 0:
        raise ValidationError("trend_quarters", "must be 0 or more")
    total, by, stressors, (php, safety, contacted, followed) = _quarter_counts(q)
    referrals = count_cell(total, t)
    tables = [breakdown(column, rows, total, t) for column, rows in by.items()]
    tables.insert(2, breakdown("stressor", stressors, total, t, partition=False))
    trend, days = _trend([q.previous(n) for n in range(trend_quarters, -1, -1)], t)
    active, with_cases, contacts = _supporters(q)
    notes = [suppression_rule(t), STRESSOR_NOTE]
    if total == 0:
        notes.append(NO_REFERRALS)
    elif small(total, t):
        notes.append(
            f"Fewer than {t} referrals this quarter: every count about referred physicians is withheld."
        )
    notes += [
        f"Referrals by {table.name.replace('_', ' ')}: withheld entirely, as its small counts could "
        "otherwise be worked out from the total."
        for table in tables
        if table.withheld and not small(total, t)
    ]
    notes.append(
        f"Times are calendar days from receipt; the median and 90th percentile need at least {t} cases."
    )
    return Summary(
        quarter=str(q),
        label=q.label,
        threshold=t,
        empty=total == 0,
        referrals=referrals,
        breakdowns=tuple(tables),
        days_to_match=_times(days["match"], t),
        days_to_first_contact=_times(days["first_contact"], t),
        follow_up_completion=_follow_up(referrals, total, contacted, followed, t),
        php_referrals=part_cell(php, referrals, total, t),
        safety_escalations=part_cell(safety, referrals, total, t),
        supporters_active=active,
        supporters_with_cases=with_cases,
        contacts=contacts,
        training_hours=training.hours_by_kind(q),
        honoraria_total=training.honoraria_total(q),
        survey=_survey(q, t),
        trend=tuple(trend),
        notes=tuple(notes),
    )


def honorarium_statement(quarter: str | Quarter) -> list[HonorariumLine]:
    """IDENTIFYING, for payment only: each supporter's training hours and honorarium in the quarter.

    Kept apart from the summary (which shows only the total) and labelled as identifying in every
    format that prints it.
    """
    return training.honoraria(_quarter(quarter))
