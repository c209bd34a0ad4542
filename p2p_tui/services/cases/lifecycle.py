"""A case's lifecycle as an explicit state machine, contacts (logistics only), consent, closing, and
the timeline."""

from __future__ import annotations

from datetime import date
from typing import Any

__all__ = ["TimelineEntry", "timeline"]  # the timeline lives in history; kept here for its callers

from p2p_tui.services import clock, common
from p2p_tui.services.admin import retention
from p2p_tui.services.cases import history
from p2p_tui.services.cases.history import TimelineEntry, timeline
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.labels import label
from p2p_tui.store import query
from p2p_tui.store.models import (
    ConsentVoid,
    Contact,
    Match,
    Referral,
    StatusChange,
    Supporter,
)
from p2p_tui.store.vocab import (
    CONTACT_KINDS,
    CONTACT_MODES,
    ENDED_STATUSES,
    LOGISTICS_NOTE_MAX,
    OPEN_STATUSES,
)

# Every legal step. Ending statuses may be reopened to "new" (the physician calls back).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("matched", "declined", "unreachable", "closed"),
    "matched": ("contacted", "new", "declined", "unreachable", "closed"),
    "contacted": ("followed_up", "new", "declined", "unreachable", "closed"),
    "followed_up": ("closed",),
    "closed": ("new",),
    "declined": ("new",),
    "unreachable": ("new",),
}
ENDINGS = ENDED_STATUSES
WORKED_STATUSES = ("matched", "contacted", "followed_up")  # a supporter is on the case
NO_CONSENT = ("pending", "refused")  # a consent that stops the case being worked
REOPENED = history.REOPENED  # why a refusal was set aside: the case reopened, consent asked again


SUPPORTED = ("contacted", "followed_up")  # support happened: matched, and a first contact made


def offered_steps(status: str) -> tuple[str, ...]:
    """The steps the coordinator is offered from `status`: the legal ones, but "closed" (support
    completed) only once support happened (an older record may hold a case closed unsupported)."""
    return tuple(s for s in TRANSITIONS[status] if s != "closed" or status in SUPPORTED)


def get_referral(referral_id: int) -> Referral:
    """The referral with this id, or a ValidationError naming the id."""
    found: Referral | None = Referral.get_or_none(Referral.id == referral_id)
    if found is None:
        raise ValidationError("referral", f"there is no referral {referral_id}")
    return found


def require_consistent(status: str, consent: str) -> None:
    """The one invariant of consent and status (DESIGN section 5): a case whose consent is pending or
    refused is never matched, contacted or followed up. Checked by every transition, every correction
    of a status and every void or reopen."""
    if status in WORKED_STATUSES and consent in NO_CONSENT:
        raise ValidationError(
            "consent",
            f"a case whose consent is {label('consent', consent)} cannot be {label('case_status', status)}: "
            "record the consent as given first",
        )


def transition(referral: Referral, to_status: str, on: date) -> None:
    """Move a case to `to_status`, refusing illegal steps with the legal ones named."""
    legal = TRANSITIONS[referral.status]
    if to_status not in legal:
        said = ", ".join(label("case_status", s) for s in legal)
        raise ValidationError(
            "status",
            f"a {label('case_status', referral.status)} case cannot become "
            f"{label('case_status', to_status)}; it can become: {said}",
        )
    # the stored consent, not a caller's copy of it (which may predate a consent just recorded)
    require_consistent(
        to_status, Referral.select(Referral.consent).where(Referral.id == referral.id).scalar()
    )
    StatusChange.create(referral=referral, changed_on=on, from_status=referral.status, to_status=to_status)
    referral.status = to_status
    referral.status_on = on
    referral.closed_on = on if to_status in ENDINGS else None
    # only what changed: a caller's stale copy must not undo other changes (consent, note, ...)
    referral.save(only=[Referral.status, Referral.status_on, Referral.closed_on])
    if to_status in ENDINGS or to_status == "new":
        reason = "case_ended" if to_status in ENDINGS else "reassigned"
        Match.update(active=False, ended_on=on, ended_reason=reason).where(
            is_active_match_of(referral)
        ).execute()
    if to_status in ENDINGS and retention.purges_at_close():
        retention.purge(dry_run=False)  # a retention of 0 days: the identifying fields go at the close


