"""The program's clocks, in working days on the Prince Edward Island calendar (DESIGN section 5).

A working day is a weekday that is not a public holiday in Prince Edward Island, as the `holidays`
package knows them (`holidays.country_holidays("CA", subdiv="PE")`). The calendar is built once per
range of years into two arrays (how many working days come before each day, and the working days in
order), so adding or counting working days is two list look-ups, however far apart the dates are.

The four clocks (lengths in the settings, `clock_*_days`, read by `ClockLengths`):

- match: within `clock_match_days` of the day the case became new (its receipt, or its reopening);
- first contact: within `clock_first_contact_days` of the active match;
- check-in: `clock_follow_up_days` after the last real contact (each contact restarts the clock);
- survey: within `clock_survey_days` of the (last) follow-up contact.

A clock is due `add_working_days(start, length)`. When each clock starts, and whether it still runs,
is decided in one place: the follow-up queue's query (`followups.QUEUE_SQL`), which finds every case's
start dates at once; this module only counts the days.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

from p2p_tui.store import settings

COUNTRY = "CA"
SUBDIVISION = "PE"
WEEKEND = (5, 6)  # Saturday, Sunday (date.weekday())
MIN_YEAR = 1
MAX_YEAR = 9998  # one year of room before date.max for the look-ahead


@dataclass(frozen=True)
class _Calendar:
    """Working days of the years `first_year` to `last_year`, as look-up arrays."""

    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    before: tuple[int, ...]  # before[i]: working days in [base, base + i); one entry past the end
    days: tuple[date, ...]  # the working days, in order

    def covers(self, first_year: int, last_year: int) -> bool:
        """Whether every day of these years is in the calendar."""
        return self.first_year <= first_year and last_year <= self.last_year


@lru_cache(maxsize=8)
def _calendar(first_year: int, last_year: int) -> _Calendar:
    """The calendar of these years (cached per range of years)."""
    off = holidays.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=range(first_year, last_year + 1))
    start = date(first_year, 1, 1)
    count = (date(last_year, 12, 31) - start).days + 1
    before = [0] * (count + 1)
    days: list[date] = []
    for i in range(count):
        day = start + timedelta(days=i)
        working = day.weekday() not in WEEKEND and day not in off
        if working:
            days.append(day)
        before[i + 1] = before[i] + working
    return _Calendar(first_year, last_year, start.toordinal(), tuple(before), tuple(days))


_current: _Calendar | None = None
_grow = threading.Lock()


def _covering(first: date, last: date) -> _Calendar:
    """A calendar covering both dates (the one in use, widened when a date falls outside it)."""
    global _current
    cal = _current
    lo, hi = max(MIN_YEAR, first.year - 1), min(MAX_YEAR, last.year + 1)
    if cal is not None and cal.covers(lo, hi):
        return cal
    with _grow:
        cal = _current
        if cal is None:
            cal = _calendar(lo, hi)
        elif not cal.covers(lo, hi):
            cal = _calendar(min(cal.first_year, lo), max(cal.last_year, hi))
        _current = cal
    return cal


def add_working_days(day: date, n: int) -> date:
    """The working day `n` working days after `day`.

    From a non-working day, counting starts at the next working day: `n=0` rolls forward to it, and
    `n=1` is the working day after that (a referral received on a Saturday is due on Tuesday).
    """
    if n < 0:
        raise ValueError("n must be zero or more working days")
    cal = _covering(day, day + timedelta(days=2 * n + 21))
    index = cal.before[day.toordinal() - cal.base] + n
    while index >= len(cal.days):  # only near the end of the calendar: widen it and look again
        cal = _covering(day, date(cal.last_year + 1, 12, 31))
        index = cal.before[day.toordinal() - cal.base] + n
    return cal.days[index]


def working_days_between(a: date, b: date) -> int:
    """The signed count of working days after `a` up to and including `b` (0 when a == b).

    Negative when `b` is before `a`: then it is minus the working days after `b` up to and including
    `a`.
    """
    cal = _covering(min(a, b), max(a, b))
    return cal.before[b.toordinal() - cal.base + 1] - cal.before[a.toordinal() - cal.base + 1]


# -- the clocks -----------------------------------------------------------------------------------

CLOCK_SETTINGS = {
    "match": "clock_match_days",
    "first_contact": "clock_first_contact_days",
    "check_in": "clock_follow_up_days",
    "survey": "clock_survey_days",
}


@dataclass(frozen=True)
class ClockLengths:
    """The clocks' lengths in working days, as set in the settings."""

    match: int
    first_contact: int
    check_in: int
    survey: int

    @classmethod
    def from_settings(cls, values: dict[str, Any] | None = None) -> ClockLengths:
        """Read the lengths (from `values`, as `settings.all_settings()` returns, or the settings)."""
        values = values if values is not None else settings.all_settings()
        return cls(**{clock: int(values[key]) for clock, key in CLOCK_SETTINGS.items()})
