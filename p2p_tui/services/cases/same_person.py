"""The self rule's other half: a supporter who may be the referred physician under another record.

Finding the physician again (intake.find_physician) needs the name and a shared email or phone, so a
supporter referred under another email, or with a phone only, becomes a new physician record and the
`not_self` rule, which compares records, would let them be matched with their own case. So a referral
whose physician has a supporter's name (the canonical key), email (lower case) or phone (digits only)
is checked: the supporter may be the physician themself. The check is recorded at intake and import
(`flag`), and matching also finds it as it ranks (`pending`), so a supporter added after the referral
is caught too. Until the coordinator says they are two people (`clear_same_person`), the supporter
fails `not_self` for that referral.
"""

from __future__ import annotations

from datetime import date

from p2p_tui.services import clock, common
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import query
from p2p_tui.store.models import SamePersonCheck, Supporter

# A stored phone's digits, in SQL, as `common.phone_digits` computes them for a phone `common.phone`
# accepted (digits and the punctuation of `common.PHONE_PUNCTUATION`; a test checks they agree). Written
# in SQL so that ranking 1,000 supporters compares them all in one query, without a Python loop.
_STRIPPED = "p.phone"
for _mark in common.PHONE_PUNCTUATION:
    _STRIPPED = f"replace({_STRIPPED}, '{_mark}', '')"
DIGITS_SQL = (
    f"(CASE WHEN length({_STRIPPED}) = 11 AND {_STRIPPED} LIKE '1%' "
    f"THEN substr({_STRIPPED}, 2) ELSE {_STRIPPED} END)"
)
# Every supporter sharing the name key, email or phone, but the one who is this very physician (the
# `not_self` rule already keeps them off their own case).
_SUSPECTS_SQL = f"""
SELECT s.id FROM supporter s JOIN physician p ON p.id = s.physician_id
WHERE p.id <> ? AND p.purged_on IS NULL
  AND (p.name_key = ? OR (? <> '' AND lower(p.email) = ?) OR (? <> '' AND {DIGITS_SQL} = ?))
ORDER BY s.id"""  # noqa: S608 - fixed punctuation only
_PHYSICIAN_SQL = "SELECT name_key, email, phone FROM physician WHERE id = ? AND purged_on IS NULL"
_CHECKS_SQL = "SELECT supporter_id, cleared_on FROM same_person_check WHERE referral_id = ?"
_REFERRAL_SQL = "SELECT physician_id FROM referral WHERE id = ?"
MIN_DIGITS = 7  # a phone shorter than this compares with nothing


def suspects(physician_id: int) -> tuple[int, ...]:
    """The supporters (ids, ascending) who share this physician's name key, email (any case) or phone
    (its digits), other than the physician's own supporter record."""
    found = query.rows(_PHYSICIAN_SQL, physician_id)
    if not found:
        return ()
    key, email, phone = found[0]
    email = email.strip().lower()
    digits = common.phone_digits(phone)
    if len(digits) < MIN_DIGITS:
        digits = ""
    rows = query.rows(_SUSPECTS_SQL, physician_id, key, email, email, digits, digits)
    return tuple(sid for (sid,) in rows)


def any_flagged(referral_id: int) -> bool:
    """Whether the referral has a check not yet cleared: one query, for a bulk import (`flagged` gives
    the supporters)."""
    sql = "SELECT 1 FROM same_person_check WHERE referral_id = ? AND cleared_on IS NULL LIMIT 1"
    return query.scalar(sql, referral_id) is not None


def flag(referral_id: int) -> tuple[int, ...]:
    """Record the supporters who may be this referral's physician (call inside `store.atomic()`).

    Returns the supporter ids newly flagged (none for a pair already checked or cleared).
    """
    physician = query.rows(_REFERRAL_SQL, referral_id)
    if not physician:
        raise ValidationError("referral", f"there is no referral {referral_id}")
    known = {sid for sid, _ in query.rows(_CHECKS_SQL, referral_id)}
    new = tuple(sid for sid in suspects(physician[0][0]) if sid not in known)
    if new:
        SamePersonCheck.insert_many(
            [(referral_id, sid) for sid in new], fields=["referral", "supporter"]
        ).execute()
    return new


def pending(referral_id: int, physician_id: int) -> frozenset[int]:
    """The supporters not to be matched with this referral until cleared: those recorded and not
    cleared, and those found now (same name key, email or phone) and never cleared."""
    checks = query.rows(_CHECKS_SQL, referral_id)
    cleared = {sid for sid, on in checks if on is not None}
    recorded = {sid for sid, on in checks if on is None}
    return frozenset((recorded | set(suspects(physician_id))) - cleared)


def flagged(referral_id: int) -> tuple[int, ...]:
    """The supporters this referral waits on: who may be its physician and is not cleared yet."""
    physician = query.rows(_REFERRAL_SQL, referral_id)
    if not physician:
        return ()
    return tuple(sorted(pending(referral_id, physician[0][0])))


def clear_same_person(referral_id: int, supporter_id: int, on: date | None = None) -> SamePersonCheck:
    """The coordinator's word that the referral's physician and this supporter are two people (call
    inside `store.atomic()`). From then on the supporter may be matched with the referral.

    Raises:
        ValidationError: "referral" or "supporter" if there is no such one, or the supporter was not
            taken for this physician.
    """
    on = on or clock.today()
    physician = query.rows(_REFERRAL_SQL, referral_id)
    if not physician:
        raise ValidationError("referral", f"there is no referral {referral_id}")
    if not Supporter.select().where(Supporter.id == supporter_id).exists():
        raise ValidationError("supporter", f"there is no supporter {supporter_id}")
    if supporter_id not in pending(referral_id, physician[0][0]):
        raise ValidationError("supporter", "is not waiting to be confirmed as another person for this case")
    SamePersonCheck.insert(referral=referral_id, supporter=supporter_id, cleared_on=on).on_conflict(
        conflict_target=[SamePersonCheck.referral, SamePersonCheck.supporter],
        update={SamePersonCheck.cleared_on: on},
    ).execute()
    found: SamePersonCheck = SamePersonCheck.get(
        SamePersonCheck.referral == referral_id, SamePersonCheck.supporter == supporter_id
    )
    return found
