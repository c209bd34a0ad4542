"""The follow-up queue: each kind appears and disappears at the right step, ranking and terms, overdue
arithmetic, snoozes, the one-key "done", and set-based queries (not one per case)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from p2p_tui.services.cases import followups, intake, lifecycle
from p2p_tui.services.cases.followups import QueueItem, Term, lateness
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.store import Store
from p2p_tui.store.models import Contact, Escalation, Match, Physician, Referral, Survey

D = date.fromisoformat


class Program:
    """Builds cases through the services, as the app does, with explicit dates (ids in, ids out)."""

    def __init__(self) -> None:
        self.count = 0
        self.supporter = roster.add_supporter(
            roster.SupporterInput(
                PhysicianInput("Sam Supporter", "mid", "Kings", email="sam@example.org"), status="active"
            ),
            on=D("2026-01-05"),
        )

    def referral(self, received: str, *, source: str = "self", pathway: str = "reach_in") -> int:
        """A new referral received that day (a reach-out from a colleague waits for consent)."""
        self.count += 1
        person = PhysicianInput(
            f"Physician Testname{self.count}", "mid", "Queens", email=f"doc{self.count}@example.org"
        )
        data = ReferralInput(person, received, pathway, source, ("burnout",))
        return int(intake.create_referral(data, on=D(received)).id)

    def match(self, referral_id: int, on: str) -> None:
        """Match it (a Match row, then new -> matched), as confirm_match will."""
        referral = lifecycle.get_referral(referral_id)
        Match.create(
            referral=referral, supporter=self.supporter, matched_on=D(on), score=1.0, explanation="test"
        )
        if referral.consent in lifecycle.NO_CONSENT:  # an old vault's: every transition refuses it now
            Referral.update(status="matched", status_on=D(on)).where(Referral.id == referral_id).execute()
            return
        lifecycle.transition(referral, "matched", D(on))

    def contact(self, referral_id: int, kind: str, on: str) -> None:
        """Record an initial or follow-up contact that day."""
        lifecycle.record_contact(referral_id, kind, "phone", D(on), today=D(on))

    def escalate(self, referral_id: int, on: str) -> None:
        """A safety escalation that day, not yet acknowledged."""
        Escalation.create(referral=referral_id, escalated_on=D(on), escalated_at=on, escalated_to="php")

    def survey(self, referral_id: int, on: str) -> None:
        """The supporter's survey, submitted that day."""
        Survey.create(referral=referral_id, submitted_on=D(on), conversation_happened=True)

    def cycle(self, received: str, matched: str, contacted: str) -> int:
        """A case received, matched and contacted on those days."""
        rid = self.referral(received)
        self.match(rid, matched)
        self.contact(rid, "initial", contacted)
        return rid


@pytest.fixture
def program(store: Store) -> Iterator[Program]:
    with store.atomic():
        yield Program()


def items(on: str, **kwargs: bool) -> dict[tuple[int, str], QueueItem]:
    """The queue on that day, by (referral id, kind)."""
    return {(i.referral_id, i.kind): i for i in followups.queue(D(on), **kwargs)}


def dues(on: str, rid: int) -> dict[str, date]:
    """One case's items on that day: kind -> due date."""
    return {i.kind: i.due_on for i in followups.queue(D(on)) if i.referral_id == rid}


# -- each kind appears and disappears -------------------------------------------------------------


def test_a_case_moves_through_the_queue_from_unmatched_to_survey(program: Program) -> None:
    rid = program.referral("2026-07-02")  # Thursday
    assert dues("2026-07-02", rid) == {"unmatched": D("2026-07-03")}
    program.match(rid, "2026-07-03")  # Friday: first contact due Tuesday
    assert dues("2026-07-03", rid) == {"no_first_contact": D("2026-07-07")}
    program.contact(rid, "initial", "2026-07-06")  # check-in due 7 working days later
    assert dues("2026-07-06", rid) == {"check_in": D("2026-07-15")}
    program.contact(rid, "follow_up", "2026-07-15")  # survey due 14 working days later
    assert dues("2026-07-15", rid) == {"survey": D("2026-08-04")}
    lifecycle.end_case(rid, "closed", D("2026-07-20"))
    assert dues("2026-07-20", rid) == {"survey": D("2026-08-04")}  # a closed case still owes its survey
    program.survey(rid, "2026-07-21")
    assert dues("2026-07-21", rid) == {}


