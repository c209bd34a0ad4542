"""The training views the console reads (services/people/training.py): a quarter's event rows with their
attendee counts, one event's row, the quarter view, and who may be ticked for an event."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster, training
from p2p_tui.services.people.roster import SupporterInput, add_supporter
from p2p_tui.services.people.training import Attendee, EventRow, HonorariumLine
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store
from p2p_tui.store.models import Supporter
from tests.conftest import TODAY

Q3, Q4 = Quarter(2026, 3), Quarter(2026, 4)


def supporter(name: str, status: str = "active") -> Supporter:
    first = name.split()[0].lower()
    physician = PhysicianInput(name=name, career_stage="mid", county="Kings", email=f"{first}@example.org")
    return add_supporter(SupporterInput(physician, status=status), on=TODAY)


def test_event_rows_count_attendees_per_event_of_the_quarter(store: Store) -> None:
    with store.atomic():
        alice, bob = supporter("Alice Avery"), supporter("Bob Brown")
        late = training.add_event(
            "community_of_practice", "2026-11-02", "1.5", "Case round", rate=80, on=TODAY
        )
        early = training.add_event("training", "2026-10-05", 3, "Listening", rate=100, on=TODAY)
        empty = training.add_event("orientation", "2026-10-05", 1, rate=50, on=TODAY)
        summer = training.add_event("training", "2026-09-30", 2, rate=100, on=TODAY)
        training.record_attendance(early.id, alice.id)
        training.record_attendance(early.id, bob.id, 2)
        training.record_attendance(late.id, alice.id)
        training.record_attendance(summer.id, bob.id)
        rows = training.event_rows(Q4)
        one = training.event_row(late.id)
        with pytest.raises(ValidationError) as caught:
            training.event_row(999)
    assert rows == [
        EventRow(early.id, "training", date(2026, 10, 5), 3.0, 100.0, "Listening", 2),
        EventRow(empty.id, "orientation", date(2026, 10, 5), 1.0, 50.0, "", 0),
        EventRow(late.id, "community_of_practice", date(2026, 11, 2), 1.5, 80.0, "Case round", 1),
    ]
    assert one == rows[2]
    assert caught.value.field == "event"
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.hours = 9.0  # type: ignore[misc]


def test_the_quarter_view_gathers_events_hours_honoraria_and_the_total(store: Store) -> None:
    with store.atomic():
        alice, bob = supporter("Alice Avery"), supporter("Bob Brown")
        a = training.add_event("training", "2026-10-05", 3, rate=100, on=TODAY)
        b = training.add_event("community_of_practice", "2026-11-02", "1.5", rate=80.5, on=TODAY)
        training.record_attendance(a.id, alice.id)
        training.record_attendance(a.id, bob.id, "2.25")
        training.record_attendance(b.id, bob.id)
        view = training.quarter_view(Q4)
        total = training.honoraria_total(Q4)
        summer = training.quarter_view(Q3)
    assert [(e.id, e.attended) for e in view.events] == [(a.id, 2), (b.id, 1)]
    assert view.hours == {"orientation": 0.0, "training": 5.25, "community_of_practice": 1.5}
    # Bob: 2.25 x 100 + 1.5 x 80.50 = 225 + 120.75
    assert view.honoraria == (
        HonorariumLine(alice.id, "Alice Avery", 3.0, 300.0),
        HonorariumLine(bob.id, "Bob Brown", 3.75, 345.75),
    )
    assert view.total == total == 645.75
    assert summer.events == summer.honoraria == ()
    assert summer.total == 0.0


def test_attendance_choices_offer_active_and_training_supporters_and_anyone_recorded(store: Store) -> None:
    with store.atomic():
        zed = supporter("Zed Zimmer")
        amy = supporter("Amy Able", status="in_training")
        nia = supporter("Nia New", status="nominated")  # not offered
        old = supporter("Old Timer")
        event = training.add_event("training", "2026-10-05", 2, on=TODAY)
        training.record_attendance(event.id, old.id)
        roster.set_status(old.id, "retired", on=TODAY)  # retired since, but recorded: still listed
        choices = training.attendance_choices(event.id)
        other = training.add_event("orientation", "2026-10-06", 1, on=TODAY)
        fresh = training.attendance_choices(other.id)
    assert choices.people == (
        Attendee(amy.id, "Amy Able", "in_training"),
        Attendee(old.id, "Old Timer", "retired"),
        Attendee(zed.id, "Zed Zimmer", "active"),
    )
    assert choices.recorded == frozenset({old.id})
    assert nia.id not in {p.supporter_id for p in choices.people}
    assert [p.supporter_id for p in fresh.people] == [amy.id, zed.id]
    assert fresh.recorded == frozenset()
