"""Training events, attendance and the honorarium ledger (hours x the event's rate, per quarter).

Only training events are paid (orientation, training, Community of Practice): the time supporters give
to a peer is volunteer and never enters the ledger. Each event keeps the rate it was recorded with, so
a later change of the honorarium rate in Settings never rewrites past honoraria.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import cast

import peewee as pw

from p2p_tui.services import clock, common
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people.roster import get_supporter
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import settings
from p2p_tui.store.models import Attendance, Physician, Supporter, TrainingEvent
from p2p_tui.store.vocab import TRAINING_KINDS

TITLE_MAX = 80
MAX_HOURS = 24.0
HOURS_STEP = 0.25
CENT = Decimal("0.01")
HOURS_RULE = "must be a number of hours above 0 and at most 24, in steps of 0.25 (a quarter hour)"
RATE_RULE = "must be an hourly amount of 0 or more, in dollars and cents"


@dataclass(frozen=True)
class HonorariumLine:
    """One supporter's honorarium for a quarter: attended training hours and the amount owed."""

    supporter_id: int
    name: str
    hours: float
    amount: float


@dataclass(frozen=True)
class AttendanceLine:
    """One event a supporter attended, with the honorarium it earned (hours x the event's rate)."""

    event_id: int
    kind: str
    held_on: date
    title: str
    hours: float
    rate: float
    amount: float


@dataclass(frozen=True)
class EventRow:
    """A training event as the console lists it, with how many supporters attended."""

    id: int
    kind: str
    held_on: date
    hours: float
    rate: float
    title: str
    attended: int


@dataclass(frozen=True)
class QuarterView:
    """What the training screen shows for one quarter."""

    events: tuple[EventRow, ...]
    hours: dict[str, float]  # attended hours per training kind, every kind present
    honoraria: tuple[HonorariumLine, ...]
    total: float


@dataclass(frozen=True)
class Attendee:
    """A supporter who may be ticked as attending an event."""

    supporter_id: int
    name: str
    status: str


@dataclass(frozen=True)
class AttendanceChoices:
    """Who may be ticked for an event (by name), and who is recorded already."""

    people: tuple[Attendee, ...]
    recorded: frozenset[int]


ATTENDING_STATUSES = ("active", "in_training")


def _number(field: str, value: float | int | str, rule: str) -> Decimal:
    """A finite decimal number from a float, int or text (bools refused)."""
    if isinstance(value, bool):
        raise ValidationError(field, rule)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(field, rule) from None
    if not number.is_finite():
        raise ValidationError(field, rule)
    return number


def clean_hours(
    field: str, value: float | int | str, most: float = MAX_HOURS, rule: str = HOURS_RULE
) -> float:
    """Hours above 0 and at most `most`, in quarter-hour steps."""
    number = _number(field, value, rule)
    if number <= 0 or number > Decimal(str(most)) or number % Decimal(str(HOURS_STEP)) != 0:
        raise ValidationError(field, rule)
    return float(number)


def clean_rate(value: float | int | str) -> float:
    """An hourly honorarium rate: 0 or more, whole cents."""
    number = _number("rate", value, RATE_RULE)
    if number < 0 or number != number.quantize(CENT):
        raise ValidationError("rate", RATE_RULE)
    return float(number)


def get_event(event_id: int) -> TrainingEvent:
    """The training event with this id, or a ValidationError naming the id."""
    found: TrainingEvent | None = TrainingEvent.get_or_none(TrainingEvent.id == event_id)
    if found is None:
        raise ValidationError("event", f"there is no training event {event_id}")
    return found


def add_event(
    kind: str,
    held_on: date | str,
    hours: float | int | str,
    title: str = "",
    rate: float | int | str | None = None,
    on: date | None = None,
) -> TrainingEvent:
    """Record a training event that was held (not a future one: the ledger records what happened).

    The rate defaults to the honorarium rate in Settings and is stored on the event.
    """
    on = on or clock.today()
    kind = common.choice("kind", kind, TRAINING_KINDS)
    day = common.past_date("held_on", common.parse_date("held_on", held_on), on)
    cleaned_hours = clean_hours("hours", hours)
    cleaned_title = common.text("title", title, required=False, max_length=TITLE_MAX)
    cleaned_rate = clean_rate(settings.get("honorarium_rate") if rate is None else rate)
    event: TrainingEvent = TrainingEvent.create(
        kind=kind, held_on=day, hours=cleaned_hours, rate=cleaned_rate, title=cleaned_title
    )
    return event


