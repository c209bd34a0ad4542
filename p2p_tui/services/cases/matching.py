"""Matching (ARCHITECTURE.md §5): rank the whole roster for one referral, confirm a match, hand a case back.

Every supporter on the roster is a candidate, each with the verdict of every rule:

- hard rules (a candidate that breaks one is kept, with the rule, and can never be chosen): `active`,
  `available`, `not_self`, `not_evaluator`, `no_declared_conflict`, `career_stage`, `capacity`,
  `not_declined_before`; `not_self` also fails for a supporter who may be the physician under another
  record (same name, email or phone: services/cases/same_person.py) until the coordinator clears it;
- soft rules, scored, each term shown: `other_county` and `interventional` (the program's own, 30 points
  each), `career_stage_similar`, `specialty`, `load` and `rest` (10 each).

A soft rule fails (`passed` False) when its preference is not met: the same county of work, a
supporter who is not interventional for an acute interventional event, career stages two or more apart,
a different (or unrecorded) specialty, no room left, a case started today. Choosing a candidate that
fails one, or one scored below the top eligible candidate, is an override: it needs a short reason.

A reason's detail names the rule's finding in words and counts ("same county of work", "3 of 4 cases
open"), never an identifying value: the candidate's name is in `Candidate.name` only.

Ranking one referral over 1,000 supporters must take at most 10 ms (ARCHITECTURE.md §7), so `rank` runs a
fixed handful of queries (the roster, open-case counts, last-case dates, conflicts, earlier declines)
whatever the roster's size, and shares the `Reason` objects that are identical between candidates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from p2p_tui.services import clock, common
from p2p_tui.services.cases import lifecycle, same_person
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import query
from p2p_tui.store.models import Match, Referral
from p2p_tui.store.vocab import CAREER_STAGES, LOGISTICS_NOTE_MAX

HARD_RULES = (
    "active",
    "available",
    "not_self",
    "not_evaluator",
    "no_declared_conflict",
    "career_stage",
    "capacity",
    "not_declined_before",
)
SOFT_RULES = ("other_county", "interventional", "career_stage_similar", "specialty", "load", "rest")
PROGRAM_POINTS = 30.0  # other_county and interventional: the program's own two rules weigh most
SIMILAR_POINTS = 10.0  # career_stage_similar (5 for an adjacent stage), specialty, load and rest at most
REST_DAYS = 30  # days after the start of a case for a full rest score
OVERRIDE_MIN = 5
OVERRIDE_MAX = LOGISTICS_NOTE_MAX
DECLINED = "supporter_declined"
# Physicians of these stages never get an early-career supporter.
NOT_EARLY = {"mid": "mid-career", "late": "late-career", "retired": "retired"}
STAGE_INDEX = {stage: i for i, stage in enumerate(CAREER_STAGES)}


@dataclass(frozen=True)
class Reason:
    """One rule's verdict on one candidate: `points` count toward the score (hard rules score 0)."""

    rule: str
    passed: bool
    detail: str
    points: float
    hard: bool

    @property
    def finding(self) -> str:
        """The detail, short, as a column of eligibility says it: "paused", "at capacity (2 of 2 cases
        open)", "may be the physician themself" (the rule's name in words: `labels.label("rule", ...)`)."""
        if not self.passed and self.rule in SHORT_FINDINGS:
            return SHORT_FINDINGS[self.rule]
        return self.detail.removeprefix("status is ").split(":")[0]


# A failed hard rule whose detail is long, said short (the detail stays in the explanation).
SHORT_FINDINGS = {
    "career_stage": "early-career supporter",
    "not_evaluator": "their evaluator",
    "no_declared_conflict": "declared a conflict",
    "not_declined_before": "declined this case",
}


@dataclass(frozen=True)
class Candidate:
    """A supporter ranked for a referral: eligible unless a hard rule fails; score = soft points."""

    supporter_id: int
    name: str
    eligible: bool
    score: float
    reasons: tuple[Reason, ...]

    def to_json(self) -> dict[str, Any]:
        """The `match --json` shape (ARCHITECTURE.md §6)."""
        return {
            "supporter": {"id": self.supporter_id, "name": self.name},
            "eligible": self.eligible,
            "score": self.score,
            "reasons": [asdict(r) for r in self.reasons],
        }

    def failing(self, *, hard: bool) -> tuple[Reason, ...]:
        """The hard (or soft) rules this candidate fails."""
        return tuple(r for r in self.reasons if r.hard == hard and not r.passed)

    @property
    def may_be_self(self) -> bool:
        """Whether `not_self` fails only for want of the coordinator's word that they are two people."""
        return MAYBE_SELF in self.reasons


