"""The case list: filtered and paged in the database, so a screen never loads every row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from p2p_tui.services import common
from p2p_tui.services.cases import intake
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store.models import Match, Physician, Referral, Supporter
from p2p_tui.store.vocab import CASE_STATUSES, ENDED_STATUSES, OPEN_STATUSES

PAGE = 100  # rows a page: about 28 are visible, and filling a table costs 0.15 ms a row


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    id: int
    received_on: date
    name: str
    career_stage: str
    county: str
    pathway: str
    source: str
    status: str
    supporter: str


@dataclass(frozen=True)
class CasePage:
    """A page of the case list and how many cases match the filter in all."""

    rows: list[CaseRow]
    total: int
    offset: int


def search(
    status: str = "open", quarter: str = "", name: str = "", *, offset: int = 0, limit: int = PAGE
) -> CasePage:
    """Cases by status ("all", "open" or one status), quarter ("2026Q3") and any part of the name
    (whatever its case and accents), newest first."""
    query = Referral.select().join(Physician, on=(Referral.physician == Physician.id))
    if status == "open":
        query = query.where(Referral.status.in_(OPEN_STATUSES))
    elif status != "all":
        query = query.where(Referral.status == common.choice("status", status, CASE_STATUSES))
    if quarter.strip():
        q = Quarter.parse(quarter)
        query = query.where(Referral.received_on.between(q.start, q.end))
    if name.strip():
        query = query.where(intake.name_has(name))
    if not 1 <= limit <= 1000 or offset < 0:
        raise ValidationError("page", "limit must be 1 to 1000 and offset not negative")
    total = query.count()
    supporter_name = (
        Match.select(Physician.name)
        .join(Supporter, on=(Match.supporter == Supporter.id))
        .join(Physician, on=(Supporter.physician == Physician.id))
        .where((Match.referral == Referral.id) & ((Match.active == True) | _supported_ended()))  # noqa: E712
        .order_by(Match.active.desc(), Match.id.desc())
        .limit(1)
    )
    page = (
        query.select(
            Referral.id,
            Referral.received_on,
            Physician.name,
            Physician.career_stage,
            Physician.county,
            Referral.pathway,
            Referral.source,
            Referral.status,
            supporter_name.alias("supporter"),
        )
        .order_by(Referral.received_on.desc(), Referral.id.desc())
        .offset(offset)
        .limit(limit)
        .tuples()
    )
    rows = [
        CaseRow(
            id=r[0],
            received_on=date.fromisoformat(str(r[1])),
            name=r[2],
            career_stage=r[3],
            county=r[4],
            pathway=r[5],
            source=r[6],
            status=r[7],
            supporter=r[8] or "",
        )
        for r in cast(Iterable[tuple[Any, ...]], page)
    ]
    return CasePage(rows, total, offset)


def _supported_ended() -> Any:
    """On an ended case, a match that ended with it: who supported the case (as its page says, never
    a supporter who declined it)."""
    gave = Match.ended_reason.is_null() | (Match.ended_reason != "supporter_declined")
    return Referral.status.in_(ENDED_STATUSES) & gave
