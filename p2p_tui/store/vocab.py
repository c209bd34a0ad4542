"""The program's fixed vocabularies (ARCHITECTURE.md §4): one place, used by schema, models and services."""

from __future__ import annotations

CAREER_STAGES = ("early", "mid", "late", "retired")
PREFERRED_CONTACTS = ("email", "phone", "text")
SUPPORTER_STATUSES = ("nominated", "in_training", "active", "paused", "retired")
PATHWAYS = ("reach_in", "reach_out")
SOURCES = ("self", "colleague", "cpspei", "mspei", "php", "cmpa", "leadership", "media", "other")
STRESSORS = ("adverse_event", "complaint", "conflict", "life_stressor", "burnout", "other")
CONSENT = ("not_needed", "pending", "given", "refused")
CONSENT_ANSWERS = ("given", "pending", "refused")  # what is recorded where consent is needed
OPEN_STATUSES = ("new", "matched", "contacted", "followed_up")
ENDED_STATUSES = ("closed", "declined", "unreachable")  # an ended case may be reopened as new
CASE_STATUSES = OPEN_STATUSES + ENDED_STATUSES
CONTACT_KINDS = ("initial", "follow_up")
CONTACT_MODES = ("phone", "video", "in_person", "email")
MATCH_END_REASONS = ("supporter_declined", "reassigned", "case_ended")
CONFLICT_KINDS = ("evaluates", "declared")
TRAINING_KINDS = ("orientation", "training", "community_of_practice")
SURVEY_DURATIONS = ("under_15", "15_30", "30_60", "over_60")
ESCALATED_TO = ("php", "crisis_line_988", "emergency_911", "other")
QUEUE_KINDS = (
    "safety",
    "unmatched",
    "no_first_contact",
    "check_in",
    "survey",
    "consent_pending",
    "reassign",
    # peers13: items about a supporter rather than a case (never snoozed: the snooze table is per case)
    "wellbeing",
    "debrief",
)
SUPPORTER_QUEUE_KINDS = ("wellbeing", "debrief")
SNOOZE_REASONS = ("awaiting_reply", "scheduled", "supporter_away", "physician_away", "other")
# Which sources each pathway takes (DESIGN.md section 5, the seed's two doors): any other pair is refused.
PATHWAY_SOURCES: dict[str, tuple[str, ...]] = {
    "reach_in": ("self", "colleague", "cpspei", "mspei", "php", "cmpa", "other"),
    "reach_out": ("media", "leadership", "colleague", "other"),
}
# Sources for which a reach-out needs the physician's consent before any contact (ARCHITECTURE.md §4).
CONSENT_SOURCES = ("leadership", "colleague")
LOGISTICS_NOTE_MAX = 140
VOID_REASONS = ("by_mistake", "wrong_case", "wrong_date", "duplicate")  # why a record was voided
# branch audit13: what an audit entry records (migration m0010; services/admin/audit.py)
AUDIT_KINDS = (
    "insert",
    "update",
    "delete",
    "export",
    "import",
    "purge",
    "restore",
    "passphrase",
    "unlock",
    "undo",
)
# peers13: supporters' wellbeing check-ins and outside matches (schema 11)
WELLBEING_RESULTS = ("ok", "wants_break", "wants_debrief", "stepping_back")
OUTSIDE_RESOURCES = ("php", "other_province", "other")
OUTSIDE_REASONS = ("physician_prefers", "no_eligible")
