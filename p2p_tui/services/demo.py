"""Demo data: fifteen months of a synthetic program (roster, referrals, their history), for `p2p-tui demo`.

Every person is invented (Faker, seeded; emails at example.org, phones in the 555-01xx range kept for
fiction). The history respects the program's rules: matches never break a hard rule (active and
available, not conflicted, not the physician themself, no early-career supporter for a mid, late or
retired physician, capacity), prefer another county and an interventional supporter for an acute
interventional event, and no contact happens before a needed consent. The same `seed` and `on` give
the same vault, row for row.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from p2p_tui.services import common, demo_peers
from p2p_tui.services.cases import intake, lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import settings
from p2p_tui.store.models import (
    MODELS,
    Attendance,
    Escalation,
    Match,
    Referral,
    Snooze,
    Supporter,
    Survey,
    TrainingEvent,
)
from p2p_tui.store.vocab import CAREER_STAGES, CONTACT_MODES, STRESSORS, SURVEY_DURATIONS

# (specialty, whether it usually involves interventional work)
SPECIALTIES = (
    ("Family Medicine", False), ("Emergency Medicine", True), ("Anesthesiology", True),
    ("General Surgery", True), ("Obstetrics and Gynecology", True), ("Internal Medicine", False),
    ("Psychiatry", False), ("Pediatrics", False), ("Radiology", True), ("Orthopedic Surgery", True),
)  # fmt: skip
SUPPORTER_STATUSES = (
    ["active"] * 28 + ["nominated"] * 4 + ["in_training"] * 3 + ["paused"] * 3 + ["retired"] * 2
)
SUPPORTER_STAGES = ("early",) * 6 + ("mid",) * 14 + ("late",) * 12 + ("retired",) * 8
REFERRALS = 150
TRAINING_TITLES = (
    "Psychological first aid",
    "Listening after an adverse event",
    "Recognising risk and escalating safely",
    "Boundaries and self-care for supporters",
    "Supporting colleagues through complaints",
)
# each pathway's sources are of its own (vocab.PATHWAY_SOURCES): a reach-out never comes from a college
REACH_IN_SOURCES = ("self",) * 7 + ("php", "mspei", "cmpa", "cpspei", "colleague", "other")
REACH_OUT_SOURCES = ("colleague",) * 3 + ("leadership",) * 2 + ("media",) * 2 + ("other",) * 2
HARD_REASONS: list[dict[str, object]] = [
    {"rule": rule, "passed": True, "detail": "kept", "points": 0.0, "hard": True}
    for rule in ("active", "available", "not_self", "not_evaluator", "no_declared_conflict", "career_stage",
                 "capacity", "not_declined_before")
]  # fmt: skip


def add_workdays(day: date, n: int) -> date:
    """`n` working days (Monday to Friday) after `day`, or before it if `n` is negative."""
    step = 1 if n >= 0 else -1
    while n:
        day += timedelta(days=step)
        if day.weekday() < 5:
            n -= step
    return day


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s."""
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


@dataclass
class _Sup:
    """A supporter as the generator tracks them: attributes, when they could take cases, their load."""

    id: int
    physician_id: int
    person: PhysicianInput
    max_active: int
    active_from: date | None = None  # trained
    active_until: date | None = None  # paused or retired
    available_now: bool = True
    in_training_from: date | None = None
    conflicts: set[str] = field(default_factory=set)
    busy: list[tuple[date, date | None]] = field(default_factory=list)

    def load_on(self, day: date) -> int:
        """Open cases on `day`."""
        return sum(1 for start, end in self.busy if start <= day and (end is None or end > day))


@dataclass
class _Plan:
    """One case's story; steps after `on` are cut off, so recent cases stay open."""

    received: date
    pathway: str = ""
    source: str = ""
    acute: bool | None = None
    consent: str = ""  # the consent a reach-out ends with: given | pending | refused
    consent_on: date | None = None  # None: given at receipt
    match_on: date | None = None
    reassign: bool = False
    contact_on: date | None = None
    follow_on: date | None = None
    survey_on: date | None = None
    end: str | None = None
    end_on: date | None = None
    escalate_on: date | None = None
    php: bool = False
    snooze: bool = False

    def cut(self, on: date) -> None:
        """Drop every step after the first one that would happen after `on`."""
        steps = ("consent_on", "match_on", "contact_on", "follow_on", "survey_on", "end_on")
        if self.consent_on is not None and self.consent_on > on:
            self.consent = "pending"
        late = False
        for name in steps:
            value = getattr(self, name)
            late = late or (value is not None and value > on)
            if late:
                setattr(self, name, None)
        if self.end_on is None:
            self.end = None
        if self.escalate_on is not None and (self.contact_on is None or self.escalate_on > on):
            self.escalate_on = None


