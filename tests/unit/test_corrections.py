"""Corrections: an edited physician is what the case shows, a voided contact moves the status and the
clock back and keeps the de-identified record true, a conflict added after a match asks for a
reassignment, a reopened case goes back to where its history stood, and the timeline keeps its order."""

from __future__ import annotations

from datetime import date

import pytest

from p2p_tui.services.cases import corrections, followups, history, lifecycle, same_person, views
from p2p_tui.services.cases.clocks import add_working_days
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.services.reporting import deidentify
from p2p_tui.store import Store
from p2p_tui.store.models import ConsentVoid, Contact, Match, Referral, Supporter, Survey, Utilization

RECEIVED = date(2026, 11, 2)
PAT = PhysicianInput(name="Pat Peer", career_stage="mid", county="Kings", email="pat@example.org")


def helper(name: str = "Sam Support", email: str = "sam@example.org") -> Supporter:
    person = PhysicianInput(name=name, career_stage="late", county="Prince", email=email)
    return roster.add_supporter(roster.SupporterInput(person, status="active"))


def matched(sam: Supporter, on: date = date(2026, 11, 3), **kw: str) -> Referral:
    values = {"pathway": "reach_in", "source": "self"} | kw
    referral = create_referral(ReferralInput(PAT, received_on=RECEIVED, stressors=("burnout",), **values))
    Match.create(referral=referral, supporter=sam, matched_on=on, score=0, explanation="[]")
    lifecycle.transition(referral, "matched", on)
    return referral


def record(referral: Referral) -> Utilization:
    found: Utilization = Utilization.get(Utilization.referral == referral.id)
    return found


def test_an_edited_phone_is_what_the_case_shows_and_a_new_name_is_checked_again(store: Store) -> None:
    with store.atomic():
        sam = helper()
        referral = matched(sam)
        pid = referral.physician_id
        corrections.edit_physician(pid, PhysicianInput(**{**PAT.__dict__, "phone": "902 555 0199"}))
        assert views.case_view(referral.id).physician.phone == "902 555 0199"
        with pytest.raises(ValidationError) as refused:
            corrections.edit_physician(pid, PhysicianInput(**{**PAT.__dict__, "name": "Pat\x1b[2J"}))
        assert refused.value.field == "name" and "\x1b" not in str(refused.value)
        # corrected to the supporter's own name: the same-person check flags them on the open case
        corrections.edit_physician(pid, PhysicianInput(**{**PAT.__dict__, "name": "SAM  support"}))
        assert views.physician_view(pid).name == "SAM support"  # spaces collapsed, as at intake
        assert same_person.flagged(referral.id) == (sam.id,)
        assert deidentify.check_consistency() == []


def test_a_corrected_county_is_the_record_and_the_next_ranking(store: Store) -> None:
    with store.atomic():
        referral = matched(helper())
        corrections.edit_physician(
            referral.physician_id, PhysicianInput(**{**PAT.__dict__, "county": "Prince"})
        )
        assert (record(referral).county, views.case_view(referral.id).physician.county) == (
            "Prince",
            "Prince",
        )


def test_voiding_a_contact_restarts_the_clock_from_the_previous_one_and_keeps_the_record(
    store: Store,
) -> None:
    with store.atomic():
        referral = matched(helper())
        first = lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 11, 4))
        check = lifecycle.record_contact(referral.id, "follow_up", "video", date(2026, 11, 13))
        assert record(referral).follow_up_done
        with pytest.raises(ValidationError) as refused:
            corrections.void_contact(first.id, "by_mistake")
        assert "follow-up" in refused.value.message  # the later check-in first
        corrections.void_contact(check.id, "wrong_date")
        assert lifecycle.get_referral(referral.id).status == "contacted"
        (item,) = [i for i in followups.items_for(referral.id) if i.kind == "check_in"]
        assert item.due_on == add_working_days(date(2026, 11, 4), 7)  # from the previous real contact
        assert not record(referral).follow_up_done
        corrections.void_contact(first.id, "by_mistake")  # the only contact left: matched again
        assert lifecycle.get_referral(referral.id).status == "matched"
        assert [i.kind for i in followups.items_for(referral.id)] == ["no_first_contact"]
        assert record(referral).days_to_first_contact is None
        stored = Contact.get_by_id(first.id)
        assert (stored.voided_on, stored.void_reason) == (date(2026, 11, 18), "by_mistake")
        assert views.case_view(referral.id).records == ()
        with pytest.raises(ValidationError):
            corrections.void_contact(first.id, "by_mistake")
        with pytest.raises(ValidationError) as refused:
            corrections.void_contact(check.id + 99, "no such reason")
        assert refused.value.field == "reason"
        assert deidentify.check_consistency() == []


