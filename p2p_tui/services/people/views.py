"""What the console shows of supporters, as frozen views (never models): the roster's rows and a
supporter's page.

Open cases are counted by the one definition in `services.cases.lifecycle`; each view is read in a
fixed number of queries whatever the roster's size, under the caller's `store.lock`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

import peewee as pw

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.people import roster, training, wellbeing
from p2p_tui.store.models import Conflict, Nomination, Physician, Supporter

PURGED = "(name purged)"  # a name the purge cleared (services/admin/retention.py)


@dataclass(frozen=True)
class RosterRow:
    """One supporter as the roster lists them."""

    id: int
    name: str
    status: str
    open_cases: int
    max_active: int
    unavailable_until: date | None
    nominations: int
    county: str
    career_stage: str
    interventional: bool
    matched_90_days: int = 0  # peers13: cases matched to them in the last 90 days


@dataclass(frozen=True)
class ConflictLine:
    """A conflict as listed: the name as entered (or as its key), kind, since when."""

    id: int
    name: str
    kind: str
    added_on: date


@dataclass(frozen=True)
class SupporterView:
    """Everything a supporter's page shows."""

    id: int
    name: str
    email: str
    phone: str
    career_stage: str
    county: str
    specialty: str
    interventional: bool
    status: str
    max_active: int
    unavailable_until: date | None
    training_completed_on: date | None
    open_cases: tuple[int, ...]  # referral ids, ascending
    nominations: tuple[tuple[str, date], ...]  # (by whom, on), oldest first
    conflicts: tuple[ConflictLine, ...]
    attendance: tuple[training.AttendanceLine, ...]
    physician_id: int = 0  # the supporter's physician record (their identity fields, to correct them)


def roster_rows(status: str = "all") -> list[RosterRow]:
    """The supporters with `status` ("all" for every one), by name; three queries whatever the size."""
    loads = lifecycle.open_case_counts()
    nominations = roster.nomination_counts()
    recent = wellbeing.recent_loads()
    query = Supporter.select(Supporter, Physician).join(Physician).order_by(Physician.name_key, Supporter.id)
    if status != "all":
        query = query.where(Supporter.status == status)
    return [
        RosterRow(
            id=s.id,
            name=s.physician.name,
            status=s.status,
            open_cases=loads.get(s.id, 0),
            max_active=s.max_active,
            unavailable_until=s.unavailable_until,
            nominations=nominations.get(s.id, 0),
            county=s.physician.county,
            career_stage=s.physician.career_stage,
            interventional=bool(s.physician.interventional),
            matched_90_days=recent.get(s.id, 0),
        )
        for s in query
    ]


def supporter_view(supporter_id: int) -> SupporterView:
    """Everything a supporter's page shows, or a ValidationError naming the id."""
    s = roster.get_supporter(supporter_id)
    p = s.physician
    nominations = tuple(
        (n.nominated_by or PURGED, n.nominated_on)
        for n in Nomination.select()
        .where(Nomination.supporter == s)
        .order_by(Nomination.nominated_on, Nomination.id)
    )
    conflicts = tuple(
        ConflictLine(
            c.id,
            PURGED
            if c.name_key.startswith("purged-")
            else c.physician.name
            if c.physician is not None
            else c.name_key,
            c.kind,
            c.added_on,
        )
        for c in Conflict.select(Conflict, Physician)
        .join(Physician, join_type=pw.JOIN.LEFT_OUTER)
        .where(Conflict.supporter == s)
        .order_by(Conflict.added_on, Conflict.id)
    )
    return SupporterView(
        id=s.id,
        name=p.name,
        email=p.email,
        phone=p.phone,
        career_stage=p.career_stage,
        county=p.county,
        specialty=p.specialty,
        interventional=bool(p.interventional),
        status=s.status,
        max_active=s.max_active,
        unavailable_until=s.unavailable_until,
        training_completed_on=s.training_completed_on,
        open_cases=tuple(lifecycle.open_case_ids(s.id)),
        nominations=nominations,
        conflicts=conflicts,
        attendance=tuple(training.attendance_of(s.id)),
        physician_id=p.id,
    )


def supporter_names(ids: list[int] | set[int]) -> dict[int, str]:
    """The names of these supporters, by id, in one query (for the queue's items about supporters)."""
    if not ids:
        return {}
    found = Supporter.select(Supporter.id, Physician.name).join(Physician).where(Supporter.id.in_(list(ids)))
    pairs = cast(list[tuple[int, str]], list(found.tuples()))
    return {int(sid): str(name) for sid, name in pairs}
