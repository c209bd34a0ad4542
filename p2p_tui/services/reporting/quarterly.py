"""The quarterly utilization summary (ARCHITECTURE.md §5): de-identified figures, small counts suppressed.

Figures about referred physicians come from the `utilization` table (one de-identified row per
referral, kept after the retention purge); the standards met and their timings in working days read
the dates of the same referrals beside it (`standards`); beside them, non-identifying aggregates:
surveys submitted in the quarter, training hours and the honoraria total, distinct supporter ids in
`match` and `contact`. Small counts are suppressed, and every withheld cell says why (`suppression`).
A quarter still running is labelled "to date (day N of M)". This module imports no format (`render`
does); the identifying honorarium statement is a document of its own (`statement`).
Call `summarize` under `store.lock` (it reads the in-memory database).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date

from p2p_tui.services import clock
from p2p_tui.services.cases.clocks import ClockLengths
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import training
from p2p_tui.services.reporting import letterhead
from p2p_tui.services.reporting.letterhead import Letterhead
from p2p_tui.services.reporting.peers import PeerFigures, peer_figures
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.services.reporting.standards import StandardFigure, figures, headline, tallies
from p2p_tui.services.reporting.suppression import (
    WITHHELD,
    Breakdown,
    Cell,
    Proportion,
    breakdown,
    count_cell,
    footnotes,
    part_cell,
    percent,
    proportion,
    protect,
    small,
    suppression_rule,
)
from p2p_tui.store import query, settings
from p2p_tui.store.vocab import (
    CAREER_STAGES,
    ENDED_STATUSES,
    PATHWAYS,
    SOURCES,
    STRESSORS,
    SURVEY_DURATIONS,
)

__all__ = [  # the suppression names, re-exported for the readers of a summary
    "WITHHELD", "Breakdown", "Cell", "Proportion", "part_cell", "percent", "protect", "small",
    "suppression_rule", "Summary", "summarize",
]  # fmt: skip

OUTCOMES = ("open", *ENDED_STATUSES)  # as the de-identified record keeps a status
NOT_ANSWERED = "not_answered"
NO_CONVERSATION = "no_conversation"
MAX_THRESHOLD = 100
TREND_QUARTERS = 4  # earlier quarters in the trend, beside the quarter itself
BREAKDOWNS = ("pathway", "source", "stressor", "career_stage", "county", "outcome")  # in Summary order
NO_REFERRALS = "No referrals this quarter."
STRESSOR_NOTE = (
    "A referral counts once for each of its stressors, so the stressor rows (mentions) add up to more "
    "than the total, which counts referrals (cases)."
)
STANDARDS_NOTE = (
    "Standards and times are in working days (weekdays other than Prince Edward Island's public "
    "holidays), each from its own clock's start, as the follow-up queue counts them (the match clock "
    "starts at receipt, or when consent is given if it was needed and came later). A case counts for "
    "a standard once the step happened or its clock ran out; a case still within its clock, or "
    "declined before the step, is left out."
)


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
    """One quarter of the trend: its referrals, median working days to match, and the share of each
    standard met (in `standards.STANDARDS` order); `to_date` while the quarter runs."""

    quarter: str
    label: str
    referrals: Cell
    median_days_to_match: float | None
    standards_met: tuple[str, ...] = ()
    to_date: str | None = None

    @property
    def heading(self) -> str:
        """The quarter's label, "to date" while it runs."""
        return f"{self.label}, {self.to_date}" if self.to_date else self.label


