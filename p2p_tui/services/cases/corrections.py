"""Corrections (DESIGN section 5): a physician's details edited, a contact, a survey or a consent voided
with a reason, a closed or declined case reopened as its history stands.

A voided record stays stored, marked with the day and the reason, and counts nowhere: the clocks, the
status, the queue, the reports and the de-identified record (its triggers skip it) read only real
records. Each correction re-runs the rules it touches: a corrected name re-keys the physician and
re-runs the same-person check; a corrected county or career stage is what the next ranking reads and
what the de-identified record holds (its trigger); a voided contact moves the status back to what the
remaining contacts support, and the check-in clock restarts from the previous real contact.

Call every function inside `store.atomic()`.
"""

from __future__ import annotations

from datetime import date

from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases import intake, lifecycle, same_person
from p2p_tui.services.errors import ValidationError
from p2p_tui.store.models import (
    Conflict,
    ConsentVoid,
    Contact,
    Match,
    Physician,
    Referral,
    StatusChange,
    Survey,
)
from p2p_tui.store.vocab import ENDED_STATUSES, OPEN_STATUSES, VOID_REASONS

# The status a case's real contacts support while it is being worked (matched: none yet).
MATCHED_STATUSES = lifecycle.WORKED_STATUSES


def edit_physician(physician_id: int, data: intake.PhysicianInput) -> Physician:
    """Replace every identity field of a physician, validated as intake validates them.

    A new name re-keys `name_key`; a conflict that named the physician by the old key is tied to the
    physician's id first, so the evaluator rule still holds after the correction. The same-person
    check runs again on the physician's open cases.
    """
    found: Physician | None = Physician.get_or_none(
        Physician.id == physician_id, Physician.purged_on.is_null()
    )
    if found is None:
        raise ValidationError("physician", f"there is no physician {physician_id}")
    person = intake.clean_physician(data)
    new_key = common.name_key(person.name)
    if new_key != found.name_key:
        Conflict.update(physician=found.id).where(
            Conflict.name_key == found.name_key, Conflict.physician.is_null()
        ).execute()
    found.name, found.name_key, found.search_key = person.name, new_key, common.search_key(person.name)
    found.email, found.phone, found.specialty = person.email, person.phone, person.specialty
    found.preferred_contact = person.preferred_contact
    found.career_stage, found.county = person.career_stage, person.county
    found.interventional = bool(person.interventional)
    found.save()
    for referral in Referral.select(Referral.id).where(
        Referral.physician == found, Referral.status.in_(OPEN_STATUSES)
    ):
        same_person.flag(referral.id)
    return found


def _reason(reason: str) -> str:
    return common.choice("reason", reason, VOID_REASONS)


def supported_status(referral: Referral) -> str:
    """What the case's real contacts support for a case being worked: followed up after a real
    follow-up, contacted after a real first contact, else matched."""
    kinds = {
        c.kind
        for c in Contact.select(Contact.kind).where(Contact.referral == referral, Contact.voided_on.is_null())
    }
    if "follow_up" in kinds:
        return "followed_up"
    return "contacted" if "initial" in kinds else "matched"


def _correct_status(referral: Referral, to_status: str, on: date, status_on: date) -> None:
    """Set a case's status as a correction (a step the lifecycle does not take forward), recorded in
    its timeline like every other change."""
    if to_status == referral.status:
        return
    lifecycle.require_consistent(to_status, referral.consent)
    StatusChange.create(referral=referral, changed_on=on, from_status=referral.status, to_status=to_status)
    referral.status, referral.status_on = to_status, status_on
    referral.closed_on = None
    referral.save(only=[Referral.status, Referral.status_on, Referral.closed_on])


def void_contact(contact_id: int, reason: str, on: date | None = None) -> Contact:
    """Void a contact recorded by mistake. A case being worked goes back to the status its remaining
    contacts support (its only contact voided: matched again, the first-contact clock running).

    A first contact is voided only once no real check-in follows it (void those first).
    """
    on = on or clock.today()
    reason = _reason(reason)
    contact: Contact | None = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        raise ValidationError("contact", f"there is no contact {contact_id}")
    if contact.voided_on is not None:
        raise ValidationError("contact", "is already voided")
    referral = lifecycle.get_referral(contact.referral.id)
    if contact.kind == "initial":
        later = Contact.select().where(
            Contact.referral == referral, Contact.kind == "follow_up", Contact.voided_on.is_null()
        )
        if later.exists():
            raise ValidationError("contact", "void the follow-up check-ins after this first contact first")
    contact.voided_on, contact.void_reason = on, reason
    contact.save(only=[Contact.voided_on, Contact.void_reason])
    if referral.status in ("contacted", "followed_up"):
        target = supported_status(referral)
        since = lifecycle.last_contact_on(referral)
        match = lifecycle.active_match(referral)
        if since is None and match is not None:
            since = match.matched_on
        _correct_status(referral, target, on, since or on)
    return contact


