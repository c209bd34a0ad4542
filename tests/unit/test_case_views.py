"""The case views the console reads (services/cases/views.py): a case's page, physicians found by name,
who a name belongs to, and the newest case in a status; each a frozen view with the stored values."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from p2p_tui.services.cases import lifecycle, matching, surveys, views
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people.roster import SupporterInput, add_supporter
from p2p_tui.store import Store
from p2p_tui.store.models import Referral, Supporter
from tests.conftest import TODAY

RECEIVED = date(2026, 11, 2)
WHY = "only one free this week"  # Sam is in another county: a soft rule overridden


def case(name: str, email: str, **kw: object) -> Referral:
    physician = PhysicianInput(
        name=name,
        career_stage="early",
        county="Queens",
        email=email,
        phone="902 555 0101",
        specialty="surgery",
        interventional=True,
        preferred_contact="phone",
    )
    values: dict[str, object] = {"pathway": "reach_out", "source": "colleague", "consent": "given"} | kw
    return create_referral(
        ReferralInput(physician, received_on=RECEIVED, stressors=("burnout", "adverse_event"), **values),  # type: ignore[arg-type]
        on=TODAY,
    )


def helper(name: str = "Sam Support", email: str = "sam@example.org") -> Supporter:
    physician = PhysicianInput(name=name, career_stage="mid", county="Prince", email=email)
    return add_supporter(SupporterInput(physician, status="active"), on=TODAY)


def test_the_case_view_carries_the_referral_its_physician_and_its_match(store: Store) -> None:
    with store.atomic():
        referral = case("Pat Peer", "pat@example.org", acute_interventional=True)
        sam = helper()
        matching.confirm_match(referral.id, sam.id, on=date(2026, 11, 3), override_reason=WHY)
        lifecycle.record_contact(referral.id, "initial", "video", date(2026, 11, 4))
        lifecycle.set_logistics_note(referral.id, "Tuesdays after 5")
        lifecycle.set_php_referred(referral.id, True)
        surveys.record_survey(
            referral.id, surveys.SurveyInput(True, "15_30", 4, False, 2, False), on=date(2026, 11, 5)
        )
        view = views.case_view(referral.id)
    assert (view.id, view.status, view.received_on) == (referral.id, "contacted", RECEIVED)
    assert (view.pathway, view.source, view.consent) == ("reach_out", "colleague", "given")
    assert view.acute_interventional is True
    assert view.php_referred is True
    assert view.logistics_note == "Tuesdays after 5"
    assert view.physician == views.PhysicianView(
        id=referral.physician_id,
        name="Pat Peer",
        email="pat@example.org",
        phone="902 555 0101",
        preferred_contact="phone",
        career_stage="early",
        county="Queens",
        specialty="surgery",
        interventional=True,
    )
    assert view.stressors == ("adverse_event", "burnout")  # vocabulary order
    assert (view.supporter_id, view.supporter_name) == (sam.id, "Sam Support")
    assert [(e.on, e.kind) for e in view.timeline] == [
        (RECEIVED, "status"),
        (RECEIVED, "consent"),  # given at receipt (issue 10 review F4)
        (date(2026, 11, 3), "match"),
        (date(2026, 11, 3), "status"),
        (date(2026, 11, 4), "contact"),
        (date(2026, 11, 4), "status"),
        (date(2026, 11, 5), "survey"),
    ]
    assert view.timeline[1].line() == "consent given"
    assert view.timeline[2].line() == f"matched to Sam Support (override: {WHY})"
    assert view.surveys == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.status = "closed"  # type: ignore[misc]


def test_an_unmatched_case_names_no_supporter_and_an_ended_match_is_not_shown(store: Store) -> None:
    with store.atomic():
        referral = case("Pat Peer", "pat@example.org", pathway="reach_in", source="self", consent="")
        assert views.case_view(referral.id).supporter_id is None
        sam = helper()
        matching.confirm_match(referral.id, sam.id, on=date(2026, 11, 3), override_reason=WHY)
        matching.supporter_declined(referral.id, on=date(2026, 11, 4))
        view = views.case_view(referral.id)
    assert (view.status, view.consent) == ("new", "not_needed")
    assert (view.supporter_id, view.supporter_name) == (None, "")
    assert view.surveys == 0


def test_a_missing_case_is_refused_with_its_id(store: Store) -> None:
    with store.lock, pytest.raises(ValidationError) as caught:
        views.case_view(404)
    assert caught.value.field == "referral"
    assert "404" in caught.value.message


def test_physicians_are_suggested_by_name_prefix_and_read_by_id(store: Store) -> None:
    with store.atomic():
        pat = case("Pat Peer", "pat@example.org")
        case("Patricia Quill", "pq@example.org")
        case("Robin Reed", "robin@example.org")
        found = views.physician_suggestions("pat")
        one = views.physician_view(pat.physician_id)
        with pytest.raises(ValidationError) as caught:
            views.physician_view(999)
    assert [p.name for p in found] == ["Pat Peer", "Patricia Quill"]
    assert found[0] == one
    assert (one.email, one.phone, one.specialty, one.county) == (
        "pat@example.org",
        "902 555 0101",
        "surgery",
        "Queens",
    )
    assert caught.value.field == "physician"


def test_find_people_gives_each_name_its_newest_case_and_its_supporter_record(store: Store) -> None:
    with store.atomic():
        first = case("Pat Peer", "pat@example.org")
        lifecycle.end_case(first.id, "closed", on=date(2026, 11, 10))
        newest = case("Pat Peer", "pat@example.org")  # the same physician, referred again
        sam = helper("Pat Supporter", "patsup@example.org")  # a supporter, never referred
        found = views.find_people("pat")
        nobody = views.find_people("zed")
    assert found == [
        views.PersonHit(newest.physician_id, "Pat Peer", newest.id, None),
        views.PersonHit(sam.physician_id, "Pat Supporter", None, sam.id),
    ]
    assert newest.id > first.id
    assert nobody == []


def test_find_people_honours_the_limit(store: Store) -> None:
    with store.atomic():
        for i in range(4):
            case(f"Pat Peer{i}", f"pat{i}@example.org")
        found = views.find_people("pat", limit=3)
    assert [p.name for p in found] == ["Pat Peer0", "Pat Peer1", "Pat Peer2"]
    assert all(p.referral_id is not None and p.supporter_id is None for p in found)


def test_the_newest_case_in_a_status(store: Store) -> None:
    with store.atomic():
        a = case("Ann One", "a@example.org")
        b = case("Bea Two", "b@example.org")
        c = case("Cy Three", "c@example.org")
        lifecycle.end_case(b.id, "declined", on=TODAY)
        assert views.newest_case_id("new") == c.id
        assert views.newest_case_id("declined") == b.id
        assert views.newest_case_id("closed") is None
        lifecycle.end_case(c.id, "closed", on=TODAY)
        assert views.newest_case_id("new") == a.id
