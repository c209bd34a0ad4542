"""Cases: every legal step and every illegal one, contacts and the status they move, consent, ending
a case, the timeline, the logistics note and a supporter's open-case count."""

from __future__ import annotations

from datetime import date

import pytest

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.labels import label
from p2p_tui.services.people.roster import SupporterInput, add_supporter
from p2p_tui.store import Store
from p2p_tui.store.models import Escalation, Match, Referral, StatusChange, Supporter, Survey
from p2p_tui.store.vocab import CASE_STATUSES, LOGISTICS_NOTE_MAX, OPEN_STATUSES

RECEIVED = date(2026, 7, 1)
TODAY = date(2026, 7, 31)


def new_case(name: str = "Ann Smith", received: date = RECEIVED, **kw: str) -> Referral:
    physician = PhysicianInput(
        name=name, career_stage="mid", county="Kings", email=f"{name.split()[0].lower()}@example.org"
    )
    values = {"pathway": "reach_in", "source": "self"} | kw
    return create_referral(
        ReferralInput(physician, received_on=received, stressors=("burnout",), **values), on=TODAY
    )


def supporter(name: str = "Sam Support") -> Supporter:
    physician = PhysicianInput(name=name, career_stage="late", county="Prince", email="sam@example.org")
    return add_supporter(SupporterInput(physician, status="active"), on=TODAY)


def matched_case(helper: Supporter, on: date = date(2026, 7, 2), **kw: str) -> Referral:
    referral = new_case(**kw)
    Match.create(referral=referral, supporter=helper, matched_on=on, score=0, explanation="[]")
    if referral.consent in lifecycle.NO_CONSENT:  # refused now; an older build could leave it so
        Referral.update(status="matched", status_on=on).where(Referral.id == referral.id).execute()
        return lifecycle.get_referral(referral.id)
    lifecycle.transition(referral, "matched", on)
    return referral


def test_closing_as_support_completed_is_offered_only_once_support_happened() -> None:
    assert lifecycle.offered_steps("new") == ("matched", "declined", "unreachable")
    assert "closed" not in lifecycle.offered_steps("matched")
    assert "closed" in lifecycle.offered_steps("contacted") and "closed" in lifecycle.offered_steps(
        "followed_up"
    )


def test_the_transition_table_covers_every_status() -> None:
    assert set(lifecycle.TRANSITIONS) == set(CASE_STATUSES)
    for targets in lifecycle.TRANSITIONS.values():
        assert set(targets) <= set(CASE_STATUSES)
    for ending in lifecycle.ENDINGS:
        assert lifecycle.TRANSITIONS[ending] == ("new",)


@pytest.mark.parametrize("start", CASE_STATUSES)
def test_every_legal_step_succeeds_and_every_illegal_one_lists_the_legal_steps(
    store: Store, start: str
) -> None:
    legal = lifecycle.TRANSITIONS[start]
    on = date(2026, 7, 5)
    with store.atomic():
        for target in CASE_STATUSES:
            referral = new_case()
            Referral.update(status=start).where(Referral.id == referral.id).execute()
            referral = lifecycle.get_referral(referral.id)
            if target in legal:
                lifecycle.transition(referral, target, on)
                again = lifecycle.get_referral(referral.id)
                assert (again.status, again.status_on) == (target, on)
                assert again.closed_on == (on if target in lifecycle.ENDINGS else None)
                last = (
                    StatusChange.select()
                    .where(StatusChange.referral == referral)
                    .order_by(StatusChange.id.desc())
                    .get()
                )
                assert (last.from_status, last.to_status, last.changed_on) == (start, target, on)
            else:
                with pytest.raises(ValidationError) as caught:
                    lifecycle.transition(referral, target, on)
                assert caught.value.field == "status"
                said = ", ".join(label("case_status", s) for s in legal)
                assert caught.value.message.endswith("it can become: " + said)
                assert lifecycle.get_referral(referral.id).status == start