def test_a_survey_from_before_the_follow_up_does_not_count(program: Program) -> None:
    rid = program.cycle("2026-07-02", "2026-07-02", "2026-07-03")
    program.survey(rid, "2026-07-03")  # after the first conversation
    program.contact(rid, "follow_up", "2026-07-14")
    assert "survey" in dues("2026-07-14", rid)
    program.survey(rid, "2026-07-14")  # the same day counts
    assert dues("2026-07-14", rid) == {}


def test_a_purged_case_owes_no_survey(program: Program) -> None:
    rid = program.cycle("2026-07-02", "2026-07-02", "2026-07-03")
    program.contact(rid, "follow_up", "2026-07-14")
    lifecycle.end_case(rid, "closed", D("2026-07-15"))
    referral = lifecycle.get_referral(rid)
    Physician.update(purged_on=D("2026-10-15")).where(Physician.id == referral.physician_id).execute()
    assert dues("2026-10-16", rid) == {}


def test_consent_pending_stands_alone_until_given(program: Program) -> None:
    rid = program.referral("2026-07-02", pathway="reach_out", source="colleague")
    assert dues("2026-07-02", rid) == {"consent_pending": D("2026-07-03")}  # no "match" item yet
    lifecycle.set_consent(rid, "given", D("2026-07-03"))
    assert dues("2026-07-03", rid) == {"unmatched": D("2026-07-03")}


def test_a_case_matched_before_its_consent_shows_only_the_consent_item(program: Program) -> None:
    rid = program.referral("2026-07-02", pathway="reach_out", source="colleague")
    program.match(rid, "2026-07-03")  # an old vault's: matching now refuses a pending consent
    assert dues("2026-07-03", rid) == {"consent_pending": D("2026-07-07")}
    lifecycle.set_consent(rid, "given", D("2026-07-06"))
    assert dues("2026-07-06", rid) == {"no_first_contact": D("2026-07-07")}


def test_refused_consent_is_not_matched_and_ended_cases_leave(program: Program) -> None:
    refused = program.referral("2026-07-02", pathway="reach_out", source="leadership")
    lifecycle.set_consent(refused, "refused", D("2026-07-03"))
    assert dues("2026-07-03", refused) == {}
    declined = program.cycle("2026-07-02", "2026-07-02", "2026-07-03")
    lifecycle.end_case(declined, "declined", D("2026-07-06"))
    unreachable = program.referral("2026-07-02")
    lifecycle.end_case(unreachable, "unreachable", D("2026-07-06"))
    assert followups.queue(D("2026-07-06")) == []


def test_safety_comes_first_on_any_case_until_acknowledged(program: Program) -> None:
    open_case = program.cycle("2026-07-02", "2026-07-02", "2026-07-03")
    closed = program.referral("2026-07-02")
    lifecycle.end_case(closed, "closed", D("2026-07-03"))
    program.escalate(open_case, "2026-07-06")
    program.escalate(closed, "2026-07-07")
    queue = followups.queue(D("2026-07-07"))
    assert [(i.referral_id, i.kind) for i in queue[:2]] == [(open_case, "safety"), (closed, "safety")]
    assert queue[0].due_on == D("2026-07-06") and queue[0].overdue_days == 1
    Escalation.update(acknowledged_on=D("2026-07-07")).execute()
    assert [i.kind for i in followups.queue(D("2026-07-07"))] == ["check_in"]


def test_the_match_clock_restarts_when_a_case_is_reopened(program: Program) -> None:
    rid = program.referral("2026-04-01")
    lifecycle.end_case(rid, "declined", D("2026-04-02"))
    lifecycle.reopen(rid, D("2026-07-06"))
    assert dues("2026-07-06", rid) == {"unmatched": D("2026-07-07")}


def test_the_check_in_clock_runs_from_the_last_real_contact(program: Program) -> None:
    rid = program.cycle("2026-06-01", "2026-06-01", "2026-06-02")
    lifecycle.end_case(rid, "unreachable", D("2026-06-10"))
    lifecycle.reopen(rid, D("2026-07-01"))
    program.match(rid, "2026-07-02")
    program.contact(rid, "initial", "2026-07-03")
    assert dues("2026-07-03", rid) == {"check_in": D("2026-07-14")}  # not 7 working days after June 2


# -- ranking and terms ----------------------------------------------------------------------------


