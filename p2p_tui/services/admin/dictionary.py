"""The data dictionary (issue 13): every table and field the vault stores, what it means, whether it
identifies a person, and when it is purged, for a privacy review.

The fields are read from the models (`store/models.py`), the words from `DESCRIPTIONS` below; a test
fails when a field has no entry or an entry names no field, so a new column cannot ship undescribed.
`p2p-tui dictionary [--format md|csv]` prints it; docs/DATA-DICTIONARY.md is its Markdown.

Identifies: `yes` (names or reaches a person: name, email, phone), `indirect` (could single a person
out when combined with others: career stage, county, specialty, dates), `no`.
"""

from __future__ import annotations

from dataclasses import dataclass

from p2p_tui.services.reporting.csv_text import csv_text
from p2p_tui.store.models import MODELS

KEPT = "kept"
RETENTION = "cleared by retention (retention_days after the case ends; 0: when it ends)"
PURGED_KEY = "becomes purged-<id> by retention"


@dataclass(frozen=True)
class Entry:
    """One field of one table, described."""

    table: str
    field: str
    meaning: str
    identifies: str  # yes | indirect | no
    purged: str


def _f(meaning: str, identifies: str = "no", purged: str = KEPT) -> tuple[str, str, str]:
    return (meaning, identifies, purged)


TABLES: dict[str, str] = {
    "meta": "Facts about the vault itself (schema version, sentinel, last purge check, audit chain head).",
    "setting": "The coordinator's settings, one JSON value per key.",
    "physician": "A physician: a referred peer, a supporter, or both.",
    "supporter": "A physician on the roster of peer supporters.",
    "nomination": "A colleague's nomination of a supporter.",
    "conflict": "A physician a supporter must never be matched with.",
    "referral": "A case: one physician's referral to the program.",
    "referral_stressor": "One of a case's stressors.",
    "status_change": "A case's move from one status to another (its timeline).",
    "match": "A case matched to a supporter, with the rules as they stood.",
    "contact": "That a conversation happened (date, kind, mode): logistics only.",
    "training_event": "An orientation, training or Community of Practice session.",
    "attendance": "A supporter's hours at a training event (the honorarium ledger).",
    "survey": "A supporter's structured survey after a case, tied to the case only.",
    "escalation": "That and when confidentiality was broken for safety, and to whom; never why.",
    "snooze": "A queue item put off until a date, with a reason from a list.",
    "utilization": "A case's de-identified record, kept current by triggers; survives every purge.",
    "same_person_check": "A supporter who may be a case's physician themself, until cleared.",
    "purge_log": "That retention purged something: the date and two counts.",
    "consent_void": "A consent answer voided by the coordinator, with why (the case is pending again).",
    "member_survey": "The MSPEI Member Survey's aggregate results of one year: numbers only.",
    "informal_encounter": "A supporter's unplanned conversation, counted: never a name.",
    "wellbeing_check_in": "The coordinator's check-in with a supporter on their own wellbeing.",
    "debrief": "That a debrief a supporter asked for was offered, and when.",
    "audit_entry": "The audit trail: every change, export and unlock, never a value, hash-chained.",
}

