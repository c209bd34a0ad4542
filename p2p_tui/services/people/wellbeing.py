"""Supporters' own wellbeing (issue 13 item 3) and the debriefs they ask for (issue 10 item 6).

- A check-in with each active supporter (not paused, not on a break: `routine_due`) every
  `wellbeing_check_in_weeks` weeks (a setting, default 12)
  counted from their last check-in (else their training, else their record's creation), and within
  `WITHIN_WORKING_DAYS` working days after a case of theirs had a safety escalation or a survey that
  asked for a debrief, when no check-in has been recorded since. One item per supporter: the earliest due.
- The result is structured (ok, wants a break, wants a debrief, stepping back). A break sets the
  supporter's "unavailable until" (so the matcher leaves them out); a wish to debrief, like a survey's,
  becomes an "offer a debrief" item until a debrief is recorded as done.

Items are computed in a fixed number of queries whatever the roster's size; they carry ids and dates
only (the screens look the names up). Reports see the check-ins in aggregate only (`result_counts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from p2p_tui.services import clock, common
from p2p_tui.services.cases.clocks import add_working_days
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.store import query, settings
from p2p_tui.store.models import Debrief, WellbeingCheckIn
from p2p_tui.store.vocab import WELLBEING_RESULTS

WITHIN_WORKING_DAYS = 2
WEEKS_SETTING = "wellbeing_check_in_weeks"


@dataclass(frozen=True, slots=True)
class SupporterDue:
    """A queue item about a supporter: its kind (wellbeing | debrief), who, since when, due when."""

    kind: str
    supporter_id: int
    started_on: date
    due_on: date


@dataclass(frozen=True, slots=True)
class CheckInLine:
    """One check-in as a supporter's page lists it."""

    id: int
    checked_on: date
    result: str
    break_until: date | None


# -- recording -------------------------------------------------------------------------------------


def record_check_in(
    supporter_id: int, result: str, on: date | None = None, break_until: date | str | None = None
) -> WellbeingCheckIn:
    """Record a check-in's result; "wants a break" needs the date the break runs to (after the
    check-in) and sets the supporter's "unavailable until" to it. Call inside `store.atomic()`."""
    on = on or clock.today()
    supporter = roster.get_supporter(supporter_id)
    result = common.choice("result", result, WELLBEING_RESULTS)
    checked = common.past_date("checked_on", common.parse_date("checked_on", on), clock.today())
    until: date | None = None
    if result == "wants_break":
        if break_until is None or (isinstance(break_until, str) and not break_until.strip()):
            raise ValidationError("break_until", "is required when the supporter wants a break")
        until = common.within_calendar("break_until", common.parse_date("break_until", break_until))
        if until <= checked:
            raise ValidationError("break_until", "must be after the check-in's date")
    elif break_until not in (None, ""):
        raise ValidationError("break_until", "is only given when the supporter wants a break")
    row: WellbeingCheckIn = WellbeingCheckIn.create(
        supporter=supporter, checked_on=checked, result=result, break_until=until
    )
    if until is not None and (supporter.unavailable_until is None or supporter.unavailable_until < until):
        supporter.unavailable_until = until
        supporter.save(only=["unavailable_until"])
    return row


def remove_check_in(check_in_id: int) -> None:
    """Remove a check-in recorded by mistake (its debrief record goes with it)."""
    deleted = WellbeingCheckIn.delete().where(WellbeingCheckIn.id == check_in_id).execute()
    if not deleted:
        raise ValidationError("check_in", f"there is no check-in {check_in_id}")


def check_ins_of(supporter_id: int) -> list[CheckInLine]:
    """A supporter's check-ins, newest first."""
    rows = query.rows(
        "SELECT id, checked_on, result, break_until FROM wellbeing_check_in WHERE supporter_id = ? "
        "ORDER BY checked_on DESC, id DESC",
        supporter_id,
    )
    return [
        CheckInLine(i, date.fromisoformat(on), result, date.fromisoformat(until) if until else None)
        for i, on, result, until in rows
    ]