def test_urgency_is_the_sum_of_its_terms_and_ranks_the_queue(program: Program) -> None:
    old = program.cycle("2026-05-01", "2026-05-04", "2026-05-04")  # check-in due 2026-05-13
    late = program.cycle("2026-06-15", "2026-06-15", "2026-06-16")  # check-in due 2026-06-25
    safety = program.referral("2026-07-09")
    program.escalate(safety, "2026-07-10")
    unmatched = program.referral("2026-07-02")  # match due 2026-07-03
    fresh = program.referral("2026-07-08")
    program.match(fresh, "2026-07-09")  # first contact due 2026-07-13
    queue = followups.queue(D("2026-07-10"))
    ranked = [(i.referral_id, i.kind, i.urgency) for i in queue]
    assert ranked == [
        (safety, "safety", 41.1),
        (old, "check_in", 31.0),
        (late, "check_in", 28.5),
        (unmatched, "unmatched", 20.8),
        (safety, "unmatched", 11.1),
        (fresh, "no_first_contact", 8.2),
    ]
    item = {(i.referral_id, i.kind): i for i in queue}
    assert item[(old, "check_in")].terms == (
        Term("kind", 6.0, "follow-up check-in after the last contact"),
        Term("overdue", 20.0, "41 working days overdue (only 10 working days count)"),
        Term("age", 5.0, "70 calendar days since received (only 50 days count)"),
    )
    assert item[(old, "check_in")].overdue_days == 41
    assert item[(late, "check_in")].terms[1] == Term("overdue", 20.0, "10 working days overdue")
    assert item[(safety, "safety")].terms == (
        Term("kind", 40.0, "safety escalation not yet acknowledged"),
        Term("overdue", 1.0, "due today"),
        Term("age", 0.1, "1 calendar day since received"),
    )
    assert item[(unmatched, "unmatched")].terms[1:] == (
        Term("overdue", 10.0, "5 working days overdue"),
        Term("age", 0.8, "8 calendar days since received"),
    )
    assert item[(fresh, "no_first_contact")].terms[1] == Term("overdue", 0.0, "due in 1 working day")
    assert item[(fresh, "no_first_contact")].overdue_days == 0
    for each in queue:
        assert each.urgency == round(sum(t.value for t in each.terms), 2)


def test_each_kind_weighs_in_the_designs_order(program: Program) -> None:
    waiting = program.referral("2026-07-02", pathway="reach_out", source="colleague")
    program.escalate(waiting, "2026-07-02")
    program.referral("2026-07-02")  # unmatched
    matched = program.referral("2026-07-02")
    program.match(matched, "2026-07-02")
    program.cycle("2026-07-02", "2026-07-02", "2026-07-02")
    followed = program.cycle("2026-07-02", "2026-07-02", "2026-07-02")
    program.contact(followed, "follow_up", "2026-07-02")
    weights = {i.kind: i.terms[0].value for i in followups.queue(D("2026-07-02"))}
    assert weights == {
        "safety": 40.0,
        "unmatched": 10.0,
        "no_first_contact": 8.0,
        "check_in": 6.0,
        "survey": 3.0,
        "consent_pending": 2.0,
    }
    assert list(weights) == sorted(weights, key=weights.__getitem__, reverse=True)


def test_equal_urgency_goes_to_the_earlier_due_date_then_the_lower_id(program: Program) -> None:
    later = program.cycle("2026-04-01", "2026-04-01", "2026-04-06")  # check-in due 2026-04-15
    earlier = program.cycle("2026-04-01", "2026-04-01", "2026-04-02")  # due 2026-04-14 (Good Friday)
    twin_a = program.cycle("2026-04-01", "2026-04-01", "2026-04-06")
    queue = followups.queue(D("2026-07-10"))
    assert {i.urgency for i in queue} == {31.0}  # 6 + 20 (capped) + 5 (capped)
    assert [i.referral_id for i in queue] == [earlier, later, twin_a]
    assert queue[0].due_on == D("2026-04-14") and queue[1].due_on == D("2026-04-15")


def test_lateness_counts_working_days_and_a_weekend_after_the_due_date_is_late() -> None:
    friday = D("2026-07-03")
    assert lateness(friday, friday) == 0
    assert lateness(friday, D("2026-07-04")) == 1  # Saturday: already late
    assert lateness(friday, D("2026-07-06")) == 1
    assert lateness(friday, D("2026-07-07")) == 2
    assert lateness(friday, D("2026-07-02")) == -1
    assert lateness(friday, D("2026-06-30")) == -2  # Canada Day is not counted


