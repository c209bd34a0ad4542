"""The follow-up queue: every open item, ranked by an urgency score whose terms are shown.

The idea is Taskwarrior's urgency (ARCHITECTURE.md §5): a sum of terms, each with its value and a plain
reason, so the coordinator sees why an item sits where it does.

- kind: safety 40, reassign 12 (a conflict found after the match), unmatched 10, no first contact 8,
  check-in 6, survey 3, consent pending 2 (safety outweighs the most any other item can reach,
  12 + 20 + 5, so a safety item is always first);
- overdue: 2 a working day overdue (at most 20), 1 when due today, 0 when not yet due;
- age: 0.1 a calendar day since the referral was received (at most 5).

Ties go to the earlier due date, then the lower referral id. The queue holds referral ids and kinds,
never names: it is shown on screens and printed in terminals.

It is built from two set-based queries (every item: open cases with their active match or last
contact, pending consents, follow-ups still waiting for a survey, unacknowledged escalations; then
the active snoozes), never one query per case, to stay within its 20 ms budget at 10,000 referrals
(ARCHITECTURE.md §7; `python -m bench.queue_bench`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any

from p2p_tui.services import clock, common
from p2p_tui.services.cases import lifecycle, safety
from p2p_tui.services.cases.clocks import ClockLengths, add_working_days, working_days_between
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import query, settings
from p2p_tui.store.models import Snooze
from p2p_tui.store.vocab import OPEN_STATUSES, QUEUE_KINDS, SNOOZE_REASONS

KIND_WEIGHTS: dict[str, float] = {
    "safety": 40.0,  # > the most any other item can reach (12 + OVERDUE_CAP + AGE_CAP): always first
    "unmatched": 10.0,
    "no_first_contact": 8.0,
    "check_in": 6.0,
    "survey": 3.0,
    "consent_pending": 2.0,
    "reassign": 12.0,  # the supporter evaluates (or is conflicted with) the physician: before any other
    "wellbeing": 6.0,  # peers13: about a supporter, not a case
    "debrief": 6.0,
}
KIND_DETAILS: dict[str, str] = {
    "safety": "safety escalation not yet acknowledged",
    "unmatched": "waiting to be matched with a supporter",
    "no_first_contact": "matched, no first contact yet",
    "check_in": "follow-up check-in after the last contact",
    "survey": "supporter survey not yet received after the follow-up",
    "consent_pending": "the physician's consent is needed before any contact",
    "reassign": "the supporter evaluates this physician (a conflict added after the match) or retired",
    "wellbeing": "a check-in with the supporter on their own wellbeing",
    "debrief": "the supporter asked for a debrief",
}
OVERDUE_PER_DAY = 2.0
OVERDUE_CAP = 20.0
DUE_TODAY = 1.0
AGE_PER_DAY = 0.1
AGE_CAP = 5.0
OVERDUE_DAYS_COUNTED = round(OVERDUE_CAP / OVERDUE_PER_DAY)
AGE_DAYS_COUNTED = round(AGE_CAP / AGE_PER_DAY)
SNOOZE_MAX_DAYS = 30
URGENCY_TOP = 10_000  # above any urgency in tenths (the most is 450)


@dataclass(frozen=True, slots=True)
class Term:
    """One term of an urgency score: its name, value and a plain-words reason (no identifying value)."""

    name: str
    value: float
    detail: str


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One thing the coordinator should do for one case, with its urgency and the terms of it."""

    referral_id: int
    kind: str
    due_on: date
    urgency: float
    terms: tuple[Term, ...]
    overdue_days: int
    snoozed_until: date | None

    def to_json(self) -> dict[str, Any]:
        """The item as JSON-ready values (dates as YYYY-MM-DD)."""
        return {
            "referral_id": self.referral_id,
            "kind": self.kind,
            "due_on": self.due_on.isoformat(),
            "urgency": self.urgency,
            "overdue_days": self.overdue_days,
            "snoozed_until": self.snoozed_until.isoformat() if self.snoozed_until else None,
            "terms": [{"name": t.name, "value": t.value, "detail": t.detail} for t in self.terms],
        }


# -- the terms (few distinct values, so each is built once) ---------------------------------------

