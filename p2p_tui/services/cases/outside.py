"""Outside matches (issue 13 item 4): a case matched to a resource outside the program's roster.

When the physician prefers someone from outside, or no supporter on the roster is eligible, a new case
may be matched to the Physician Health Program, a peer of another province's program, or another
resource, with the reason from a short list. It is a match like any other for the clocks and the queue
(the first-contact and follow-up clocks run, contacts are recorded against it) and for the reports; it
names no supporter and counts in no supporter's load.
"""

from __future__ import annotations

import json
from datetime import date

from p2p_tui.services import clock, common
from p2p_tui.services.cases import lifecycle, matching
from p2p_tui.services.errors import ValidationError
from p2p_tui.store.models import Match
from p2p_tui.store.vocab import OUTSIDE_REASONS, OUTSIDE_RESOURCES


def confirm_outside(referral_id: int, resource: str, reason: str, on: date | None = None) -> Match:
    """Match a new case to an outside resource (call inside `store.atomic()`).

    Raises:
        ValidationError: "status" if the case is not new; "consent" while its consent is needed;
            "date" if `on` is before its receipt; "resource" or "reason" outside their lists;
            "reason" when it says no supporter is eligible and one is.
    """
    on = on or clock.today()
    referral = lifecycle.get_referral(referral_id)
    resource = common.choice("resource", resource, OUTSIDE_RESOURCES)
    reason = common.choice("reason", reason, OUTSIDE_REASONS)
    if referral.status != "new":
        raise ValidationError("status", f"only a new case can be matched (this one is {referral.status})")
    lifecycle.require_consent(referral, "match")
    if on < referral.received_on:
        raise ValidationError("date", "cannot be before the referral was received")
    if reason == "no_eligible" and any(c.eligible for c in matching.rank(referral_id, on)):
        raise ValidationError(
            "reason", "a supporter on the roster is eligible: choose 'the physician prefers someone outside'"
        )
    match: Match = Match.create(
        referral=referral,
        supporter=None,
        matched_on=on,
        score=0.0,
        explanation=json.dumps([]),
        outside_resource=resource,
        outside_reason=reason,
    )
    lifecycle.transition(referral, "matched", on)
    return match
