"""The one vocabulary: every stored code has a plain-words label, and none shows an underscore."""

from __future__ import annotations

import pytest

from p2p_tui.services import labels
from p2p_tui.services.cases import matching
from p2p_tui.store import vocab

VOCABULARIES = {
    "career_stage": vocab.CAREER_STAGES,
    "preferred_contact": vocab.PREFERRED_CONTACTS,
    "supporter_status": vocab.SUPPORTER_STATUSES,
    "pathway": vocab.PATHWAYS,
    "source": vocab.SOURCES,
    "stressor": vocab.STRESSORS,
    "consent": vocab.CONSENT,
    "case_status": vocab.CASE_STATUSES,
    "contact_kind": vocab.CONTACT_KINDS,
    "contact_mode": vocab.CONTACT_MODES,
    "match_end_reason": vocab.MATCH_END_REASONS,
    "conflict_kind": vocab.CONFLICT_KINDS,
    "training_kind": vocab.TRAINING_KINDS,
    "survey_duration": vocab.SURVEY_DURATIONS,
    "escalated_to": vocab.ESCALATED_TO,
    "queue_kind": vocab.QUEUE_KINDS,
    "snooze_reason": vocab.SNOOZE_REASONS,
    "void_reason": vocab.VOID_REASONS,
    "rule": matching.HARD_RULES + matching.SOFT_RULES,
    "audit_kind": vocab.AUDIT_KINDS,
    "wellbeing_result": vocab.WELLBEING_RESULTS,
    "outside_resource": vocab.OUTSIDE_RESOURCES,
    "outside_reason": vocab.OUTSIDE_REASONS,
}


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_code_has_a_plain_label(name: str) -> None:
    table = labels.LABELS[name]
    assert set(table) == set(VOCABULARIES[name])
    assert all("_" not in text and text for text in table.values())


def test_an_unknown_code_is_shown_printable_without_underscores() -> None:
    assert labels.label("source", "new_kind\x1b") == "new kind\ufffd"
    assert labels.labels("stressor", ["burnout", "complaint"]) == "burnout or moral injury, complaint"
    assert labels.options("pathway", ["reach_in"]) == [("reach-in", "reach_in")]