KIND_TERMS = {kind: Term("kind", KIND_WEIGHTS[kind], KIND_DETAILS[kind]) for kind in QUEUE_KINDS}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@lru_cache(maxsize=1024)
def overdue_term(working_days_late: int) -> Term:
    """The overdue term: working days late if positive, DUE_TODAY when due today, due in N if negative."""
    if working_days_late > 0:
        value = min(OVERDUE_CAP, OVERDUE_PER_DAY * working_days_late)
        counted = _plural(OVERDUE_DAYS_COUNTED, "working day")
        capped = f" (only {counted} count)" if working_days_late > OVERDUE_DAYS_COUNTED else ""
        return Term("overdue", value, f"{_plural(working_days_late, 'working day')} overdue{capped}")
    if working_days_late == 0:
        return Term("overdue", DUE_TODAY, "due today")
    return Term("overdue", 0.0, f"due in {_plural(-working_days_late, 'working day')}")


@lru_cache(maxsize=1024)
def age_term(days: int) -> Term:
    """The age term: calendar days since the referral was received."""
    days = max(0, days)
    value = min(AGE_CAP, round(AGE_PER_DAY * days, 2))
    capped = f" (only {_plural(AGE_DAYS_COUNTED, 'day')} count)" if days > AGE_DAYS_COUNTED else ""
    return Term("age", value, f"{_plural(days, 'calendar day')} since received{capped}")


def lateness(due: date, on: date) -> int:
    """Working days late on `on` (positive), 0 when due that day, minus the working days still to go.

    Past the due date an item is at least 1 working day late, even on a weekend or holiday (the next
    working day it could be done on is already late). Before it, it is due in at least 1.
    """
    if on > due:
        return max(1, working_days_between(due, on))
    if on < due:
        return -max(1, working_days_between(on, due))
    return 0


# -- the query ------------------------------------------------------------------------------------