@dataclass(frozen=True)
class Summary:
    """The quarterly utilization summary: every figure de-identified and suppressed as published.

    `supporters_active` (distinct supporters with a contact in the quarter), `supporters_with_cases`
    (distinct supporters holding a match during the quarter) and `contacts` (conversations recorded in
    the quarter) describe the supporters' work in aggregate, not the referred physicians, so they are
    not suppressed. Training hours and the honoraria total are sums over supporters, never per person.
    `per_100` is the quarter's referrals per 100 physicians of the community served (a setting).
    """

    quarter: str
    label: str
    threshold: int
    empty: bool
    referrals: Cell
    breakdowns: tuple[Breakdown, ...]
    standards: tuple[StandardFigure, ...]
    follow_up_completion: Proportion
    php_referrals: Cell
    safety_escalations: Cell
    declined: Cell
    no_consent: Cell
    per_100: str
    physicians_served: int
    supporters_active: int
    supporters_with_cases: int
    contacts: int
    training_hours: dict[str, float]
    honoraria_total: float
    survey: SurveyAggregate
    trend: tuple[TrendPoint, ...]
    notes: tuple[str, ...]
    to_date: str | None  # "to date (day 49 of 92)" while the quarter runs on the day it is made
    letterhead: Letterhead
    footnotes: tuple[tuple[str, str], ...]
    peers: PeerFigures | None = None  # peers13: encounters, outside matches, check-ins

    @property
    def heading(self) -> str:
        """The period as a title says it: "Oct–Dec 2026, to date (day 49 of 92)"."""
        return f"{self.label}, {self.to_date}" if self.to_date else self.label

    def breakdown(self, name: str) -> Breakdown:
        """The breakdown called `name` (pathway, source, stressor, career_stage, county, outcome)."""
        for found in self.breakdowns:
            if found.name == name:
                return found
        raise KeyError(name)

    def standard(self, name: str) -> StandardFigure:
        """The standard called `name` (match, first_contact, follow_up, survey)."""
        for found in self.standards:
            if found.name == name:
                return found
        raise KeyError(name)


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
    """The quarter's total, rows by column, stressor rows, and [PHP, safety], in one pass over
    `utilization` (values outside the known lists in a second). The cases with a first contact and
    the follow-ups done are the standards' (`standards.headline`), counted once."""
    dims = _dimensions()
    params = [value for known in dims.values() for value in known] + [*STRESSORS]
    tests = [f"{column} = ?" for column, known in dims.items() for _ in known] + [_has(s) for s in STRESSORS]
    tests += ["php_referred != 0", "safety_escalation != 0"]
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


def _survey(quarter: Quarter, threshold: int) -> SurveyAggregate:
    """Surveys submitted in the quarter: count, conversation share, durations, means, debriefs."""
    exprs = ["COUNT(*)", "SUM(conversation_happened = 0)"]
    exprs += ["SUM(conversation_happened != 0 AND duration = ?)" for _ in SURVEY_DURATIONS]
    exprs += ["SUM(conversation_happened != 0 AND duration IS NULL)", "COUNT(peer_helpfulness)"]
    exprs += ["AVG(peer_helpfulness)", "COUNT(supporter_distress)", "AVG(supporter_distress)"]
    exprs += ["SUM(wants_debrief != 0)"]
    sql = f"SELECT {', '.join(exprs)} FROM survey WHERE submitted_on BETWEEN ? AND ? AND voided_on IS NULL"  # noqa: S608
    row = query.rows(sql, *SURVEY_DURATIONS, quarter.start.isoformat(), quarter.end.isoformat())[0]
    count, no_conversation = int(row[0]), int(row[1] or 0)
    durations = [int(v or 0) for v in row[2 : 2 + len(SURVEY_DURATIONS)]]
    not_answered = int(row[2 + len(SURVEY_DURATIONS)] or 0)
    helped_n, helped, distress_n, distress, debriefs = row[3 + len(SURVEY_DURATIONS) :]
    rows = [*zip(SURVEY_DURATIONS, durations, strict=True), (NOT_ANSWERED, not_answered)]
    table = breakdown("survey_duration", [*rows, (NO_CONVERSATION, no_conversation)], count, threshold)
    published = count_cell(count, threshold)
    share = proportion(count - no_conversation, published, count, threshold).share
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
    sql = (
        "SELECT COUNT(DISTINCT supporter_id), COUNT(*) FROM contact "
        "WHERE contact_on BETWEEN ? AND ? AND voided_on IS NULL"
    )
    active, contacts = query.rows(sql, start, end)[0]
    sql = (
        'SELECT COUNT(DISTINCT supporter_id) FROM "match" WHERE matched_on <= ? AND IFNULL(ended_on, ?) >= ?'
    )
    (with_cases,) = query.rows(sql, end, start, start)[0]
    return int(active), int(with_cases), int(contacts)


