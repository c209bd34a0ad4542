"""Working days on the Prince Edward Island calendar, and the four clocks of a case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from p2p_tui.services.cases import clocks, followups, lifecycle
from p2p_tui.services.cases.clocks import add_working_days, working_days_between
from p2p_tui.store import Store, settings
from tests.unit.test_followups import Program

D = date.fromisoformat

# What `holidays` (CA, subdivision PE, public category) returns for 2026: the statutory holidays of
# Prince Edward Island's Employment Standards Act. Victoria Day, Easter Monday, Thanksgiving and
# Boxing Day are not among them (they are government or optional holidays there).
PEI_2026 = {
    D("2026-01-01"): "New Year's Day",
    D("2026-02-16"): "Islander Day",
    D("2026-04-03"): "Good Friday",
    D("2026-07-01"): "Canada Day",
    D("2026-09-07"): "Labor Day",
    D("2026-09-30"): "National Day for Truth and Reconciliation",
    D("2026-11-11"): "Remembrance Day",
    D("2026-12-25"): "Christmas Day",
}


def is_working_day(day: date) -> bool:
    """Whether the clocks count `day`: one working day after the day before it."""
    return working_days_between(day - timedelta(days=1), day) == 1


def test_the_calendar_is_prince_edward_islands() -> None:
    days = (D("2026-01-01") + timedelta(days=i) for i in range(365))
    off = {day for day in days if day.weekday() < 5 and not is_working_day(day)}
    assert off == set(PEI_2026)  # each falls on a weekday in 2026


@pytest.mark.parametrize("day", sorted(PEI_2026))
def test_pei_holidays_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    ["2026-05-18", "2026-04-06", "2026-08-03", "2026-10-12", "2026-12-28", "2026-07-02", "2026-07-06"],
)
def test_other_weekdays_are_working_days(day: str) -> None:
    # Victoria Day, Easter Monday, the August civic holiday, Thanksgiving, Boxing Day (observed)
    assert is_working_day(D(day))


def test_weekends_are_not_working_days() -> None:
    assert not is_working_day(D("2026-07-04")) and not is_working_day(D("2026-07-05"))


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2026-07-03", 1, "2026-07-06"),  # Friday + 1: Monday
        ("2026-06-30", 1, "2026-07-02"),  # over Canada Day
        ("2026-07-01", 0, "2026-07-02"),  # from a holiday, 0 rolls forward
        ("2026-07-01", 1, "2026-07-03"),
        ("2026-07-04", 0, "2026-07-06"),  # from Saturday, counting starts on Monday
        ("2026-07-04", 1, "2026-07-07"),
        ("2026-07-05", 2, "2026-07-08"),
        ("2026-07-06", 0, "2026-07-06"),
        ("2026-07-06", 7, "2026-07-15"),
        ("2026-07-16", 14, "2026-08-05"),
        ("2026-04-02", 1, "2026-04-06"),  # Good Friday
        ("2026-05-15", 1, "2026-05-18"),  # Victoria Day is worked in PEI's statutory calendar
        ("2026-09-04", 1, "2026-09-08"),  # Labour Day
        ("2026-09-29", 1, "2026-10-01"),  # National Day for Truth and Reconciliation
        ("2026-12-24", 1, "2026-12-28"),  # Christmas; Boxing Day falls on a Saturday
        ("2026-12-31", 1, "2027-01-04"),  # over New Year's Day, into the next year
        ("2001-01-01", 1, "2001-01-03"),  # far back: New Year's Day on a Monday
    ],
)
def test_add_working_days(start: str, n: int, due: str) -> None:
    assert add_working_days(D(start), n) == D(due)


def test_add_working_days_far_ahead_and_refuses_negative() -> None:
    far = add_working_days(D("2099-12-30"), 40)
    assert is_working_day(far) and working_days_between(D("2099-12-30"), far) == 40
    with pytest.raises(ValueError):
        add_working_days(D("2026-07-06"), -1)


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        ("2026-07-06", "2026-07-06", 0),
        ("2026-06-30", "2026-07-02", 1),  # Canada Day not counted
        ("2026-07-02", "2026-06-30", -1),
        ("2026-07-03", "2026-07-06", 1),
        ("2026-07-03", "2026-07-05", 0),  # only the weekend after
        ("2026-07-04", "2026-07-06", 1),
        ("2026-06-30", "2026-07-15", 10),
        ("2026-12-24", "2027-01-04", 5),  # Dec 28, 29, 30, 31 and Jan 4
    ],
)
def test_working_days_between(a: str, b: str, count: int) -> None:
    assert working_days_between(D(a), D(b)) == count


def test_adding_and_counting_agree_over_two_years() -> None:
    day = D("2026-01-01")
    while day < D("2028-01-01"):
        for n in (0, 1, 2, 7, 14):
            due = add_working_days(day, n)
            assert is_working_day(due) and due >= day
            assert working_days_between(day, due) == n + (0 if is_working_day(day) else 1)
        day += timedelta(days=1)


# -- the clocks of a case, as the queue runs them (its query is where each clock starts) -------------


@pytest.fixture
def program(store: Store) -> Iterator[Program]:
    with store.atomic():
        yield Program()


def dues(referral_id: int, on: str) -> dict[str, date]:
    """The case's clocks still running on that day, as the queue shows them: item kind -> due date."""
    return {item.kind: item.due_on for item in followups.items_for(referral_id, D(on))}


def test_each_clock_starts_from_the_event_before_it(program: Program) -> None:
    rid = program.referral("2026-07-03")  # Friday
    assert dues(rid, "2026-07-03") == {"unmatched": D("2026-07-06")}  # from receipt
    program.match(rid, "2026-07-06")
    assert dues(rid, "2026-07-06") == {"no_first_contact": D("2026-07-08")}  # from the match
    program.contact(rid, "initial", "2026-07-07")
    assert dues(rid, "2026-07-07") == {"check_in": D("2026-07-16")}  # from the last real contact
    program.contact(rid, "follow_up", "2026-07-16")
    # from the follow-up, the last real contact; the check-in is done, so its clock has stopped
    assert dues(rid, "2026-07-16") == {"survey": D("2026-08-05")}


def test_clock_lengths_come_from_the_settings(program: Program) -> None:
    rid = program.referral("2026-07-03")
    settings.put("clock_match_days", 3)
    settings.put("clock_survey_days", 5)
    lengths = clocks.ClockLengths.from_settings()
    assert lengths == clocks.ClockLengths(match=3, first_contact=2, check_in=7, survey=5)
    assert dues(rid, "2026-07-03") == {"unmatched": D("2026-07-08")}
    program.match(rid, "2026-07-06")
    program.contact(rid, "initial", "2026-07-07")
    program.contact(rid, "follow_up", "2026-07-16")
    assert dues(rid, "2026-07-16") == {"survey": D("2026-07-23")}


def test_the_match_clock_of_a_reopened_case_starts_at_the_reopening(program: Program) -> None:
    rid = program.referral("2026-04-01")
    lifecycle.end_case(rid, "declined", D("2026-04-02"))
    lifecycle.reopen(rid, D("2026-07-03"))
    assert dues(rid, "2026-07-03") == {"unmatched": D("2026-07-06")}
