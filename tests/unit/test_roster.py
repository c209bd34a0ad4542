"""The roster: adding and updating supporters, nominations, status steps, pauses, conflicts, capacity."""

from __future__ import annotations

from datetime import date

import pytest

from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput, add_supporter
from p2p_tui.store import Store
from p2p_tui.store.models import Conflict, Nomination, Physician, Supporter
from p2p_tui.store.vocab import CONFLICT_KINDS, SUPPORTER_STATUSES

ON = date(2026, 7, 10)


def person(name: str = "Sam Support", email: str = "sam@example.org", **kw: object) -> PhysicianInput:
    return PhysicianInput(name=name, career_stage="late", county="Prince", email=email, **kw)  # type: ignore[arg-type]


def supporter(name: str = "Sam Support", email: str = "sam@example.org", **kw: object) -> Supporter:
    return add_supporter(SupporterInput(person(name, email), **kw), on=ON)  # type: ignore[arg-type]


def test_add_supporter_records_the_physician_and_the_supporter(store: Store) -> None:
    with store.atomic():
        made = supporter(
            status="Active",
            max_active="3",
            nominated_by="Dr. Lee",
            nominated_on="2026-06-01",
            training_completed_on="2026-06-20",
        )
        again = Supporter.get_by_id(made.id)
        assert (again.status, again.max_active, again.training_completed_on) == (
            "active",
            3,
            date(2026, 6, 20),
        )
        assert again.physician.name == "Sam Support"
        assert again.physician.created_on == ON
        nominations = list(Nomination.select().where(Nomination.supporter == made))
        assert [(n.nominated_by, n.nominated_on) for n in nominations] == [("Dr. Lee", date(2026, 6, 1))]


def test_adding_the_same_physician_again_updates_instead_of_duplicating(store: Store) -> None:
    with store.atomic():
        first = supporter(training_completed_on="2026-06-20")
        second = supporter("  SAM support", "Sam@Example.ORG", status="in_training", max_active=4)
        assert second.id == first.id
        assert Supporter.select().count() == 1
        assert Physician.select().count() == 1
        again = Supporter.get_by_id(first.id)
        assert (again.status, again.max_active) == ("in_training", 4)
        assert again.training_completed_on == date(2026, 6, 20)  # kept when not given again


def test_a_referred_physician_who_becomes_a_supporter_is_the_same_physician(store: Store) -> None:
    with store.atomic():
        referral = create_referral(
            ReferralInput(person(), received_on=ON, pathway="reach_in", source="self", stressors=("other",)),
            on=ON,
        )
        made = supporter()
        assert made.physician.id == referral.physician.id
        assert Physician.select().count() == 1


def test_nominations_are_counted_once_per_colleague(store: Store) -> None:
    with store.atomic():
        made = supporter(nominated_by="Dr. Lee")
        other = supporter("Tess Other", "tess@example.org", nominated_by="Dr. Kim")
        supporter(nominated_by="dr.  LEE")  # the same colleague again, through the roster
        first = roster.nominate(made.id, "Dr. Kim", on=ON)
        assert roster.nominate(made.id, " DR. KIM ", on=ON).id == first.id
        assert roster.nomination_counts() == {made.id: 2, other.id: 1}
        with pytest.raises(ValidationError) as caught:
            roster.nominate(made.id, "   ")
        assert caught.value.field == "nominated_by"


@pytest.mark.parametrize("start", SUPPORTER_STATUSES)
def test_every_legal_status_step_succeeds_and_every_illegal_one_lists_the_legal_steps(
    store: Store, start: str
) -> None:
    assert set(roster.STATUS_STEPS) == set(SUPPORTER_STATUSES)
    legal = roster.STATUS_STEPS[start]
    with store.atomic():
        for number, target in enumerate(SUPPORTER_STATUSES):
            made = supporter(f"Sup {number}", f"sup{number}@example.org")
            Supporter.update(status=start).where(Supporter.id == made.id).execute()
            if target in legal:
                assert roster.set_status(made.id, target, on=ON).status == target
                assert Supporter.get_by_id(made.id).status == target
            else:
                with pytest.raises(ValidationError) as caught:
                    roster.set_status(made.id, target, on=ON)
                assert caught.value.field == "status"
                assert caught.value.message.endswith("they can become: " + ", ".join(legal))
                assert Supporter.get_by_id(made.id).status == start


def test_an_unknown_status_lists_the_statuses(store: Store) -> None:
    with store.atomic():
        made = supporter()
        with pytest.raises(ValidationError) as caught:
            roster.set_status(made.id, "zombie")
        assert caught.value.field == "status"
        for status in SUPPORTER_STATUSES:
            assert status in caught.value.message
        assert "zombie" not in str(caught.value)


def test_becoming_active_dates_the_training_and_ends_a_pause(store: Store) -> None:
    with store.atomic():
        made = supporter(status="in_training")
        roster.set_status(made.id, "active", on=ON)
        assert Supporter.get_by_id(made.id).training_completed_on == ON
        roster.set_status(made.id, "paused", on=ON)
        roster.pause_until(made.id, "2026-08-01", on=ON)
        roster.set_status(made.id, "active", on=date(2026, 7, 20))
        again = Supporter.get_by_id(made.id)
        assert (again.unavailable_until, again.training_completed_on) == (None, ON)