def clean_threshold(threshold: int | None) -> int:
    """The suppression threshold: given, or from Settings; a whole number from 1 (1: no suppression)."""
    value = settings.get("suppression_threshold") if threshold is None else threshold
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_THRESHOLD:
        raise ValidationError("suppression_threshold", f"must be a whole number from 1 to {MAX_THRESHOLD}")
    return value


def clean_served(value: object) -> int:
    """The physicians the program serves (a setting): a whole number from 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("physicians_served", "must be a whole number from 1")
    return value


def per_100(referrals: Cell, total: int, served: int, threshold: int) -> str:
    """Referrals per 100 physicians served, one decimal; for a small count only the bound it allows."""
    if referrals.value is None:
        return f"at most {math.ceil(1000 * (threshold - 1) / served) / 10:.1f}"
    return f"{100 * total / served:.1f}"


def _quarter(quarter: str | Quarter) -> Quarter:
    return quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)


def summarize(
    quarter: str | Quarter,
    *,
    threshold: int | None = None,
    trend_quarters: int = TREND_QUARTERS,
    on: date | None = None,
) -> Summary:
    """The quarter's summary as of `on` (default today), with `trend_quarters` earlier quarters in the
    trend (call under the lock). A quarter that contains `on` is labelled "to date"."""
    q = _quarter(quarter)
    t = clean_threshold(threshold)
    if trend_quarters < 0:
        raise ValidationError("trend_quarters", "must be 0 or more")
    today = on or clock.today()
    served = clean_served(settings.get("physicians_served"))
    total, by, stressors, (php, safety) = _quarter_counts(q)
    referrals = count_cell(total, t)
    tables = [breakdown(column, rows, total, t) for column, rows in by.items()]
    tables.insert(2, breakdown("stressor", stressors, total, t, partition=False))
    spans = [q.previous(n) for n in range(trend_quarters, -1, -1)]
    lengths = ClockLengths.from_settings()
    met = tallies(spans, today, lengths)
    shown = {name: figures(found, t, lengths, _times) for name, found in met.items()}
    trend = tuple(
        TrendPoint(
            str(span),
            span.label,
            count_cell(met[str(span)].referrals, t),
            shown[str(span)][0].median,
            tuple(f.share for f in shown[str(span)]),
            span.to_date(today),
        )
        for span in spans
    )
    mine = met[str(q)]
    outcome = dict(tables[-1].rows)
    declined = outcome.get("declined", count_cell(mine.declined, t))  # the outcome table's own cell
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
    notes.append(f"{STANDARDS_NOTE} The median and 90th percentile need at least {t} cases.")
    if q.to_date(today):
        notes.append(f"The quarter is still running: its figures are {q.to_date(today)}.")
    active, with_cases, contacts = _supporters(q)
    return Summary(
        quarter=str(q),
        label=q.label,
        threshold=t,
        empty=total == 0,
        referrals=referrals,
        breakdowns=tuple(tables),
        standards=shown[str(q)],
        follow_up_completion=headline(mine, t).follow_up,
        php_referrals=part_cell(php, referrals, total, t),
        safety_escalations=part_cell(safety, referrals, total, t),
        declined=declined,
        no_consent=part_cell(mine.no_consent, declined, mine.declined, t),
        per_100=per_100(referrals, total, served, t),
        physicians_served=served,
        supporters_active=active,
        supporters_with_cases=with_cases,
        contacts=contacts,
        training_hours=training.hours_by_kind(q),
        honoraria_total=training.honoraria_total(q),
        survey=_survey(q, t),
        trend=trend,
        notes=tuple(notes),
        to_date=q.to_date(today),
        letterhead=letterhead.current(),
        footnotes=footnotes(t),
        peers=peer_figures(q, total, t),
    )