DESCRIPTIONS: dict[str, dict[str, tuple[str, str, str]]] = {
    "informal_encounter": {
        "id": _f("record number"),
        "supporter_id": _f("the supporter who had the conversation"),
        "met_on": _f("day of the conversation", "indirect"),
        "career_stage": _f("the peer's career stage, if given (never a name)", "indirect"),
        "county": _f("the peer's county of work, if given", "indirect"),
        "stressors": _f("the peer's stressors, from the list"),
    },
    "wellbeing_check_in": {
        "id": _f("record number"),
        "supporter_id": _f("the supporter"),
        "checked_on": _f("day of the check-in"),
        "result": _f("ok, wants a break, wants a debrief or stepping back"),
        "break_until": _f("end of a break the supporter asked for"),
    },
    "debrief": {
        "id": _f("record number"),
        "supporter_id": _f("the supporter offered it"),
        "survey_id": _f("the survey that asked for it"),
        "check_in_id": _f("the check-in that asked for it"),
        "done_on": _f("day it was offered"),
    },
    "consent_void": {
        "id": _f("record number"),
        "referral_id": _f("the case"),
        "consent": _f("the answer voided (given or refused)"),
        "consent_on": _f("the day that answer was given", "indirect"),
        "voided_on": _f("day it was voided", "indirect"),
        "reason": _f("why it was voided, from a list"),
    },
    "member_survey": {
        "year": _f("the survey's year"),
        "respondents": _f("how many members answered"),
        "aware": _f("how many knew of the program"),
        "used": _f("how many had used it"),
        "recommend": _f("how many would use or recommend it"),
        "questions": _f("further questions: a short label and a share each (JSON)"),
    },
    "meta": {"key": _f("the fact's name"), "value": _f("its value (no person's data)")},
    "setting": {"key": _f("the setting's name"), "value": _f("its value, JSON")},
    "physician": {
        "id": _f("record number"),
        "name": _f("full name", "yes", RETENTION),
        "name_key": _f("the name in canonical form, to find a person again", "yes", PURGED_KEY),
        "email": _f("email address", "yes", RETENTION),
        "phone": _f("phone number", "yes", RETENTION),
        "preferred_contact": _f("email, phone or text message"),
        "career_stage": _f("early, mid, late career or retired", "indirect"),
        "county": _f("county of work", "indirect"),
        "specialty": _f("medical specialty", "indirect", RETENTION),
        "interventional": _f("does interventional work", "indirect"),
        "created_on": _f("day the record was made", "indirect"),
        "purged_on": _f("day retention cleared the identifying fields"),
        "search_key": _f("the name without case or accents, to search by any part", "yes", RETENTION),
    },
    "supporter": {
        "id": _f("record number"),
        "physician_id": _f("the supporter's physician record", "indirect"),
        "status": _f("nominated, in training, active, paused or retired"),
        "training_completed_on": _f("day training was completed"),
        "max_active": _f("most open cases at once"),
        "unavailable_until": _f("not matched before this day"),
    },
    "nomination": {
        "id": _f("record number"),
        "supporter_id": _f("the supporter nominated"),
        "nominated_by": _f("who nominated (a name)", "yes", "cleared when it names a purged physician"),
        "nominated_on": _f("day of the nomination"),
    },
    "conflict": {
        "id": _f("record number"),
        "supporter_id": _f("the supporter"),
        "physician_id": _f("the physician they must not be matched with", "indirect"),
        "name_key": _f("that physician's canonical name, if not on file", "yes", PURGED_KEY),
        "kind": _f("evaluates or declared"),
        "added_on": _f("day it was recorded"),
    },
    "referral": {
        "id": _f("case number"),
        "physician_id": _f("the referred physician", "indirect"),
        "received_on": _f("day received", "indirect"),
        "pathway": _f("reach-in or reach-out"),
        "source": _f("who referred (a kind of source, never a name)"),
        "acute_interventional": _f("an acute interventional event"),
        "consent": _f("not needed, pending, given or refused"),
        "consent_on": _f("day consent was recorded"),
        "status": _f("new, matched, contacted, followed up, closed, declined or unreachable"),
        "status_on": _f("day of the last status"),
        "closed_on": _f("day the case ended (retention counts from it)"),
        "php_referred": _f("referred to the Physician Health Program"),
        "logistics_note": _f("at most 140 characters of logistics, never what was said", "yes", RETENTION),
    },
    "referral_stressor": {
        "referral_id": _f("the case"),
        "stressor": _f("adverse event, complaint, conflict, life stressor, burnout or other"),
    },
    "status_change": {
        "id": _f("record number"),
        "referral_id": _f("the case"),
        "changed_on": _f("day of the change"),
        "from_status": _f("status before"),
        "to_status": _f("status after"),
    },
    "match": {
        "outside_resource": _f("a resource outside the program (from a list) instead of a supporter"),
        "outside_reason": _f("why outside: the physician prefers it, or no supporter was eligible"),
        "id": _f("record number"),
        "referral_id": _f("the case"),
        "supporter_id": _f("the supporter"),
        "matched_on": _f("day of the match"),
        "score": _f("the rules' score"),
        "explanation": _f("each rule's result as it stood (JSON of rule names and points)"),
        "override_reason": _f("why a lower or rule-breaking choice was made (free text)", "yes", RETENTION),
        "active": _f("the current match of the case"),
        "ended_on": _f("day the match ended"),
        "ended_reason": _f("supporter declined, reassigned or case ended"),
    },
    "contact": {
        "voided_on": _f("day it was voided (a voided contact counts nowhere)", "indirect"),
        "void_reason": _f("why it was voided, from a list"),
        "id": _f("record number"),
        "referral_id": _f("the case"),
        "supporter_id": _f("the supporter who made it"),
        "contact_on": _f("day of the conversation"),
        "kind": _f("initial or follow-up"),
        "mode": _f("phone, video, in person or email"),
    },
    "training_event": {
        "id": _f("record number"),
        "kind": _f("orientation, training or Community of Practice"),
        "held_on": _f("day held"),
        "hours": _f("length in hours"),
        "rate": _f("honorarium per hour then"),
        "title": _f("the session's title"),
    },
    "attendance": {
        "event_id": _f("the training event"),
        "supporter_id": _f("the supporter"),
        "hours": _f("hours attended"),
    },
    "survey": {
        "voided_on": _f("day it was voided (a voided survey counts nowhere)", "indirect"),
        "void_reason": _f("why it was voided, from a list"),
        "id": _f("record number"),
        "referral_id": _f("the case (no supporter column)"),
        "submitted_on": _f("day submitted"),
        "conversation_happened": _f("whether a conversation happened"),
        "duration": _f("a duration band"),
        "peer_helpfulness": _f("1 to 5"),
        "resources_offered": _f("whether resources were offered"),
        "supporter_distress": _f("the supporter's distress, 1 to 5"),
        "wants_debrief": _f("the supporter asked for a debrief"),
    },
    "escalation": {
        "id": _f("record number"),
        "referral_id": _f("the case"),
        "escalated_on": _f("day confidentiality was broken"),
        "escalated_at": _f("time of day, HH:MM"),
        "escalated_to": _f("PHP, 9-8-8, 911 or other"),
        "acknowledged_on": _f("day the coordinator acknowledged it"),
    },
    "snooze": {
        "id": _f("record number"),
        "referral_id": _f("the case"),
        "item": _f("the queue item's kind"),
        "until": _f("hidden until this day"),
        "reason": _f("a reason from a fixed list"),
        "created_on": _f("day snoozed"),
    },
    "utilization": {
        "outside_resource": _f("matched outside the program: to which kind of resource"),
        "referral_id": _f("the case"),
        "month_received": _f("month received, YYYY-MM"),
        "quarter": _f("quarter received, 2026Q3"),
        "career_stage": _f("the physician's career stage", "indirect"),
        "county": _f("the physician's county of work", "indirect"),
        "pathway": _f("reach-in or reach-out"),
        "source": _f("kind of source"),
        "stressors": _f("the stressors, ;-joined"),
        "acute_interventional": _f("an acute interventional event"),
        "outcome": _f("open, closed, declined or unreachable"),
        "days_to_match": _f("calendar days from receipt to the first match"),
        "days_to_first_contact": _f("calendar days from receipt to the first contact"),
        "follow_up_done": _f("a follow-up contact happened"),
        "survey_done": _f("a survey was submitted"),
        "php_referred": _f("referred to the Physician Health Program"),
        "safety_escalation": _f("a safety escalation happened"),
    },
    "same_person_check": {
        "referral_id": _f("the case"),
        "supporter_id": _f("the supporter who may be its physician"),
        "cleared_on": _f("day the coordinator confirmed two people"),
    },
    "purge_log": {
        "id": _f("record number"),
        "purged_on": _f("day of the purge"),
        "cases": _f("how many cases were cleared"),
        "physicians": _f("how many physicians were purged"),
    },
    "audit_entry": {
        "id": _f("entry number"),
        "at": _f("when, UTC"),
        "kind": _f("insert, update, delete, export, import, purge, restore, passphrase, unlock or undo"),
        "table_name": _f("the table changed, or what was exported or imported"),
        "record_ids": _f("the record's id or key; for a restore, the generation restored (never a value)"),
        "fields": _f(
            "names of the fields an update changed (never their values); for a restore, other_vault or "
            "current_trail_unread when the trail before it is not this vault's continued"
        ),
        "referral_id": _f("the case the record belongs to, if any"),
        "prev_hash": _f("SHA-256 of the previous entry (the chain)"),
    },
}