# -- debriefs --------------------------------------------------------------------------------------

# Every debrief asked for and not yet done: (supporter id, asked on, survey id, check-in id). A survey
# is tied to its case only; its supporter is the one matched to the case on the day it was submitted.
PENDING_DEBRIEFS_SQL = """
SELECT x.supporter_id, x.asked_on, x.survey_id, x.check_in_id FROM (
    SELECT (SELECT m.supporter_id FROM "match" m WHERE m.referral_id = s.referral_id
            AND m.supporter_id IS NOT NULL AND m.matched_on <= s.submitted_on
            ORDER BY m.id DESC LIMIT 1) AS supporter_id,
        s.submitted_on AS asked_on, s.id AS survey_id, NULL AS check_in_id
    FROM survey s WHERE s.wants_debrief = 1
        AND NOT EXISTS (SELECT 1 FROM debrief d WHERE d.survey_id = s.id)
    UNION ALL
    SELECT c.supporter_id, c.checked_on, NULL, c.id FROM wellbeing_check_in c
    WHERE c.result = 'wants_debrief' AND NOT EXISTS (SELECT 1 FROM debrief d WHERE d.check_in_id = c.id)
) x WHERE x.supporter_id IS NOT NULL
"""


def pending_debriefs(supporter_id: int | None = None) -> list[tuple[int, date, int | None, int | None]]:
    """The debriefs asked for (since `since()`) and not done: (supporter id, asked on, survey id,
    check-in id), oldest first."""
    sql = PENDING_DEBRIEFS_SQL + " AND x.asked_on >= ?"
    sql += " AND x.supporter_id = ?" if supporter_id is not None else ""
    params: tuple[object, ...] = (since(),) if supporter_id is None else (since(), supporter_id)
    found = [
        (s, date.fromisoformat(on), survey, check_in) for s, on, survey, check_in in query.rows(sql, *params)
    ]
    return sorted(found, key=lambda row: (row[1], row[0]))


def debrief_asked_on(supporter_id: int) -> date | None:
    """The date of the supporter's oldest debrief still waiting, or None."""
    pending = pending_debriefs(supporter_id)
    return pending[0][1] if pending else None


def record_debrief(supporter_id: int, on: date | None = None) -> int:
    """A debrief was offered: every one the supporter asked for is done. Returns how many."""
    on = on or clock.today()
    roster.get_supporter(supporter_id)
    pending = pending_debriefs(supporter_id)
    if not pending:
        raise ValidationError("debrief", "this supporter has no debrief waiting")
    for _sid, _asked, survey_id, check_in_id in pending:
        Debrief.create(supporter=supporter_id, survey=survey_id, check_in=check_in_id, done_on=on)
    return len(pending)


# -- the queue's items -----------------------------------------------------------------------------

# Supporters who may be due a check-in: (id, status, unavailable until, last check-in, training
# completed, record created).
SUPPORTERS_SQL = """
SELECT s.id, s.status, s.unavailable_until,
    (SELECT max(c.checked_on) FROM wellbeing_check_in c WHERE c.supporter_id = s.id),
    s.training_completed_on, p.created_on
FROM supporter s JOIN physician p ON p.id = s.physician_id
WHERE s.status IN ('active', 'paused')
"""
# Every event that calls for a check-in, as (supporter id, day): a safety escalation on a case they were
# matched to that day, or a survey of theirs asking for a debrief (the demo reads it too).
EVENTS_SQL = """
SELECT m.supporter_id, e.escalated_on AS on_day FROM escalation e
JOIN "match" m ON m.referral_id = e.referral_id AND m.supporter_id IS NOT NULL
    AND m.matched_on <= e.escalated_on AND (m.ended_on IS NULL OR m.ended_on >= e.escalated_on)
UNION ALL
SELECT (SELECT m.supporter_id FROM "match" m WHERE m.referral_id = s.referral_id
        AND m.supporter_id IS NOT NULL AND m.matched_on <= s.submitted_on ORDER BY m.id DESC LIMIT 1),
    s.submitted_on
FROM survey s WHERE s.wants_debrief = 1
"""
# The first such event since a supporter's last check-in.
TRIGGERS_SQL = f"""
SELECT t.supporter_id, min(t.on_day) FROM ({EVENTS_SQL}) t
WHERE t.supporter_id IS NOT NULL AND t.on_day >= ? AND t.on_day > coalesce(
    (SELECT max(c.checked_on) FROM wellbeing_check_in c WHERE c.supporter_id = t.supporter_id), '')
GROUP BY t.supporter_id
"""  # noqa: S608 - a fixed query


