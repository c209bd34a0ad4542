"""What the console shows of cases and the physicians in them, as frozen views (never models).

The screens and the command palette read through these: a case's page, a physician found as the
coordinator types, who a name belongs to (their newest case, their supporter record), and the newest
case in a status (for the pictures of the screens). Each reads what it shows in a fixed number of
queries, under the caller's `store.lock`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

import peewee as pw

from p2p_tui.services import labels
from p2p_tui.services.cases import history, intake, lifecycle, same_person, surveys
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import query
from p2p_tui.store.models import Contact, Match, Physician, Referral, Supporter
from p2p_tui.store.vocab import ENDED_STATUSES


@dataclass(frozen=True)
class PhysicianView:
    """A physician's identity fields, as the console shows them (masked by the screen when asked)."""

    id: int
    name: str
    email: str
    phone: str
    preferred_contact: str
    career_stage: str
    county: str
    specialty: str
    interventional: bool


@dataclass(frozen=True)
class SupportedBy:
    """Who supported a case and when: the active match, or the last one of an ended case."""

    supporter_id: int
    name: str
    matched_on: date
    ended_on: date | None


@dataclass(frozen=True)
class RecordLine:
    """A real (not voided) contact or survey of a case, as a void dialog lists it."""

    kind: str  # contact | survey
    id: int
    on: date
    text: str


@dataclass(frozen=True)
class CaseView:
    """Everything a case's page shows."""

    id: int
    status: str
    received_on: date
    pathway: str
    source: str
    acute_interventional: bool
    consent: str
    php_referred: bool
    logistics_note: str
    physician: PhysicianView
    stressors: tuple[str, ...]
    supporter_name: str  # the active match's supporter, "" when not matched
    supporter_id: int | None
    timeline: tuple[lifecycle.TimelineEntry, ...]
    surveys: int
    maybe_self: int = 0  # supporters who may be this physician, not yet confirmed as another person
    supported: SupportedBy | None = None  # the active match, or on an ended case the last one
    consent_on: date | None = None  # the day consent was given or refused
    conflicted: bool = False  # the active match's supporter evaluates (or is conflicted with) the physician
    records: tuple[RecordLine, ...] = ()  # the real contacts and surveys, oldest first (to void one)
    outside_resource: str | None = None  # peers13: the latest match's resource, when outside the program


@dataclass(frozen=True)
class PersonHit:
    """A physician found by name: their newest case and their supporter record, where they have one."""

    physician_id: int
    name: str
    referral_id: int | None
    supporter_id: int | None


def _physician(p: Physician) -> PhysicianView:
    return PhysicianView(
        id=p.id,
        name=p.name,
        email=p.email,
        phone=p.phone,
        preferred_contact=p.preferred_contact,
        career_stage=p.career_stage,
        county=p.county,
        specialty=p.specialty,
        interventional=bool(p.interventional),
    )


def physician_view(physician_id: int) -> PhysicianView:
    """The physician with this id, or a ValidationError naming the id."""
    found: Physician | None = Physician.get_or_none(Physician.id == physician_id)
    if found is None:
        raise ValidationError("physician", f"there is no physician {physician_id}")
    return _physician(found)


def physician_suggestions(prefix: str, limit: int = 8) -> list[PhysicianView]:
    """Physicians on file whose name holds `prefix` anywhere, whatever its case and accents, those
    starting with it first (as `intake.suggest_physicians`)."""
    return [_physician(p) for p in intake.suggest_physicians(prefix, limit)]


def find_people(prefix: str, limit: int = 10) -> list[PersonHit]:
    """Physicians whose name holds `prefix` (any part, case and accents aside), each with their newest
    case (the highest
    referral id) and their supporter id; three queries whatever is found."""
    people = intake.suggest_physicians(prefix, limit)
    ids = [p.id for p in people]
    if not ids:
        return []
    latest_query = (
        Referral.select(Referral.physician, pw.fn.MAX(Referral.id))
        .where(Referral.physician.in_(ids))
        .group_by(Referral.physician)
        .tuples()
    )
    latest = dict(cast(list[tuple[int, int]], list(latest_query)))
    supporter_query = Supporter.select(Supporter.physician, Supporter.id).where(Supporter.physician.in_(ids))
    supporters = dict(cast(list[tuple[int, int]], list(supporter_query.tuples())))
    return [PersonHit(p.id, p.name, latest.get(p.id), supporters.get(p.id)) for p in people]