def _hard(rule: str, passed: bool, detail: str) -> Reason:
    return Reason(rule, passed, detail, 0.0, True)


def _soft(rule: str, passed: bool, detail: str, points: float) -> Reason:
    return Reason(rule, passed, detail, points, False)


# Verdicts that read the same for every candidate: built once, shared (they are immutable).
ACTIVE = _hard("active", True, "active")
AVAILABLE = _hard("available", True, "available")
NOT_SELF = _hard("not_self", True, "another physician")
SELF = _hard("not_self", False, "is this physician")
# a supporter sharing the physician's name, email or phone (services/cases/same_person.py)
MAYBE_SELF = _hard("not_self", False, "may be the physician themself: confirm they are two people first")
NOT_EVALUATOR = _hard("not_evaluator", True, "does not evaluate this physician")
EVALUATOR = _hard("not_evaluator", False, "evaluates this physician")
NO_CONFLICT = _hard("no_declared_conflict", True, "no declared conflict")
CONFLICT = _hard("no_declared_conflict", False, "declared a conflict with this physician")
STAGE_ALLOWED = _hard("career_stage", True, "career stage allowed")
ROOM = _hard("capacity", True, "room for another case")
NOT_DECLINED = _hard("not_declined_before", True, "has not declined this case")
DECLINED_BEFORE = _hard("not_declined_before", False, "declined this case before")
OTHER_COUNTY = _soft("other_county", True, "different county of work", PROGRAM_POINTS)
SAME_COUNTY = _soft("other_county", False, "same county of work", 0.0)
NOT_NEEDED = _soft("interventional", True, "not needed", 0.0)
INTERVENTIONAL = _soft(
    "interventional", True, "interventional supporter for an acute interventional event", PROGRAM_POINTS
)
NOT_INTERVENTIONAL = _soft(
    "interventional", False, "not interventional, for an acute interventional event", 0.0
)
SAME_STAGE = _soft("career_stage_similar", True, "same career stage", SIMILAR_POINTS)
ADJACENT_STAGE = _soft("career_stage_similar", True, "adjacent career stage", SIMILAR_POINTS / 2)
FAR_STAGE = _soft("career_stage_similar", False, "career stages two or more apart", 0.0)
SAME_SPECIALTY = _soft("specialty", True, "same specialty", SIMILAR_POINTS)
OTHER_SPECIALTY = _soft("specialty", False, "different specialty", 0.0)
NO_SPECIALTY = _soft("specialty", True, "not recorded for this physician", 0.0)
SUPPORTER_NO_SPECIALTY = _soft("specialty", False, "supporter's specialty not recorded", 0.0)
NEVER_MATCHED = _soft("rest", True, "no case yet", SIMILAR_POINTS)
NO_CASES = _soft("load", False, "takes no cases (capacity 0)", 0.0)
ALL_PASSED = (ACTIVE, AVAILABLE, NOT_SELF, NOT_EVALUATOR, NO_CONFLICT, STAGE_ALLOWED, ROOM, NOT_DECLINED)


@dataclass(frozen=True)
class _Context:
    """What every candidate is judged against: the referral's physician and the roster's state."""

    on: date
    physician_id: int
    stage: str
    county: str
    specialty: str
    acute: bool
    open_counts: dict[int, int]
    last_case: dict[int, date]
    conflicts: dict[int, set[str]]
    declined: set[int]
    maybe_self: frozenset[int]


# supporter id, status, max_active, unavailable_until, physician id, name, stage, county, specialty,
# interventional: as SQLite returns them (dates as text, flags as 0/1)
_Row = tuple[int, str, int, date | str | None, int, str, str, str, str, int]