def void_survey(survey_id: int, reason: str, on: date | None = None) -> Survey:
    """Void a survey recorded by mistake: the case waits for its survey again."""
    on = on or clock.today()
    reason = _reason(reason)
    survey: Survey | None = Survey.get_or_none(Survey.id == survey_id)
    if survey is None:
        raise ValidationError("survey", f"there is no survey {survey_id}")
    if survey.voided_on is not None:
        raise ValidationError("survey", "is already voided")
    survey.voided_on, survey.void_reason = on, reason
    survey.save(only=[Survey.voided_on, Survey.void_reason])
    return survey


def void_consent_moves(referral_id: int) -> str | None:
    """What voiding the case's consent also does to the case, which the coordinator must confirm:
    "ends the match" (a given consent on a case being worked: it is new again, its match ended, as
    consent is pending), "reopens" (a refusal that declined the case: new again, consent pending), or
    None (only the consent changes)."""
    referral = lifecycle.get_referral(referral_id)
    if referral.consent == "given" and referral.status == "followed_up":
        raise ValidationError(
            "consent", "the case was followed up on this consent: void its follow-up check-ins first"
        )
    if referral.consent == "given" and referral.status in MATCHED_STATUSES:
        return "ends the case's match (consent pending: the case is new again)"
    if referral.consent == "refused" and referral.status == "declined":
        return "reopens the case it declined (as new, consent pending)"
    return None


def void_consent(
    referral_id: int, reason: str, on: date | None = None, *, move_case: bool = False
) -> ConsentVoid:
    """Void a consent answer (given or refused) recorded by mistake: consent is pending again, and the
    answer it replaced is kept with the day and the reason.

    A case whose consent is pending is never worked, so where the void moves the case too
    (`void_consent_moves`) it is refused unless `move_case` says the coordinator confirmed it: a case
    being worked goes back to new (its match ended), a case the refusal declined reopens as new.
    """
    on = on or clock.today()
    reason = _reason(reason)
    referral = lifecycle.get_referral(referral_id)
    if referral.consent not in ("given", "refused"):
        raise ValidationError("consent", "only a consent recorded as given or refused can be voided")
    moves = void_consent_moves(referral_id)
    if moves is not None and not move_case:
        raise ValidationError("consent", f"voiding this consent {moves}, so it must be confirmed as such")
    if referral.status == "declined":
        lifecycle.refuse_purged(referral)
    if moves is not None:
        lifecycle.transition(referral, "new", on)  # a match the case had ends with the step
    return lifecycle.set_aside_consent(referral, reason, on)


def _status_before_ending(referral: Referral) -> str:
    """The status the case had when it ended (its last step into the ending it is in)."""
    step: StatusChange | None = (
        StatusChange.select()
        .where(StatusChange.referral == referral, StatusChange.to_status == referral.status)
        .order_by(StatusChange.id.desc())
        .first()
    )
    return step.from_status if step is not None and step.from_status else "new"


def _match_to_restore(referral: Referral) -> Match | None:
    """The match the ending ended, if its supporter can still hold the case (active, below capacity)."""
    match: Match | None = (
        Match.select()
        .where(Match.referral == referral, Match.ended_reason == "case_ended")
        .order_by(Match.id.desc())
        .first()
    )
    if match is None or match.ended_on != referral.closed_on:
        return None
    supporter = match.supporter
    if supporter is None:  # an outside match comes back as it was
        return match
    if supporter.status != "active" or lifecycle.active_case_count(supporter) >= supporter.max_active:
        return None
    return match


def reopen_plan(referral_id: int) -> tuple[str, int | None]:
    """What reopening this ended case gives: the status its history supports and the supporter whose
    match comes back (None: the case is new, to be matched again)."""
    referral = lifecycle.get_referral(referral_id)
    if referral.status not in ENDED_STATUSES:
        said = labels.label("case_status", referral.status)
        raise ValidationError("status", f"only an ended case can be reopened (this one is {said})")
    if referral.consent in lifecycle.NO_CONSENT:
        return "new", None  # consent pending or refused: never back with a supporter
    if _status_before_ending(referral) not in MATCHED_STATUSES:
        return "new", None
    match = _match_to_restore(referral)
    if match is None:
        return "new", None
    return supported_status(referral), match.supporter_id


def reopen_case(referral_id: int, on: date | None = None) -> Referral:
    """Reopen a closed, declined or unreachable case as its history stands: with the supporter it had
    and the status its real contacts support, or new (to be matched) when it ended unmatched or its
    supporter can no longer take it. Either way it is back in the queue."""
    on = on or clock.today()
    status, supporter_id = reopen_plan(referral_id)
    referral = lifecycle.get_referral(referral_id)
    if supporter_id is None:
        return lifecycle.reopen(referral_id, on)
    match = _match_to_restore(referral)
    if match is None:  # reopen_plan found it: cannot happen within one transaction
        raise ValidationError("status", "the case's supporter can no longer take it")
    Match.update(active=True, ended_on=None, ended_reason=None).where(Match.id == match.id).execute()
    since = lifecycle.last_contact_on(referral) if status != "matched" else None
    _correct_status(referral, status, on, since or on)
    return referral
