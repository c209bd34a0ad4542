"""A case's timeline: every event in plain words (services/labels.py), with the supporter's name
kept apart so a screen can mask it (privacy mode), in the order things happened.

Events of one day are ordered as they happened: the status changes by id (the order they were
written), each event just before the status change it caused (a match before "new → matched", a
first contact before "matched → contacted", a hand-back before "→ new"), a match ended by the case's
end just after it, and the other events of the day (surveys, escalations, voids) before the day's
ending, or last. Voided records stay in the timeline, marked with the day and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import cast

from p2p_tui.services.errors import ValidationError
from p2p_tui.services.labels import label
from p2p_tui.store.models import (
    ConsentVoid,
    Contact,
    Escalation,
    Match,
    Physician,
    Referral,
    StatusChange,
    Supporter,
    Survey,
)
from p2p_tui.store.vocab import ENDED_STATUSES

REOPENED = "case_reopened"  # a refusal set aside when its case reopened (lifecycle.REOPENED)

SLOT = 10  # the room between two status changes of a day, for the events around them
LAST = 10**9


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of a case's history. `name` (a supporter's, or "") goes between `text` and
    `after`, so that a screen can mask it: `line(shown)`."""

    on: date
    kind: str
    text: str
    name: str = ""
    after: str = ""
    order: int = 0  # the place in its day (the timeline is sorted by (on, order))

    def line(self, shown: Callable[[str], str] = str) -> str:
        """The entry in words, the name passed through `shown` (a mask in privacy mode)."""
        return f"{self.text}{shown(self.name) if self.name else ''}{self.after}"


@dataclass
class _Day:
    """The status changes of one day, to place each other event beside the one it caused."""

    steps: list[StatusChange]
    claimed: set[int]

    def slot_of(self, wanted: Callable[[StatusChange], bool], offset: int) -> int | None:
        """The slot beside (offset) the first unclaimed status change that `wanted` accepts."""
        for i, step in enumerate(self.steps):
            if step.id not in self.claimed and wanted(step):
                self.claimed.add(step.id)
                return (i + 1) * SLOT + offset
        return None

    def before(self, to_status: str) -> int | None:
        """The slot just before the day's first step to `to_status` and the event it caused (a
        consent given before the match it allowed), without claiming it."""
        for i, step in enumerate(self.steps):
            if step.to_status == to_status:
                return (i + 1) * SLOT - 2
        return None

    def loose(self) -> int:
        """The slot of an event that caused no status change: before the day's ending, else last."""
        for i, step in enumerate(self.steps):
            if step.to_status in ENDED_STATUSES:
                return (i + 1) * SLOT - 5
        return LAST


def _voided(record: Contact | Survey) -> str:
    if record.voided_on is None:
        return ""
    return f" (voided {record.voided_on.isoformat()}: {label('void_reason', record.void_reason or '')})"


def _status_entries(steps: list[StatusChange], refused_on: set[date]) -> list[TimelineEntry]:
    """The status changes in words; a decline on the day of a refusal says it was for no consent."""
    entries = []
    for day_index, step in _numbered(steps):
        if not step.from_status:
            text = "referral received"
        else:
            text = f"status {label('case_status', step.from_status)} → {label('case_status', step.to_status)}"
            if step.to_status == "declined" and step.changed_on in refused_on:
                text += ": no consent"
        entries.append(TimelineEntry(step.changed_on, "status", text, order=day_index))
    return entries


def _answers(referral: Referral) -> list[tuple[str, date]]:
    """Every consent answer the case had (given or refused), with its date: those set aside
    (voided, or asked again at a reopen) and the current one."""
    found = [
        (v.consent, v.consent_on)
        for v in ConsentVoid.select().where(ConsentVoid.referral == referral).order_by(ConsentVoid.id)
        if v.consent_on is not None and v.consent in ("given", "refused")
    ]
    if referral.consent in ("given", "refused") and referral.consent_on is not None:
        found.append((referral.consent, referral.consent_on))
    return found


def _void_text(v: ConsentVoid) -> str:
    """A consent set aside, in words: voided with its reason, or asked again when the case reopened."""
    if v.reason == REOPENED:
        return f"consent {label('consent', v.consent)} set aside: the case reopened, consent pending again"
    return f"consent {label('consent', v.consent)} voided ({label('void_reason', v.reason)}): pending again"


def _numbered(steps: list[StatusChange]) -> list[tuple[int, StatusChange]]:
    """Each status change with its slot in its day (steps given in id order)."""
    count: dict[date, int] = {}
    found = []
    for step in steps:
        count[step.changed_on] = count.get(step.changed_on, 0) + 1
        found.append((count[step.changed_on] * SLOT, step))
    return found