# The ranking's queries, written out: they run on every keystroke of the match screen, and peewee takes
# longer to compile them than SQLite to run them. One each, whatever the roster's size.
REFERRAL_SQL = """
SELECT r.acute_interventional, p.id, p.name_key, p.career_stage, p.county, p.specialty
FROM referral r JOIN physician p ON p.id = r.physician_id WHERE r.id = ?"""
ROSTER_SQL = """
SELECT s.id, s.status, s.max_active, s.unavailable_until,
       p.id, p.name, p.career_stage, p.county, p.specialty, p.interventional
FROM supporter s JOIN physician p ON p.id = s.physician_id ORDER BY s.id"""
# rest runs from the start of the last case taken on (a declined one was not taken on)
LAST_CASE_SQL = """
SELECT supporter_id, MAX(matched_on) FROM "match"
WHERE ended_reason IS NULL OR ended_reason != ? GROUP BY supporter_id"""
# the predicate of roster.conflicts_between for every supporter at once: by the physician's id, or by
# the name key (conflicts named before the physician was on file)
CONFLICTS_SQL = "SELECT supporter_id, kind FROM conflict WHERE physician_id = ? OR name_key = ?"
DECLINED_SQL = 'SELECT supporter_id FROM "match" WHERE referral_id = ? AND ended_reason = ?'


def _day(value: date | str) -> date:
    """A date as SQLite returns it (ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value[:10])


def _context(referral_id: int, on: date) -> _Context:
    """The referral's facts and the roster-wide state (raises ValidationError for an unknown id)."""
    found = query.rows(REFERRAL_SQL, referral_id)
    if not found:
        raise ValidationError("referral", f"there is no referral {referral_id}")
    acute, physician_id, key, stage, county, specialty = found[0]
    conflicts: dict[int, set[str]] = {}
    for supporter_id, kind in query.rows(CONFLICTS_SQL, physician_id, key):
        conflicts.setdefault(supporter_id, set()).add(kind)
    return _Context(
        on=on,
        physician_id=physician_id,
        stage=stage,
        county=county,
        specialty=common.name_key(specialty),
        acute=bool(acute),
        open_counts=lifecycle.open_case_counts(),
        last_case={s: _day(d) for s, d in query.rows(LAST_CASE_SQL, DECLINED)},
        conflicts=conflicts,
        declined={s for (s,) in query.rows(DECLINED_SQL, referral_id, DECLINED)},
        maybe_self=same_person.pending(referral_id, physician_id),
    )


def _roster() -> list[_Row]:
    """Every supporter with the physician fields the rules read."""
    return query.rows(ROSTER_SQL)