def stored_fields() -> dict[str, tuple[str, ...]]:
    """Every table the models define, with its columns, as the vault stores them."""
    return {m._meta.table_name: tuple(f.column_name for f in m._meta.sorted_fields) for m in MODELS}


def entries() -> list[Entry]:
    """Every stored field, described, in the models' order (a field without words says so)."""
    found = []
    for table, fields in stored_fields().items():
        words = DESCRIPTIONS.get(table, {})
        for name in fields:
            meaning, identifies, purged = words.get(name, ("(not described)", "?", "?"))
            found.append(Entry(table, name, meaning, identifies, purged))
    return found


def gaps() -> tuple[list[str], list[str]]:
    """Stored fields with no description, and descriptions that name no stored field."""
    stored = {(t, f) for t, fields in stored_fields().items() for f in fields}
    described = {(t, f) for t, fields in DESCRIPTIONS.items() for f in fields}
    missing = sorted(f"{t}.{f}" for t, f in stored - described)
    stray = sorted(f"{t}.{f}" for t, f in described - stored)
    stray += sorted(f"{t} (table)" for t in set(TABLES) - {t for t, _ in stored})
    missing += sorted(f"{t} (table)" for t in {t for t, _ in stored} - set(TABLES))
    return missing, stray


def markdown() -> str:
    """The dictionary as Markdown: one section per table."""
    lines = [
        "# p2p-tui data dictionary",
        "",
        "Every table and field the vault stores (generated by `p2p-tui dictionary`). Identifies: *yes* names",
        "or reaches a person; *indirect* could single one out combined with others; *no*.",
    ]
    current = ""
    for entry in entries():
        if entry.table != current:
            current = entry.table
            lines += ["", f"## `{current}`", "", TABLES.get(current, ""), ""]
            lines += ["| field | meaning | identifies | purged |", "|---|---|---|---|"]
        lines.append(f"| `{entry.field}` | {entry.meaning} | {entry.identifies} | {entry.purged} |")
    return "\n".join(lines) + "\n"


def csv() -> str:
    """The dictionary as CSV: `table,field,meaning,identifies,purged`."""
    rows = [(e.table, e.field, e.meaning, e.identifies, e.purged) for e in entries()]
    return csv_text(("table", "field", "meaning", "identifies", "purged"), rows)