def test_unmatching_a_case_ends_its_match_as_reassigned(store: Store) -> None:
    with store.atomic():
        referral = matched_case(supporter())
        lifecycle.transition(referral, "new", date(2026, 7, 3))
        match = Match.get(Match.referral == referral)
        assert (match.active, match.ended_on, match.ended_reason) == (False, date(2026, 7, 3), "reassigned")
        assert lifecycle.active_match(referral) is None


def test_contacts_move_the_case_initial_to_contacted_follow_up_to_followed_up(store: Store) -> None:
    with store.atomic():
        helper = supporter()
        referral = matched_case(helper)
        contact = lifecycle.record_contact(referral.id, "initial", "Phone", date(2026, 7, 3), today=TODAY)
        assert contact.supporter.id == helper.id
        assert lifecycle.get_referral(referral.id).status == "contacted"
        lifecycle.record_contact(referral.id, "follow_up", "video", date(2026, 7, 10), today=TODAY)
        assert lifecycle.get_referral(referral.id).status == "followed_up"
        lifecycle.record_contact(referral.id, "follow_up", "in_person", date(2026, 7, 17), today=TODAY)
        assert lifecycle.get_referral(referral.id).status == "followed_up"
        assert lifecycle.last_contact_on(referral) == date(2026, 7, 17)


def test_a_contact_needs_the_right_status(store: Store) -> None:
    with store.atomic():
        referral = new_case()
        with pytest.raises(ValidationError) as caught:
            lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 7, 3), today=TODAY)
        assert caught.value.field == "kind"
        matched = matched_case(supporter(), name="Bea Matched")
        with pytest.raises(ValidationError) as caught:
            lifecycle.record_contact(matched.id, "follow_up", "phone", date(2026, 7, 3), today=TODAY)
        assert caught.value.field == "kind"
        with pytest.raises(ValidationError) as caught:
            lifecycle.record_contact(matched.id, "initial", "carrier pigeon", date(2026, 7, 3), today=TODAY)
        assert caught.value.field == "mode"


@pytest.mark.parametrize("consent", ["pending", "refused"])
def test_consent_pending_or_refused_blocks_any_contact_and_match(store: Store, consent: str) -> None:
    from p2p_tui.services.cases import matching

    with store.atomic():
        waiting = new_case("Bo Waiting", pathway="reach_out", source="leadership", consent=consent)
        with pytest.raises(ValidationError) as caught:
            matching.confirm_match(waiting.id, supporter().id, on=date(2026, 7, 3))
        assert caught.value.field == "consent"
        assert ("pending" if consent == "pending" else "refused") in caught.value.message
        referral = matched_case(
            supporter("Al Other"), pathway="reach_out", source="leadership", consent=consent
        )
        with pytest.raises(ValidationError) as caught:
            lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 7, 3), today=TODAY)
        assert caught.value.field == "consent"
        with pytest.raises(ValidationError) as caught:
            lifecycle.check_consent(referral.id, "contact")  # what the screens ask before a form
        assert caught.value.field == "consent"


def test_given_consent_opens_contact_with_its_date(store: Store) -> None:
    with store.atomic():
        referral = matched_case(supporter(), pathway="reach_out", source="leadership", consent="pending")
        with pytest.raises(ValidationError) as caught:
            lifecycle.set_consent(referral.id, "given", on=date(2026, 6, 30))  # before the referral
        assert caught.value.field == "date"
        lifecycle.set_consent(referral.id, "given", on=date(2026, 7, 3))
        assert lifecycle.get_referral(referral.id).consent_on == date(2026, 7, 3)
        with pytest.raises(ValidationError) as caught:
            lifecycle.set_consent(referral.id, "refused", on=date(2026, 7, 3))  # recorded: void it first
        assert caught.value.field == "consent"
        lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 7, 3), today=TODAY)
        assert lifecycle.get_referral(referral.id).status == "contacted"


