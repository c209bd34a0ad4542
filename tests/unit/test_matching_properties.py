"""Matching over random rosters: every hard rule checked against the raw data, the order, the score.

Each example builds its roster inside a transaction of one shared store and rolls it back at the end,
so examples are independent and no vault is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from p2p_tui.services.cases import intake, lifecycle, matching
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.store import Store
from p2p_tui.store.models import Match, Physician, Referral, StatusChange, Supporter
from p2p_tui.store.vocab import CAREER_STAGES, SUPPORTER_STATUSES
from tests.conftest import CHEAP_KDF, PASSPHRASE

ON = date(2026, 3, 2)
COUNTIES = ("Kings", "Queens", "Prince")
SPECIALTIES = ("", "Emergency", "emergency", "Surgery")
TARGET = "Dr Target Person"
TARGET_EMAIL = "target@example.org"


@dataclass(frozen=True)
class SupporterSpec:
    stage: str
    county: str
    status: str
    interventional: bool
    specialty: str
    max_active: int
    away_days: int | None  # unavailable until ON + this many days
    conflict: str | None  # evaluates | declared
    conflict_named: str  # how the conflict names the physician: lower | upper | by_id | someone_else
    is_target: bool  # the referred physician is this supporter
    open_cases: int
    closed_cases: int
    last_days: int
    declined: bool


def mostly(usual: object, rare: st.SearchStrategy[object], one_in: int) -> st.SearchStrategy[object]:
    """`usual`, or once in `one_in` draws something from `rare`: each hard rule fails now and then."""
    return st.integers(0, one_in - 1).flatmap(lambda n: rare if n == 0 else st.just(usual))


NOT_ACTIVE = tuple(s for s in SUPPORTER_STATUSES if s != "active")
supporters_st = st.builds(
    SupporterSpec,
    stage=st.sampled_from(CAREER_STAGES),
    county=st.sampled_from(COUNTIES),
    status=mostly("active", st.sampled_from(NOT_ACTIVE), 5),
    interventional=st.booleans(),
    specialty=st.sampled_from(SPECIALTIES),
    max_active=mostly(2, st.integers(0, 4), 2),
    away_days=mostly(None, st.integers(-3, 3), 4),
    conflict=mostly(None, st.sampled_from(("evaluates", "declared")), 4),
    conflict_named=st.sampled_from(("lower", "upper", "by_id", "someone_else")),
    is_target=mostly(False, st.just(True), 10),
    open_cases=mostly(0, st.integers(1, 3), 3),
    closed_cases=mostly(0, st.integers(1, 2), 2),
    last_days=st.integers(0, 60),
    declined=mostly(False, st.just(True), 6),
)


@dataclass(frozen=True)
class ReferralSpec:
    stage: str
    county: str
    specialty: str
    acute: bool
    named_after_conflicts: bool  # the physician is on file only after the conflicts naming them


referrals_st = st.builds(
    ReferralSpec,
    stage=st.sampled_from(CAREER_STAGES),
    county=st.sampled_from(COUNTIES),
    specialty=mostly("", st.sampled_from(SPECIALTIES), 2),
    acute=mostly(False, st.just(True), 2),
    named_after_conflicts=st.booleans(),
)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("matching") / "program.p2pvault"
    store, _code = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    yield store
    store.abandon()  # every example rolled back: nothing to save


class _Discard(Exception):
    pass


@contextmanager
def scratch(store: Store) -> Iterator[None]:
    """A transaction that is always rolled back."""
    store.bind()  # other tests in this process may have bound the models elsewhere
    with store.lock:
        try:
            with store.db.atomic():
                yield
                raise _Discard
        except _Discard:
            pass


def target_input(spec: ReferralSpec) -> PhysicianInput:
    return PhysicianInput(
        name=TARGET,
        career_stage=spec.stage,
        county=spec.county,
        email=TARGET_EMAIL,
        specialty=spec.specialty,
    )


def new_referral(physician: PhysicianInput, received: date) -> Referral:
    data = ReferralInput(
        physician=physician, received_on=received, pathway="reach_in", source="self", stressors=("other",)
    )
    return intake.create_referral(data, on=ON)


def add_match(referral: Referral, supporter_id: int, on: date, status: str, active: bool) -> None:
    """A match written directly (the ranking must cope with any state the data can be in)."""
    Match.create(
        referral=referral,
        supporter=supporter_id,
        matched_on=on,
        score=0.0,
        explanation="[]",
        active=active,
        ended_on=None if active else on,
        ended_reason=None if active else "case_ended",
    )
    if status != referral.status:
        StatusChange.create(referral=referral, changed_on=on, from_status=referral.status, to_status=status)
        Referral.update(status=status).where(Referral.id == referral.id).execute()


def build(specs: list[SupporterSpec], ref: ReferralSpec) -> int:
    """The roster and the referral described; returns the referral's id."""
    referral = None if ref.named_after_conflicts else new_referral(target_input(ref), ON - timedelta(days=2))
    target_taken = False
    supporter_ids: list[int] = []
    for i, spec in enumerate(specs):
        is_target = spec.is_target and not target_taken
        target_taken = target_taken or is_target
        physician = PhysicianInput(
            name=TARGET if is_target else f"Dr Supporter {i}",
            career_stage=spec.stage,
            county=spec.county,
            email=TARGET_EMAIL if is_target else f"s{i}@example.org",
            specialty=spec.specialty,
            interventional=spec.interventional,
        )
        away = None if spec.away_days is None else ON + timedelta(days=spec.away_days)
        data = SupporterInput(physician, spec.status, spec.max_active, unavailable_until=away)
        sid = int(roster.add_supporter(data, on=ON - timedelta(days=400)).id)
        supporter_ids.append(sid)
        if spec.conflict and not is_target:
            named = {"lower": TARGET.lower(), "upper": f"  {TARGET.upper()} "}.get(spec.conflict_named)
            known = Physician.get_or_none(Physician.email == TARGET_EMAIL)
            if spec.conflict_named == "by_id" and known is not None:
                roster.add_conflict(sid, "Target, Dr (as spelt elsewhere)", spec.conflict, ON, known.id)
            else:
                roster.add_conflict(sid, named or "Dr Someone Else", spec.conflict, ON)
                if named and known is None:
                    event("a conflict named before the physician was on file")
    if referral is None:  # named only now: the conflicts above were recorded by name before
        referral = new_referral(target_input(ref), ON - timedelta(days=2))
    peer = Physician.create(
        name="Dr Peer", name_key="dr peer", career_stage="mid", county="Kings", created_on=ON
    )
    for spec, sid in zip(specs, supporter_ids, strict=True):
        for j in range(spec.open_cases + spec.closed_cases):
            received = ON - timedelta(days=90)
            other = Referral.create(
                physician=peer, received_on=received, pathway="reach_in", source="self", status_on=received
            )
            opened = j < spec.open_cases
            day = ON - timedelta(days=spec.last_days if j == 0 else spec.last_days + j)
            # a closed case's match is ended, except sometimes (stale data): it must not count anyway
            add_match(other, sid, day, "matched" if opened else "closed", active=opened or j % 2 == 1)
        if spec.declined:
            Match.create(
                referral=referral,
                supporter=sid,
                matched_on=ON - timedelta(days=1),
                score=0.0,
                explanation="[]",
                active=False,
                ended_on=ON,
                ended_reason="supporter_declined",
            )
    return int(referral.id)


