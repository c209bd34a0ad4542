"""Surveys (structured answers tied to the referral only) and safety escalations (when and to whom,
never why), with the crisis resources shown beside them."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date, time

import peewee as pw
import pytest

from p2p_tui.services.cases import followups, lifecycle, safety, surveys
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.cases.surveys import SurveyInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people.roster import SupporterInput, add_supporter
from p2p_tui.store import Store
from p2p_tui.store.models import Escalation, Match, Referral, Survey
from p2p_tui.store.vocab import ESCALATED_TO, SURVEY_DURATIONS

TODAY = date(2026, 7, 31)
GOOD = SurveyInput(
    conversation_happened=True,
    duration="30_60",
    peer_helpfulness=4,
    resources_offered=True,
    supporter_distress=2,
    wants_debrief=False,
)


def new_case(name: str = "Ann Smith", received: date = date(2026, 7, 1)) -> Referral:
    email = f"{name.split()[0].lower()}@example.org"
    physician = PhysicianInput(name=name, career_stage="mid", county="Kings", email=email)
    data = ReferralInput(
        physician, received_on=received, pathway="reach_in", source="self", stressors=("other",)
    )
    return create_referral(data, on=TODAY)


def contacted_case(name: str = "Ann Smith", *, follow_up: date | None = None) -> Referral:
    """A case matched on July 2 and first contacted on July 3 (and followed up if a date is given)."""
    referral = new_case(name)
    helper = add_supporter(
        SupporterInput(
            PhysicianInput("Sam Support", "late", "Prince", email="sam@example.org"),
            status="active",
            max_active=20,
        ),
        on=TODAY,
    )
    Match.create(referral=referral, supporter=helper, matched_on=date(2026, 7, 2), score=0, explanation="[]")
    lifecycle.transition(referral, "matched", date(2026, 7, 2))
    lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 7, 3), today=TODAY)
    if follow_up is not None:
        lifecycle.record_contact(referral.id, "follow_up", "video", follow_up, today=TODAY)
    return referral


# -- surveys --------------------------------------------------------------------------------------


BAD_SURVEYS = [
    ({"duration": "forever"}, "duration", SURVEY_DURATIONS),
    ({"peer_helpfulness": 0}, "peer_helpfulness", ("1 to 5",)),
    ({"peer_helpfulness": 6}, "peer_helpfulness", ("1 to 5",)),
    ({"peer_helpfulness": True}, "peer_helpfulness", ("1 to 5",)),
    ({"peer_helpfulness": 2.5}, "peer_helpfulness", ("1 to 5",)),
    ({"supporter_distress": 9}, "supporter_distress", ("1 to 5",)),
    ({"conversation_happened": "yes"}, "conversation_happened", ("yes or no",)),
    ({"wants_debrief": 1}, "wants_debrief", ("yes or no",)),
    ({"resources_offered": None}, "resources_offered", ("yes or no",)),
    ({"conversation_happened": False, "peer_helpfulness": None}, "duration", ("did not happen",)),
    ({"conversation_happened": False, "duration": None}, "peer_helpfulness", ("did not happen",)),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD_SURVEYS)
def test_bad_survey_answers_are_refused_naming_the_field(
    store: Store, change: dict[str, object], field: str, words: tuple[str, ...]
) -> None:
    with store.atomic():
        referral = contacted_case()
        with pytest.raises(ValidationError) as caught:
            surveys.record_survey(referral.id, dataclasses.replace(GOOD, **change), on=TODAY)  # type: ignore[arg-type]
        assert caught.value.field == field
        for word in words:
            assert word in caught.value.message
        assert Survey.select().count() == 0


def test_a_survey_when_no_conversation_happened_leaves_those_answers_empty(store: Store) -> None:
    with store.atomic():
        referral = contacted_case()
        answers = SurveyInput(False, None, None, True, None, True)
        made = surveys.record_survey(referral.id, answers, on=date(2026, 7, 3))
        again = Survey.get_by_id(made.id)
        assert (again.conversation_happened, again.duration, again.peer_helpfulness) == (False, None, None)
        assert (again.resources_offered, again.wants_debrief, again.submitted_on) == (
            True,
            True,
            date(2026, 7, 3),
        )


def test_a_survey_needs_a_contact_and_a_date_from_the_last_one_to_today(store: Store) -> None:
    with store.atomic():
        fresh = new_case("Bea New")
        with pytest.raises(ValidationError) as caught:
            surveys.record_survey(fresh.id, GOOD, on=TODAY)
        assert caught.value.field == "referral"
        referral = contacted_case(follow_up=date(2026, 7, 10))
        with pytest.raises(ValidationError) as caught:
            surveys.record_survey(referral.id, GOOD, on=date(2026, 7, 9))
        assert caught.value.field == "submitted_on"
        with pytest.raises(ValidationError) as caught:
            surveys.record_survey(referral.id, GOOD, on=date(2026, 11, 19))  # after today (frozen)
        assert caught.value.field == "submitted_on"
        with pytest.raises(ValidationError) as caught:
            surveys.record_survey(9999, GOOD, on=TODAY)
        assert caught.value.field == "referral"
        made = surveys.record_survey(referral.id, GOOD, on=date(2026, 7, 10))
        assert (made.duration, made.peer_helpfulness, made.supporter_distress) == ("30_60", 4, 2)
        assert [s.id for s in surveys.surveys_of(referral.id)] == [made.id]
        assert [e.kind for e in lifecycle.timeline(referral.id)][-1] == "survey"


def test_a_survey_is_tied_to_the_referral_only_and_holds_no_free_text() -> None:
    fields = Survey._meta.fields
    assert "supporter" not in fields and "supporter_id" not in {f.column_name for f in fields.values()}
    foreign = {name: f.rel_model for name, f in fields.items() if isinstance(f, pw.ForeignKeyField)}
    assert foreign == {"referral": Referral}
    texts = {name for name, f in fields.items() if isinstance(f, pw.TextField)}
    assert texts == {"duration", "void_reason"}  # fixed vocabularies, checked on the way in
    answers = {f.name: f.type for f in dataclasses.fields(SurveyInput)}
    assert answers == {
        "conversation_happened": "bool",
        "duration": "str | None",
        "peer_helpfulness": "int | None",
        "resources_offered": "bool",
        "supporter_distress": "int | None",
        "wants_debrief": "bool",
    }
    assert list(inspect.signature(surveys.record_survey).parameters) == ["referral_id", "data", "on"]


def owed(on: date) -> list[int]:
    """Referral ids the queue holds a survey item for on that day, earliest due first."""
    items = [i for i in followups.queue(on, include_snoozed=True) if i.kind == "survey"]
    return [i.referral_id for i in sorted(items, key=lambda i: (i.due_on, i.referral_id))]


def test_the_queue_owes_a_survey_for_each_case_followed_up_without_one(store: Store) -> None:
    with store.atomic():
        waiting = contacted_case("Ann Waiting", follow_up=date(2026, 7, 10))
        done = contacted_case("Bea Done", follow_up=date(2026, 7, 8))
        surveys.record_survey(done.id, GOOD, on=date(2026, 7, 12))
        contacted_case("Cy Initial")  # no follow-up yet: no survey due
        later = contacted_case("Di Later", follow_up=date(2026, 7, 20))
        surveyed_late = contacted_case("Ed Late", follow_up=date(2026, 7, 5))
        surveys.record_survey(surveyed_late.id, GOOD, on=date(2026, 7, 25))
        assert owed(TODAY) == [waiting.id, later.id]
        lifecycle.end_case(waiting.id, "closed", on=date(2026, 7, 26))
        assert waiting.id in owed(TODAY)  # the survey is still owed after closing


def test_a_survey_filed_before_the_follow_up_does_not_answer_for_it(store: Store) -> None:
    with store.atomic():
        early = contacted_case("Fo Early")
        surveys.record_survey(early.id, GOOD, on=date(2026, 7, 4))  # after the first contact
        lifecycle.record_contact(early.id, "follow_up", "phone", date(2026, 7, 10), today=TODAY)
        assert owed(date(2026, 7, 11)) == [early.id]
        surveys.record_survey(early.id, GOOD, on=date(2026, 7, 11))
        assert owed(date(2026, 7, 11)) == []


# -- safety ---------------------------------------------------------------------------------------


def test_the_crisis_resources_are_the_php_988_and_911() -> None:
    names = [name for name, _how in safety.CRISIS_RESOURCES]
    assert names[0] == "Physician Health Program (Medical Society of PEI)"
    lines = safety.crisis_lines()
    assert "9-8-8 Suicide Crisis Helpline: call or text 988" in lines
    assert "Emergency: 911" in lines
    joined = " ".join(lines)
    assert "988" in joined and "911" in joined
    assert all(name and how for name, how in safety.CRISIS_RESOURCES)


def test_an_escalation_records_when_and_to_whom(store: Store) -> None:
    with store.atomic():
        referral = new_case()
        made = safety.escalate(referral.id, "Crisis_Line_988", on=date(2026, 7, 2), at="9:05")
        again = Escalation.get_by_id(made.id)
        assert (again.escalated_on, again.escalated_at, again.escalated_to) == (
            date(2026, 7, 2),
            "09:05",
            "crisis_line_988",
        )
        assert again.acknowledged_on is None
        other = safety.escalate(referral.id, "php", on=date(2026, 7, 2), at=time(23, 59))
        assert other.escalated_at == "23:59"
        stamped = safety.escalate(referral.id, "other")
        assert len(stamped.escalated_at) == 5 and stamped.escalated_at[2] == ":"
        assert [e.id for e in safety.escalations_of(referral.id)] == [made.id, other.id, stamped.id]


def test_escalation_input_is_validated(store: Store) -> None:
    with store.atomic():
        referral = new_case()
        with pytest.raises(ValidationError) as caught:
            safety.escalate(referral.id, "the police", on=TODAY, at="10:00")
        assert caught.value.field == "to"
        for target in ESCALATED_TO:
            assert target in caught.value.message
        for bad in ("25:00", "2pm", "12:60", ""):
            with pytest.raises(ValidationError) as caught:
                safety.escalate(referral.id, "php", on=TODAY, at=bad)
            assert caught.value.field == "time"
        with pytest.raises(ValidationError) as caught:
            safety.escalate(referral.id, "php", on=date(2026, 6, 30), at="10:00")
        assert caught.value.field == "date"
        with pytest.raises(ValidationError) as caught:  # after today (the frozen clock): as for a contact
            safety.escalate(referral.id, "php", on=date(2026, 11, 19), at="10:00")
        assert caught.value.field == "date"
        with pytest.raises(ValidationError) as caught:
            safety.escalate(9999, "php", on=TODAY, at="10:00")
        assert caught.value.field == "referral"
        assert Escalation.select().count() == 0


@pytest.mark.parametrize("ending", lifecycle.ENDINGS)
def test_an_ended_case_must_be_reopened_before_an_escalation(store: Store, ending: str) -> None:
    with store.atomic():
        referral = contacted_case()
        lifecycle.end_case(referral.id, ending, on=date(2026, 7, 5))
        with pytest.raises(ValidationError) as caught:
            safety.escalate(referral.id, "emergency_911", on=date(2026, 7, 6), at="10:00")
        assert caught.value.field == "referral"
        assert "reopen" in caught.value.message
        assert Escalation.select().count() == 0
        lifecycle.reopen(referral.id, on=date(2026, 7, 6))
        assert safety.escalate(referral.id, "emergency_911", on=date(2026, 7, 6), at="10:00").id


@pytest.mark.parametrize("status", ["new", "matched", "contacted", "followed_up"])
def test_every_open_status_can_be_escalated(store: Store, status: str) -> None:
    with store.atomic():
        referral = new_case()
        Referral.update(status=status).where(Referral.id == referral.id).execute()
        assert safety.escalate(referral.id, "php", on=TODAY, at="10:00").escalated_to == "php"


def test_no_reason_is_ever_asked_or_kept() -> None:
    parameters = inspect.signature(safety.escalate).parameters
    assert list(parameters) == ["referral_id", "to", "on", "at"]
    assert not any(word in name for name in parameters for word in ("reason", "why", "note", "detail"))
    columns = Escalation._meta.fields
    assert set(columns) == {
        "id",
        "referral",
        "escalated_on",
        "escalated_at",
        "escalated_to",
        "acknowledged_on",
    }
    assert not any(word in name for name in columns for word in ("reason", "why", "note", "detail"))
    with pytest.raises(TypeError):
        safety.escalate(1, "php", reason="anything")  # type: ignore[call-arg]


def test_acknowledging_takes_an_escalation_off_the_queue(store: Store) -> None:
    def safety_items() -> dict[int, date]:
        return {i.referral_id: i.due_on for i in followups.queue(date(2026, 7, 5)) if i.kind == "safety"}

    with store.atomic():
        first_case, second_case = new_case("Ann First"), new_case("Bea Second")
        safety.escalate(second_case.id, "php", on=date(2026, 7, 4), at="08:00")
        early = safety.escalate(first_case.id, "crisis_line_988", on=date(2026, 7, 3), at="17:30")
        same_day = safety.escalate(first_case.id, "other", on=date(2026, 7, 4), at="07:45")
        assert [e.id for e in safety.escalations_of(first_case.id)] == [early.id, same_day.id]
        assert safety_items() == {first_case.id: date(2026, 7, 3), second_case.id: date(2026, 7, 4)}
        with pytest.raises(ValidationError) as caught:
            safety.acknowledge(early.id, on=date(2026, 7, 2))
        assert caught.value.field == "date"
        with pytest.raises(ValidationError) as caught:
            safety.acknowledge(early.id, on=date(2026, 11, 19))  # after today (the frozen clock)
        assert caught.value.field == "date"
        assert safety.acknowledge(early.id, on=date(2026, 7, 5)).acknowledged_on == date(2026, 7, 5)
        assert safety.acknowledge(early.id, on=date(2026, 7, 9)).acknowledged_on == date(2026, 7, 5)
        # the case's item stays while an escalation is open, due from the oldest still open
        assert safety_items() == {first_case.id: date(2026, 7, 4), second_case.id: date(2026, 7, 4)}
        safety.acknowledge(same_day.id, on=date(2026, 7, 5))
        assert safety_items() == {second_case.id: date(2026, 7, 4)}
        with pytest.raises(ValidationError) as caught:
            safety.acknowledge(9999)
        assert caught.value.field == "escalation"
