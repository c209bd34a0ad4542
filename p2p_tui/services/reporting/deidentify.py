"""De-identified utilization records (ARCHITECTURE.md §4): read, export as CSV, and check against the cases.

The records live in the `utilization` table, one per referral, kept current by the triggers of
migration m0004 (the outside resource by those of m0011) and kept after the retention purge. What
leaves this module carries no referral id (an id could be joined back to a case) and comes out sorted
by its own values, not by the order the cases arrived in, for the same reason. The export is
k-anonymous over its quasi-identifiers (`kanon`): generalised until every combination occurs k times,
rows still alone withheld and counted.

`check_consistency` recomputes every record here, in Python, independently of the triggers' SQL: two
implementations that must agree, so a missed trigger or a wrong one shows up in the tests and in
`p2p-tui check`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting import kanon
from p2p_tui.services.reporting.csv_text import csv_text
from p2p_tui.services.reporting.kanon import Anonymised
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import query, settings
from p2p_tui.store.vocab import OPEN_STATUSES, STRESSORS


@dataclass(frozen=True)
class UtilizationRecord:
    """One referral's de-identified record: the `utilization` row without its referral id."""

    month_received: str  # 'YYYY-MM'
    quarter: str  # '2026Q3'
    career_stage: str
    county: str
    pathway: str
    source: str
    stressors: str  # ';'-joined in vocabulary order
    acute_interventional: bool
    outcome: str  # open | closed | declined | unreachable
    days_to_match: int | None
    days_to_first_contact: int | None
    follow_up_done: bool
    survey_done: bool
    php_referred: bool
    safety_escalation: bool
    outside_resource: str | None = None  # schema 11: the latest match's resource, when outside


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(UtilizationRecord))
FLAGS = frozenset(
    ("acute_interventional", "follow_up_done", "survey_done", "php_referred", "safety_escalation")
)
_FLAG_AT = frozenset(i for i, name in enumerate(FIELDS) if name in FLAGS)
# Sorted by every column: the order of the rows says nothing about the order of the cases.
_SELECT = f"SELECT {', '.join(FIELDS)} FROM utilization"  # noqa: S608 - fixed column names only
_ORDER = f"ORDER BY {', '.join(FIELDS)}"


def clean_quarter(quarter: str | None) -> str | None:
    """A quarter written like 2026Q3, normalised (raises ValidationError naming `quarter`), or None."""
    return None if quarter is None else str(Quarter.parse(quarter))


def _sorted_rows(quarter: str | None) -> list[tuple[Any, ...]]:
    wanted = clean_quarter(quarter)
    if wanted is None:
        return query.rows(f"{_SELECT} {_ORDER}")
    return query.rows(f"{_SELECT} WHERE quarter = ? {_ORDER}", wanted)


def records(quarter: str | None = None) -> list[UtilizationRecord]:
    """Every referral's record (or one quarter's, by month received), sorted by value, without ids."""
    found = []
    for row in _sorted_rows(quarter):
        values: list[Any] = [bool(v) if i in _FLAG_AT else v for i, v in enumerate(row)]
        found.append(UtilizationRecord(*values))
    return found


def _cell(index: int, value: object) -> str:
    if value is None:
        return ""
    if index in _FLAG_AT:
        return "1" if value else "0"
    return str(value)


