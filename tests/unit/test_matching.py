"""Matching: one test per hard and per soft rule, the ranking's shape, confirming and declining."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from p2p_tui.services.cases import intake, lifecycle, matching
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.cases.matching import Candidate, Reason
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.store import Store
from p2p_tui.store.models import Match, Referral, StatusChange

ON = date(2026, 3, 2)
REASON = "only supporter free this week"


@pytest.fixture(autouse=True)
def db(store: Store) -> Iterator[Store]:
    """Every test runs in one transaction of the cheap store (counties: Kings, Queens, Prince)."""
    with store.atomic():
        yield store


def person(
    name: str, stage: str = "mid", county: str = "Kings", specialty: str = "", interventional: bool = False
) -> PhysicianInput:
    email = name.lower().replace(" ", ".").replace("..", ".") + "@example.org"
    return PhysicianInput(
        name=name,
        career_stage=stage,
        county=county,
        email=email,
        specialty=specialty,
        interventional=interventional,
    )


def supporter(
    name: str,
    *,
    stage: str = "mid",
    county: str = "Queens",
    status: str = "active",
    max_active: int = 2,
    unavailable_until: date | None = None,
    specialty: str = "",
    interventional: bool = False,
) -> int:
    data = SupporterInput(
        physician=person(name, stage, county, specialty=specialty, interventional=interventional),
        status=status,
        max_active=max_active,
        unavailable_until=unavailable_until,
    )
    return int(roster.add_supporter(data, on=ON - timedelta(days=400)).id)


def referral(
    name: str = "Dr Referred",
    *,
    stage: str = "mid",
    county: str = "Kings",
    specialty: str = "",
    acute: bool = False,
    received: date = ON - timedelta(days=1),
) -> int:
    data = ReferralInput(
        physician=person(name, stage, county, specialty=specialty),
        received_on=received,
        pathway="reach_in",
        source="self",
        stressors=("burnout",),
        acute_interventional=acute,
    )
    return int(intake.create_referral(data, on=ON).id)


def candidate(referral_id: int, supporter_id: int, on: date = ON) -> Candidate:
    return next(c for c in matching.rank(referral_id, on) if c.supporter_id == supporter_id)


def verdict(referral_id: int, supporter_id: int, rule: str, on: date = ON) -> Reason:
    return next(r for r in candidate(referral_id, supporter_id, on).reasons if r.rule == rule)


def open_case(supporter_id: int, matched_on: date, name: str) -> int:
    """Another referral, matched to this supporter on `matched_on` (the case stays open)."""
    rid = referral(name, county="Prince", received=matched_on)
    matching.confirm_match(rid, supporter_id, on=matched_on, override_reason=REASON)
    return rid


# -- hard rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["nominated", "in_training", "paused", "retired"])
def test_active_only_active_supporters_are_eligible(status: str) -> None:
    rid = referral()
    ok, not_ok = supporter("Dr Active"), supporter("Dr Other", status=status)
    assert verdict(rid, ok, "active") == Reason("active", True, "active", 0.0, True)
    failing = verdict(rid, not_ok, "active")
    assert not failing.passed and failing.hard and failing.points == 0
    assert failing.detail == f"status is {status.replace('_', ' ')}"
    assert not candidate(rid, not_ok).eligible and candidate(rid, ok).eligible


def test_available_is_judged_on_the_day_of_the_ranking() -> None:
    rid = referral()
    back_today = supporter("Dr Away", unavailable_until=ON)
    back_yesterday = supporter("Dr Back", unavailable_until=ON - timedelta(days=1))
    never_away = supporter("Dr Here")
    away = verdict(rid, back_today, "available")
    assert not away.passed and away.detail == "unavailable until 2026-03-02"
    assert verdict(rid, back_yesterday, "available").passed
    assert verdict(rid, never_away, "available").passed
    assert verdict(rid, back_today, "available", on=ON + timedelta(days=1)).passed


def test_not_self_a_physician_is_never_their_own_supporter() -> None:
    me = supporter("Dr Referred", county="Kings")
    other = supporter("Dr Other")
    rid = referral("Dr Referred")  # same name and email: the same physician
    assert Referral.get_by_id(rid).physician.id == roster.get_supporter(me).physician.id
    assert verdict(rid, me, "not_self") == Reason("not_self", False, "is this physician", 0.0, True)
    assert verdict(rid, other, "not_self").passed


def test_not_evaluator_an_evaluator_is_never_matched() -> None:
    rid = referral()
    evaluator, other = supporter("Dr Evaluator"), supporter("Dr Other")
    roster.add_conflict(evaluator, "Dr Referred", "evaluates", on=ON)
    found = verdict(rid, evaluator, "not_evaluator")
    assert not found.passed and found.detail == "evaluates this physician"
    assert verdict(rid, evaluator, "no_declared_conflict").passed  # the other kind is separate
    assert verdict(rid, other, "not_evaluator").passed
    assert not candidate(rid, evaluator).eligible


def test_no_declared_conflict_blocks() -> None:
    rid = referral()
    conflicted = supporter("Dr Conflicted")
    roster.add_conflict(conflicted, "Dr Referred", "declared", on=ON)
    found = verdict(rid, conflicted, "no_declared_conflict")
    assert not found.passed and found.detail == "declared a conflict with this physician"
    assert verdict(rid, conflicted, "not_evaluator").passed
    assert not candidate(rid, conflicted).eligible


def test_a_conflict_named_before_the_physician_existed_still_blocks_whatever_the_case() -> None:
    evaluator = supporter("Dr Evaluator")
    unrelated = supporter("Dr Unrelated")
    roster.add_conflict(evaluator, "  DR.   later   COMER ", "evaluates", on=ON)
    roster.add_conflict(unrelated, "Dr Somebody Else", "evaluates", on=ON)
    rid = referral("Dr. Later Comer")  # the physician is on file only now
    assert not verdict(rid, evaluator, "not_evaluator").passed
    assert verdict(rid, unrelated, "not_evaluator").passed


def test_a_conflict_recorded_by_physician_id_blocks_under_another_spelling() -> None:
    rid = referral("Dr Referred")
    physician_id = Referral.get_by_id(rid).physician.id
    evaluator = supporter("Dr Evaluator")
    roster.add_conflict(evaluator, "Referred, Dr (old spelling)", "evaluates", ON, physician_id)
    assert not verdict(rid, evaluator, "not_evaluator").passed


@pytest.mark.parametrize(
    ("physician_stage", "supporter_stage", "allowed"),
    [
        ("mid", "early", False),
        ("late", "early", False),
        ("retired", "early", False),
        ("early", "early", True),
        ("mid", "mid", True),
        ("late", "retired", True),
        ("early", "late", True),
    ],
)
def test_career_stage_no_early_career_supporter_past_early_career(
    physician_stage: str, supporter_stage: str, allowed: bool
) -> None:
    rid = referral(stage=physician_stage)
    sid = supporter("Dr Supporter", stage=supporter_stage)
    found = verdict(rid, sid, "career_stage")
    assert found.passed is allowed
    assert candidate(rid, sid).eligible is allowed
    if not allowed:
        label = {"mid": "mid-career", "late": "late-career", "retired": "retired"}[physician_stage]
        assert found.detail == f"early-career supporter for a {label} physician"


def test_capacity_a_full_supporter_is_not_eligible() -> None:
    sid = supporter("Dr Busy", max_active=1)
    open_case(sid, ON - timedelta(days=3), "Dr First")
    rid = referral()
    found = verdict(rid, sid, "capacity")
    assert not found.passed and found.detail == "at capacity (1 of 1 cases open)"
    assert not candidate(rid, sid).eligible
    zero = supporter("Dr Zero", max_active=0)
    assert not verdict(rid, zero, "capacity").passed


def test_capacity_counts_only_open_cases() -> None:
    sid = supporter("Dr Busy", max_active=1)
    first = open_case(sid, ON - timedelta(days=20), "Dr First")
    lifecycle.end_case(first, "closed", on=ON - timedelta(days=5))  # the match ends with the case
    second = open_case(sid, ON - timedelta(days=4), "Dr Second")
    lifecycle.transition(lifecycle.get_referral(second), "new", ON - timedelta(days=3))  # reassigned
    third = open_case(sid, ON - timedelta(days=2), "Dr Third")
    Referral.update(status="closed").where(Referral.id == third).execute()  # closed, match left active
    rid = referral()
    assert lifecycle.active_case_count(sid) == 0
    assert verdict(rid, sid, "capacity").passed
    assert verdict(rid, sid, "load").detail == "0 of 1 cases open"


def test_not_declined_before_a_supporter_who_declined_is_not_offered_the_case_again() -> None:
    rid, other_rid = referral(), referral("Dr Second")
    sid = supporter("Dr Decliner")
    matching.confirm_match(rid, sid, on=ON, override_reason=REASON)
    matching.supporter_declined(rid, on=ON)
    found = verdict(rid, sid, "not_declined_before")
    assert not found.passed and found.detail == "declined this case before"
    assert verdict(other_rid, sid, "not_declined_before").passed  # only this case


# -- soft rules -------------------------------------------------------------------------------------


def test_other_county_scores_30_for_a_different_county_of_work() -> None:
    rid = referral(county="Kings")
    same, other = supporter("Dr Same", county="Kings"), supporter("Dr Other", county="Prince")
    assert verdict(rid, same, "other_county") == Reason(
        "other_county", False, "same county of work", 0.0, False
    )
    assert verdict(rid, other, "other_county") == Reason(
        "other_county", True, "different county of work", 30.0, False
    )


def test_interventional_scores_30_only_for_an_acute_interventional_event() -> None:
    acute, calm = referral(acute=True), referral("Dr Calm")
    yes, no = supporter("Dr Yes", interventional=True), supporter("Dr No")
    assert verdict(acute, yes, "interventional").points == 30 and verdict(acute, yes, "interventional").passed
    missing = verdict(acute, no, "interventional")
    assert missing.points == 0 and not missing.passed
    for sid in (yes, no):
        assert verdict(calm, sid, "interventional") == Reason(
            "interventional", True, "not needed", 0.0, False
        )


def test_career_stage_similar_same_10_adjacent_5_else_0() -> None:
    rid = referral(stage="mid")
    same, adjacent, far = (
        supporter("Dr Same", stage="mid"),
        supporter("Dr Adjacent", stage="late"),
        supporter("Dr Far", stage="retired"),
    )
    assert verdict(rid, same, "career_stage_similar").points == 10
    assert verdict(rid, adjacent, "career_stage_similar").points == 5
    assert verdict(rid, adjacent, "career_stage_similar").passed
    far_verdict = verdict(rid, far, "career_stage_similar")
    assert far_verdict.points == 0 and not far_verdict.passed


def test_specialty_same_specialty_whatever_the_case_scores_10() -> None:
    rid = referral(specialty="emergency medicine")
    same = supporter("Dr Same", specialty="Emergency  MEDICINE")
    other = supporter("Dr Other", specialty="Surgery")
    unknown = supporter("Dr Unknown")
    assert verdict(rid, same, "specialty") == Reason("specialty", True, "same specialty", 10.0, False)
    assert verdict(rid, other, "specialty").points == 0 and not verdict(rid, other, "specialty").passed
    assert verdict(rid, unknown, "specialty").points == 0 and not verdict(rid, unknown, "specialty").passed
    no_specialty = referral("Dr Plain")
    assert verdict(no_specialty, other, "specialty").passed  # nothing to match on: no override needed


def test_load_scores_the_room_left() -> None:
    sid = supporter("Dr Loaded", max_active=4)
    idle = supporter("Dr Idle", max_active=4)
    open_case(sid, ON - timedelta(days=40), "Dr First")
    rid = referral()
    assert verdict(rid, sid, "load") == Reason("load", True, "1 of 4 cases open", 7.5, False)
    assert verdict(rid, idle, "load") == Reason("load", True, "0 of 4 cases open", 10.0, False)
    three = supporter("Dr Three", max_active=3)
    open_case(three, ON - timedelta(days=40), "Dr Second")
    assert verdict(rid, three, "load").points == 6.7  # 10 x 2/3, one decimal


def test_rest_scores_days_since_the_last_case_started() -> None:
    never = supporter("Dr Never", max_active=5)
    recent = supporter("Dr Recent", max_active=5)
    rested = supporter("Dr Rested", max_active=5)
    busy = supporter("Dr Today", max_active=5)
    open_case(recent, ON - timedelta(days=60), "Dr Old")
    open_case(recent, ON - timedelta(days=15), "Dr New")  # the latest counts
    open_case(rested, ON - timedelta(days=45), "Dr Long Ago")
    open_case(busy, ON, "Dr Just Now")
    rid = referral()
    assert verdict(rid, never, "rest") == Reason("rest", True, "no case yet", 10.0, False)
    assert verdict(rid, recent, "rest") == Reason("rest", True, "15 days since last case", 5.0, False)
    assert verdict(rid, rested, "rest").points == 10.0
    assert verdict(rid, busy, "rest") == Reason("rest", False, "a case started today", 0.0, False)


def test_rest_ignores_a_case_the_supporter_declined() -> None:
    sid = supporter("Dr Decliner")
    handed_back = referral("Dr First")
    matching.confirm_match(handed_back, sid, on=ON - timedelta(days=1), override_reason=REASON)
    matching.supporter_declined(handed_back, on=ON)
    assert verdict(referral(), sid, "rest").detail == "no case yet"


# -- the ranking ------------------------------------------------------------------------------------


def test_every_supporter_is_ranked_with_every_rule_ineligible_ones_with_the_rule_broken() -> None:
    rid = referral()
    ok = supporter("Dr Fine")
    paused = supporter("Dr Paused", status="paused")
    evaluator = supporter("Dr Evaluator")
    roster.add_conflict(evaluator, "Dr Referred", "evaluates", on=ON)
    ranked = matching.rank(rid, ON)
    assert {c.supporter_id for c in ranked} == {ok, paused, evaluator}
    for c in ranked:
        assert tuple(r.rule for r in c.reasons) == matching.HARD_RULES + matching.SOFT_RULES
        assert all(r.hard for r in c.reasons[:8]) and not any(r.hard for r in c.reasons[8:])
        assert all(r.points == 0 for r in c.reasons if r.hard)
    by_id = {c.supporter_id: c for c in ranked}
    assert [r.rule for r in by_id[paused].failing(hard=True)] == ["active"]
    assert [r.rule for r in by_id[evaluator].failing(hard=True)] == ["not_evaluator"]
    assert by_id[ok].eligible and not by_id[ok].failing(hard=True)


def test_order_is_eligible_first_then_score_then_id_and_score_is_the_sum_of_points() -> None:
    rid = referral(county="Kings")
    low = supporter("Dr Low", county="Kings")  # same county: 30 points fewer
    high_b = supporter("Dr High B", county="Prince")
    high_a = supporter("Dr High A", county="Queens")  # a tie with high_b: the lower id first
    blocked = supporter("Dr Blocked", county="Prince", status="paused")  # best score, not eligible
    ranked = matching.rank(rid, ON)
    assert [c.supporter_id for c in ranked] == [high_b, high_a, low, blocked]
    assert ranked[0].score == ranked[1].score > ranked[2].score
    assert ranked[3].score == ranked[0].score
    for c in ranked:
        assert c.score == round(sum(r.points for r in c.reasons), 1)
    assert matching.rank(rid, ON) == ranked


def test_details_name_no_identifying_value() -> None:
    rid = referral("Dr Secret Name", county="Kings", specialty="Cardiology", acute=True)
    sid = supporter("Dr Hidden Helper", county="Kings", specialty="cardiology", max_active=1)
    open_case(sid, ON - timedelta(days=3), "Dr Other Secret")
    roster.add_conflict(sid, "Dr Secret Name", "declared", on=ON)
    words = ("secret", "hidden", "helper", "kings", "prince", "cardiology", "example.org")
    details = [r.detail.lower() for c in matching.rank(rid, ON) for r in c.reasons]
    assert not [d for d in details if any(w in d for w in words)]


def test_to_json_has_the_contract_shape() -> None:
    rid = referral()
    sid = supporter("Dr Json")
    data = candidate(rid, sid).to_json()
    assert set(data) == {"supporter", "eligible", "score", "reasons"}
    assert data["supporter"] == {"id": sid, "name": "Dr Json"}
    assert len(data["reasons"]) == 14
    assert set(data["reasons"][0]) == {"rule", "passed", "detail", "points", "hard"}
    json.dumps(data)


def test_an_unknown_referral_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        matching.rank(999, ON)
    assert error.value.field == "referral" and "there is no referral 999" in str(error.value)


# -- confirming -------------------------------------------------------------------------------------


def test_confirm_refuses_a_candidate_breaking_a_hard_rule_and_names_the_rule() -> None:
    rid = referral()
    supporter("Dr Fine")
    evaluator = supporter("Dr Evaluator")
    roster.add_conflict(evaluator, "Dr Referred", "evaluates", on=ON)
    with pytest.raises(ValidationError) as error:
        matching.confirm_match(rid, evaluator, on=ON, override_reason=REASON)
    assert error.value.field == "supporter"
    assert "hard rule: evaluates this physician" in error.value.message
    assert Match.select().count() == 0 and lifecycle.get_referral(rid).status == "new"


def test_confirm_the_top_candidate_passing_every_rule_needs_no_reason_and_records_the_match() -> None:
    rid = referral(county="Kings")
    top = supporter("Dr Top", county="Queens")
    supporter("Dr Second", county="Kings")
    match = matching.confirm_match(rid, top, on=ON)
    chosen = candidate(rid, top)  # the case is matched now: load counts it, but the rules are the same
    assert match.supporter_id == top and match.referral_id == rid and match.matched_on == ON
    assert match.override_reason == "" and match.active
    stored = json.loads(Match.get_by_id(match.id).explanation)
    assert [r["rule"] for r in stored] == [r.rule for r in chosen.reasons]
    assert stored[8] == {
        "rule": "other_county",
        "passed": True,
        "detail": "different county of work",
        "points": 30.0,
        "hard": False,
    }
    assert match.score == 30 + 10 + 10 + 10  # county, same stage, load 0 of 2, never matched
    assert lifecycle.get_referral(rid).status == "matched"
    assert StatusChange.select().where(StatusChange.to_status == "matched").count() == 1


def test_confirm_overriding_a_soft_rule_needs_a_reason_of_5_to_140_characters() -> None:
    rid = referral(county="Kings")
    only = supporter("Dr Only", county="Kings")  # the top candidate, but in the same county
    for bad in ("", "    ", "busy", "x" * 141):
        with pytest.raises(ValidationError) as error:
            matching.confirm_match(rid, only, on=ON, override_reason=bad)
        assert error.value.field == "override_reason"
    assert Match.select().count() == 0
    match = matching.confirm_match(rid, only, on=ON, override_reason="  only one free this week ")
    assert match.override_reason == "only one free this week"


def test_confirm_a_pick_below_the_top_needs_a_reason_a_tie_does_not() -> None:
    rid = referral(county="Kings")
    top = supporter("Dr Top", county="Queens", max_active=2)
    tied = supporter("Dr Tied", county="Prince", max_active=2)
    lower = supporter("Dr Lower", county="Prince", max_active=2)
    open_case(lower, ON - timedelta(days=60), "Dr Earlier")  # load 5: every rule passed, lower score
    assert [c.supporter_id for c in matching.rank(rid, ON)] == [top, tied, lower]
    assert not candidate(rid, lower).failing(hard=False)
    with pytest.raises(ValidationError) as error:
        matching.confirm_match(rid, lower, on=ON)
    assert error.value.field == "override_reason"
    assert matching.override_needed(candidate(rid, tied), matching.rank(rid, ON)) == ()
    assert matching.confirm_match(rid, tied, on=ON).supporter_id == tied


def test_confirm_refuses_a_case_that_is_not_new_and_an_unknown_supporter() -> None:
    rid = referral(county="Kings")
    sid = supporter("Dr Fine")
    with pytest.raises(ValidationError) as unknown:
        matching.confirm_match(rid, 999, on=ON)
    assert unknown.value.field == "supporter"
    matching.confirm_match(rid, sid, on=ON)
    with pytest.raises(ValidationError) as again:
        matching.confirm_match(rid, sid, on=ON)
    assert again.value.field == "status"
    assert Match.select().count() == 1


# -- declining --------------------------------------------------------------------------------------


def test_supporter_declined_ends_the_match_as_declined_and_the_case_is_rematched_without_them() -> None:
    rid = referral(county="Kings")
    first = supporter("Dr First", county="Queens")
    second = supporter("Dr Second", county="Prince")
    match = matching.confirm_match(rid, first, on=ON)
    back = matching.supporter_declined(rid, on=ON + timedelta(days=1))
    assert back.status == "new" and lifecycle.get_referral(rid).status == "new"
    ended = Match.get_by_id(match.id)
    assert ended.ended_reason == "supporter_declined" and not ended.active
    assert ended.ended_on == ON + timedelta(days=1)
    assert lifecycle.active_match(back) is None
    ranked = matching.rank(rid, ON + timedelta(days=1))
    assert ranked[0].supporter_id == second
    assert not candidate(rid, first, ON + timedelta(days=1)).eligible
    with pytest.raises(ValidationError) as error:
        matching.confirm_match(rid, first, on=ON + timedelta(days=1), override_reason=REASON)
    assert "declined this case before" in error.value.message
    rematch = matching.confirm_match(rid, second, on=ON + timedelta(days=1))
    assert rematch.active and Match.get_by_id(match.id).ended_reason == "supporter_declined"


def test_supporter_declined_needs_a_matched_case() -> None:
    rid = referral()
    with pytest.raises(ValidationError) as error:
        matching.supporter_declined(rid, on=ON)
    assert error.value.field == "status"
    assert lifecycle.get_referral(rid).status == "new"


def test_a_differing_specialty_alone_needs_no_override_reason() -> None:
    rid = referral(county="Kings", specialty="Surgery")
    top = supporter("Dr Other Specialty", county="Queens", specialty="Psychiatry")
    ranked = matching.rank(rid, ON)
    best = ranked[0]
    assert best.supporter_id == top
    assert [r.rule for r in best.failing(hard=False)] == ["specialty"]
    assert matching.override_needed(best, ranked) == ()
    assert matching.confirm_match(rid, top, on=ON).override_reason == ""


def test_a_supporter_may_hand_back_a_case_after_the_first_contact() -> None:
    rid = referral(county="Kings")
    first = supporter("Dr First", county="Queens")
    supporter("Dr Second", county="Prince")
    matching.confirm_match(rid, first, on=ON)
    lifecycle.record_contact(rid, "initial", "phone", ON, today=ON)
    matching.supporter_declined(rid, on=ON)
    assert lifecycle.get_referral(rid).status == "new"
    assert not candidate(rid, first).eligible