def end_case(referral_id: int, outcome: str, on: date | None = None) -> Referral:
    """Close, decline (the physician declined support) or mark unreachable."""
    on = on or clock.today()
    outcome = common.choice("outcome", outcome, ENDINGS)
    referral = get_referral(referral_id)
    transition(referral, outcome, on)
    return referral


def reopen(referral_id: int, on: date | None = None) -> Referral:
    """Reopen an ended case as new (to be matched again). A case declined for no consent comes back
    with its consent pending, to be asked again (the refusal is kept, set aside on the day)."""
    on = on or clock.today()
    referral = get_referral(referral_id)
    refuse_purged(referral)
    transition(referral, "new", on)
    if referral.consent == "refused":
        set_aside_consent(referral, REOPENED, on)
    return referral


def refuse_purged(referral: Referral) -> None:
    """Refuse to reopen an ended case whose physician retention purged."""
    if referral.status in ENDINGS and referral.physician.purged_on is not None:
        raise ValidationError(
            "status",
            "this case's physician was purged by retention, so it cannot be reopened: record a new referral",
        )


def set_aside_consent(referral: Referral, reason: str, on: date) -> ConsentVoid:
    """Set a recorded answer (given or refused) aside for `reason`: consent is pending again, and the
    answer, its date, the day and the reason are kept (the timeline shows them)."""
    kept: ConsentVoid = ConsentVoid.create(
        referral=referral,
        consent=referral.consent,
        consent_on=referral.consent_on,
        voided_on=on,
        reason=reason,
    )
    referral.consent, referral.consent_on = "pending", None
    referral.save(only=[Referral.consent, Referral.consent_on])
    return kept


def is_active_match_of(referral: Any) -> Any:
    """The one predicate of "the case's current match" (a referral, its id, or a column such as
    `Referral.id` in a correlated subquery): the newest active match, so order by `Match.id.desc()`."""
    return (Match.referral == referral) & (Match.active == True)  # noqa: E712 - peewee expression


def active_match(referral: Referral) -> Match | None:
    """The case's current match, if any."""
    found: Match | None = Match.select().where(is_active_match_of(referral)).order_by(Match.id.desc()).first()
    return found


def case_date(referral: Referral, on: date | None, today: date | None = None, field: str = "date") -> date:
    """The date of something that happened on a case (default today): neither after today nor before
    the referral was received. The one check for contacts, escalations and surveys."""
    today = today or clock.today()
    day = common.past_date(field, on or today, today)
    if day < referral.received_on:
        raise ValidationError(field, "cannot be before the referral was received")
    return day


CONSENT_RECORDED = ("given", "refused")  # what the coordinator says; pending is where a case starts


def require_consent(referral: Referral, doing: str) -> None:
    """Refuse `doing` (e.g. "match", "contact") on a case whose needed consent is not given.

    The one rule of DESIGN section 5: while consent is pending a case is neither matched nor contacted.
    """
    if referral.consent == "pending":
        raise ValidationError(
            "consent",
            f"the physician's consent is still pending: no {doing} until consent is recorded as given",
        )
    if referral.consent == "refused":
        raise ValidationError("consent", f"the physician refused consent: no {doing}")


def check_consent(referral_id: int, doing: str) -> None:
    """`require_consent` for a case by id (screens ask before they open a form)."""
    require_consent(get_referral(referral_id), doing)


def set_consent(
    referral_id: int, consent: str, on: date | None = None, *, today: date | None = None
) -> Referral:
    """Record the physician's answer, given or refused, and its date, on a reach-out waiting for it.

    A refusal ends an open case as declined (the report counts it as declined for no consent) and so
    ends its match: the supporter's open-case load drops. An answer already recorded is changed only
    by voiding it first.
    """
    referral = get_referral(referral_id)
    if referral.consent == "not_needed":
        raise ValidationError(
            "consent",
            "this referral does not need consent (only a reach-out from leadership or a colleague does)",
        )
    answer = common.choice("consent", consent, CONSENT_RECORDED)
    if referral.consent != "pending":
        raise ValidationError(
            "consent", "consent is already recorded for this case; void it first to record another answer"
        )
    day = case_date(referral, on, today)
    referral.consent = answer
    referral.consent_on = day
    referral.save(only=[Referral.consent, Referral.consent_on])
    if answer == "refused" and "declined" in TRANSITIONS[referral.status] and is_open(referral):
        transition(referral, "declined", day)
    return referral