def test_a_refused_consent_declines_the_case_and_frees_the_supporter(store: Store) -> None:
    with store.atomic():
        helper = supporter()
        referral = matched_case(helper, pathway="reach_out", source="colleague", consent="pending")
        assert lifecycle.active_case_count(helper) == 1
        with pytest.raises(ValidationError):
            lifecycle.set_consent(referral.id, "pending", on=date(2026, 7, 3))  # given or refused only
        lifecycle.set_consent(referral.id, "refused", on=date(2026, 7, 3))
        after = lifecycle.get_referral(referral.id)
        assert (after.status, after.consent, after.consent_on) == ("declined", "refused", date(2026, 7, 3))
        assert after.closed_on == date(2026, 7, 3)
        assert lifecycle.active_case_count(helper) == 0
        assert lifecycle.open_case_counts() == {}
        match = Match.get(Match.referral == referral.id)
        assert (match.active, match.ended_on, match.ended_reason) == (False, date(2026, 7, 3), "case_ended")


def test_consent_cannot_be_set_where_it_is_not_needed(store: Store) -> None:
    with store.atomic():
        referral = new_case()
        with pytest.raises(ValidationError) as caught:
            lifecycle.set_consent(referral.id, "given")
        assert caught.value.field == "consent"


def test_a_contact_before_the_referral_or_the_last_contact_or_in_the_future_is_refused(
    store: Store,
) -> None:
    with store.atomic():
        referral = matched_case(supporter())
        for day in (date(2026, 6, 30), date(2026, 8, 1)):
            with pytest.raises(ValidationError) as caught:
                lifecycle.record_contact(referral.id, "initial", "phone", day, today=TODAY)
            assert caught.value.field == "date"
        lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 7, 10), today=TODAY)
        with pytest.raises(ValidationError) as caught:
            lifecycle.record_contact(referral.id, "follow_up", "phone", date(2026, 7, 9), today=TODAY)
        assert caught.value.field == "date"
        assert lifecycle.get_referral(referral.id).status == "contacted"
        lifecycle.record_contact(referral.id, "follow_up", "phone", date(2026, 7, 10), today=TODAY)


@pytest.mark.parametrize("outcome", lifecycle.ENDINGS)
def test_ending_a_case_deactivates_its_match_and_reopening_clears_the_close(
    store: Store, outcome: str
) -> None:
    with store.atomic():
        helper = supporter()
        referral = matched_case(helper)
        assert lifecycle.active_case_count(helper) == 1
        ended = lifecycle.end_case(referral.id, outcome.upper(), on=date(2026, 7, 4))
        assert (ended.status, ended.closed_on) == (outcome, date(2026, 7, 4))
        match = Match.get(Match.referral == referral)
        assert (match.active, match.ended_on, match.ended_reason) == (False, date(2026, 7, 4), "case_ended")
        assert lifecycle.active_case_count(helper) == 0
        assert not lifecycle.is_open(ended)
        reopened = lifecycle.reopen(referral.id, on=date(2026, 7, 6))
        assert (reopened.status, reopened.closed_on) == ("new", None)
        assert lifecycle.is_open(reopened)


def test_end_case_refuses_an_unknown_outcome_and_an_unknown_referral(store: Store) -> None:
    with store.atomic():
        referral = new_case()
        with pytest.raises(ValidationError) as caught:
            lifecycle.end_case(referral.id, "vanished")
        assert caught.value.field == "outcome"
        for ending in lifecycle.ENDINGS:
            assert ending in caught.value.message
        with pytest.raises(ValidationError) as caught:
            lifecycle.end_case(9999, "closed")
        assert caught.value.field == "referral"