def _names(referral: Referral) -> dict[int, str]:
    """The names of the supporters the case was ever matched with, by supporter id."""
    rows = (
        Supporter.select(Supporter.id, Physician.name)
        .join(Physician)
        .where(Supporter.id.in_(Match.select(Match.supporter).where(Match.referral == referral)))
        .tuples()
    )
    return dict(cast(list[tuple[int, str]], list(rows)))


def _caused_by(kind: str) -> Callable[[StatusChange], bool]:
    """The status change a contact of this kind makes (a first contact: to contacted)."""
    moved_to = "contacted" if kind == "initial" else "followed_up"
    return lambda step: step.to_status == moved_to


def timeline(referral_id: int) -> list[TimelineEntry]:
    """The case's history: the referral received, status changes (a decline for a refusal says "no
    consent"), matches, contacts, surveys, escalations, consent answers and their voids, in the order
    they happened."""
    referral: Referral | None = Referral.get_or_none(Referral.id == referral_id)
    if referral is None:
        raise ValidationError("referral", f"there is no referral {referral_id}")
    steps = list(StatusChange.select().where(StatusChange.referral == referral).order_by(StatusChange.id))
    days: dict[date, _Day] = {}
    for step in steps:
        days.setdefault(step.changed_on, _Day([], set())).steps.append(step)
    names = _names(referral)
    answers = _answers(referral)
    entries = _status_entries(steps, {on for answer, on in answers if answer == "refused"})

    def place(on: date, wanted: Callable[[StatusChange], bool] | None, offset: int) -> int:
        day = days.get(on, _Day([], set()))
        found = day.slot_of(wanted, offset) if wanted is not None else None
        return found if found is not None else day.loose()

    for m in Match.select().where(Match.referral == referral).order_by(Match.id):
        why = f" (override: {m.override_reason})" if m.override_reason else ""
        slot = place(m.matched_on, lambda s: s.to_status == "matched", -1)
        if m.supporter_id is None:  # matched outside the program (a resource, never a name)
            where = f"matched outside the program: {label('outside_resource', m.outside_resource or '')}"
            why = f" ({label('outside_reason', m.outside_reason or '')})"
            entries.append(TimelineEntry(m.matched_on, "match", where, "", why, slot))
        else:
            entries.append(
                TimelineEntry(m.matched_on, "match", "matched to ", names.get(m.supporter_id, ""), why, slot)
            )
        if m.ended_on is not None:
            ending = m.ended_reason == "case_ended"
            slot = place(
                m.ended_on,
                (lambda s: s.to_status in ENDED_STATUSES) if ending else (lambda s: s.to_status == "new"),
                1 if ending else -1,
            )
            reason = label("match_end_reason", m.ended_reason or "")
            entries.append(
                TimelineEntry(
                    m.ended_on,
                    "match",
                    "match with " if m.supporter_id is not None else "match outside the program",
                    names.get(m.supporter_id, "") if m.supporter_id is not None else "",
                    f" ended: {reason}",
                    slot,
                )
            )
    for c in Contact.select().where(Contact.referral == referral).order_by(Contact.id):
        slot = place(c.contact_on, _caused_by(c.kind), -1)
        text = f"{label('contact_kind', c.kind)} {label('contact_mode', c.mode)}{_voided(c)}"
        entries.append(TimelineEntry(c.contact_on, "contact", text, order=slot))
    for s in Survey.select().where(Survey.referral == referral).order_by(Survey.id):
        text = f"supporter survey received{_voided(s)}"
        entries.append(TimelineEntry(s.submitted_on, "survey", text, order=place(s.submitted_on, None, 0)))
    for e in Escalation.select().where(Escalation.referral == referral).order_by(Escalation.id):
        text = f"safety escalation to {label('escalated_to', e.escalated_to)}"
        entries.append(TimelineEntry(e.escalated_on, "safety", text, order=place(e.escalated_on, None, 0)))
    for answer, on in answers:
        day = days.get(on, _Day([], set()))
        caused = day.before("declined" if answer == "refused" else "matched")
        slot = caused if caused is not None else day.loose()
        entries.append(TimelineEntry(on, "consent", f"consent {label('consent', answer)}", order=slot))
    for v in ConsentVoid.select().where(ConsentVoid.referral == referral).order_by(ConsentVoid.id):
        day = days.get(v.voided_on, _Day([], set()))
        moved = day.before("new")  # the void (or the reopen) that moved the case: just before it
        if moved is None:
            moved = day.loose()
        elif v.reason == REOPENED:
            moved += 3  # set aside by the reopen: just after it
        entries.append(TimelineEntry(v.voided_on, "consent", _void_text(v), order=moved))
    entries.sort(key=lambda e: (e.on, e.order))  # stable: equal places keep their order of id
    return entries
