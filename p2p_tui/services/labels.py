"""The one vocabulary of display labels: every stored code in plain words (STYLE.md 23).

Screens and human-readable command output show `label(vocabulary, code)`; JSON keeps the codes. Each
vocabulary of `store/vocab.py` has a table here, and a test fails if a code lacks its label. A code
outside its table (an old vault, a new code) is shown made printable with its underscores as spaces,
never raw.
"""

from __future__ import annotations

from collections.abc import Iterable

from p2p_tui.services import common
from p2p_tui.services.errors import ValidationError

# The fields a ValidationError names, as a screen says them (an import's messages keep the column names).
FIELDS = {
    "career_stage": "career stage",
    "preferred_contact": "preferred contact",
    "acute_interventional": "acute interventional event",
    "received": "date received",
    "unavailable_until": "unavailable until",
    "max_active": "capacity",
    "override_reason": "override reason",
    "logistics_note": "logistics note",
    "held_on": "date held",
    "nominated_by": "nominated by",
    "referral_id": "case number",
}

LABELS: dict[str, dict[str, str]] = {
    "career_stage": {
        "early": "early career",
        "mid": "mid career",
        "late": "late career",
        "retired": "retired",
    },
    "preferred_contact": {"email": "email", "phone": "phone", "text": "text message"},
    "supporter_status": {
        "nominated": "nominated",
        "in_training": "in training",
        "active": "active",
        "paused": "paused",
        "retired": "retired",
    },
    "pathway": {"reach_in": "reach-in", "reach_out": "reach-out"},
    "source": {
        "self": "self-referral",
        "colleague": "a colleague",
        "cpspei": "CPSPEI",
        "mspei": "MSPEI",
        "php": "Physician Health Program",
        "cmpa": "CMPA",
        "leadership": "leadership",
        "media": "media coverage",
        "other": "other",
    },
    "stressor": {
        "adverse_event": "adverse event",
        "complaint": "complaint",
        "conflict": "conflict",
        "life_stressor": "acute life stressor",
        "burnout": "burnout or moral injury",
        "other": "other",
    },
    "consent": {"not_needed": "not needed", "pending": "pending", "given": "given", "refused": "refused"},
    "case_status": {
        "new": "new",
        "matched": "matched",
        "contacted": "contacted",
        "followed_up": "followed up",
        "closed": "closed",
        "declined": "declined",
        "unreachable": "unreachable",
    },
    "contact_kind": {"initial": "first contact", "follow_up": "follow-up check-in"},
    "contact_mode": {"phone": "by phone", "video": "by video", "in_person": "in person", "email": "by email"},
    "match_end_reason": {
        "supporter_declined": "the supporter declined",
        "reassigned": "reassigned to another supporter",
        "case_ended": "the case ended",
    },
    "conflict_kind": {"evaluates": "evaluates this physician", "declared": "declared conflict"},
    "training_kind": {
        "orientation": "orientation",
        "training": "training",
        "community_of_practice": "Community of Practice",
    },
    "survey_duration": {
        "under_15": "under 15 minutes",
        "15_30": "15 to 30 minutes",
        "30_60": "30 to 60 minutes",
        "over_60": "over 60 minutes",
    },
    "escalated_to": {
        "php": "Physician Health Program",
        "crisis_line_988": "9-8-8 Suicide Crisis Helpline",
        "emergency_911": "911 emergency services",
        "other": "someone else (not named here)",
    },
    "queue_kind": {
        "safety": "safety follow-through",
        "unmatched": "match a supporter",
        "no_first_contact": "first contact",
        "check_in": "follow-up check-in",
        "survey": "supporter survey",
        "consent_pending": "consent pending",
        "reassign": "reassign: the supporter is conflicted or retired",
        "wellbeing": "wellbeing check-in",
        "debrief": "offer a debrief",
    },
    "snooze_reason": {
        "awaiting_reply": "awaiting a reply",
        "scheduled": "already scheduled",
        "supporter_away": "the supporter is away",
        "physician_away": "the physician is away",
        "other": "other",
    },
    "void_reason": {
        "by_mistake": "recorded by mistake",
        "wrong_case": "recorded on the wrong case",
        "wrong_date": "wrong date",
        "duplicate": "a duplicate",
    },
    "rule": {
        "active": "supporter active",
        "available": "available now",
        "not_self": "not the physician themself",
        "not_evaluator": "not their evaluator",
        "no_declared_conflict": "no declared conflict",
        "career_stage": "career stage allowed",
        "capacity": "below capacity",
        "not_declined_before": "has not declined this case",
        "other_county": "another county",
        "interventional": "interventional",
        "career_stage_similar": "similar career stage",
        "specialty": "same specialty",
        "load": "lighter load",
        "rest": "rest since last case",
    },
    # branch audit13: the audit trail's kinds of entry
    "audit_kind": {
        "insert": "added",
        "update": "changed",
        "delete": "removed",
        "export": "exported",
        "import": "imported",
        "purge": "purged",
        "restore": "restored",
        "passphrase": "passphrase changed",
        "unlock": "unlocked",
        "undo": "undone",
    },
    # peers13: wellbeing check-ins and outside matches
    "wellbeing_result": {
        "ok": "doing well",
        "wants_break": "wants a break",
        "wants_debrief": "wants a debrief",
        "stepping_back": "stepping back",
    },
    "outside_resource": {
        "php": "Physician Health Program",
        "other_province": "a peer of another province's program",
        "other": "another outside resource",
    },
    "outside_reason": {
        "physician_prefers": "the physician prefers someone from outside",
        "no_eligible": "no eligible supporter on the roster",
    },
}


def label(vocabulary: str, code: str) -> str:
    """`code` of `vocabulary` in plain words; an unknown code printable, its underscores as spaces."""
    found = LABELS.get(vocabulary, {}).get(code)
    if found is not None:
        return found
    return common.printable(code).replace("_", " ")


def labels(vocabulary: str, codes: Iterable[str]) -> str:
    """Several codes of one vocabulary, in plain words, separated by commas."""
    return ", ".join(label(vocabulary, code) for code in codes)


def options(vocabulary: str, codes: Iterable[str]) -> list[tuple[str, str]]:
    """(label, code) pairs for a select or a choice list, in the order given."""
    return [(label(vocabulary, code), code) for code in codes]


def field(name: str) -> str:
    """A field's name in plain words ("career stage"), as an error on a screen names it."""
    return FIELDS.get(name) or common.printable(name).replace("_", " ")


def error(exc: ValidationError) -> str:
    """A refusal as a screen shows it: the field in plain words, then what is allowed."""
    where = f"row {exc.row}, " if exc.row is not None else ""
    return f"{where}{field(exc.field)}: {exc.message}"