def test_a_voided_survey_and_consent(store: Store) -> None:
    with store.atomic():
        referral = matched(helper(), pathway="reach_out", source="leadership", consent="given")
        lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 11, 4))
        lifecycle.record_contact(referral.id, "follow_up", "phone", date(2026, 11, 6))
        survey = Survey.create(referral=referral, submitted_on=date(2026, 11, 9), conversation_happened=True)
        assert record(referral).survey_done
        corrections.void_survey(survey.id, "wrong_case")
        assert not record(referral).survey_done and views.case_view(referral.id).surveys == 0
        assert "survey" in [i.kind for i in followups.items_for(referral.id)]
        with pytest.raises(ValidationError) as refused:  # followed up on it: void the check-in first
            corrections.void_consent(referral.id, "by_mistake", move_case=True)
        assert "follow-up" in refused.value.message
        corrections.void_contact(Contact.get(Contact.kind == "follow_up").id, "by_mistake")
        with pytest.raises(ValidationError) as refused:  # the case is being worked: confirm the end
            corrections.void_consent(referral.id, "by_mistake")
        assert "ends the case's match" in refused.value.message
        corrections.void_consent(referral.id, "by_mistake", move_case=True)
        after = lifecycle.get_referral(referral.id)
        assert (after.consent, after.status, lifecycle.active_match(after)) == ("pending", "new", None)
        voided = ConsentVoid.get(ConsentVoid.referral == referral.id)
        assert (voided.consent, voided.reason) == ("given", "by_mistake")
        with pytest.raises(ValidationError):
            corrections.void_consent(referral.id, "by_mistake")  # pending already
        words = [e.line() for e in history.timeline(referral.id)]
        assert "supporter survey received (voided 2026-11-18: recorded on the wrong case)" in words
        assert "consent given voided (recorded by mistake): pending again" in words


