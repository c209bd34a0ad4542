"""The demo's part of issue 13 (called by `demo.populate` once the cases exist): supporters' wellbeing
check-ins on their routine and after each hard event, the debriefs asked for offered a few days
later, and informal encounters, so that Today holds a few items about supporters, not years of them.

Deterministic (from the supporters' ids and the dates the cases already hold): the demo's one random
stream is left as it was, so the cases stay what they were.
"""

from __future__ import annotations

from datetime import date, timedelta

from p2p_tui.services.cases.clocks import add_working_days
from p2p_tui.services.people import wellbeing
from p2p_tui.store import query
from p2p_tui.store.models import Debrief, InformalEncounter, WellbeingCheckIn
from p2p_tui.store.vocab import CAREER_STAGES, STRESSORS

RECENT_DAYS = 5  # events and debriefs this recent are left waiting, for Today to show
ACTIVE_SQL = """
SELECT s.id, s.training_completed_on FROM supporter s
WHERE s.status IN ('active', 'paused') AND s.training_completed_on IS NOT NULL ORDER BY s.id
"""


def _check_in_days(sid: int, trained: date, events: list[date], on: date, weeks: int) -> list[date]:
    """A routine check-in every `weeks` weeks from training (some a little late), one after each event
    but the most recent."""
    days = {add_working_days(day, 1) for day in events if day <= on - timedelta(days=RECENT_DAYS)}
    day = trained + timedelta(days=weeks * 7 - 10 + sid % 17)
    while day <= on:
        days.add(day)
        day += timedelta(days=weeks * 7 - 10 + (sid * 7 + day.toordinal()) % 17)
    return sorted(d for d in days if d <= on)


def add(on: date, counties: list[str]) -> None:
    """Check-ins, debriefs and informal encounters for the demo's active (and paused) supporters."""
    weeks = wellbeing.check_in_weeks()
    events: dict[int, list[date]] = {}
    for sid, day in query.rows(wellbeing.EVENTS_SQL):
        if sid is not None:
            events.setdefault(int(sid), []).append(date.fromisoformat(day))
    for sid, trained in query.rows(ACTIVE_SQL):
        start = date.fromisoformat(trained)
        for n, day in enumerate(_check_in_days(sid, start, events.get(sid, []), on, weeks)):
            WellbeingCheckIn.create(
                supporter=sid, checked_on=day, result="ok" if (sid + n) % 9 else "wants_debrief"
            )
        _informal(sid, start, on, counties)
    for sid, asked, survey, check_in in wellbeing.pending_debriefs():
        if asked <= on - timedelta(days=RECENT_DAYS):
            done = add_working_days(asked, 2)
            Debrief.create(supporter=sid, survey=survey, check_in=check_in, done_on=done)


def _informal(sid: int, trained: date, on: date, counties: list[str]) -> None:
    """An informal encounter every five to nine weeks, some with the peer's stage, county, stressors."""
    day, n = trained + timedelta(days=20 + sid % 30), 0
    while day <= on:
        n += 1
        InformalEncounter.create(
            supporter=sid,
            met_on=day,
            career_stage=CAREER_STAGES[(sid + n) % 4] if n % 3 else None,
            county=counties[(sid + n) % len(counties)] if n % 2 else None,
            stressors=STRESSORS[(sid * 3 + n) % len(STRESSORS)] if n % 4 else "",
        )
        day += timedelta(days=35 + (sid + n) % 28)