# Every item, one row each: referral id, code (the index in CODES: the kind and its clock), the day
# the item's clock started, the day the referral was received. This is the one definition of when
# each clock starts (ARCHITECTURE.md §5; `clocks` counts the working days from there):
# - no match, first-contact or check-in item while consent is pending or refused (DESIGN section 5:
#   such a case is neither matched nor contacted): its consent item stands in their place;
# - match (a new case): the day it became new, its receipt or its reopening (`status_on`);
# - first contact (a matched case): the active match's date;
# - check-in (a contacted case): the last real contact, so each contact restarts it;
# - survey: the last follow-up contact with no survey on or after it, on any case, closed included,
#   unless the physician was purged (a follow-up with no survey since means the last one has none),
#   and only when the case's match at that follow-up was a program supporter's: the survey is theirs,
#   so an outside match (`outside.py`, no supporter) asks for none;
# - consent pending, on open cases: the first-contact clock on a matched case, else the match clock
#   from the day the case took its status (its receipt, reopening or last contact);
# - safety: the first escalation not yet acknowledged, due that day, on any case (a safety item never
#   disappears unseen);
# - reassign: the active match's supporter has a conflict with the physician (from the day it was
#   added) or retired (from the match's date: the roster keeps no date of retirement).
QUEUE_SQL = f"""
SELECT r.id,
    CASE r.status WHEN 'new' THEN 1 WHEN 'matched' THEN 2 ELSE 3 END,
    CASE r.status
        WHEN 'matched' THEN coalesce((SELECT m.matched_on FROM "match" m
            WHERE m.referral_id = r.id AND m.active = 1 ORDER BY m.id DESC LIMIT 1), r.status_on)
        WHEN 'contacted' THEN coalesce((SELECT max(c.contact_on) FROM contact c
            WHERE c.referral_id = r.id AND c.voided_on IS NULL), r.status_on)
        ELSE r.status_on END,
    r.received_on
FROM referral r
WHERE r.status IN ('new', 'matched', 'contacted') AND r.consent NOT IN ('pending', 'refused')
    /*one r.id*/
UNION ALL
SELECT r.id,
    CASE r.status WHEN 'matched' THEN 6 ELSE 5 END,
    CASE r.status WHEN 'matched' THEN coalesce((SELECT m.matched_on FROM "match" m
        WHERE m.referral_id = r.id AND m.active = 1 ORDER BY m.id DESC LIMIT 1), r.status_on)
        ELSE r.status_on END,
    r.received_on
FROM referral r
WHERE r.status IN {OPEN_STATUSES} AND r.consent = 'pending' /*one r.id*/
UNION ALL
SELECT f.referral_id, 4, f.last_on, r.received_on
FROM (SELECT c.referral_id, max(c.contact_on) AS last_on FROM contact c
      WHERE c.kind = 'follow_up' AND c.voided_on IS NULL /*one c.referral_id*/
        AND NOT EXISTS (SELECT 1 FROM survey s WHERE s.referral_id = c.referral_id
                        AND s.submitted_on >= c.contact_on AND s.voided_on IS NULL)
      GROUP BY c.referral_id) f
JOIN referral r ON r.id = f.referral_id
JOIN physician p ON p.id = r.physician_id
WHERE p.purged_on IS NULL
    AND (SELECT m.supporter_id FROM "match" m WHERE m.referral_id = r.id AND m.matched_on <= f.last_on
         ORDER BY m.id DESC LIMIT 1) IS NOT NULL
UNION ALL
SELECT e.referral_id, 0, min(e.escalated_on), r.received_on
FROM escalation e JOIN referral r ON r.id = e.referral_id
WHERE e.acknowledged_on IS NULL /*one e.referral_id*/
GROUP BY e.referral_id
UNION ALL
SELECT r.id, 7, coalesce(min(k.added_on), min(m.matched_on)), r.received_on
FROM referral r
JOIN "match" m ON m.referral_id = r.id AND m.active = 1
JOIN physician p ON p.id = r.physician_id
JOIN supporter s ON s.id = m.supporter_id
LEFT JOIN conflict k ON k.supporter_id = m.supporter_id AND (k.physician_id = p.id OR k.name_key = p.name_key)
WHERE r.status IN {OPEN_STATUSES} AND (k.id IS NOT NULL OR s.status = 'retired') /*one r.id*/
GROUP BY r.id
"""  # noqa: S608 - a fixed vocabulary only
# code -> (kind, the setting of its clock: None for safety, due the day of the escalation)
CODES: tuple[tuple[str, str | None], ...] = (
    ("safety", None),
    ("unmatched", "match"),
    ("no_first_contact", "first_contact"),
    ("check_in", "check_in"),
    ("survey", "survey"),
    ("consent_pending", "match"),
    ("consent_pending", "first_contact"),
    ("reassign", None),
)
# The latest snooze of each referral's item, if it still runs.
SNOOZE_SQL = """
SELECT s.referral_id, s.item, s.until, s.created_on FROM snooze s
WHERE s.id IN (SELECT max(id) FROM snooze GROUP BY referral_id, item) AND s.until > ? /*one s.referral_id*/
"""
ONE = re.compile(r"/\*one ([a-z_.]+)\*/")


def _rows(sql: str, params: tuple[Any, ...], referral_id: int | None) -> list[tuple[Any, ...]]:
    """Run a query for every case, or (`referral_id`) for one case through the indexes."""
    if referral_id is not None:
        sql, count = ONE.subn(r"AND \1 = ?", sql)
        params = (*params, *([referral_id] * count))
    return query.rows(sql, *params)


def _tenths(value: float) -> int:
    return round(value * 10)


KIND_TENTHS = {kind: _tenths(term.value) for kind, term in KIND_TERMS.items()}


def _item_maker() -> Callable[[int, str, date, float, tuple[Term, ...], int, date | None], QueueItem]:
    """A maker of QueueItems that fills the slots directly.

    The frozen dataclass's own __init__ goes through object.__setattr__ once a field, which made
    building the items half of the queue's Python time at 10,000 referrals. This gives the same
    (equal, frozen) object in about half the time. It checks the fields at import, so a field added
    to QueueItem stops the program at once rather than leaving a slot empty.
    """
    names = tuple(f.name for f in fields(QueueItem))
    expected = ("referral_id", "kind", "due_on", "urgency", "terms", "overdue_days", "snoozed_until")
    if names != expected:
        raise RuntimeError("QueueItem's fields changed: update followups._item_maker")
    s0, s1, s2, s3, s4, s5, s6 = (getattr(QueueItem, name).__set__ for name in names)
    new = object.__new__

    def make(
        rid: int, kind: str, due: date, urgency: float, terms: tuple[Term, ...], late: int, until: date | None
    ) -> QueueItem:
        item: QueueItem = new(QueueItem)
        s0(item, rid)
        s1(item, kind)
        s2(item, due)
        s3(item, urgency)
        s4(item, terms)
        s5(item, late)
        s6(item, until)
        return item

    return make