def remove_event(event_id: int) -> None:
    """Delete a training event and its attendance (for one recorded by mistake)."""
    get_event(event_id).delete_instance()


def record_attendance(event_id: int, supporter_id: int, hours: float | int | str | None = None) -> Attendance:
    """Record that a supporter attended (all of the event by default, never more than it lasted).

    Recording the same supporter again replaces their hours.
    """
    event = get_event(event_id)
    supporter = get_supporter(supporter_id)
    if hours is None:
        attended = float(event.hours)
    else:
        rule = f"must be above 0 and at most the event's {event.hours:g} hours, in steps of 0.25"
        attended = clean_hours("hours", hours, most=float(event.hours), rule=rule)
    Attendance.insert(event=event, supporter=supporter, hours=attended).on_conflict(
        conflict_target=[Attendance.event, Attendance.supporter],
        update={Attendance.hours: attended},
    ).execute()
    row: Attendance = Attendance.get(Attendance.event == event, Attendance.supporter == supporter)
    return row


def remove_attendance(event_id: int, supporter_id: int) -> bool:
    """Remove a supporter's attendance at an event; whether there was one."""
    deleted = (
        Attendance.delete()
        .where(Attendance.event == event_id, Attendance.supporter == supporter_id)
        .execute()
    )
    return cast(int, deleted) > 0


def _in_quarter(quarter: Quarter) -> pw.Expression:
    return TrainingEvent.held_on.between(quarter.start, quarter.end)


def events(quarter: Quarter | None = None) -> list[TrainingEvent]:
    """Training events by date (those held in `quarter`, or all)."""
    query = TrainingEvent.select()
    if quarter is not None:
        query = query.where(_in_quarter(quarter))
    return list(query.order_by(TrainingEvent.held_on, TrainingEvent.id))


def attendees(event_id: int) -> list[Attendance]:
    """An event's attendance rows, by supporter id."""
    return list(Attendance.select().where(Attendance.event == event_id).order_by(Attendance.supporter))


def _event_rows(where: pw.Expression) -> list[EventRow]:
    """Events by date with their attendee counts, in one query."""
    query = (
        TrainingEvent.select(
            TrainingEvent.id,
            TrainingEvent.kind,
            TrainingEvent.held_on,
            TrainingEvent.hours,
            TrainingEvent.rate,
            TrainingEvent.title,
            pw.fn.COUNT(Attendance.supporter),
        )
        .join(Attendance, pw.JOIN.LEFT_OUTER)
        .where(where)
        .group_by(TrainingEvent.id)
        .order_by(TrainingEvent.held_on, TrainingEvent.id)
        .tuples()
    )
    rows = cast(list[tuple[int, str, date, float, float, str, int]], list(query))
    return [
        EventRow(id=i, kind=kind, held_on=held, hours=float(hours), rate=float(rate), title=title, attended=n)
        for i, kind, held, hours, rate, title, n in rows
    ]


def event_rows(quarter: Quarter) -> list[EventRow]:
    """The events held in the quarter, by date, each with how many supporters attended."""
    return _event_rows(_in_quarter(quarter))


def event_row(event_id: int) -> EventRow:
    """One event as listed, or a ValidationError naming the id."""
    found = _event_rows(TrainingEvent.id == event_id)
    if not found:
        raise ValidationError("event", f"there is no training event {event_id}")
    return found[0]