def record_contact(
    referral_id: int, kind: str, mode: str, on: date | None = None, *, today: date | None = None
) -> Contact:
    """Record that a conversation happened: its date, kind and mode (never what was said).

    An initial contact moves a matched case to contacted; a follow-up moves a contacted case to
    followed_up. A reach-out that needs consent refuses any contact until consent is given.
    """
    kind = common.choice("kind", kind, CONTACT_KINDS)
    mode = common.choice("mode", mode, CONTACT_MODES)
    referral = get_referral(referral_id)
    require_consent(referral, "contact")
    on = case_date(referral, on, today)
    match = active_match(referral)
    if kind == "initial":
        if referral.status != "matched" or match is None:
            raise ValidationError(
                "kind", f"an initial contact needs a matched case (this one is {referral.status})"
            )
        next_status = "contacted"
    else:
        if referral.status not in ("contacted", "followed_up"):
            raise ValidationError(
                "kind", f"a follow-up needs a case already contacted (this one is {referral.status})"
            )
        next_status = "followed_up"
    last = last_contact_on(referral)
    if last is not None and on < last:
        raise ValidationError("date", "cannot be before the last recorded contact")
    contact: Contact = Contact.create(
        referral=referral,
        supporter=match.supporter if match else None,
        contact_on=on,
        kind=kind,
        mode=mode,
    )
    if referral.status != next_status:
        transition(referral, next_status, on)
    return contact


# The contact mode a physician's preferred way of contact suggests (a text message: by phone).
MODE_OF_PREFERENCE = {"phone": "phone", "email": "email", "text": "phone"}


def preferred_mode(referral_id: int) -> str:
    """The contact mode to pre-fill for a case: the physician's preferred one (phone if none fits)."""
    preferred = get_referral(referral_id).physician.preferred_contact
    return MODE_OF_PREFERENCE.get(preferred or "", "phone")


def last_contact_on(referral: Referral) -> date | None:
    """The date of the case's last real contact."""
    found: date | None = (
        Contact.select(Contact.contact_on)
        .where(Contact.referral == referral, Contact.voided_on.is_null())
        .order_by(Contact.contact_on.desc(), Contact.id.desc())
        .scalar()
    )
    return found


def set_logistics_note(referral_id: int, note: str) -> Referral:
    """The one free-text field: scheduling logistics only, never what was said (140 characters)."""
    referral = get_referral(referral_id)
    referral.logistics_note = common.text(
        "logistics_note", note, required=False, max_length=LOGISTICS_NOTE_MAX
    )
    referral.save(only=[Referral.logistics_note])
    return referral


def set_php_referred(referral_id: int, referred: bool) -> Referral:
    """Whether the physician was referred on to the Physician Health Program."""
    referral = get_referral(referral_id)
    referral.php_referred = referred
    referral.save(only=[Referral.php_referred])
    return referral


def is_open(referral: Referral) -> bool:
    """Whether the case is still being worked."""
    return referral.status in OPEN_STATUSES


# A supporter's open cases: active matches on referrals still open. The one definition, used by the
# matching rules (capacity, load), the roster and the supporter's page.
OPEN_CASES_SQL = f"""
SELECT m.supporter_id, m.referral_id FROM "match" m JOIN referral r ON r.id = m.referral_id
WHERE m.active = 1 AND m.supporter_id IS NOT NULL AND r.status IN ({", ".join("?" * len(OPEN_STATUSES))})"""  # noqa: S608 - placeholders only


def open_cases() -> dict[int, list[int]]:
    """Every supporter's open cases (referral ids, ascending), in one query; absent means none."""
    found: dict[int, list[int]] = {}
    for supporter_id, referral_id in sorted(query.rows(OPEN_CASES_SQL, *OPEN_STATUSES)):
        found.setdefault(supporter_id, []).append(referral_id)
    return found


def open_case_counts() -> dict[int, int]:
    """How many open cases each supporter has now; absent means none."""
    return {supporter: len(ids) for supporter, ids in open_cases().items()}


def open_case_ids(supporter: Supporter | int) -> list[int]:
    """One supporter's open cases (referral ids, ascending)."""
    supporter_id = supporter if isinstance(supporter, int) else supporter.id
    sql = OPEN_CASES_SQL + " AND m.supporter_id = ?"
    return sorted(r for _s, r in query.rows(sql, *OPEN_STATUSES, supporter_id))


def active_case_count(supporter: Supporter | int) -> int:
    """How many open cases a supporter has now."""
    return len(open_case_ids(supporter))