def test_no_correction_leaves_a_worked_case_without_consent(store: Store) -> None:
    """The invariant: a case whose consent is pending or refused is never matched, contacted or
    followed up, whatever voids and reopens did (issue 10 review, F1 a to c)."""
    with store.atomic():
        sam = helper()
        referral = matched(sam, pathway="reach_out", source="leadership", consent="given")
        # (a) a given consent voided on a matched case: the match ends in the same confirmed step
        assert corrections.void_consent_moves(referral.id) is not None
        corrections.void_consent(referral.id, "by_mistake", move_case=True)
        assert lifecycle.get_referral(referral.id).status == "new"
        assert lifecycle.active_case_count(sam) == 0
        with pytest.raises(ValidationError) as refused:
            lifecycle.transition(lifecycle.get_referral(referral.id), "matched", date(2026, 11, 5))
        assert refused.value.field == "consent"
        # (b) refused, so declined: reopening offers no supporter and asks for consent again
        lifecycle.set_consent(referral.id, "refused", date(2026, 11, 5))
        assert lifecycle.get_referral(referral.id).status == "declined"
        assert corrections.reopen_plan(referral.id) == ("new", None)
        corrections.reopen_case(referral.id)
        reopened = lifecycle.get_referral(referral.id)
        assert (reopened.status, reopened.consent) == ("new", "pending")
        lifecycle.set_consent(referral.id, "given", date(2026, 11, 9))  # k works: pending again
        # (c) a refusal voided on the case it declined: reopened as new, consent pending
        other = matched(
            helper("Ola Other", "ola@example.org"), pathway="reach_out", source="colleague", consent="given"
        )
        corrections.void_consent(other.id, "by_mistake", move_case=True)
        lifecycle.set_consent(other.id, "refused", date(2026, 11, 6))
        with pytest.raises(ValidationError):
            corrections.void_consent(other.id, "by_mistake")  # it would reopen the case: confirm
        corrections.void_consent(other.id, "by_mistake", move_case=True)
        after = lifecycle.get_referral(other.id)
        assert (after.status, after.consent) == ("new", "pending")
        # F4: the timeline says every answer, its void, and why the case was declined
        words = [(e.on.isoformat(), e.line()) for e in history.timeline(referral.id)]
        assert words[0] == ("2026-11-02", "referral received")
        assert ("2026-11-05", "consent refused") in words
        assert ("2026-11-05", "status new → declined: no consent") in words
        assert words.index(("2026-11-05", "consent refused")) < words.index(
            ("2026-11-05", "status new → declined: no consent")
        )
        assert ("2026-11-18", "consent given voided (recorded by mistake): pending again") in words
        assert ("2026-11-09", "consent given") in words
        assert ("2026-11-18", "consent refused set aside: the case reopened, consent pending again") in words
        for r in Referral.select():
            assert not (r.status in lifecycle.WORKED_STATUSES and r.consent in lifecycle.NO_CONSENT)
        assert deidentify.check_consistency() == []


def test_an_evaluator_added_after_the_match_is_flagged_for_reassignment(store: Store) -> None:
    with store.atomic():
        sam = helper()
        referral = matched(sam)
        assert not views.case_view(referral.id).conflicted
        person = PhysicianInput("Sam Support", "late", "Prince", email="sam@example.org")
        roster.edit_supporter(sam.id, person, evaluates="pat peer; Lee Other", declared="")
        assert views.case_view(referral.id).conflicted
        assert "reassign" in [i.kind for i in followups.items_for(referral.id)]
        assert roster.conflict_names(sam.id, "evaluates") == "Pat Peer; lee other"  # tied to the physician
        roster.edit_supporter(sam.id, person, evaluates="Lee Other", declared="")  # removed again
        assert not views.case_view(referral.id).conflicted
        assert "reassign" not in [i.kind for i in followups.items_for(referral.id)]


def test_a_new_supporter_takes_evaluates_names_as_the_roster_csv_does(store: Store) -> None:
    with store.atomic():
        person = PhysicianInput("Sam Support", "late", "Prince", email="sam@example.org")
        sam = roster.add_supporter(roster.SupporterInput(person, evaluates="Ann A; ann a ;Bo B"))
        assert roster.conflict_names(sam.id, "evaluates") == "ann a; bo b"
        with pytest.raises(ValidationError) as refused:
            roster.add_supporter(roster.SupporterInput(person, evaluates="Ann\x07"))
        assert refused.value.field == "evaluates"


def test_reopening_goes_back_to_what_the_history_supports(store: Store) -> None:
    with store.atomic():
        sam = helper()
        referral = matched(sam)
        lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 11, 4))
        lifecycle.end_case(referral.id, "closed", on=date(2026, 11, 10))
        view = views.case_view(referral.id)
        assert view.supported is not None and view.supported.name == "Sam Support"
        assert view.supported.ended_on == date(2026, 11, 10)  # who supported it, and until when
        assert corrections.reopen_plan(referral.id) == ("contacted", sam.id)
        corrections.reopen_case(referral.id)
        reopened = lifecycle.get_referral(referral.id)
        assert (reopened.status, reopened.closed_on) == ("contacted", None)
        assert lifecycle.active_match(reopened) is not None and record(referral).outcome == "open"
        assert [i.kind for i in followups.items_for(referral.id)] == ["check_in"]
        with pytest.raises(ValidationError):
            corrections.reopen_case(referral.id)  # open already
        # ended while new, or the supporter no longer active: new again, to be matched
        lifecycle.end_case(referral.id, "declined", on=date(2026, 11, 12))
        roster.set_status(sam.id, "paused")
        corrections.reopen_case(referral.id)
        assert lifecycle.get_referral(referral.id).status == "new"
        assert deidentify.check_consistency() == []


