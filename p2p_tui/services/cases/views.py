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

from p2p_tui.services.cases import intake, lifecycle, same_person, surveys
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import query
from p2p_tui.store.models import Match, Physician, Referral, Supporter


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
    """Physicians on file whose name starts with `prefix`, by name (as `intake.suggest_physicians`)."""
    return [_physician(p) for p in intake.suggest_physicians(prefix, limit)]


def find_people(prefix: str, limit: int = 10) -> list[PersonHit]:
    """Physicians whose name starts with `prefix`, by name, each with their newest case (the highest
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
    matched = list(
        Match.select(Match.supporter, Physician.name)
        .join(Supporter)
        .join(Physician)
        .where(lifecycle.is_active_match_of(referral_id))
        .order_by(Match.id.desc())
        .limit(1)
        .tuples()
    )
    supporter_id, supporter_name = cast(tuple[int, str], matched[0]) if matched else (None, "")
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
        timeline=tuple(lifecycle.timeline(referral_id)),
        surveys=len(surveys.surveys_of(referral_id)),
        maybe_self=len(same_person.flagged(referral_id)) if referral.status == "new" else 0,
        outside_resource=_outside_resource(referral_id),
    )


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