def test_overdue_and_age_terms() -> None:
    assert followups.overdue_term(3) == Term("overdue", 6.0, "3 working days overdue")
    assert followups.overdue_term(1) == Term("overdue", 2.0, "1 working day overdue")
    assert followups.overdue_term(10).value == 20.0
    assert followups.overdue_term(11) == Term(
        "overdue", 20.0, "11 working days overdue (only 10 working days count)"
    )
    assert followups.overdue_term(0) == Term("overdue", 1.0, "due today")
    assert followups.overdue_term(-2) == Term("overdue", 0.0, "due in 2 working days")
    assert followups.age_term(0) == Term("age", 0.0, "0 calendar days since received")
    assert followups.age_term(1) == Term("age", 0.1, "1 calendar day since received")
    assert followups.age_term(50).value == 5.0
    assert followups.age_term(51) == Term("age", 5.0, "51 calendar days since received (only 50 days count)")
    assert followups.age_term(-3).value == 0.0


def test_an_item_becomes_overdue_as_the_days_pass(program: Program) -> None:
    rid = program.referral("2026-06-30")  # Tuesday: match due Thursday (Canada Day between)
    on = {day: items(day)[(rid, "unmatched")] for day in ("2026-06-30", "2026-07-02", "2026-07-06")}
    assert on["2026-06-30"].terms[1].detail == "due in 1 working day"
    assert on["2026-07-02"].terms[1].detail == "due today"
    assert on["2026-07-06"].overdue_days == 2 and on["2026-07-06"].terms[1].value == 4.0


def test_items_name_no_one_and_serialise_to_json(program: Program) -> None:
    rid = program.referral("2026-07-02")
    program.escalate(rid, "2026-07-03")
    queue = followups.queue(D("2026-07-06"))
    text = json.dumps([i.to_json() for i in queue])
    for person in Physician.select():
        assert person.name not in text and person.email not in text
    first = queue[0].to_json()
    assert first["referral_id"] == rid and first["kind"] == "safety" and first["due_on"] == "2026-07-03"
    assert first["snoozed_until"] is None
    assert first["terms"][0] == {
        "name": "kind",
        "value": 40.0,
        "detail": "safety escalation not yet acknowledged",
    }
    assert set(first) == {
        "referral_id",
        "kind",
        "due_on",
        "urgency",
        "overdue_days",
        "snoozed_until",
        "terms",
    }


def test_items_are_frozen_and_equal_to_items_built_the_usual_way(program: Program) -> None:
    program.referral("2026-07-02")
    (item,) = followups.queue(D("2026-07-06"))
    same = QueueItem(
        item.referral_id, item.kind, item.due_on, item.urgency, item.terms, item.overdue_days, None
    )
    assert item == same and hash(item) == hash(same) and repr(item) == repr(same)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.kind = "survey"  # type: ignore[misc]


def test_the_queue_runs_a_fixed_number_of_queries(store: Store, program: Program) -> None:
    def statements() -> int:
        seen: list[str] = []
        store.db.raw().set_trace_callback(seen.append)
        try:
            followups.queue(D("2026-07-10"))
        finally:
            store.db.raw().set_trace_callback(None)
        return len(seen)

    for _ in range(3):
        program.cycle("2026-07-01", "2026-07-02", "2026-07-03")
    few = statements()
    for _ in range(20):
        program.cycle("2026-07-01", "2026-07-02", "2026-07-03")
        program.referral("2026-07-06")
    assert statements() == few <= 6


# -- snooze ---------------------------------------------------------------------------------------


def test_snooze_hides_an_item_until_its_date(program: Program) -> None:
    rid = program.referral("2026-07-02")
    snooze = followups.snooze(rid, "unmatched", "2026-07-09", "awaiting_reply", on=D("2026-07-06"))
    assert snooze.until == D("2026-07-09") and snooze.reason == "awaiting_reply"
    assert (rid, "unmatched") not in items("2026-07-06")
    assert (rid, "unmatched") not in items("2026-07-08")
    shown = items("2026-07-08", include_snoozed=True)[(rid, "unmatched")]
    assert shown.snoozed_until == D("2026-07-09")
    back = items("2026-07-09")[(rid, "unmatched")]
    assert back.snoozed_until is None and back.overdue_days == 4