def test_events_of_one_day_are_in_the_order_they_happened(store: Store) -> None:
    day = date(2026, 11, 3)
    with store.atomic():
        referral = matched(helper(), on=day)
        lifecycle.record_contact(referral.id, "initial", "phone", day)
        lifecycle.record_contact(referral.id, "follow_up", "in_person", day)
        lifecycle.end_case(referral.id, "closed", on=day)
        words = [e.line() for e in history.timeline(referral.id) if e.on == day]
    assert words == [
        "matched to Sam Support",
        "status new → matched",
        "first contact by phone",
        "status matched → contacted",
        "follow-up check-in in person",
        "status contacted → followed up",
        "status followed up → closed",
        "match with Sam Support ended: the case ended",
    ]


def test_an_ended_case_names_who_supported_it_not_who_declined_it(store: Store) -> None:
    with store.atomic():
        sam, ola = helper(), helper("Ola Other", "ola@example.org")
        referral = matched(sam)
        Match.update(active=False, ended_on=date(2026, 11, 4), ended_reason="supporter_declined").execute()
        lifecycle.transition(referral, "new", date(2026, 11, 4))
        lifecycle.end_case(referral.id, "unreachable", on=date(2026, 11, 6))
        assert views.case_view(referral.id).supported is None
        lifecycle.reopen(referral.id, on=date(2026, 11, 9))
        Match.create(
            referral=referral, supporter=ola, matched_on=date(2026, 11, 9), score=0, explanation="[]"
        )
        lifecycle.transition(referral, "matched", date(2026, 11, 9))
        lifecycle.end_case(referral.id, "declined", on=date(2026, 11, 10))
        supported = views.case_view(referral.id).supported
        assert supported is not None and (supported.name, supported.ended_on) == (
            "Ola Other",
            date(2026, 11, 10),
        )


def test_a_corrected_name_is_found_by_search(store: Store) -> None:
    from p2p_tui.services.cases import case_list

    with store.atomic():
        rid = create_referral(
            ReferralInput(
                PhysicianInput("Ann Smyth", "mid", "Kings", email="ann@example.org"),
                date(2026, 11, 2),
                "reach_in",
                "self",
                ("burnout",),
            )
        ).id
        pid = lifecycle.get_referral(rid).physician_id
        corrections.edit_physician(pid, PhysicianInput("Ann Smîth", "mid", "Kings", email="ann@example.org"))
    with store.lock:
        assert [row.id for row in case_list.search("all", name="smith").rows] == [rid]


def test_the_cases_list_names_who_supported_an_ended_case_and_the_page_dates_consent(store: Store) -> None:
    from p2p_tui.services.cases import case_list

    with store.atomic():
        referral = matched(helper(), pathway="reach_out", source="leadership", consent="given")
        assert views.case_view(referral.id).consent_on == RECEIVED  # given at receipt: its date shown
        lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 11, 4))
        lifecycle.end_case(referral.id, "closed", on=date(2026, 11, 10))
    with store.lock:
        assert [row.supporter for row in case_list.search("all").rows] == ["Sam Support"]


def test_a_retired_supporters_open_cases_ask_for_reassignment(store: Store) -> None:
    with store.atomic():
        sam = helper()
        referral = matched(sam)
        assert "reassign" not in [i.kind for i in followups.items_for(referral.id)]
        roster.set_status(sam.id, "retired")
        assert views.case_view(referral.id).conflicted  # the case page says: reassign
        assert "reassign" in [i.kind for i in followups.items_for(referral.id)]
