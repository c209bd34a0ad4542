"""The supporter views the console reads (services/people/views.py): the roster's rows and a supporter's
page, with open cases counted by the one definition (lifecycle.open_cases)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster, training, views
from p2p_tui.services.people.roster import SupporterInput, add_supporter
from p2p_tui.store import Store
from p2p_tui.store.models import Match, Referral, Supporter
from tests.conftest import TODAY


def supporter(name: str, county: str = "Prince", **kw: object) -> Supporter:
    first = name.split()[0].lower()
    physician = PhysicianInput(
        name=name,
        career_stage="late",
        county=county,
        email=f"{first}@example.org",
        phone="902 555 0199",
        specialty="family medicine",
        interventional=True,
    )
    return add_supporter(SupporterInput(physician, **kw), on=TODAY)  # type: ignore[arg-type]


def case(name: str) -> Referral:
    physician = PhysicianInput(
        name=name, career_stage="mid", county="Kings", email=f"{name.split()[0].lower()}@example.org"
    )
    return create_referral(
        ReferralInput(
            physician,
            received_on=date(2026, 11, 2),
            pathway="reach_in",
            source="self",
            stressors=("burnout",),
        ),
        on=TODAY,
    )


def matched(helper: Supporter, name: str) -> Referral:
    referral = case(name)
    Match.create(referral=referral, supporter=helper, matched_on=date(2026, 11, 3), score=0, explanation="[]")
    lifecycle.transition(referral, "matched", date(2026, 11, 3))
    return referral


def test_roster_rows_list_every_supporter_by_name_with_load_and_nominations(store: Store) -> None:
    with store.atomic():
        zoe = supporter("Zoe Zed", status="active", max_active=3, nominated_by="Dr. Lee")
        roster.nominate(zoe.id, "Dr. Kim")
        amy = supporter("Amy Able", county="Kings", status="in_training")
        matched(zoe, "Ann One")
        matched(zoe, "Bea Two")
        ended = matched(zoe, "Cy Three")
        lifecycle.end_case(ended.id, "closed", on=TODAY)  # no longer open: not in the load
        roster.pause_until(zoe.id, date(2026, 12, 1), on=TODAY)
        rows = views.roster_rows("all")
        active = views.roster_rows("active")
        retired = views.roster_rows("retired")
    assert rows == [
        views.RosterRow(amy.id, "Amy Able", "in_training", 0, 2, None, 0, "Kings", "late", True),
        # three matched in the last 90 days, the closed one included (the load over time, not now)
        views.RosterRow(zoe.id, "Zoe Zed", "active", 2, 3, date(2026, 12, 1), 2, "Prince", "late", True, 3),
    ]
    assert active == rows[1:]
    assert retired == []
    with store.lock:
        assert rows[1].open_cases == lifecycle.open_case_counts()[zoe.id]


def test_the_supporter_view_carries_everything_the_page_shows(store: Store) -> None:
    with store.atomic():
        sam = supporter("Sam Support", status="active", training_completed_on="2026-06-20")
        roster.nominate(sam.id, "Dr. Lee", on=date(2026, 5, 1))
        roster.nominate(sam.id, "Dr. Kim", on=date(2026, 4, 1))
        known = case("Kit Known")
        roster.add_conflict(
            sam.id, "Kit Known", "evaluates", on=date(2026, 6, 1), physician_id=known.physician_id
        )
        roster.add_conflict(sam.id, "Lou  LATER", "declared", on=date(2026, 6, 2))  # not on file yet
        open_one, open_two = matched(sam, "Ann One"), matched(sam, "Bea Two")
        ended = matched(sam, "Cy Three")
        lifecycle.end_case(ended.id, "unreachable", on=TODAY)
        event = training.add_event("training", "2026-10-01", 2, "Listening", rate=90, on=TODAY)
        training.record_attendance(event.id, sam.id, 1.5)
        view = views.supporter_view(sam.id)
        with pytest.raises(ValidationError) as caught:
            views.supporter_view(999)
    assert (view.id, view.name, view.email, view.phone) == (
        sam.id,
        "Sam Support",
        "sam@example.org",
        "902 555 0199",
    )
    assert (view.career_stage, view.county, view.specialty, view.interventional) == (
        "late",
        "Prince",
        "family medicine",
        True,
    )
    assert (view.status, view.max_active, view.unavailable_until) == ("active", 2, None)
    assert view.training_completed_on == date(2026, 6, 20)
    assert view.open_cases == (open_one.id, open_two.id)
    assert view.nominations == (("Dr. Kim", date(2026, 4, 1)), ("Dr. Lee", date(2026, 5, 1)))
    assert [(c.name, c.kind, c.added_on) for c in view.conflicts] == [
        ("Kit Known", "evaluates", date(2026, 6, 1)),
        ("lou later", "declared", date(2026, 6, 2)),  # no physician on file: shown by its name key
    ]
    assert view.attendance == (
        training.AttendanceLine(event.id, "training", date(2026, 10, 1), "Listening", 1.5, 90.0, 135.0),
    )
    assert caught.value.field == "supporter"
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.status = "paused"  # type: ignore[misc]


def test_a_new_supporter_has_an_empty_page(store: Store) -> None:
    with store.atomic():
        new = supporter("Nia New")
        view = views.supporter_view(new.id)
    assert (view.status, view.training_completed_on) == ("nominated", None)
    assert view.open_cases == view.nominations == view.conflicts == view.attendance == ()