_make_item = _item_maker()


def _due(start: str, clock: int | None) -> date:
    """The due date of a clock of `clock` working days started on `start` (None: that very day)."""
    day = date.fromisoformat(start)
    return day if clock is None else add_working_days(day, clock)


def _timing(due: date, on: date) -> tuple[Term, int, int, int]:
    """For items due on `due`: the overdue term, its value in tenths, the working days overdue, and
    the due date's part of the rank."""
    late = lateness(due, on)
    term = overdue_term(late)
    return term, _tenths(term.value), max(0, late), due.toordinal() << 64


def _age(received: str, on: date) -> tuple[Term, int]:
    """For cases received on `received` (YYYY-MM-DD): the age term and its value in tenths."""
    term = age_term((on - date.fromisoformat(received)).days)
    return term, _tenths(term.value)


def _build(on: date, include_snoozed: bool, referral_id: int | None) -> list[QueueItem]:
    """The ranked queue on `on` (for one referral when `referral_id` is given).

    Urgencies are summed in tenths (every term is a multiple of 0.1), so equal scores are equal.
    Items sort by one integer rank: urgency (descending), then due date, then referral id; two items
    of one case never tie (the same due date means the same overdue and age terms, and kinds differ).
    The loop is written out (no call per item): it runs for thousands of items within the budget.
    """
    lengths = ClockLengths.from_settings(settings.all_settings())
    codes = [
        (kind, KIND_TERMS[kind], KIND_TENTHS[kind], None if clock is None else getattr(lengths, clock))
        for kind, clock in CODES
    ]
    dues: list[dict[str, date]] = [{} for _ in CODES]
    snooze_rows = _rows(SNOOZE_SQL, (on.isoformat(),), referral_id)
    snoozes = {(r[0], r[1]): (r[2], r[3]) for r in snooze_rows}
    timings: dict[date, tuple[Term, int, int, int]] = {}
    ages: dict[str, tuple[Term, int]] = {}
    ranked: list[tuple[int, QueueItem]] = []
    append, make_item = ranked.append, _make_item
    for rid, code, start, received in _rows(QUEUE_SQL, (), referral_id):
        kind, kind_term, kind_tenths, clock = codes[code]
        seen = dues[code]
        due = seen.get(start)
        if due is None:
            due = seen[start] = _due(start, clock)
        snoozed_until: date | None = None
        if snoozes:
            snooze = snoozes.get((rid, kind))
            if snooze is not None and snooze[1] >= start:  # a snooze from before the clock is void
                if not include_snoozed:
                    continue
                snoozed_until = date.fromisoformat(snooze[0])
        timing = timings.get(due) or timings.setdefault(due, _timing(due, on))
        age = ages.get(received) or ages.setdefault(received, _age(received, on))
        tenths = kind_tenths + timing[1] + age[1]
        terms = (kind_term, timing[0], age[0])
        item = make_item(rid, kind, due, tenths / 10, terms, timing[2], snoozed_until)
        append(((URGENCY_TOP - tenths) << 96 | timing[3] | rid, item))
    ranked.sort(key=itemgetter(0))
    return [item for _rank, item in ranked]


def queue(on: date | None = None, *, include_snoozed: bool = False) -> list[QueueItem]:
    """Every open item on `on` (default today), most urgent first; snoozed ones only if asked."""
    return _build(on or clock.today(), include_snoozed, None)


def items_for(referral_id: int, on: date | None = None) -> list[QueueItem]:
    """One case's items on `on` (default today), snoozed ones included, most urgent first."""
    return _build(on or clock.today(), True, referral_id)


def _require_item(referral_id: int, kind: str, on: date) -> QueueItem:
    """The case's item of this kind, or a ValidationError naming `item`."""
    lifecycle.get_referral(referral_id)
    for item in items_for(referral_id, on):
        if item.kind == kind:
            return item
    raise ValidationError("item", f"referral {referral_id} has no {kind} item in the queue")


# -- acting on an item ----------------------------------------------------------------------------


