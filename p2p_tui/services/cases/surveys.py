"""The supporter's confidential survey after an interaction: structured answers only, no free text.

A survey is tied to the referral id alone (no supporter column), so answers about distress or a wish
to debrief cannot be traced to a supporter through the survey table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from p2p_tui.services import common
from p2p_tui.services.cases.lifecycle import case_date, get_referral, last_contact_on
from p2p_tui.services.errors import ValidationError
from p2p_tui.store.models import Survey
from p2p_tui.store.vocab import SURVEY_DURATIONS

SCALE = (1, 5)


@dataclass(frozen=True)
class SurveyInput:
    """The survey's answers. Scales run 1 (least) to 5 (most); None means not answered.

    If the conversation did not happen, duration and peer_helpfulness must be None.
    """

    conversation_happened: bool
    duration: str | None
    peer_helpfulness: int | None
    resources_offered: bool
    supporter_distress: int | None
    wants_debrief: bool


def _flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be yes or no")
    return value


def _scale(field: str, value: object) -> int | None:
    low, high = SCALE
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"must be a whole number from {low} to {high}, or not answered")
    return value


def clean_survey(data: SurveyInput) -> SurveyInput:
    """The same answers, validated (raises ValidationError naming the field and what is allowed)."""
    happened = _flag("conversation_happened", data.conversation_happened)
    duration = data.duration
    if duration is not None:
        if not isinstance(duration, str):
            raise ValidationError("duration", f"must be one of: {', '.join(SURVEY_DURATIONS)}")
        duration = common.choice("duration", duration, SURVEY_DURATIONS)
    helpfulness = _scale("peer_helpfulness", data.peer_helpfulness)
    if not happened and duration is not None:
        raise ValidationError("duration", "must be left unanswered when the conversation did not happen")
    if not happened and helpfulness is not None:
        raise ValidationError(
            "peer_helpfulness", "must be left unanswered when the conversation did not happen"
        )
    return SurveyInput(
        conversation_happened=happened,
        duration=duration,
        peer_helpfulness=helpfulness,
        resources_offered=_flag("resources_offered", data.resources_offered),
        supporter_distress=_scale("supporter_distress", data.supporter_distress),
        wants_debrief=_flag("wants_debrief", data.wants_debrief),
    )


def record_survey(referral_id: int, data: SurveyInput, on: date | None = None) -> Survey:
    """Record a survey for a referral that has had a contact, dated on or after its last contact and
    not after today."""
    answers = clean_survey(data)
    referral = get_referral(referral_id)
    submitted = case_date(referral, on, field="submitted_on")
    last = last_contact_on(referral)
    if last is None:
        raise ValidationError("referral", "a survey needs at least one recorded contact on the case first")
    if submitted < last:
        raise ValidationError("submitted_on", "cannot be before the case's last recorded contact")
    survey: Survey = Survey.create(
        referral=referral,
        submitted_on=submitted,
        conversation_happened=answers.conversation_happened,
        duration=answers.duration,
        peer_helpfulness=answers.peer_helpfulness,
        resources_offered=answers.resources_offered,
        supporter_distress=answers.supporter_distress,
        wants_debrief=answers.wants_debrief,
    )
    return survey


def surveys_of(referral_id: int) -> list[Survey]:
    """A referral's surveys, oldest first (a voided one counts nowhere)."""
    return list(
        Survey.select()
        .where(Survey.referral == referral_id, Survey.voided_on.is_null())
        .order_by(Survey.submitted_on, Survey.id)
    )