def attendance_choices(event_id: int) -> AttendanceChoices:
    """Supporters who may be ticked for an event (active or in training, and anyone already recorded),
    by name; and the ids already recorded. Two queries."""
    recorded = Attendance.select(Attendance.supporter).where(Attendance.event == event_id).tuples()
    attending = frozenset(sid for (sid,) in cast(list[tuple[int]], list(recorded)))
    query = (
        Supporter.select(Supporter.id, Physician.name, Supporter.status)
        .join(Physician)
        .where(Supporter.status.in_(ATTENDING_STATUSES) | Supporter.id.in_(list(attending)))
        .order_by(Physician.name_key, Supporter.id)
        .tuples()
    )
    people = tuple(Attendee(*row) for row in cast(list[tuple[int, str, str]], list(query)))
    return AttendanceChoices(people, attending)


def _exact(value: float) -> Decimal:
    """A stored float as the decimal it was written as (hours in quarters, rates in cents)."""
    return Decimal(str(value))


def _cents(value: Decimal) -> float:
    """Dollars rounded half up to the cent."""
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def honoraria(quarter: Quarter) -> list[HonorariumLine]:
    """Each supporter's training hours and honorarium for events held in the quarter, by name.

    Only attendance at training events counts: support time is volunteer and never paid. The sums
    are exact decimals (hours x each event's own rate), rounded to the cent once per supporter.
    """
    query = (
        Attendance.select(Supporter.id, Physician.name, Attendance.hours, TrainingEvent.rate)
        .join(TrainingEvent)
        .switch(Attendance)
        .join(Supporter)
        .join(Physician)
        .where(_in_quarter(quarter))
        .order_by(Physician.name_key, Supporter.id)
        .tuples()
    )
    names: dict[int, str] = {}
    hours: dict[int, Decimal] = {}
    amounts: dict[int, Decimal] = {}
    for sid, name, attended, rate in cast(list[tuple[int, str, float, float]], list(query)):
        names[sid] = name
        hours[sid] = hours.get(sid, Decimal(0)) + _exact(attended)
        amounts[sid] = amounts.get(sid, Decimal(0)) + _exact(attended) * _exact(rate)
    return [HonorariumLine(sid, names[sid], float(hours[sid]), _cents(amounts[sid])) for sid in names]


def honoraria_total(quarter: Quarter) -> float:
    """The quarter's honoraria in total (the report shows only this aggregate)."""
    return _cents(sum((_exact(line.amount) for line in honoraria(quarter)), Decimal(0)))


def hours_by_kind(quarter: Quarter) -> dict[str, float]:
    """Attended hours (summed over supporters) per training kind in the quarter; every kind present."""
    query = (
        Attendance.select(TrainingEvent.kind, pw.fn.SUM(Attendance.hours))
        .join(TrainingEvent)
        .where(_in_quarter(quarter))
        .group_by(TrainingEvent.kind)
        .tuples()
    )
    found = dict(cast(list[tuple[str, float]], list(query)))
    return {kind: float(found.get(kind) or 0.0) for kind in TRAINING_KINDS}


def quarter_view(quarter: Quarter) -> QuarterView:
    """The quarter's events with attendee counts, attended hours by kind, honoraria and their total."""
    lines = honoraria(quarter)
    return QuarterView(
        events=tuple(event_rows(quarter)),
        hours=hours_by_kind(quarter),
        honoraria=tuple(lines),
        total=_cents(sum((_exact(line.amount) for line in lines), Decimal(0))),  # as honoraria_total
    )


def attendance_of(supporter_id: int) -> list[AttendanceLine]:
    """Every event a supporter attended, by date, with hours, the event's rate and the amount."""
    supporter = get_supporter(supporter_id)
    query = (
        Attendance.select(Attendance, TrainingEvent)
        .join(TrainingEvent)
        .where(Attendance.supporter == supporter)
        .order_by(TrainingEvent.held_on, TrainingEvent.id)
    )
    lines = []
    for row in query:
        event = row.event
        lines.append(
            AttendanceLine(
                event_id=event.id,
                kind=event.kind,
                held_on=event.held_on,
                title=event.title,
                hours=float(row.hours),
                rate=float(event.rate),
                amount=_cents(_exact(row.hours) * _exact(event.rate)),
            )
        )
    return lines