class _Judge:
    """Judges candidates against one context, sharing the verdicts whose details repeat.

    Verdicts are immutable, so candidates share them: this keeps ranking 1,000 supporters in a few
    milliseconds (building 14,000 frozen dataclasses would take about as long as the whole budget).
    """

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.shared: dict[tuple[str | int, ...], Reason] = {}
        label = NOT_EARLY.get(ctx.stage)
        self.early = (
            STAGE_ALLOWED
            if label is None
            else _hard("career_stage", False, f"early-career supporter for a {label} physician")
        )
        self.interventional = (NOT_INTERVENTIONAL, INTERVENTIONAL) if ctx.acute else (NOT_NEEDED, NOT_NEEDED)
        self.similar = {stage: self._similar_stage(stage) for stage in CAREER_STAGES}
        self.specialties: dict[str, Reason] = {}
        self.loads: dict[tuple[int, int], Reason] = {}
        self.rests = {sid: self._rest(max((ctx.on - last).days, 0)) for sid, last in ctx.last_case.items()}

    def _cached(self, key: tuple[str | int, ...], make: Callable[[], Reason]) -> Reason:
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = make()
        return found

    def candidates(self, rows: list[_Row]) -> list[Candidate]:
        """Every rule's verdict on each supporter, in the rows' order (a hot loop: names bound locally)."""
        ctx = self.ctx
        on, county_, physician_id_, declined = ctx.on, ctx.county, ctx.physician_id, ctx.declined
        open_counts, conflicts, early, maybe_self = ctx.open_counts, ctx.conflicts, self.early, ctx.maybe_self
        interventional_ = self.interventional
        similar_, specialties, loads, rests = self.similar, self.specialties, self.loads, self.rests
        found = []
        for (
            sid,
            status,
            max_active,
            away,
            physician_id,
            name,
            stage,
            county,
            specialty,
            interventional,
        ) in rows:
            n_open = open_counts.get(sid, 0)
            kinds = conflicts.get(sid, ())
            hard = (
                ACTIVE if status == "active" else self._inactive(status),
                AVAILABLE if away is None or _day(away) < on else self._away(_day(away)),
                SELF if physician_id == physician_id_ else MAYBE_SELF if sid in maybe_self else NOT_SELF,
                EVALUATOR if "evaluates" in kinds else NOT_EVALUATOR,
                CONFLICT if "declared" in kinds else NO_CONFLICT,
                early if stage == "early" else STAGE_ALLOWED,
                ROOM if n_open < max_active else self._full(n_open, max_active),
                DECLINED_BEFORE if sid in declined else NOT_DECLINED,
            )
            # a passing hard verdict is always the shared constant, and tuples compare by identity first
            eligible = hard == ALL_PASSED or all(r.passed for r in hard)
            other_county = SAME_COUNTY if county == county_ else OTHER_COUNTY
            intervention = interventional_[1 if interventional else 0]
            similar = similar_.get(stage) or self._similar_stage(stage)
            same_specialty = specialties.get(specialty) or self._specialty(specialty)
            load = loads.get((n_open, max_active)) or self._load(n_open, max_active)
            rest = rests.get(sid, NEVER_MATCHED)
            score = round(
                other_county.points
                + intervention.points
                + similar.points
                + same_specialty.points
                + load.points
                + rest.points,
                1,
            )
            reasons = (*hard, other_county, intervention, similar, same_specialty, load, rest)
            found.append(Candidate(sid, name, eligible, score, reasons))
        return found

    def _inactive(self, status: str) -> Reason:
        return self._cached(
            ("active", status), lambda: _hard("active", False, f"status is {status.replace('_', ' ')}")
        )

    def _away(self, until: date) -> Reason:
        return self._cached(
            ("available", until.isoformat()),
            lambda: _hard("available", False, f"unavailable until {until.isoformat()}"),
        )

    def _full(self, n_open: int, max_active: int) -> Reason:
        return self._cached(
            ("capacity", n_open, max_active),
            lambda: _hard("capacity", False, f"at capacity ({n_open} of {max_active} cases open)"),
        )

    def _similar_stage(self, stage: str) -> Reason:
        apart = abs(STAGE_INDEX.get(stage, 99) - STAGE_INDEX.get(self.ctx.stage, -99))
        return SAME_STAGE if apart == 0 else ADJACENT_STAGE if apart == 1 else FAR_STAGE

    def _specialty(self, specialty: str) -> Reason:
        if not self.ctx.specialty:
            found = NO_SPECIALTY
        elif not specialty.strip():
            found = SUPPORTER_NO_SPECIALTY
        else:
            found = SAME_SPECIALTY if common.name_key(specialty) == self.ctx.specialty else OTHER_SPECIALTY
        self.specialties[specialty] = found
        return found

    def _load(self, n_open: int, max_active: int) -> Reason:
        if max_active <= 0:
            found = NO_CASES
        else:
            points = round(SIMILAR_POINTS * (1 - n_open / max_active), 1)
            found = _soft("load", n_open < max_active, f"{n_open} of {max_active} cases open", points)
        self.loads[n_open, max_active] = found
        return found

    def _rest(self, days: int) -> Reason:
        def make() -> Reason:
            points = round(min(days / REST_DAYS, 1.0) * SIMILAR_POINTS, 1)
            if days == 0:
                return _soft("rest", False, "a case started today", points)
            plural = "day" if days == 1 else "days"
            return _soft("rest", True, f"{days} {plural} since last case", points)

        return self._cached(("rest", days), make)


def rank(referral_id: int, on: date | None = None) -> list[Candidate]:
    """Every supporter on the roster as a candidate for this referral, every rule evaluated.

    Args:
        referral_id: the case to match.
        on: the day of the ranking (availability and rest are judged on it); default today.

    Returns:
        Eligible candidates first, then by score descending, then by supporter id: deterministic.

    Raises:
        ValidationError: on field "referral" if there is no such referral.
    """
    on = on or clock.today()
    ranked = _Judge(_context(referral_id, on)).candidates(_roster())  # in supporter id order
    # two stable sorts: by score descending (ties keep the id order), then eligible first
    ranked.sort(key=attrgetter("score"), reverse=True)
    ranked.sort(key=attrgetter("eligible"), reverse=True)
    return ranked