def broken_rules(supporter: Supporter, referral: Referral) -> set[str]:
    """The hard rules a supporter breaks, computed from the raw data (not from any reason)."""
    physician, target = supporter.physician, referral.physician
    broken = set()
    if supporter.status != "active":
        broken.add("active")
    if supporter.unavailable_until is not None and supporter.unavailable_until >= ON:
        broken.add("available")
    if physician.id == target.id:
        broken.add("not_self")
    kinds = {c.kind for c in roster.conflicts_between(supporter, target)}
    if "evaluates" in kinds:
        broken.add("not_evaluator")
    if "declared" in kinds:
        broken.add("no_declared_conflict")
    if physician.career_stage == "early" and target.career_stage in ("mid", "late", "retired"):
        broken.add("career_stage")
    if lifecycle.active_case_count(supporter) >= supporter.max_active:
        broken.add("capacity")
    declined = Match.select().where(
        Match.referral == referral, Match.supporter == supporter, Match.ended_reason == "supporter_declined"
    )
    if declined.exists():
        broken.add("not_declined_before")
    return broken


RUNS = settings(max_examples=60, deadline=None)


@RUNS
@given(st.lists(supporters_st, min_size=1, max_size=15), referrals_st)
def test_the_ranking_keeps_every_hard_rule_and_its_order(
    shared_store: Store, specs: list[SupporterSpec], ref: ReferralSpec
) -> None:
    with scratch(shared_store):
        rid = build(specs, ref)
        referral = Referral.get_by_id(rid)
        ranked = matching.rank(rid, ON)
        assert len(ranked) == len(specs) == Supporter.select().count()
        for candidate in ranked:
            expected = broken_rules(Supporter.get_by_id(candidate.supporter_id), referral)
            named = {r.rule for r in candidate.reasons if r.hard and not r.passed}
            assert candidate.eligible == (not expected)
            for rule in sorted(expected) or ["none: eligible"]:
                event(f"broken: {rule}")
            assert named == expected  # ineligible ones name every rule they break, and only those
            assert tuple(r.rule for r in candidate.reasons) == matching.HARD_RULES + matching.SOFT_RULES
            assert all(r.points == 0 for r in candidate.reasons if r.hard)
            assert candidate.score == round(sum(r.points for r in candidate.reasons), 1)
        keys = [(not c.eligible, -c.score, c.supporter_id) for c in ranked]
        assert keys == sorted(keys)
        assert matching.rank(rid, ON) == ranked


@RUNS
@given(st.lists(supporters_st, min_size=1, max_size=8), referrals_st, st.integers(0, 7))
def test_confirm_accepts_exactly_the_eligible_candidates(
    shared_store: Store, specs: list[SupporterSpec], ref: ReferralSpec, pick: int
) -> None:
    with scratch(shared_store):
        rid = build(specs, ref)
        ranked = matching.rank(rid, ON)
        chosen = ranked[0] if pick < 4 else ranked[pick % len(ranked)]  # the top one half the time
        if not chosen.eligible:
            with pytest.raises(ValidationError) as error:
                matching.confirm_match(rid, chosen.supporter_id, on=ON, override_reason="any reason")
            assert error.value.field == "supporter"
            assert chosen.failing(hard=True)[0].detail in error.value.message  # in plain words
            assert lifecycle.get_referral(rid).status == "new"
            return
        if matching.override_needed(chosen, ranked):
            event("override needed")
            with pytest.raises(ValidationError) as error:
                matching.confirm_match(rid, chosen.supporter_id, on=ON)
            assert error.value.field == "override_reason"
            match = matching.confirm_match(rid, chosen.supporter_id, on=ON, override_reason="any reason")
            assert match.override_reason == "any reason"
        else:
            event("no override needed")
            match = matching.confirm_match(rid, chosen.supporter_id, on=ON)
            assert match.override_reason == ""
        assert match.supporter_id == chosen.supporter_id and match.score == chosen.score
        assert lifecycle.get_referral(rid).status == "matched"