def test_the_latest_snooze_decides(program: Program) -> None:
    rid = program.referral("2026-07-02")
    followups.snooze(rid, "unmatched", "2026-07-20", "scheduled", on=D("2026-07-06"))
    followups.snooze(rid, "unmatched", "2026-07-08", "scheduled", on=D("2026-07-06"))
    assert (rid, "unmatched") in items("2026-07-08")


def test_a_snooze_ends_when_the_items_clock_restarts(program: Program) -> None:
    rid = program.referral("2026-07-02")
    program.match(rid, "2026-07-03")
    followups.snooze(rid, "no_first_contact", "2026-07-31", "supporter_away", on=D("2026-07-06"))
    assert (rid, "no_first_contact") not in items("2026-07-07")
    lifecycle.transition(lifecycle.get_referral(rid), "new", D("2026-07-07"))  # the supporter declined
    program.match(rid, "2026-07-08")
    assert (rid, "no_first_contact") in items("2026-07-08")


@pytest.mark.parametrize(
    ("kind", "until", "reason", "field"),
    [
        ("unmatched", "2026-07-09", "busy", "reason"),
        ("unmatched", "2026-07-06", "other", "until"),  # not after today
        ("unmatched", "2026-08-06", "other", "until"),  # 31 days ahead
        ("unmatched", "9 July", "other", "until"),
        ("check_in", "2026-07-09", "other", "item"),  # not in the queue for this case
        ("everything", "2026-07-09", "other", "item"),
        ("safety", "2026-07-09", "other", "item"),  # never snoozed
    ],
)
def test_snooze_refuses_bad_input(program: Program, kind: str, until: str, reason: str, field: str) -> None:
    rid = program.referral("2026-07-02")
    program.escalate(rid, "2026-07-03")
    with pytest.raises(ValidationError) as caught:
        followups.snooze(rid, kind, until, reason, on=D("2026-07-06"))
    assert caught.value.field == field


def test_snooze_accepts_thirty_days_and_names_a_missing_referral(program: Program) -> None:
    rid = program.referral("2026-07-02")
    on = D("2026-07-06")
    assert followups.snooze(rid, "unmatched", on + timedelta(days=30), "other", on=on).until == D(
        "2026-08-05"
    )
    with pytest.raises(ValidationError) as caught:
        followups.snooze(rid + 100, "unmatched", "2026-07-09", "other", on=on)
    assert caught.value.field == "referral"


# -- done -----------------------------------------------------------------------------------------


def test_done_records_the_first_contact_then_the_check_in(program: Program) -> None:
    rid = program.referral("2026-07-02")
    program.match(rid, "2026-07-03")
    assert followups.done(rid, "no_first_contact", on=D("2026-07-06")) == "initial contact recorded (phone)"
    assert lifecycle.get_referral(rid).status == "contacted"
    assert dues("2026-07-06", rid) == {"check_in": D("2026-07-15")}
    said = followups.done(rid, "check_in", on=D("2026-07-15"), mode="video")
    assert said == "follow-up contact recorded (video)"
    recorded = [(c.kind, c.mode, c.contact_on) for c in Contact.select().order_by(Contact.id)]
    assert recorded == [("initial", "phone", D("2026-07-06")), ("follow_up", "video", D("2026-07-15"))]
    assert lifecycle.get_referral(rid).status == "followed_up"
    assert set(dues("2026-07-15", rid)) == {"survey"}


def test_done_acknowledges_safety_and_gives_consent(program: Program) -> None:
    rid = program.referral("2026-07-02", pathway="reach_out", source="colleague")
    program.escalate(rid, "2026-07-03")
    assert followups.done(rid, "safety", on=D("2026-07-06")) == "safety escalation acknowledged"
    assert Escalation.get(Escalation.referral == rid).acknowledged_on == D("2026-07-06")
    with pytest.raises(ValidationError) as caught:
        followups.done(rid, "consent_pending", on=D("2026-07-06"))  # never assumed
    assert caught.value.field == "consent"
    said = followups.done(rid, "consent_pending", on=D("2026-07-06"), consent="given")
    assert said == "consent recorded as given"
    referral: Referral = lifecycle.get_referral(rid)
    assert (referral.consent, referral.consent_on) == ("given", D("2026-07-06"))
    assert set(dues("2026-07-06", rid)) == {"unmatched"}


