"""Issue 13 items 2-4 and issue 10 item 6: informal encounters in the report, supporters' wellbeing
check-ins and debriefs in the queue, and a case matched outside the program run to its close."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from p2p_tui.services.cases import followups, intake, lifecycle, matching, outside, safety, surveys
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import informal, roster, wellbeing
from p2p_tui.services.reporting import deidentify
from p2p_tui.services.reporting.formats import to_csv, to_markdown
from p2p_tui.services.reporting.quarterly import summarize
from p2p_tui.store import Store

D = date.fromisoformat
TODAY = D("2026-11-18")  # the frozen clock's day (a Wednesday)


def supporter(name: str = "Sam Supporter", county: str = "Kings") -> int:
    data = roster.SupporterInput(
        PhysicianInput(name, "mid", county, email=f"{name[:3]}@example.org"), "active"
    )
    return int(roster.add_supporter(data, on=D("2026-11-02")).id)


def referral(n: int, received: str = "2026-11-16") -> int:
    person = PhysicianInput(f"Doctor Testname{n}", "mid", "Queens", email=f"doc{n}@example.org")
    data = ReferralInput(person, received, "reach_in", "self", ("burnout",))
    return int(intake.create_referral(data, on=D(received)).id)


@pytest.fixture
def sam(store: Store) -> Iterator[int]:
    with store.atomic():
        yield supporter()


def supporter_kinds(on: date = TODAY) -> list[tuple[str, int]]:
    return [(i.kind, i.supporter_id) for i in followups.supporter_items(on)]


def test_informal_encounters_are_counted_apart_and_together_and_suppressed(store: Store, sam: int) -> None:
    with store.atomic():
        for n in range(6):
            referral(n, f"2026-10-0{n + 1}")
        for day in ("2026-10-02", "2026-10-05", "2026-11-03"):
            informal.add(informal.EncounterInput(sam, day, "late", "Prince", ("complaint", "burnout")))
        with pytest.raises(ValidationError, match="met_on"):
            informal.add(informal.EncounterInput(sam, "2026-12-01"))
    (listed, *_rest) = informal.listed(sam)
    assert listed.met_on == D("2026-11-03") and listed.stressors == ("complaint", "burnout")
    with store.lock:
        summary = summarize("2026Q4")
    assert summary.peers is not None
    table = summary.peers.encounters
    rows = dict(table.rows)
    assert rows["formal"].text == "6" and rows["informal"].text == "<5*"
    assert table.total.text == "—†"  # together less the formal count would give the informal back
    with store.atomic():
        for day in ("2026-10-06", "2026-10-07"):
            informal.add(informal.EncounterInput(sam, day))
    with store.lock:
        summary = summarize("2026Q4")
    assert summary.peers is not None
    rows = dict(summary.peers.encounters.rows)
    assert (rows["formal"].text, rows["informal"].text, summary.peers.encounters.total.text) == (
        "6",
        "5",
        "11",
    )
    assert "| Informal encounters | 5 |" in to_markdown(summary)
    assert "encounters,total,11" in to_csv(summary)
    with store.atomic():
        informal.remove(listed.id)
    assert len(informal.listed(sam)) == 4


def test_a_wellbeing_item_follows_a_safety_escalation_and_leaves_with_its_check_in(
    store: Store, sam: int
) -> None:
    with store.atomic():
        rid = referral(1)
        matching.confirm_match(rid, sam, on=D("2026-11-16"))
        lifecycle.record_contact(rid, "initial", "phone", D("2026-11-17"))
    assert supporter_kinds() == []  # a supporter trained two weeks ago is not due a routine check-in
    with store.atomic():
        safety.escalate(rid, "php", on=D("2026-11-18"), at="09:00")
    (item,) = followups.supporter_items(TODAY)
    assert (item.kind, item.supporter_id, item.due_on) == (
        "wellbeing",
        sam,
        D("2026-11-20"),
    )  # 2 working days
    assert item in followups.full_queue(TODAY) and item not in followups.queue(TODAY)
    with store.atomic():
        wellbeing.record_check_in(sam, "ok", TODAY)
    assert supporter_kinds() == []
    assert [c.result for c in wellbeing.check_ins_of(sam)] == ["ok"]
    # a routine check-in falls due 12 weeks (the setting) after the last one
    assert supporter_kinds(D("2027-02-10")) == [("wellbeing", sam)]
    assert supporter_kinds(D("2027-02-09")) == []


def test_a_paused_supporter_owes_no_routine_check_in_but_one_after_an_escalation(
    store: Store, sam: int
) -> None:
    later = D("2027-02-10")  # 12 weeks and more after Sam's training
    with store.atomic():
        rid = referral(1)
        matching.confirm_match(rid, sam, on=D("2026-11-16"))
        roster.pause_until(sam, "2027-03-01")
    assert supporter_kinds(later) == []  # paused: the routine check-in waits for the return
    assert supporter_kinds(D("2027-03-01")) == [("wellbeing", sam)]
    with store.atomic():
        safety.escalate(rid, "php", on=D("2026-11-18"), at="09:00")
    assert supporter_kinds() == [("wellbeing", sam)]  # the case's supporter, paused or not


def test_a_break_sets_unavailable_until_and_the_matcher_leaves_them_out(store: Store, sam: int) -> None:
    with store.atomic():
        rid = referral(1)
        with pytest.raises(ValidationError, match="break_until"):
            wellbeing.record_check_in(sam, "wants_break", TODAY)
        wellbeing.record_check_in(sam, "wants_break", TODAY, break_until="2026-12-31")
    assert roster.get_supporter(sam).unavailable_until == D("2026-12-31")
    (candidate,) = matching.rank(rid, TODAY)
    assert not candidate.eligible and [r.rule for r in candidate.failing(hard=True)] == ["available"]


def test_a_debrief_asked_for_in_a_survey_is_queued_until_done(store: Store, sam: int) -> None:
    with store.atomic():
        rid = referral(1)
        matching.confirm_match(rid, sam, on=D("2026-11-16"))
        lifecycle.record_contact(rid, "initial", "phone", D("2026-11-17"))
        answers = surveys.SurveyInput(True, "15_30", 4, False, 4, True)
        surveys.record_survey(rid, answers, on=D("2026-11-18"))
    assert sorted(supporter_kinds()) == [("debrief", sam), ("wellbeing", sam)]
    assert wellbeing.debrief_asked_on(sam) == D("2026-11-18")
    with store.atomic():
        assert wellbeing.record_debrief(sam, TODAY) == 1
        with pytest.raises(ValidationError, match="debrief"):
            wellbeing.record_debrief(sam, TODAY)
    assert supporter_kinds() == [("wellbeing", sam)]
    with store.atomic():  # a check-in's own wish to debrief is queued the same way
        wellbeing.record_check_in(sam, "wants_debrief", TODAY)
    assert supporter_kinds() == [("debrief", sam)]


def test_an_outside_match_runs_the_case_to_closed_with_its_clocks(store: Store, sam: int) -> None:
    with store.atomic():
        rid = referral(1)
        with pytest.raises(ValidationError, match="reason"):  # Sam is eligible
            outside.confirm_outside(rid, "php", "no_eligible", D("2026-11-16"))
        outside.confirm_outside(rid, "other_province", "physician_prefers", D("2026-11-16"))
    assert lifecycle.get_referral(rid).status == "matched"
    assert lifecycle.open_case_counts() == {}  # no supporter's load
    (item,) = followups.items_for(rid, TODAY)
    assert (item.kind, item.due_on) == ("no_first_contact", D("2026-11-18"))
    with store.atomic():
        lifecycle.record_contact(rid, "initial", "video", D("2026-11-17"))
    assert [(i.kind, i.due_on) for i in followups.items_for(rid, TODAY)] == [("check_in", D("2026-11-26"))]
    with store.atomic():
        lifecycle.record_contact(rid, "follow_up", "phone", TODAY)
        lifecycle.end_case(rid, "closed", TODAY)
    assert lifecycle.get_referral(rid).status == "closed"
    assert followups.items_for(rid, TODAY) == []  # no supporter, so no supporter survey to ask for
    (record,) = deidentify.records()
    assert (record.outside_resource, record.days_to_match, record.follow_up_done) == (
        "other_province",
        0,
        True,
    )
    assert deidentify.check_consistency() == []
    assert any("outside the program" in e.text for e in lifecycle.timeline(rid))
    with store.lock:
        summary = summarize("2026Q4", threshold=1)
    assert summary.peers is not None
    assert dict(summary.peers.matched_to.rows)["other_province"].text == "1"


def test_an_upgraded_vault_owes_no_check_in_for_its_history(store: Store, sam: int) -> None:
    """Migration 11 records the vault's last day (`meta.wellbeing_since`): nothing before it is owed."""
    from p2p_tui.store import query

    with store.atomic():
        rid = referral(1, "2026-11-02")
        matching.confirm_match(rid, sam, on=D("2026-11-02"))
        lifecycle.record_contact(rid, "initial", "phone", D("2026-11-03"))
        surveys.record_survey(rid, surveys.SurveyInput(True, "15_30", 4, False, 5, True), on=D("2026-11-04"))
        query.execute("INSERT INTO meta (key, value) VALUES ('wellbeing_since', '2026-11-10')")
    assert supporter_kinds() == [] and wellbeing.pending_debriefs() == []
    with store.atomic():
        safety.escalate(rid, "php", on=D("2026-11-12"), at="10:00")
    assert supporter_kinds() == [("wellbeing", sam)]


def test_the_frozen_schema_4_vault_upgrades_with_its_matches_and_its_last_day(tmp_path: Path) -> None:
    import shutil

    from p2p_tui.store.models import Match

    path = tmp_path / "v4.p2pvault"
    shutil.copyfile(Path(__file__).parent.parent / "fixtures" / "schema-v4.p2pvault", path)
    store = Store.open(path, "frozen fixture passphrase v4")
    try:
        assert Match.select().where(Match.supporter.is_null()).count() == 0 and Match.select().count() > 0
        assert wellbeing.since() >= "2026-01-01"  # the last day the vault held anything
        assert deidentify.check_consistency() == []
    finally:
        store.close()