def clean_k(value: object, least: int = settings.MIN_EXPORT_K) -> int:
    """The export's k: a whole number from 3 (the setting's floor; a caller may ask for less)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValidationError("export_k", f"must be a whole number from {least}")
    return value


def export(quarter: str | None = None, k: int | None = None) -> tuple[str, Anonymised]:
    """The records as k-anonymous CSV text, and what was done to make them so (`kanon`).

    A header row of the field names, then one row per referral kept, sorted by value. Flags are 1/0,
    an unknown number of days is empty, and a text cell that a spreadsheet would take for a formula is
    prefixed with `'`. No referral id, no name, no contact. `k` defaults to the setting.
    """
    wanted = clean_k(settings.get("export_k")) if k is None else clean_k(k, 1)  # k=1: no generalising
    done = kanon.anonymise(_sorted_rows(quarter), FIELDS, wanted)
    rows = ([_cell(i, v) for i, v in enumerate(row)] for row in sorted(done.rows, key=_order))
    return csv_text(FIELDS, rows), done


def _order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """By every column, an empty value first, as SQLite orders them."""
    return tuple((False, 0) if v is None else (True, v) for v in row)


def export_csv(quarter: str | None = None, k: int | None = None) -> str:
    """The k-anonymous records as CSV text (see `export`)."""
    return export(quarter, k)[0]


# -- the independent recomputation ----------------------------------------------------------------


# A voided contact or survey (a correction) counts nowhere.
REAL_FOLLOW_UPS = "SELECT DISTINCT referral_id FROM contact WHERE kind = 'follow_up' AND voided_on IS NULL"
REAL_SURVEYS = "SELECT DISTINCT referral_id FROM survey WHERE voided_on IS NULL"


def _days(start: str, end: str | None) -> int | None:
    return None if end is None else (date.fromisoformat(end[:10]) - date.fromisoformat(start[:10])).days


def _quarter_of(received: str) -> str:
    return str(Quarter.of(date.fromisoformat(received[:10])))


def expected_records() -> dict[int, tuple[Any, ...]]:
    """Every referral's record as it should be, by referral id, as rows of the table (flags 0/1).

    For a purged physician the career stage and county cannot be recomputed (the purge may have
    cleared them): the stored ones are expected, as the triggers keep them.
    """
    stored = {row[0]: row for row in query.rows("SELECT referral_id, career_stage, county FROM utilization")}
    stressors: dict[int, set[str]] = {}
    for referral_id, stressor in query.rows("SELECT referral_id, stressor FROM referral_stressor"):
        stressors.setdefault(referral_id, set()).add(stressor)
    first_match = dict(query.rows('SELECT referral_id, min(matched_on) FROM "match" GROUP BY referral_id'))
    first_contact = dict(
        query.rows(
            "SELECT referral_id, min(contact_on) FROM contact WHERE kind = 'initial' AND voided_on IS NULL "
            "GROUP BY referral_id"
        )
    )
    followed = {r for (r,) in query.rows(REAL_FOLLOW_UPS)}
    surveyed = {r for (r,) in query.rows(REAL_SURVEYS)}
    escalated = {r for (r,) in query.rows("SELECT DISTINCT referral_id FROM escalation")}
    outside = dict(
        query.rows(
            'SELECT referral_id, outside_resource FROM "match" WHERE id IN '
            '(SELECT max(id) FROM "match" GROUP BY referral_id)'
        )
    )
    expected: dict[int, tuple[Any, ...]] = {}
    cases_sql = """
        SELECT r.id, r.received_on, r.pathway, r.source, r.acute_interventional, r.status, r.php_referred,
               p.career_stage, p.county, p.purged_on
        FROM referral r JOIN physician p ON p.id = r.physician_id"""
    for rid, received, pathway, source, acute, status, php, stage, county, purged in query.rows(cases_sql):
        if purged is not None and rid in stored:
            stage, county = stored[rid][1], stored[rid][2]
        expected[rid] = (
            rid,
            received[:7],
            _quarter_of(received),
            stage,
            county,
            pathway,
            source,
            ";".join(s for s in STRESSORS if s in stressors.get(rid, ())),
            int(acute),
            "open" if status in OPEN_STATUSES else status,
            _days(received, first_match.get(rid)),
            _days(received, first_contact.get(rid)),
            int(rid in followed),
            int(rid in surveyed),
            int(php),
            int(rid in escalated),
            outside.get(rid),
        )
    return expected


def check_consistency() -> list[int]:
    """Referral ids whose record is missing, or differs from a fresh recomputation (sorted).

    A record left behind by a referral that no longer exists is reported under its id too.
    """
    stored = query.rows(f"SELECT referral_id, {', '.join(FIELDS)} FROM utilization")  # noqa: S608
    actual = {row[0]: tuple(row) for row in stored}
    expected = expected_records()
    wrong = {rid for rid, row in expected.items() if actual.get(rid) != row}
    wrong |= set(actual) - set(expected)
    return sorted(wrong)
