"""Intake: a new referral, finding the physician again by name and email rather than duplicating."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import peewee as pw

from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases import same_person
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import settings
from p2p_tui.store.models import Physician, Referral, ReferralStressor, StatusChange
from p2p_tui.store.vocab import (
    CAREER_STAGES,
    CONSENT_ANSWERS,
    CONSENT_SOURCES,
    PATHWAY_SOURCES,
    PATHWAYS,
    PREFERRED_CONTACTS,
    SOURCES,
    STRESSORS,
)

SPECIALTY_MAX = 60
CONSENT_YES_NO = {"yes": "given", "no": "refused"}  # as a spreadsheet holds it (DESIGN.md section 6)


@dataclass(frozen=True)
class PhysicianInput:
    """Identity fields of a physician, as typed or imported (validated by `clean_physician`)."""

    name: str
    career_stage: str
    county: str
    email: str = ""
    phone: str = ""
    specialty: str = ""
    interventional: bool | str = False
    preferred_contact: str = "email"


@dataclass(frozen=True)
class ReferralInput:
    """A new referral (validated by `create_referral`)."""

    physician: PhysicianInput
    received_on: date | str
    pathway: str
    source: str
    stressors: tuple[str, ...] = field(default_factory=tuple)
    acute_interventional: bool | str = False
    consent: str = ""  # given | pending | refused; only asked where the pathway needs it


def physician_cleaners() -> dict[str, Callable[[Any], Any]]:
    """How each identity field is validated and normalised (each raises ValidationError naming its
    field), in the order they are checked: the one rule, for intake and the CSV import alike."""
    counties = settings.get("counties")
    return {
        "name": lambda v: common.text("name", v),
        "email": lambda v: common.email("email", v),
        "phone": lambda v: common.phone("phone", v),
        "career_stage": lambda v: common.choice("career_stage", v, CAREER_STAGES),
        "county": lambda v: common.county("county", v, counties),
        "specialty": lambda v: common.text("specialty", v, required=False, max_length=SPECIALTY_MAX),
        "interventional": lambda v: common.yes_no("interventional", v),
        "preferred_contact": lambda v: common.choice("preferred_contact", v or "email", PREFERRED_CONTACTS),
    }


def clean_physician(p: PhysicianInput) -> PhysicianInput:
    """The same input, validated and normalised (raises ValidationError naming the field)."""
    return PhysicianInput(**{name: clean(getattr(p, name)) for name, clean in physician_cleaners().items()})


def find_physician(name: str, email: str = "", phone: str = "") -> Physician | None:
    """The physician already on file with this name and a shared email or phone.

    With neither an email nor a phone given, only a record of that name with neither matches.
    Finding the physician again matters for safety: matching compares physician ids.
    """
    key = common.name_key(name)
    email, phone = email.strip().lower(), phone.strip()
    digits = common.phone_digits(phone)
    query = Physician.select().where(Physician.name_key == key, Physician.purged_on.is_null())
    for candidate in query.order_by(Physician.id):
        if email and candidate.email.lower() == email:
            return candidate
        if digits and common.phone_digits(candidate.phone) == digits:
            return candidate
        if not email and not phone and not candidate.email and not candidate.phone:
            return candidate
    if not email and not phone:
        # No contact given: the one physician of that name is taken to be them (a duplicate would
        # slip past the rules that compare physician ids: not themself, conflicts by id).
        same_name = list(query.limit(2))
        if len(same_name) == 1:
            return same_name[0]
    return None


def name_has(typed: str) -> pw.Node:
    """The condition "the physician's name holds `typed`", anywhere in it, whatever the case and
    accents (on the stored `search_key`, DESIGN.md issue 10 item 8); % and _ typed are literal."""
    pattern = common.like_any_part(typed)
    return pw.NodeList((Physician.search_key, pw.SQL("LIKE"), pattern, pw.SQL("ESCAPE '\\'")))


def suggest_physicians(typed: str, limit: int = 8) -> list[Physician]:
    """Physicians whose name holds what was typed (any part, any case, any accents), for
    find-as-you-type: names that start with it first, then by name."""
    key = common.search_key(typed)
    if not key:
        return []
    starts = pw.Case(None, [(pw.fn.substr(Physician.search_key, 1, len(key)) == key, 0)], 1)
    return list(
        Physician.select()
        .where(name_has(typed), Physician.purged_on.is_null())
        .order_by(starts, Physician.search_key, Physician.id)
        .limit(limit)
    )


def upsert_physician(p: PhysicianInput, on: date) -> Physician:
    """Find the physician again, updating what changed, or add them (input already cleaned)."""
    found = find_physician(p.name, p.email, p.phone)
    values = {
        "name": p.name,
        "name_key": common.name_key(p.name),
        "search_key": common.search_key(p.name),
        "career_stage": p.career_stage,
        "county": p.county,
        "preferred_contact": p.preferred_contact,
        "interventional": bool(p.interventional),
    }
    for optional in ("email", "phone", "specialty"):
        if getattr(p, optional):
            values[optional] = getattr(p, optional)
    if found is None:
        created: Physician = Physician.create(created_on=on, **values)
        return created
    values["interventional"] = found.interventional or values["interventional"]  # never silently cleared
    for key, value in values.items():
        setattr(found, key, value)
    found.save()
    return found


def sources_for(pathway: str) -> tuple[str, ...]:
    """The sources a pathway takes (every source while no pathway is chosen)."""
    return PATHWAY_SOURCES.get(pathway, SOURCES)


def allowed_sources_text(pathway: str) -> str:
    """The sources a pathway takes, in plain words and then as a file writes them."""
    allowed = sources_for(pathway)
    words = [labels.label("source", s) for s in allowed]
    plain = ", ".join(words[:-1]) + " or " + words[-1]
    return f"a {labels.label('pathway', pathway)} comes from {plain} (in a file: {', '.join(allowed)})"


def clean_pathway_source(pathway: str, source: str) -> tuple[str, str]:
    """The pathway and the source, each of its vocabulary and allowed together (DESIGN.md section 5).

    Raises ValidationError on "pathway", or on "source" naming the sources the pathway takes.
    """
    pathway = common.choice("pathway", pathway, PATHWAYS)
    source = common.choice("source", source, SOURCES)
    if source not in PATHWAY_SOURCES[pathway]:
        raise ValidationError("source", allowed_sources_text(pathway))
    return pathway, source


def consent_needed(pathway: str, source: str) -> bool:
    """A reach-out from leadership or a colleague needs the physician's consent before contact."""
    return pathway == "reach_out" and source in CONSENT_SOURCES