def check_in_weeks() -> int:
    """The weeks between routine check-ins (the setting)."""
    return int(settings.get(WEEKS_SETTING))


def since() -> str:
    """The day from which check-ins and debriefs are due ('' for a vault made with them: always).

    A vault upgraded to schema 11 records the last day it held anything then (`meta.wellbeing_since`):
    the escalations and surveys before it, and the time before it, call for no check-in."""
    found = query.scalar("SELECT value FROM meta WHERE key = 'wellbeing_since'")
    return str(found) if found else ""


def routine_due(status: str, unavailable_until: str | None, on: date) -> bool:
    """Whether the routine check-in applies: an active supporter taking cases, not one paused or on a
    break (unavailable until after `on`). A check-in after an escalation or a debrief asked for is owed
    to whoever supported the case, paused or not."""
    return status == "active" and (
        unavailable_until is None or date.fromisoformat(unavailable_until[:10]) <= on
    )


def due_items(on: date | None = None) -> list[SupporterDue]:
    """Every supporter item on `on`: the check-ins due (routine ones once due, after an event at once)
    and the debriefs waiting, by supporter id."""
    on = on or clock.today()
    every = timedelta(weeks=check_in_weeks())
    start_from = since()
    triggers = {sid: date.fromisoformat(day) for sid, day in query.rows(TRIGGERS_SQL, start_from)}
    items: list[SupporterDue] = []
    for sid, status, unavailable, last, trained, created in query.rows(SUPPORTERS_SQL):
        candidates: list[tuple[date, date]] = []  # (due, started)
        if sid in triggers:
            start = triggers[sid]
            candidates.append((add_working_days(start, WITHIN_WORKING_DAYS), start))
        if routine_due(status, unavailable, on):
            anchor = date.fromisoformat(max(last or trained or created, start_from)[:10])
            if anchor + every <= on:
                candidates.append((anchor + every, anchor))
        if candidates:
            due, start = min(candidates)
            items.append(SupporterDue("wellbeing", sid, start, due))
    asked: dict[int, date] = {}
    for sid, day, _survey, _check_in in pending_debriefs():
        asked.setdefault(sid, day)
    for sid, day in asked.items():
        items.append(SupporterDue("debrief", sid, day, add_working_days(day, WITHIN_WORKING_DAYS)))
    return sorted(items, key=lambda i: (i.supporter_id, i.kind))


def result_counts(start: date, end: date) -> dict[str, int]:
    """How many check-ins of each result were recorded from `start` to `end` (for reports)."""
    rows = query.rows(
        "SELECT result, count(*) FROM wellbeing_check_in WHERE checked_on BETWEEN ? AND ? GROUP BY result",
        start.isoformat(),
        end.isoformat(),
    )
    found = dict(rows)
    return {result: int(found.get(result, 0)) for result in WELLBEING_RESULTS}


LOAD_DAYS = 90


def recent_loads(on: date | None = None, days: int = LOAD_DAYS) -> dict[int, int]:
    """Cases matched to each supporter in the `days` days up to `on` (one grouped query); absent: none."""
    on = on or clock.today()
    since = (on - timedelta(days=days - 1)).isoformat()
    rows = query.rows(
        'SELECT supporter_id, COUNT(*) FROM "match" WHERE supporter_id IS NOT NULL '
        "AND matched_on BETWEEN ? AND ? GROUP BY supporter_id",
        since,
        on.isoformat(),
    )
    return {int(s): int(n) for s, n in rows}