class _Demo:
    """The generator: one seeded random stream (and Faker) drives every choice, in a fixed order."""

    def __init__(self, on: date, seed: int) -> None:
        self.on = on
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.fake = Faker("en_CA")
        self.fake.seed_instance(seed)
        start = Quarter.of(on).start
        self.start = start.replace(year=start.year - 1)  # a year before the quarter of `on` began
        self.counties: list[str] = list(settings.get("counties"))
        self.rate = float(settings.get("honorarium_rate"))
        self.used_names: set[str] = set()
        self.supporters: list[_Sup] = []
        self.orientations = [d for d in self._quarterly(20) if d <= on]

    # -- people -----------------------------------------------------------------------------------

    def name(self) -> str:
        """A new, unique synthetic name."""
        while True:
            candidate = f"{self.fake.first_name()} {self.fake.last_name()}"
            if common.name_key(candidate) not in self.used_names:
                self.used_names.add(common.name_key(candidate))
                return candidate

    def person(self, stage: str | None = None) -> PhysicianInput:
        """A synthetic physician."""
        name = self.name()
        specialty, interventional = self.rng.choice(SPECIALTIES)
        local = re.sub(r"[^a-z.]", "", name.lower().replace(" ", "."))
        weights = [{"Queens": 5, "Prince": 3, "Kings": 2}.get(c, 2) for c in self.counties]
        return PhysicianInput(
            name=name,
            career_stage=stage or self.rng.choice(("early", "mid", "mid", "late", "late", "retired")),
            county=self.rng.choices(self.counties, weights)[0],
            email=f"{local}@example.org",
            phone=f"902-555-{self.rng.randrange(100, 200):04d}",
            specialty=specialty,
            interventional=interventional and self.rng.random() < 0.85,
            preferred_contact=self.rng.choice(("email", "email", "phone", "text")),
        )

    def _quarterly(self, offset: int) -> list[date]:
        """A working day `offset` days into each of the five quarters."""
        starts = [add_months(self.start, 3 * i) for i in range(5)]
        return [add_workdays(s + timedelta(days=offset - 1), 1) for s in starts]

    def add_supporters(self) -> None:
        """About 40 supporters in every status, nominated by colleagues, some trained in the window."""
        stages = list(SUPPORTER_STAGES)
        self.rng.shuffle(stages)
        trained_in_window = {3, 9, 15, 21}
        for i, status in enumerate(SUPPORTER_STATUSES):
            p = self.person(stages[i] if status != "nominated" else None)
            if status in ("nominated", "in_training"):
                nominated = self.on - timedelta(self.rng.randint(10, 60 if status == "nominated" else 150))
            elif i in trained_in_window and self.orientations:
                nominated = self.orientations[i % len(self.orientations)] - timedelta(days=60)
            else:
                nominated = self.start - timedelta(days=self.rng.randint(200, 1500))
            row = roster.add_supporter(
                SupporterInput(p, "nominated", self.rng.choice((1, 2, 2, 3)), self.name(), nominated),
                nominated,
            )
            for _ in range(self.rng.choice((0, 0, 1, 2))):
                roster.nominate(row.id, self.name(), nominated + timedelta(days=self.rng.randint(1, 30)))
            sup = _Sup(row.id, row.physician.id, p, row.max_active)
            self.supporters.append(sup)
            if status == "nominated":
                continue
            sup.in_training_from = nominated + timedelta(days=14)
            roster.set_status(row.id, "in_training", sup.in_training_from)
            if status == "in_training":
                continue
            trained = nominated + timedelta(days=60)
            if i in trained_in_window and self.orientations:
                trained = self.orientations[i % len(self.orientations)]
            sup.active_from = trained
            roster.set_status(row.id, "active", trained)
            if status in ("paused", "retired"):
                sup.active_until = self.start + timedelta(days=self.rng.randint(60, 300))
                roster.set_status(row.id, status, sup.active_until)
        for sup in self.rng.sample([s for s in self.supporters if s.active_from and not s.active_until], 2):
            sup.available_now = False
            roster.pause_until(sup.id, self.on + timedelta(days=self.rng.randint(5, 30)), self.on)

    def add_conflicts(self, pool: list[PhysicianInput]) -> None:
        """`evaluates` and declared conflicts with physicians who will be referred (matched by name)."""
        for sup in self.rng.sample(self.supporters, 12):
            kind = "evaluates" if self.rng.random() < 0.7 else "declared"
            for other in self.rng.sample(pool, self.rng.choice((1, 1, 2))):
                roster.add_conflict(sup.id, other.name, kind, self.start)
                sup.conflicts.add(common.name_key(other.name))

    # -- training -----------------------------------------------------------------------------------

    def add_training(self) -> None:
        """Orientation, training and monthly Community of Practice sessions, with attendance."""
        events = [("orientation", d, 3.0, "Orientation to peer support") for d in self.orientations]
        events += [("training", d, 6.0, self.rng.choice(TRAINING_TITLES)) for d in self._quarterly(45)]
        monthly = [d for offset in (10, 40, 70) for d in self._quarterly(offset)]
        events += [("community_of_practice", d, 1.5, "Community of Practice") for d in monthly]
        for kind, day, hours, title in sorted(events, key=lambda e: (e[1], e[0])):
            if day > self.on:
                continue
            event = TrainingEvent.create(kind=kind, held_on=day, hours=hours, rate=self.rate, title=title)
            for sup in self.supporters:
                if kind == "orientation":
                    was_trainee = sup.in_training_from is not None and sup.in_training_from <= day
                    attends = sup.active_from == day or (was_trainee and sup.active_from is None)
                else:
                    active = sup.active_from is not None and sup.active_from <= day
                    active = active and (sup.active_until is None or sup.active_until > day)
                    chance = 0.55 if kind == "community_of_practice" else 0.35
                    attends = active and self.rng.random() < chance
                if attends:
                    given = hours - 0.5 if self.rng.random() < 0.1 else hours
                    Attendance.create(event=event, supporter=sup.id, hours=given)

    # -- cases ------------------------------------------------------------------------------------

    def random_plan(self, received: date) -> _Plan:
        """A typical story, with its share of declines, unreachables, reassignments and escalations."""
        rng = self.rng
        plan = _Plan(received)
        plan.pathway = "reach_in" if rng.random() < 0.55 else "reach_out"
        plan.source = rng.choice(REACH_IN_SOURCES if plan.pathway == "reach_in" else REACH_OUT_SOURCES)
        ready = received
        if intake.consent_needed(plan.pathway, plan.source):
            roll = rng.random()
            plan.consent = "given"
            if roll < 0.1:
                plan.consent, plan.consent_on = "refused", add_workdays(received, 1)
                plan.end, plan.end_on = "declined", plan.consent_on
                return plan
            if roll < 0.45:
                plan.consent_on = ready = add_workdays(received, rng.randint(1, 3))
        if rng.random() < 0.05:
            plan.end, plan.end_on = "declined", add_workdays(received, 1)
            return plan
        plan.match_on = add_workdays(received, rng.choice((0, 0, 1, 1, 1, 2, 3)))
        plan.reassign = rng.random() < 0.05
        ready = max(ready, plan.match_on)
        roll = rng.random()
        if roll < 0.08:
            plan.end, plan.end_on = "unreachable", add_workdays(plan.match_on, rng.randint(4, 8))
            return plan
        plan.contact_on = add_workdays(ready, rng.choice((0, 1, 1, 2, 2, 3, 4)))
        if rng.random() < 0.03:
            plan.escalate_on, plan.php = plan.contact_on, True
        if roll < 0.12:
            plan.end, plan.end_on = "declined", plan.contact_on + timedelta(days=1)
            return plan
        if roll < 0.22:
            plan.end, plan.end_on = "closed", plan.contact_on + timedelta(days=rng.randint(3, 10))
            return plan
        plan.follow_on = plan.contact_on + timedelta(days=7 + rng.choice((0, 0, 1, 2, 3)))
        plan.survey_on = plan.follow_on + timedelta(days=rng.randint(1, 16)) if rng.random() < 0.97 else None
        plan.end = "closed"
        plan.end_on = (plan.survey_on or plan.follow_on) + timedelta(days=rng.randint(1, 10))
        plan.php = plan.php or rng.random() < 0.06
        return plan

    def recent_plans(self) -> list[_Plan]:
        """Recent cases in every state the queue has to show (the random history may miss some)."""
        on = self.on

        def back(n: int) -> date:
            return add_workdays(on, -n)

        # fmt: off
        return [
            _Plan(back(12), match_on=back(11), end="unreachable", end_on=back(2)),
            _Plan(back(9), end="declined", end_on=back(8)),
            _Plan(back(32), match_on=back(31), contact_on=back(30), follow_on=back(25), survey_on=back(22),
                  end="closed", end_on=back(18)),
            _Plan(back(22), match_on=back(22), contact_on=back(20), follow_on=back(9)),  # survey due
            _Plan(back(8), match_on=back(7), contact_on=back(6), snooze=True),  # check-in snoozed
            _Plan(back(5), pathway="reach_in", source="cmpa", acute=True, match_on=back(5),
                  contact_on=back(3), escalate_on=back(1)),  # safety: not yet acknowledged
            _Plan(back(4), match_on=back(3)),  # no first contact yet
            _Plan(back(3)),  # unmatched, overdue
            _Plan(back(2), pathway="reach_out", source="leadership", consent="pending"),
            _Plan(on),
        ]
        # fmt: on

    def run_case(self, plan: _Plan, person: PhysicianInput) -> None:
        """Record one case through the services, as the coordinator would have, step by step."""
        rng = self.rng
        plan.pathway = plan.pathway or "reach_in"
        plan.source = plan.source or ("self" if plan.pathway == "reach_in" else "media")
        plan.cut(self.on)
        picked = rng.sample(STRESSORS, rng.choice((1, 1, 2, 2, 3)))
        stressors = tuple(s for s in STRESSORS if s in picked)
        acute = plan.acute
        if acute is None:
            acute = bool(person.interventional) and "adverse_event" in stressors and rng.random() < 0.5
        elif acute and "adverse_event" not in stressors:
            stressors = ("adverse_event", *stressors)
        needed = intake.consent_needed(plan.pathway, plan.source)
        at_receipt = "given" if plan.consent == "given" and plan.consent_on is None else "pending"
        data = ReferralInput(
            person, plan.received, plan.pathway, plan.source, stressors, acute, at_receipt if needed else ""
        )
        ref = intake.create_referral(data, on=plan.received)
        if needed and plan.consent_on is not None:
            ref = lifecycle.set_consent(ref.id, plan.consent, plan.consent_on, today=self.on)
        if plan.match_on is not None:
            sup = self.match(ref, person, plan.match_on, plan.end_on, acute)
            if sup is None:
                return  # nobody eligible that day: the case waits, unmatched
            if plan.reassign:
                Match.update(active=False, ended_on=plan.match_on, ended_reason="supporter_declined").where(
                    lifecycle.is_active_match_of(ref.id)
                ).execute()
                sup.busy[-1] = (plan.match_on, plan.match_on)
                lifecycle.transition(ref, "new", plan.match_on)
                if self.match(ref, person, plan.match_on, plan.end_on, acute, avoid=sup) is None:
                    return
        for kind, day in (("initial", plan.contact_on), ("follow_up", plan.follow_on)):
            if day is not None:
                lifecycle.record_contact(ref.id, kind, rng.choice(CONTACT_MODES), day, today=self.on)
        if plan.escalate_on is not None:
            acknowledged = plan.escalate_on + timedelta(days=1)
            Escalation.create(
                referral=ref.id,
                escalated_on=plan.escalate_on,
                escalated_at=f"{rng.randint(8, 17):02d}:{rng.randrange(60):02d}",
                escalated_to="php" if plan.php else rng.choice(("php", "crisis_line_988", "other")),
                acknowledged_on=acknowledged if acknowledged < self.on - timedelta(days=3) else None,
            )
        if plan.survey_on is not None:
            distress = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))
            Survey.create(
                referral=ref.id,
                submitted_on=plan.survey_on,
                conversation_happened=True,
                duration=rng.choice(SURVEY_DURATIONS),
                peer_helpfulness=rng.choice((3, 4, 4, 5, 5)),
                resources_offered=rng.random() < 0.5,
                supporter_distress=distress,
                wants_debrief=distress >= 4 or rng.random() < 0.05,
            )
        if plan.end is not None and plan.end_on is not None and plan.consent != "refused":
            lifecycle.end_case(ref.id, plan.end, plan.end_on)  # a refusal already declined the case
        if plan.php:
            lifecycle.set_php_referred(ref.id, True)
        if plan.snooze:
            Snooze.create(
                referral=ref.id,
                item="check_in",
                until=self.on + timedelta(days=2),
                reason="scheduled",
                created_on=self.on,
            )

    def match(
        self,
        ref: Referral,
        person: PhysicianInput,
        day: date,
        end: date | None,
        acute: bool,
        avoid: _Sup | None = None,
    ) -> _Sup | None:
        """Match to the best eligible supporter that day (hard rules kept, soft rules scored)."""
        key = common.name_key(person.name)
        stage = CAREER_STAGES.index(person.career_stage)
        best: tuple[float, _Sup, list[dict[str, object]]] | None = None
        candidates = list(self.supporters)
        self.rng.shuffle(candidates)
        for sup in candidates:
            if sup is avoid or sup.physician_id == ref.physician.id or key in sup.conflicts:
                continue
            if sup.active_from is None or sup.active_from > day:
                continue
            if sup.active_until is not None and (end is None or sup.active_until <= day):
                continue
            if end is None and not sup.available_now:
                continue
            theirs = sup.person
            if person.career_stage != "early" and theirs.career_stage == "early":
                continue
            load = sup.load_on(day)
            if load >= sup.max_active:
                continue
            if end is None and sum(1 for _, e in sup.busy if e is None) >= sup.max_active:
                continue
            apart = abs(CAREER_STAGES.index(theirs.career_stage) - stage)
            rested = min((day - max((s for s, _ in sup.busy), default=day - timedelta(30))).days / 30, 1.0)
            soft = [  # the shape and scale of `matching.Reason` (soft rules; every hard rule passed)
                ("other_county", theirs.county != person.county, 30.0),
                ("interventional", not acute or bool(theirs.interventional), 30.0 if acute else 0.0),
                ("career_stage_similar", apart <= 1, 10.0 if apart == 0 else 5.0),
                ("specialty", theirs.specialty == person.specialty, 10.0),
                ("load", True, round(10.0 * (1 - load / sup.max_active), 1)),
                ("rest", rested >= 1.0, round(10.0 * rested, 1)),
            ]
            score = sum(points for _, passed, points in soft if passed)
            if best is None or score > best[0]:
                reasons = [
                    {"rule": r, "passed": ok, "detail": "kept", "points": p if ok else 0.0, "hard": False}
                    for r, ok, p in soft
                ]
                best = (score, sup, HARD_REASONS + reasons)
        if best is None:
            return None
        score, sup, reasons = best
        Match.create(
            referral=ref.id, supporter=sup.id, matched_on=day, score=score, explanation=json.dumps(reasons)
        )
        lifecycle.transition(ref, "matched", day)
        sup.busy.append((day, end))
        return sup

    def add_cases(self) -> None:
        """About 150 referrals over the last five quarters, in order of receipt, recent ones staged."""
        recent = self.recent_plans()
        span = max((self.on - self.start).days - 2, 1)
        days = [self.start + timedelta(days=self.rng.randrange(span)) for _ in range(REFERRALS - len(recent))]
        plans = [self.random_plan(add_workdays(d, 1) if d.weekday() >= 5 else d) for d in days]
        plans = sorted(plans + recent, key=lambda p: p.received)
        pool = [self.person() for _ in range(REFERRALS)]
        self.add_conflicts(pool)
        seen: list[tuple[date, PhysicianInput]] = []
        self_referral = len(plans) // 2
        for i, plan in enumerate(plans):
            person = pool[i]
            earlier = [p for d, p in seen if (plan.received - d).days > 120]
            if i == self_referral:  # a supporter referred in turn (never matched with themself)
                person = next(s.person for s in self.supporters if s.active_from)
            elif earlier and self.rng.random() < 0.07:
                person = self.rng.choice(earlier)  # referred again, months later
            seen.append((plan.received, person))
            self.run_case(plan, person)


def populate(on: date, seed: int = 2026) -> dict[str, int]:
    """Fill an empty store with synthetic data up to `on` (call inside `store.atomic()`).

    Returns the number of rows in each of the program's tables.
    """
    if Supporter.select().exists() or Referral.select().exists():
        raise ValueError("demo data goes into an empty vault only")
    demo = _Demo(on, seed)
    demo.add_supporters()
    demo.add_training()
    demo.add_cases()
    demo_peers.add(on, demo.counties)  # peers13: check-ins, debriefs, informal encounters
    return {
        model._meta.table_name: int(model.select().count())
        for model in MODELS
        if model._meta.table_name not in ("meta", "setting")
    }
