"""Safety escalations: that, when and to whom confidentiality was broken for safety; never why.

There is deliberately no reason parameter and no reason column: what led to an escalation is the kind
of detail the program never records. The crisis resources are shown beside the escalation key.
"""

from __future__ import annotations

import re
from datetime import date, time

from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases.lifecycle import case_date, get_referral, is_open
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import query
from p2p_tui.store.models import Escalation
from p2p_tui.store.vocab import ESCALATED_TO

# (name, how to reach): shown with every safety escalation (ARCHITECTURE.md §8).
CRISIS_RESOURCES: tuple[tuple[str, str], ...] = (
    ("Physician Health Program (Medical Society of PEI)", "confidential: contact the Medical Society of PEI"),
    ("9-8-8 Suicide Crisis Helpline", "call or text 988"),
    ("Emergency", "911"),
)
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def crisis_lines() -> list[str]:
    """The crisis resources as lines to show, like "9-8-8 Suicide Crisis Helpline: call or text 988"."""
    return [f"{name}: {how}" for name, how in CRISIS_RESOURCES]


def clean_time(value: str | time) -> str:
    """A time of day as HH:MM (24-hour clock)."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    cleaned = value.strip()
    if len(cleaned) == 4 and cleaned[1] == ":":
        cleaned = "0" + cleaned
    if not CLOCK.match(cleaned):
        raise ValidationError("time", "must be a time of day written HH:MM (24-hour clock)")
    return cleaned


def escalate(referral_id: int, to: str, on: date | None = None, at: str | time | None = None) -> Escalation:
    """Record a safety escalation on an open case: the date (not after today, not before the referral
    was received), the time (HH:MM) and to whom."""
    now = clock.now()
    escalated_to = common.choice("to", to, ESCALATED_TO)
    at_time = clean_time(at if at is not None else now.time())
    referral = get_referral(referral_id)
    if not is_open(referral):
        raise ValidationError(
            "referral", f"this case has ended ({referral.status}); reopen it first to record an escalation"
        )
    on = case_date(referral, on, now.date())
    escalation: Escalation = Escalation.create(
        referral=referral, escalated_on=on, escalated_at=at_time, escalated_to=escalated_to
    )
    return escalation


def get_escalation(escalation_id: int) -> Escalation:
    """The escalation with this id, or a ValidationError naming the id."""
    found: Escalation | None = Escalation.get_or_none(Escalation.id == escalation_id)
    if found is None:
        raise ValidationError("escalation", f"there is no escalation {escalation_id}")
    return found


def acknowledge(escalation_id: int, on: date | None = None) -> Escalation:
    """Mark an escalation as followed through (it leaves the safety queue); the first date is kept.

    The date is neither before the escalation nor after today.
    """
    today = clock.today()
    on = common.past_date("date", on or today, today)
    escalation = get_escalation(escalation_id)
    if escalation.acknowledged_on is not None:
        return escalation
    if on < escalation.escalated_on:
        raise ValidationError("date", "cannot be before the escalation")
    escalation.acknowledged_on = on
    escalation.save()
    return escalation


def acknowledge_case(referral_id: int, on: date | None = None) -> list[Escalation]:
    """Acknowledge every escalation of a case not yet acknowledged, each by `acknowledge` (the
    queue's Done on a safety item); all or none (a savepoint)."""
    with query.atomic():
        return [acknowledge(e.id, on) for e in escalations_of(referral_id) if e.acknowledged_on is None]


def escalations_of(referral_id: int) -> list[Escalation]:
    """A referral's escalations, oldest first."""
    return list(
        Escalation.select()
        .where(Escalation.referral == referral_id)
        .order_by(Escalation.escalated_on, Escalation.escalated_at, Escalation.id)
    )


def open_escalations(referral_id: int) -> list[str]:
    """A case's escalations not yet acknowledged, each as a line to show before acknowledging them:
    "2026-11-17 at 10:30, to the Physician Health Program" (when and to whom, never why)."""
    return [
        f"{e.escalated_on.isoformat()} at {common.printable(e.escalated_at)}, to "
        f"{labels.label('escalated_to', e.escalated_to)}"
        for e in escalations_of(referral_id)
        if e.acknowledged_on is None
    ]