def test_done_on_a_safety_item_goes_through_acknowledge(program: Program) -> None:
    rid = program.referral("2026-07-02")
    program.escalate(rid, "2026-07-03")
    program.escalate(rid, "2026-07-08")
    for day in ("2026-07-07", "2026-11-19"):  # before the second escalation; after today (frozen)
        with pytest.raises(ValidationError) as caught:
            followups.done(rid, "safety", on=D(day))
        assert caught.value.field == "date"
        assert Escalation.select().where(Escalation.acknowledged_on.is_null()).count() == 2  # all or none
    assert followups.done(rid, "safety", on=D("2026-07-08")) == "safety escalation acknowledged"
    assert {e.acknowledged_on for e in Escalation.select()} == {D("2026-07-08")}
    assert "safety" not in dues("2026-07-08", rid)


def test_done_on_a_contact_item_keeps_the_contact_rules(program: Program) -> None:
    rid = program.referral("2026-07-02")
    program.match(rid, "2026-07-03")
    with pytest.raises(ValidationError) as caught:
        followups.done(rid, "no_first_contact", on=D("2026-11-19"))  # after today (frozen)
    assert caught.value.field == "date"
    assert Contact.select().count() == 0


def test_done_works_on_a_snoozed_item(program: Program) -> None:
    rid = program.referral("2026-07-02")
    program.match(rid, "2026-07-03")
    followups.snooze(rid, "no_first_contact", "2026-07-10", "scheduled", on=D("2026-07-06"))
    followups.done(rid, "no_first_contact", on=D("2026-07-07"))
    assert lifecycle.get_referral(rid).status == "contacted"


def test_done_refuses_what_needs_its_own_screen(program: Program) -> None:
    rid = program.cycle("2026-07-02", "2026-07-02", "2026-07-03")
    program.contact(rid, "follow_up", "2026-07-14")
    fresh = program.referral("2026-07-14")
    with pytest.raises(ValidationError) as unmatched:
        followups.done(fresh, "unmatched", on=D("2026-07-14"))
    assert unmatched.value.field == "item"
    assert f"match the case first: p2p-tui match {fresh}" in unmatched.value.message
    with pytest.raises(ValidationError) as survey:
        followups.done(rid, "survey", on=D("2026-07-14"))
    assert (survey.value.field, survey.value.message) == ("item", "record the supporter's survey")


def test_done_refuses_an_item_the_case_does_not_have_and_a_bad_mode(program: Program) -> None:
    rid = program.referral("2026-07-02")
    program.match(rid, "2026-07-03")
    with pytest.raises(ValidationError) as missing:
        followups.done(rid, "safety", on=D("2026-07-06"))
    assert missing.value.field == "item"
    with pytest.raises(ValidationError) as mode:
        followups.done(rid, "no_first_contact", on=D("2026-07-06"), mode="pigeon")
    assert mode.value.field == "mode"
    assert Contact.select().count() == 0
    assert lifecycle.get_referral(rid).status == "matched"


def test_done_respects_pending_consent(program: Program) -> None:
    rid = program.referral("2026-07-02", pathway="reach_out", source="colleague")
    program.match(rid, "2026-07-03")
    with pytest.raises(ValidationError) as caught:
        followups.done(rid, "no_first_contact", on=D("2026-07-06"))
    assert caught.value.field == "item"  # no first-contact item while consent is pending
    with pytest.raises(ValidationError) as caught:
        lifecycle.record_contact(rid, "initial", "phone", D("2026-07-06"))
    assert caught.value.field == "consent"
    assert "pending" in caught.value.message


def test_a_safety_item_outranks_the_most_overdue_item_possible(program: Program) -> None:
    old = program.cycle("2026-01-05", "2026-01-05", "2026-01-06")  # check-in overdue for months
    fresh = program.referral("2026-07-09")
    program.escalate(fresh, "2026-07-10")
    ranked = followups.queue(D("2026-07-10"))
    assert (ranked[0].referral_id, ranked[0].kind) == (fresh, "safety")
    worst = max(i.urgency for i in ranked if i.kind != "safety")
    assert worst == 6.0 + followups.OVERDUE_CAP + followups.AGE_CAP and ranked[0].urgency > worst
    assert any(i.referral_id == old for i in ranked)
