"""Quarters, training events and the honorarium ledger, checked by hand on a small dataset."""

from __future__ import annotations

from datetime import date

import pytest

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import training
from p2p_tui.services.people.roster import SupporterInput, add_supporter
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store, settings
from p2p_tui.store.models import Attendance, Match, Supporter, TrainingEvent
from p2p_tui.store.vocab import TRAINING_KINDS

TODAY = date(2026, 10, 15)
Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


def supporter(name: str) -> Supporter:
    first = name.split()[0].lower()
    physician = PhysicianInput(name=name, career_stage="mid", county="Kings", email=f"{first}@example.org")
    return add_supporter(SupporterInput(physician, status="active"), on=TODAY)


# -- quarters -------------------------------------------------------------------------------------


def test_quarters_parse_print_and_label() -> None:
    q = Quarter.parse("2026Q3")
    assert q == Quarter(2026, 3) == Quarter.parse(" 2026-q3 ")
    assert str(q) == "2026Q3"
    assert q.label == "Jul–Sep 2026"
    assert Quarter(2027, 1).label == "Jan–Mar 2027"
    assert Quarter(2026, 4).label == "Oct–Dec 2026"


@pytest.mark.parametrize("bad", ["2026Q5", "2026Q0", "Q3 2026", "26Q3", "2026", "", "2026Q3x"])
def test_a_badly_written_quarter_is_refused_with_the_form_to_use(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Quarter.parse(bad)
    assert caught.value.field == "quarter"
    assert "must be written like 2026Q3" in caught.value.message


def test_quarter_dates_and_previous_quarters() -> None:
    assert (Q3.start, Q3.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert (Quarter(2024, 1).start, Quarter(2024, 1).end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert Quarter(2026, 4).end == date(2026, 12, 31)
    assert Quarter.of(date(2026, 6, 30)) == Q2
    assert Quarter.of(date(2026, 7, 1)) == Q3
    assert Quarter.of(date(2026, 12, 31)) == Quarter(2026, 4)
    assert Q3.previous() == Q2
    assert Q3.previous(3) == Quarter(2025, 4)
    assert Q3.previous(0) == Q3
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Q2 < Q3 < Quarter(2027, 1)
    assert Quarter.of(date(2026, 9, 30)) == Q3 and Quarter.of(date(2026, 10, 1)) != Q3


# -- the honorarium ledger ------------------------------------------------------------------------


def test_honoraria_by_hand_across_two_quarters(store: Store) -> None:
    with store.atomic():
        alice, bob = supporter("Alice Avery"), supporter("Bob Brown")
        settings.put("honorarium_rate", 100.0)
        a = training.add_event("training", "2026-05-10", 3, title="Listening skills", on=TODAY)
        settings.put("honorarium_rate", 120.0)
        b = training.add_event("community_of_practice", date(2026, 6, 30), "1.5", on=TODAY)
        c = training.add_event("orientation", date(2026, 7, 1), 2, rate=90, on=TODAY)
        training.record_attendance(a.id, alice.id)  # the whole event: 3 h
        training.record_attendance(a.id, bob.id, 2.5)
        training.record_attendance(b.id, alice.id)  # 1.5 h at the new rate
        training.record_attendance(c.id, alice.id)
        training.record_attendance(c.id, bob.id, "1")
        # support time is volunteer: a case and its contacts never enter the ledger
        referral = create_referral(
            ReferralInput(
                PhysicianInput("Pat Peer", "mid", "Queens", email="pat@example.org"),
                received_on=date(2026, 5, 1),
                pathway="reach_in",
                source="self",
                stressors=("burnout",),
            ),
            on=TODAY,
        )
        Match.create(
            referral=referral, supporter=alice, matched_on=date(2026, 5, 2), score=0, explanation="[]"
        )
        lifecycle.transition(referral, "matched", date(2026, 5, 2))
        lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 5, 3), today=TODAY)

        # Q2: Alice 3 x 100 + 1.5 x 120 = 480 for 4.5 h; Bob 2.5 x 100 = 250
        assert training.honoraria(Q2) == [
            HonorariumLine(alice.id, "Alice Avery", 4.5, 480.0),
            HonorariumLine(bob.id, "Bob Brown", 2.5, 250.0),
        ]
        # Q3: Alice 2 x 90 = 180; Bob 1 x 90 = 90
        assert training.honoraria(Q3) == [
            HonorariumLine(alice.id, "Alice Avery", 2.0, 180.0),
            HonorariumLine(bob.id, "Bob Brown", 1.0, 90.0),
        ]
        assert training.honoraria(Quarter(2026, 4)) == []
        assert training.honoraria_total(Q2) == 730.0
        assert training.hours_by_kind(Q2) == {
            "orientation": 0.0,
            "training": 5.5,
            "community_of_practice": 1.5,
        }
        assert training.hours_by_kind(Q3) == {
            "orientation": 3.0,
            "training": 0.0,
            "community_of_practice": 0.0,
        }
        assert set(training.hours_by_kind(Quarter(2025, 1))) == set(TRAINING_KINDS)

        # a later change of the rate rewrites no history; new events take it
        settings.put("honorarium_rate", 150.0)
        assert [e.rate for e in training.events(Q2)] == [100.0, 120.0]
        assert training.honoraria_total(Q2) == 730.0
        assert training.add_event("training", date(2026, 9, 1), 1, on=TODAY).rate == 150.0

        assert [e.id for e in training.events(Q3)][:1] == [c.id]
        assert [e.id for e in training.events()][:3] == [a.id, b.id, c.id]
        lines = training.attendance_of(alice.id)
        assert [(line.event_id, line.hours, line.rate, line.amount) for line in lines] == [
            (a.id, 3.0, 100.0, 300.0),
            (b.id, 1.5, 120.0, 180.0),
            (c.id, 2.0, 90.0, 180.0),
        ]
        assert lines[0].title == "Listening skills" and lines[0].kind == "training"


def test_amounts_are_rounded_to_the_cent(store: Store) -> None:
    with store.atomic():
        alice = supporter("Alice Avery")
        event = training.add_event("training", date(2026, 8, 1), 0.75, rate="33.33", on=TODAY)
        training.record_attendance(event.id, alice.id)
        assert training.honoraria(Q3) == [HonorariumLine(alice.id, "Alice Avery", 0.75, 25.0)]  # 24.9975
        bob = supporter("Bob Brown")
        cheap = training.add_event("training", date(2026, 8, 2), 1, rate="10.70", on=TODAY)
        training.record_attendance(cheap.id, bob.id, 0.25)
        assert training.honoraria(Q3)[1] == HonorariumLine(bob.id, "Bob Brown", 0.25, 2.68)  # 2.675 up
        assert training.attendance_of(bob.id)[0].amount == 2.68


# -- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("good", [0.25, 1, "1.75", 24, "  8 "])
def test_hours_in_quarter_steps_up_to_24_are_accepted(store: Store, good: float | str) -> None:
    with store.atomic():
        assert training.add_event("training", date(2026, 7, 1), good, on=TODAY).hours == float(good)


@pytest.mark.parametrize("bad", [0, -1, 24.25, 1.1, 0.2, "abc", "", True, "nan", "inf"])
def test_other_hours_are_refused_naming_the_rule(store: Store, bad: object) -> None:
    with store.atomic():
        with pytest.raises(ValidationError) as caught:
            training.add_event("training", date(2026, 7, 1), bad, on=TODAY)  # type: ignore[arg-type]
        assert caught.value.field == "hours"
        assert "0.25" in caught.value.message and "24" in caught.value.message
        assert TrainingEvent.select().count() == 0


def test_event_kind_date_title_and_rate_are_validated(store: Store) -> None:
    with store.atomic():
        checks = [
            ({"kind": "seminar"}, "kind", TRAINING_KINDS),
            ({"held_on": "2026-10-16"}, "held_on", ("after today",)),
            ({"held_on": "1 July"}, "held_on", ("YYYY-MM-DD",)),
            ({"title": "T" * 81}, "title", ("80",)),
            ({"rate": -1}, "rate", ("0 or more",)),
            ({"rate": "12.345"}, "rate", ("cents",)),
            ({"rate": "lots"}, "rate", ("0 or more",)),
        ]
        for change, field, words in checks:
            values: dict[str, object] = {"kind": "training", "held_on": "2026-07-01", "hours": 2} | change
            with pytest.raises(ValidationError) as caught:
                training.add_event(on=TODAY, **values)  # type: ignore[arg-type]
            assert caught.value.field == field, change
            for word in words:
                assert word in caught.value.message
        assert TrainingEvent.select().count() == 0
        event = training.add_event("Training", "2026-10-15", 2, title="  Peer   support 101 ", on=TODAY)
        assert (event.kind, event.title, event.rate) == ("training", "Peer support 101", 100.0)


def test_attendance_is_capped_at_the_event_hours_and_updates_in_place(store: Store) -> None:
    with store.atomic():
        alice = supporter("Alice Avery")
        event = training.add_event("training", date(2026, 7, 1), 2, on=TODAY)
        for bad in (2.25, 0, 0.3):
            with pytest.raises(ValidationError) as caught:
                training.record_attendance(event.id, alice.id, bad)
            assert caught.value.field == "hours"
            assert "2 hours" in caught.value.message
        assert training.record_attendance(event.id, alice.id, 0.5).hours == 0.5
        assert training.record_attendance(event.id, alice.id).hours == 2.0
        assert Attendance.select().count() == 1
        assert training.remove_attendance(event.id, alice.id) is True
        assert training.remove_attendance(event.id, alice.id) is False
        assert training.honoraria(Q3) == []


def test_attendance_needs_a_known_event_and_supporter_and_goes_with_its_event(store: Store) -> None:
    with store.atomic():
        alice = supporter("Alice Avery")
        event = training.add_event("orientation", date(2026, 7, 1), 2, on=TODAY)
        with pytest.raises(ValidationError) as caught:
            training.record_attendance(999, alice.id)
        assert caught.value.field == "event"
        with pytest.raises(ValidationError) as caught:
            training.record_attendance(event.id, 999)
        assert caught.value.field == "supporter"
        training.record_attendance(event.id, alice.id)
        assert [row.supporter.id for row in training.attendees(event.id)] == [alice.id]
        training.remove_event(event.id)
        assert Attendance.select().count() == 0
        assert training.attendance_of(alice.id) == []