# The program's own two soft rules (ARCHITECTURE.md §5): going against either is an override.
PROGRAM_RULES = ("other_county", "interventional")


def override_needed(candidate: Candidate, ranked: list[Candidate]) -> tuple[str, ...]:
    """Why choosing `candidate` overrides the rules: a program rule it fails, or not being the top.

    The other soft terms (stage, specialty, load, rest) only score: a differing specialty is the
    usual case, and asking a reason for it would make every confirm an override. Candidates tied with
    the top eligible score count as the top. An empty answer means no override reason is needed.
    """
    why = [r.detail for r in candidate.failing(hard=False) if r.rule in PROGRAM_RULES]  # in plain words
    top = next((c for c in ranked if c.eligible), None)
    if top is not None and candidate.score < top.score:
        why.append(f"not the top eligible candidate (score {candidate.score:g} < {top.score:g})")
    return tuple(why)


def clean_override_reason(value: str) -> str:
    """An override reason: a short logistics-style line (5 to 140 characters), never case details."""
    cleaned = common.text("override_reason", value, required=False, max_length=OVERRIDE_MAX)
    if len(cleaned) < OVERRIDE_MIN:
        raise ValidationError(
            "override_reason",
            f"an override of a soft rule needs a reason of {OVERRIDE_MIN} to {OVERRIDE_MAX} characters "
            "(logistics only, e.g. 'only supporter free this week')",
        )
    return cleaned


def confirm_match(
    referral_id: int, supporter_id: int, on: date | None = None, override_reason: str = ""
) -> Match:
    """Match a new case to a supporter by the rules as they stand now (call inside `store.atomic()`).

    Raises:
        ValidationError: "consent" while the physician's consent is pending or was refused;
            "status" if the case is not new; "date" if `on` is before its receipt;
            "supporter" if there is no such supporter or it breaks a hard rule (the rule is named);
            "override_reason" if the choice overrides a soft rule (or is not the top eligible
            candidate) without a reason of 5 to 140 characters.
    """
    on = on or clock.today()
    referral = lifecycle.get_referral(referral_id)
    lifecycle.require_consent(referral, "match")
    if referral.status != "new":
        raise ValidationError("status", f"only a new case can be matched (this one is {referral.status})")
    if on < referral.received_on:
        raise ValidationError("date", "cannot be before the referral was received")
    ranked = rank(referral_id, on)
    chosen = next((c for c in ranked if c.supporter_id == supporter_id), None)
    if chosen is None:
        raise ValidationError("supporter", f"there is no supporter {supporter_id}")
    broken = chosen.failing(hard=True)
    if broken:
        findings = "; ".join(r.detail for r in broken)  # in plain words
        raise ValidationError("supporter", f"cannot be matched, by a hard rule: {findings}")
    why = override_needed(chosen, ranked)
    if why:
        reason = clean_override_reason(override_reason)
    else:
        reason = common.text("override_reason", override_reason, required=False, max_length=OVERRIDE_MAX)
    match: Match = Match.create(
        referral=referral,
        supporter=supporter_id,
        matched_on=on,
        score=chosen.score,
        explanation=json.dumps([asdict(r) for r in chosen.reasons]),
        override_reason=reason,
    )
    lifecycle.transition(referral, "matched", on)
    return match


def supporter_declined(referral_id: int, on: date | None = None) -> Referral:
    """The matched supporter declined: end the match as declined and put the case back to `new`.

    The supporter then fails `not_declined_before` for this case. A matched or contacted case can be
    handed back (a supporter may withdraw after the first conversation); call inside `store.atomic()`.
    """
    on = on or clock.today()
    referral = lifecycle.get_referral(referral_id)
    if referral.status not in ("matched", "contacted"):
        raise ValidationError(
            "status",
            f"only a matched or contacted case can be handed back by its supporter (this one is "
            f"{referral.status})",
        )
    match = lifecycle.active_match(referral)
    if match is None:
        raise ValidationError("referral", "this case has no active match")
    # End the match as declined first: the transition to new ends only still-active matches, as reassigned.
    Match.update(active=False, ended_on=on, ended_reason=DECLINED).where(Match.id == match.id).execute()
    lifecycle.transition(referral, "new", on)
    return referral
