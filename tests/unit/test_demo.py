"""Demo data: every status present, the program's rules kept by every match, deterministic for a seed,
and a sound database after a save and a reopen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from p2p_tui.services import demo
from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.store import Store
from p2p_tui.store.models import (
    MODELS,
    Attendance,
    Conflict,
    Contact,
    Escalation,
    Match,
    Meta,
    Nomination,
    Physician,
    Referral,
    Setting,
    StatusChange,
    Supporter,
    Survey,
    TrainingEvent,
)
from p2p_tui.store.vocab import (
    CASE_STATUSES,
    OPEN_STATUSES,
    PATHWAY_SOURCES,
    SUPPORTER_STATUSES,
    TRAINING_KINDS,
)
from tests.conftest import CHEAP_KDF, PASSPHRASE

ON = date(2026, 7, 15)


def populated(path: Path, on: date = ON, seed: int = 2026) -> tuple[Store, dict[str, int]]:
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        made = demo.populate(on, seed)
    return store, made


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, int]]]:
    store, made = populated(tmp_path_factory.mktemp("demo") / "demo.p2pvault")
    yield store, made
    store.close()


@pytest.fixture
def made(demo_store: tuple[Store, dict[str, int]]) -> dict[str, int]:
    """The shared demo store, bound again (other tests in this process may have opened stores)."""
    store, counts = demo_store
    store.bind()
    return counts


def test_the_counts_returned_are_the_tables_rows(made: dict[str, int]) -> None:
    expected = {m._meta.table_name: m.select().count() for m in MODELS if m not in (Meta, Setting)}
    assert made == expected
    assert 35 <= made["supporter"] <= 45
    assert 140 <= made["referral"] <= 160


def test_every_case_status_and_supporter_status_is_present(made: dict[str, int]) -> None:
    assert {r.status for r in Referral.select()} == set(CASE_STATUSES)
    assert {s.status for s in Supporter.select()} == set(SUPPORTER_STATUSES)
    statuses = [s.status for s in Supporter.select()]
    assert statuses.count("active") > len(statuses) / 2


def test_referrals_span_the_last_five_quarters_and_nothing_is_dated_after_on(made: dict[str, int]) -> None:
    received = [r.received_on for r in Referral.select()]
    quarters = {(d.year, (d.month - 1) // 3) for d in received}
    assert quarters == {(2025, 2), (2025, 3), (2026, 0), (2026, 1), (2026, 2)}
    dated = (
        received
        + [c.contact_on for c in Contact.select()]
        + [m.matched_on for m in Match.select()]
        + [s.submitted_on for s in Survey.select()]
        + [e.held_on for e in TrainingEvent.select()]
        + [c.changed_on for c in StatusChange.select()]
    )
    assert max(dated) <= ON


def test_the_history_has_contacts_surveys_training_and_conflicts(made: dict[str, int]) -> None:
    assert {c.kind for c in Contact.select()} == {"initial", "follow_up"}
    assert Survey.select().count() > 20
    assert {e.kind for e in TrainingEvent.select()} == set(TRAINING_KINDS)
    assert Attendance.select().count() > TrainingEvent.select().count()
    assert Nomination.select().count() >= made["supporter"]
    assert {c.kind for c in Conflict.select()} == {"evaluates", "declared"}
    assert Match.select().where(Match.ended_reason == "supporter_declined").count() >= 1
    for match in Match.select():  # the explanation as `matching` records it: every rule, scored
        reasons = json.loads(match.explanation)
        assert {tuple(sorted(r)) for r in reasons} == {("detail", "hard", "passed", "points", "rule")}
        assert match.score == sum(r["points"] for r in reasons)
    supporters = {s.physician.id for s in Supporter.select()}
    assert supporters & {r.physician.id for r in Referral.select()}  # a supporter referred in turn


def test_a_recent_unacknowledged_escalation_and_a_consent_pending_reach_out(made: dict[str, int]) -> None:
    recent = Escalation.select().where(
        Escalation.acknowledged_on.is_null(), Escalation.escalated_on >= ON - timedelta(days=7)
    )
    assert recent.count() >= 1
    assert all(lifecycle.is_open(e.referral) for e in recent)
    pending = Referral.select().where(Referral.consent == "pending")
    assert pending.count() >= 1
    assert all(r.pathway == "reach_out" and r.source in ("leadership", "colleague") for r in pending)


def test_every_pathway_and_source_of_the_demo_go_together(made: dict[str, int]) -> None:
    pairs = {(r.pathway, r.source) for r in Referral.select()}
    assert all(source in PATHWAY_SOURCES[pathway] for pathway, source in pairs)
    assert {pathway for pathway, _ in pairs} == set(PATHWAY_SOURCES)


def test_no_contact_before_a_needed_consent(made: dict[str, int]) -> None:
    for contact in Contact.select().join(Referral):
        referral = contact.referral
        if referral.consent != "not_needed":
            assert referral.consent == "given"
            assert referral.consent_on <= contact.contact_on


def test_no_active_match_breaks_a_hard_rule(made: dict[str, int]) -> None:
    active = list(Match.select().where(Match.active == True))  # noqa: E712
    assert len(active) >= 5
    for match in active:
        supporter, physician = match.supporter, match.referral.physician
        assert match.referral.status in OPEN_STATUSES
        assert supporter.status == "active"
        assert supporter.unavailable_until is None or supporter.unavailable_until <= ON
        assert supporter.physician.id != physician.id
        if physician.career_stage != "early":
            assert supporter.physician.career_stage != "early"
        assert roster.conflicts_between(supporter, physician) == []
        assert lifecycle.active_case_count(supporter) <= supporter.max_active


def test_no_match_ever_broke_the_conflict_self_or_stage_rules(made: dict[str, int]) -> None:
    for match in Match.select():
        supporter, physician = match.supporter, match.referral.physician
        assert supporter.physician.id != physician.id
        assert roster.conflicts_between(supporter, physician) == []
        assert not (physician.career_stage != "early" and supporter.physician.career_stage == "early")
        assert (
            supporter.training_completed_on is not None
            and supporter.training_completed_on <= match.matched_on
        )


def test_each_case_status_agrees_with_its_matches_and_timeline(made: dict[str, int]) -> None:
    for referral in Referral.select():
        active = Match.select().where(Match.referral == referral, Match.active == True).count()  # noqa: E712
        assert active == (1 if referral.status in ("matched", "contacted", "followed_up") else 0)
        last = StatusChange.select().where(StatusChange.referral == referral).order_by(StatusChange.id.desc())
        assert last.first().to_status == referral.status


def test_the_evaluates_conflicts_name_physicians_who_were_referred(made: dict[str, int]) -> None:
    referred = {p.name_key for p in Physician.select().join(Referral, on=Referral.physician == Physician.id)}
    evaluates = [c.name_key for c in Conflict.select().where(Conflict.kind == "evaluates")]
    assert any(key in referred for key in evaluates)


def test_the_same_seed_and_date_give_the_same_data(made: dict[str, int], tmp_path: Path) -> None:
    def names() -> list[str]:
        return [p.name for p in Physician.select().order_by(Physician.id)]

    def other_store(seed: int) -> tuple[dict[str, int], list[str]]:
        store, counts = populated(tmp_path / f"seed{seed}.p2pvault", seed=seed)
        try:
            return counts, names()
        finally:
            store.close()

    first = (made, names())  # the shared store: seed 2026, on ON
    assert first == other_store(2026)
    assert first[1] != other_store(7)[1]


def test_the_database_is_sound_after_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "demo.p2pvault"
    store, made = populated(path, on=date(2026, 1, 2))
    store.close()
    reopened = Store.open(path, PASSPHRASE)
    try:
        conn = reopened.db.raw()
        assert [row[0] for row in conn.execute("PRAGMA integrity_check")] == ["ok"]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert Referral.select().count() == made["referral"]
        assert {r.status for r in Referral.select()} == set(CASE_STATUSES)
    finally:
        reopened.close()


def test_demo_data_goes_into_an_empty_vault_only(store: Store) -> None:
    with store.atomic():
        roster.add_supporter(SupporterInput(PhysicianInput("Real Person", "mid", "Kings")), ON)
    with pytest.raises(ValueError, match="empty vault"), store.atomic():
        demo.populate(ON)
    assert Physician.select().count() == 1