def test_the_timeline_is_in_date_order(store: Store) -> None:
    with store.atomic():
        helper = supporter()
        referral = matched_case(helper, on=date(2026, 7, 2))
        lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 7, 3), today=TODAY)
        Escalation.create(
            referral=referral, escalated_on=date(2026, 7, 4), escalated_at="09:15", escalated_to="php"
        )
        lifecycle.record_contact(referral.id, "follow_up", "video", date(2026, 7, 10), today=TODAY)
        Survey.create(referral=referral, submitted_on=date(2026, 7, 12), conversation_happened=True)
        lifecycle.end_case(referral.id, "closed", on=date(2026, 7, 14))
        entries = lifecycle.timeline(referral.id)
        assert [e.on for e in entries] == sorted(e.on for e in entries)
        assert [(e.on.day, e.kind) for e in entries] == [
            (1, "status"),
            (2, "match"),  # each event just before the status change it made
            (2, "status"),
            (3, "contact"),
            (3, "status"),
            (4, "safety"),
            (10, "contact"),
            (10, "status"),
            (12, "survey"),
            (14, "status"),
            (14, "match"),  # the match the ending ended, just after it
        ]
        assert entries[0].line() == "referral received"
        assert entries[-2].line() == "status followed up → closed"
        assert entries[3].line() == "first contact by phone"
        assert entries[1].line() == f"matched to {helper.physician.name}"
        assert entries[-1].line(lambda name: "***") == "match with *** ended: the case ended"


def test_the_logistics_note_is_at_most_140_characters(store: Store) -> None:
    with store.atomic():
        referral = new_case()
        longest = "x" * LOGISTICS_NOTE_MAX
        assert lifecycle.set_logistics_note(referral.id, longest).logistics_note == longest
        assert (
            lifecycle.set_logistics_note(referral.id, "  call   Tue\u00a0 9am ").logistics_note
            == "call Tue 9am"
        )
        with pytest.raises(ValidationError) as refused:  # one line: a new line is a control character
            lifecycle.set_logistics_note(referral.id, "call Tue\n9am")
        assert refused.value.field == "logistics_note"
        with pytest.raises(ValidationError) as caught:
            lifecycle.set_logistics_note(referral.id, "y" * (LOGISTICS_NOTE_MAX + 1))
        assert caught.value.field == "logistics_note"
        assert str(LOGISTICS_NOTE_MAX) in caught.value.message
        assert lifecycle.get_referral(referral.id).logistics_note == "call Tue 9am"


def test_active_case_count_counts_only_active_matches_on_open_cases(store: Store) -> None:
    with store.atomic():
        helper = supporter()
        open_one = matched_case(helper, name="Ann Open")
        contacted = matched_case(helper, name="Bea Contacted")
        lifecycle.record_contact(contacted.id, "initial", "email", date(2026, 7, 3), today=TODAY)
        ended = matched_case(helper, name="Cy Ended")
        lifecycle.end_case(ended.id, "closed", on=date(2026, 7, 5))
        # an active match left on an ended case (should not happen) still does not count
        stale = new_case(name="Di Stale")
        Referral.update(status="declined").where(Referral.id == stale.id).execute()
        Match.create(referral=stale, supporter=helper, matched_on=RECEIVED, score=0, explanation="[]")
        assert lifecycle.active_case_count(helper) == 2
        assert lifecycle.active_case_count(helper.id) == 2
        lifecycle.transition(open_one, "new", date(2026, 7, 6))
        assert lifecycle.active_case_count(helper) == 1
        assert set(OPEN_STATUSES) == set(CASE_STATUSES) - set(lifecycle.ENDINGS)


def test_a_transition_from_a_stale_copy_keeps_other_changes(store: Store) -> None:
    with store.atomic():
        stale = create_referral(
            ReferralInput(
                PhysicianInput("Gil Stale", "mid", "Kings"),
                RECEIVED,
                "reach_out",
                "leadership",
                ("conflict",),
            ),
            on=TODAY,
        )
        lifecycle.set_consent(stale.id, "given", on=TODAY)
        lifecycle.transition(stale, "declined", TODAY)  # `stale` still says consent pending
    assert lifecycle.get_referral(stale.id).consent == "given"