def test_pause_until_must_be_in_the_future(store: Store) -> None:
    with store.atomic():
        made = supporter(status="active")
        for day in (ON, date(2026, 7, 9)):
            with pytest.raises(ValidationError) as caught:
                roster.pause_until(made.id, day, on=ON)
            assert caught.value.field == "unavailable_until"
        with pytest.raises(ValidationError) as caught:
            roster.pause_until(made.id, "next week", on=ON)
        assert caught.value.field == "unavailable_until"
        assert Supporter.get_by_id(made.id).unavailable_until is None
        assert roster.pause_until(made.id, "2026-07-11", on=ON).unavailable_until == date(2026, 7, 11)


def test_a_conflict_by_name_applies_to_a_physician_added_later_whatever_the_case(store: Store) -> None:
    with store.atomic():
        made = supporter()
        conflict = roster.add_conflict(made.id, "  JANE   doe ", on=ON)
        assert (conflict.kind, conflict.physician) == ("evaluates", None)
        assert roster.add_conflict(made.id, "Jane Doe", on=ON).id == conflict.id
        declared = roster.add_conflict(made.id, "Jane Doe", kind="Declared", on=ON)
        assert declared.id != conflict.id
        jane = create_referral(
            ReferralInput(
                PhysicianInput("Jane Doe", "mid", "Kings", email="jane@example.org"),
                received_on=ON,
                pathway="reach_in",
                source="self",
                stressors=("complaint",),
            ),
            on=ON,
        ).physician
        other = create_referral(
            ReferralInput(
                PhysicianInput("Jane Dow", "mid", "Kings", email="dow@example.org"),
                received_on=ON,
                pathway="reach_in",
                source="self",
                stressors=("complaint",),
            ),
            on=ON,
        ).physician
        assert {c.id for c in roster.conflicts_between(made, jane)} == {conflict.id, declared.id}
        assert roster.conflicts_between(made, other) == []
        roster.remove_conflict(declared.id)
        assert [c.id for c in roster.conflicts_between(made, jane)] == [conflict.id]


def test_a_conflict_by_id_is_found_even_after_a_rename(store: Store) -> None:
    with store.atomic():
        made = supporter()
        physician = create_referral(
            ReferralInput(
                PhysicianInput("Kai Lund", "early", "Queens", email="kai@example.org"),
                received_on=ON,
                pathway="reach_in",
                source="self",
                stressors=("burnout",),
            ),
            on=ON,
        ).physician
        conflict = roster.add_conflict(made.id, "Kai Lund", on=ON, physician_id=physician.id)
        Physician.update(name="Kai Lund-Berg", name_key="kai lund-berg").where(
            Physician.id == physician.id
        ).execute()
        renamed = Physician.get_by_id(physician.id)
        assert [c.id for c in roster.conflicts_between(made, renamed)] == [conflict.id]


def test_a_supporter_cannot_be_in_conflict_with_themself_and_kinds_are_checked(store: Store) -> None:
    with store.atomic():
        made = supporter()
        with pytest.raises(ValidationError) as caught:
            roster.add_conflict(made.id, "SAM  SUPPORT", on=ON)
        assert caught.value.field == "conflict"
        with pytest.raises(ValidationError) as caught:
            roster.add_conflict(made.id, "Jane Doe", kind="rivalry", on=ON)
        assert caught.value.field == "kind"
        for kind in CONFLICT_KINDS:
            assert kind in caught.value.message
        with pytest.raises(ValidationError) as caught:
            roster.add_conflict(made.id, "  ", on=ON)
        assert caught.value.field == "evaluates"
        assert Conflict.select().count() == 0


@pytest.mark.parametrize("good", [0, 1, 20, "7", " 12 "])
def test_capacity_from_0_to_20_is_accepted(store: Store, good: int | str) -> None:
    with store.atomic():
        made = supporter()
        assert roster.set_capacity(made.id, good).max_active == int(good)


@pytest.mark.parametrize("bad", [-1, 21, "two", "2.5", ""])
def test_capacity_outside_0_to_20_is_refused_everywhere(store: Store, bad: int | str) -> None:
    with store.atomic():
        made = supporter(max_active=3)
        with pytest.raises(ValidationError) as caught:
            roster.set_capacity(made.id, bad)
        assert caught.value.field == "max_active"
        assert "0 to 20" in caught.value.message
        assert Supporter.get_by_id(made.id).max_active == 3
        with pytest.raises(ValidationError):
            supporter("New Person", "new@example.org", max_active=bad)
        assert Supporter.select().count() == 1


def test_an_unknown_supporter_is_named_by_id(store: Store) -> None:
    with store.atomic():
        with pytest.raises(ValidationError) as caught:
            roster.set_capacity(404, 2)
        assert caught.value.field == "supporter"


def test_re_adding_a_supporter_keeps_their_unavailability(store: Store) -> None:
    someone = PhysicianInput("Ema Lo", "mid", "Kings", email="ema@example.org")
    with store.atomic():
        first = add_supporter(
            SupporterInput(someone, status="active", unavailable_until=date(2030, 1, 1)), on=ON
        )
        again = add_supporter(SupporterInput(someone, status="active"), on=ON)
    assert again.id == first.id
    assert again.unavailable_until == date(2030, 1, 1)


def test_a_conflict_with_ones_own_physician_id_is_refused(store: Store) -> None:
    with store.atomic():
        sup = add_supporter(SupporterInput(PhysicianInput("Fay Wu", "mid", "Kings", email="fay@example.org")))
    with pytest.raises(ValidationError), store.atomic():
        roster.add_conflict(sup.id, "Someone Else", physician_id=sup.physician_id)