def case_view(referral_id: int) -> CaseView:
    """Everything the case page shows, or a ValidationError naming the id."""
    referral: Referral | None = (
        Referral.select(Referral, Physician).join(Physician).where(Referral.id == referral_id).first()
    )
    if referral is None:
        raise ValidationError("referral", f"there is no referral {referral_id}")
    supported = supported_by(referral)  # on an open case its active match, the one it has now
    active = supported is not None and referral.status not in ENDED_STATUSES
    supporter_id, supporter_name = (
        (supported.supporter_id, supported.name) if active and supported else (None, "")
    )
    records = records_of(referral_id)
    return CaseView(
        id=referral.id,
        status=referral.status,
        received_on=referral.received_on,
        pathway=referral.pathway,
        source=referral.source,
        acute_interventional=bool(referral.acute_interventional),
        consent=referral.consent,
        php_referred=bool(referral.php_referred),
        logistics_note=referral.logistics_note,
        physician=_physician(referral.physician),
        stressors=intake.stressors_of(referral),
        supporter_name=supporter_name,
        supporter_id=supporter_id,
        timeline=tuple(history.timeline(referral_id)),
        surveys=sum(1 for r in records if r.kind == "survey"),
        maybe_self=len(same_person.flagged(referral_id)) if referral.status == "new" else 0,
        supported=supported,
        consent_on=referral.consent_on,
        conflicted=supporter_id is not None and conflicted(referral),
        records=records,
        outside_resource=_outside_resource(referral_id),
    )


def supported_by(referral: Referral) -> SupportedBy | None:
    """The case's active match, or, on an ended case, the match it last had (who supported it; a
    supporter who declined the case never did)."""
    where = lifecycle.is_active_match_of(referral)
    if referral.status in ENDED_STATUSES:
        supported = Match.ended_reason.is_null() | (Match.ended_reason != "supporter_declined")
        where = (Match.referral == referral) & supported
    found = list(
        Match.select(Match.supporter, Physician.name, Match.matched_on, Match.ended_on)
        .join(Supporter)
        .join(Physician)
        .where(where)
        .order_by(Match.active.desc(), Match.id.desc())
        .limit(1)
        .tuples()
    )
    if not found:
        return None
    supporter_id, name, matched_on, ended_on = cast(tuple[int, str, date, date | None], found[0])
    return SupportedBy(supporter_id, name, matched_on, ended_on)


def conflicted(referral: Referral) -> bool:
    """Whether the case must be reassigned: the active match's supporter has a conflict with the
    case's physician (added after the match: matching never offers such a supporter) or retired."""
    sql = """SELECT 1 FROM "match" m JOIN referral r ON r.id = m.referral_id
        JOIN physician p ON p.id = r.physician_id
        JOIN supporter s ON s.id = m.supporter_id
        LEFT JOIN conflict k ON k.supporter_id = m.supporter_id
            AND (k.physician_id = p.id OR k.name_key = p.name_key)
        WHERE m.referral_id = ? AND m.active = 1 AND (k.id IS NOT NULL OR s.status = 'retired') LIMIT 1"""
    return query.scalar(sql, referral.id) is not None


def records_of(referral_id: int) -> tuple[RecordLine, ...]:
    """A case's real contacts and surveys, oldest first, in words (for the void dialog)."""
    lines = [
        RecordLine(
            "contact",
            c.id,
            c.contact_on,
            f"{labels.label('contact_kind', c.kind)} {labels.label('contact_mode', c.mode)}",
        )
        for c in Contact.select().where(Contact.referral == referral_id, Contact.voided_on.is_null())
    ]
    lines += [
        RecordLine("survey", s.id, s.submitted_on, "supporter survey")
        for s in surveys.surveys_of(referral_id)
    ]
    return tuple(sorted(lines, key=lambda line: (line.on, line.kind, line.id)))


def _outside_resource(referral_id: int) -> str | None:
    """The resource of the case's latest match when it was matched outside the program."""
    found = query.scalar(
        'SELECT outside_resource FROM "match" WHERE referral_id = ? ORDER BY id DESC LIMIT 1', referral_id
    )
    return str(found) if found is not None else None


def case_status(referral_id: int) -> str:
    """A case's status (raises ValidationError naming `referral` for an unknown id)."""
    found = query.scalar("SELECT status FROM referral WHERE id = ?", referral_id)
    if found is None:
        raise ValidationError("referral", f"there is no referral {referral_id}")
    return str(found)


def newest_case_id(status: str) -> int | None:
    """The id of the newest case (highest id) in `status`, or None when there is none."""
    found = Referral.select(pw.fn.MAX(Referral.id)).where(Referral.status == status).scalar()
    return cast(int | None, found)


def snooze_reasons(on: date) -> dict[tuple[int, str], str]:
    """Why each queue item snoozed on `on` was put off ({(referral id, kind): reason code}): the
    newest snooze of each item, still running (as the queue reads them)."""
    sql = """SELECT s.referral_id, s.item, s.reason FROM snooze s
WHERE s.id IN (SELECT max(id) FROM snooze GROUP BY referral_id, item) AND s.until > ?"""
    return {(int(r[0]), str(r[1])): str(r[2]) for r in query.rows(sql, on.isoformat())}