def clean_consent(pathway: str, source: str, consent: str) -> str:
    """The consent to record for a new referral by this (valid) pathway and source.

    Where it is needed: given, pending (when left empty) or refused; a spreadsheet's yes and no read
    as given and refused. Elsewhere it is not_needed, whatever the answer (`consent_ignored` says
    whether an answer was given there, for the import's dry run to say so).
    """
    answer = consent.strip().lower()
    if not consent_needed(pathway, source):
        return "not_needed"
    answer = CONSENT_YES_NO.get(answer, answer) or "pending"
    allowed = (*CONSENT_ANSWERS, *CONSENT_YES_NO)
    if answer not in CONSENT_ANSWERS:
        raise ValidationError("consent", f"must be empty (pending) or one of: {', '.join(allowed)}")
    return answer


def consent_ignored(pathway: str, source: str, consent: str) -> bool:
    """Whether a consent answer was given on a pathway that asks for none (it is then ignored)."""
    return bool(consent.strip()) and not consent_needed(pathway, source)


def create_referral(data: ReferralInput, on: date | None = None) -> Referral:
    """Validate and record a new referral (call inside `store.atomic()`).

    A supporter who may be the physician under another record (same name, email or phone) is
    recorded as such (`same_person.flag`; read them with `same_person.flagged(referral.id)`): they
    are not matched with this case until the coordinator says they are two people.
    """
    on = on or clock.today()
    physician = clean_physician(data.physician)
    received = common.past_date("received", common.parse_date("received", data.received_on), on)
    pathway, source = clean_pathway_source(data.pathway, data.source)
    stressors = common.choices("stressors", data.stressors, STRESSORS)
    acute = common.yes_no("acute_interventional", data.acute_interventional)
    consent = clean_consent(pathway, source, data.consent)
    person = upsert_physician(physician, on)
    referral: Referral = Referral.create(
        physician=person,
        received_on=received,
        pathway=pathway,
        source=source,
        acute_interventional=acute,
        consent=consent,
        consent_on=received if consent == "given" else None,
        status="new",
        status_on=received,
    )
    ReferralStressor.insert_many(
        [(referral.id, s) for s in stressors], fields=["referral", "stressor"]
    ).execute()
    StatusChange.create(referral=referral, changed_on=received, from_status="", to_status="new")
    same_person.flag(referral.id)
    return referral


def stressors_of(referral: Referral) -> tuple[str, ...]:
    """A referral's stressors in vocabulary order."""
    found = {row.stressor for row in ReferralStressor.select().where(ReferralStressor.referral == referral)}
    return tuple(s for s in STRESSORS if s in found)