def snooze(referral_id: int, kind: str, until: date | str, reason: str, on: date | None = None) -> Snooze:
    """Put an item off until a date (after today, at most 30 days ahead), with a reason from the list.

    The latest snooze of an item decides (snoozing again replaces an earlier date); a snooze ends when
    the item's clock restarts (a new match, contact or follow-up). Safety items are never snoozed.
    """
    on = on or clock.today()
    kind = common.choice("item", kind, QUEUE_KINDS)
    reason = common.choice("reason", reason, SNOOZE_REASONS)
    day = common.parse_date("until", until)
    if day <= on:
        raise ValidationError("until", f"must be after today ({on.isoformat()})")
    if day > on + timedelta(days=SNOOZE_MAX_DAYS):
        raise ValidationError("until", f"must be at most {SNOOZE_MAX_DAYS} days ahead")
    if kind == "safety":
        raise ValidationError("item", "a safety escalation cannot be snoozed; acknowledge it once handled")
    _require_item(referral_id, kind, on)
    created: Snooze = Snooze.create(referral=referral_id, item=kind, until=day, reason=reason, created_on=on)
    return created


def done(
    referral_id: int, kind: str, on: date | None = None, mode: str = "phone", *, consent: str = ""
) -> str:
    """Do an item with what the coordinator confirmed; returns a short description of what was recorded.

    Each goes through the service that owns its rule: a first contact or a check-in records that
    contact (by `mode`, `lifecycle.record_contact`), a safety item acknowledges the case's escalations
    (`safety.acknowledge`), a pending consent records the answer given (`consent`: given or refused,
    never assumed; `lifecycle.set_consent`). An unmatched case must be matched, and a survey
    recorded, through their own screens: those are refused with the way to do them.
    """
    on = on or clock.today()
    kind = common.choice("item", kind, QUEUE_KINDS)
    _require_item(referral_id, kind, on)
    if kind == "unmatched":
        raise ValidationError("item", f"match the case first: p2p-tui match {referral_id}")
    if kind == "survey":
        raise ValidationError("item", "record the supporter's survey")
    if kind == "reassign":
        raise ValidationError("item", "reassign the case: on the case, the supporter hands it back (d)")
    if kind == "safety":
        safety.acknowledge_case(referral_id, on)
        return "safety escalation acknowledged"
    if kind == "consent_pending":
        if not consent:
            raise ValidationError("consent", "say whether the physician gave or refused consent")
        answer = lifecycle.set_consent(referral_id, consent, on).consent
        return f"consent recorded as {answer}"
    contact_kind = "initial" if kind == "no_first_contact" else "follow_up"
    contact = lifecycle.record_contact(referral_id, contact_kind, mode, on)
    return f"{contact_kind.replace('_', '-')} contact recorded ({contact.mode})"


# -- peers13: items about a supporter (wellbeing check-ins, debriefs) -------------------------------


@dataclass(frozen=True, slots=True)
class SupporterItem(QueueItem):
    """An item about a supporter rather than a case: `referral_id` is 0, `supporter_id` names them."""

    supporter_id: int = 0

    def to_json(self) -> dict[str, Any]:
        """The item as JSON-ready values, with the supporter's id."""
        return {**QueueItem.to_json(self), "supporter_id": self.supporter_id}


def supporter_items(on: date | None = None) -> list[SupporterItem]:
    """The wellbeing check-ins and debriefs due on `on`, each with its kind and overdue terms."""
    from p2p_tui.services.people import wellbeing  # people imports cases: late, to avoid a cycle

    on = on or clock.today()
    found: list[SupporterItem] = []
    for due in wellbeing.due_items(on):
        term, tenths, late, _rank = _timing(due.due_on, on)
        urgency = (KIND_TENTHS[due.kind] + tenths) / 10
        terms = (KIND_TERMS[due.kind], term)
        found.append(SupporterItem(0, due.kind, due.due_on, urgency, terms, late, None, due.supporter_id))
    return found


def _rank_key(item: QueueItem) -> tuple[float, date, int]:
    return (-item.urgency, item.due_on, item.referral_id)


def full_queue(on: date | None = None, *, include_snoozed: bool = False) -> list[QueueItem]:
    """`queue` with the items about supporters (`SupporterItem`) ranked among the cases' by the same
    order (they are few: a bisection each). Today shows this."""
    on = on or clock.today()
    items = queue(on, include_snoozed=include_snoozed)
    for extra in supporter_items(on):
        items.insert(bisect.bisect_right(items, _rank_key(extra), key=_rank_key), extra)
    return items
