"""Schema 7: corrections (issue 10). A contact or a survey recorded by mistake is voided, not deleted:
it stays stored with the day and the reason (`voided_on`, `void_reason`) and stops counting everywhere;
a consent voided goes back to pending, the answer it replaced kept in `consent_void`.

The de-identified record must not count a voided contact or survey, so its triggers are dropped and
recreated with a recomputation that skips them (and that a void itself fires), and every record is
recomputed once.

Frozen: this SQL is what schema 7 was. A later change is a new migration; it never edits this file.
"""

from __future__ import annotations

import sqlite3

from p2p_tui.store.migrations.m0004_deidentified import _STRESSORS_SQL, COLUMNS, ENDINGS

TABLES = """
ALTER TABLE contact ADD COLUMN voided_on DATE;
ALTER TABLE contact ADD COLUMN void_reason TEXT;
ALTER TABLE survey ADD COLUMN voided_on DATE;
ALTER TABLE survey ADD COLUMN void_reason TEXT;
CREATE TABLE consent_void (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    consent TEXT NOT NULL,
    consent_on DATE,
    voided_on DATE NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX consent_void_referral ON consent_void (referral_id)
"""

# As schema 4's, but a voided contact or survey does not count.
RECOMPUTE = f"""
SELECT r.id,
    substr(r.received_on, 1, 7),
    substr(r.received_on, 1, 4) || 'Q' || ((CAST(substr(r.received_on, 6, 2) AS INTEGER) + 2) / 3),
    CASE WHEN p.purged_on IS NULL OR u.referral_id IS NULL THEN p.career_stage ELSE u.career_stage END,
    CASE WHEN p.purged_on IS NULL OR u.referral_id IS NULL THEN p.county ELSE u.county END,
    r.pathway,
    r.source,
    {_STRESSORS_SQL},
    r.acute_interventional,
    CASE WHEN r.status IN {ENDINGS} THEN r.status ELSE 'open' END,
    (SELECT CAST(julianday(min(m.matched_on)) - julianday(r.received_on) AS INTEGER)
        FROM "match" m WHERE m.referral_id = r.id),
    (SELECT CAST(julianday(min(c.contact_on)) - julianday(r.received_on) AS INTEGER)
        FROM contact c WHERE c.kind = 'initial' AND c.referral_id = r.id AND c.voided_on IS NULL),
    EXISTS (SELECT 1 FROM contact c WHERE c.kind = 'follow_up' AND c.referral_id = r.id
        AND c.voided_on IS NULL),
    EXISTS (SELECT 1 FROM survey v WHERE v.referral_id = r.id AND v.voided_on IS NULL),
    r.php_referred,
    EXISTS (SELECT 1 FROM escalation e WHERE e.referral_id = r.id)
FROM referral r
JOIN physician p ON p.id = r.physician_id
LEFT JOIN utilization u ON u.referral_id = r.id
"""  # noqa: S608 - fixed vocabulary only

_INSERT = f"INSERT INTO utilization ({', '.join(COLUMNS)})"
_UPDATE = ", ".join(f"{column} = excluded.{column}" for column in COLUMNS[1:])


def upsert(where: str) -> str:
    """The statement that recomputes the record of the referrals selected by `where` (on `r`)."""
    return f"{_INSERT}{RECOMPUTE}WHERE {where}\nON CONFLICT (referral_id) DO UPDATE SET {_UPDATE}"


def _trigger(name: str, event: str, table: str, where: str, when: str = "") -> str:
    condition = f"\nWHEN {when}" if when else ""
    head = f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{condition}"
    return f"{head}\nBEGIN\n{upsert(where)};\nEND"


_REFERRAL_COLUMNS = "physician_id, received_on, pathway, source, acute_interventional, status, php_referred"
_BOTH = "r.id IN (OLD.referral_id, NEW.referral_id)"

# Schema 4's triggers that recompute (the delete trigger of a referral stays as it was).
REPLACED = (
    "utilization_referral_insert",
    "utilization_referral_update",
    "utilization_stressor_insert",
    "utilization_stressor_delete",
    "utilization_match_insert",
    "utilization_match_update",
    "utilization_match_delete",
    "utilization_contact_insert",
    "utilization_contact_update",
    "utilization_contact_delete",
    "utilization_survey_insert",
    "utilization_survey_update",
    "utilization_survey_delete",
    "utilization_escalation_insert",
    "utilization_escalation_update",
    "utilization_escalation_delete",
    "utilization_physician_update",
)
TRIGGERS: tuple[str, ...] = (
    _trigger("utilization_referral_insert", "INSERT", "referral", "r.id = NEW.id"),
    _trigger("utilization_referral_update", f"UPDATE OF {_REFERRAL_COLUMNS}", "referral", "r.id = NEW.id"),
    _trigger("utilization_stressor_insert", "INSERT", "referral_stressor", "r.id = NEW.referral_id"),
    _trigger("utilization_stressor_delete", "DELETE", "referral_stressor", "r.id = OLD.referral_id"),
    _trigger("utilization_match_insert", "INSERT", '"match"', "r.id = NEW.referral_id"),
    _trigger("utilization_match_update", "UPDATE OF referral_id, matched_on", '"match"', _BOTH),
    _trigger("utilization_match_delete", "DELETE", '"match"', "r.id = OLD.referral_id"),
    _trigger("utilization_contact_insert", "INSERT", "contact", "r.id = NEW.referral_id"),
    _trigger(
        "utilization_contact_update", "UPDATE OF referral_id, contact_on, kind, voided_on", "contact", _BOTH
    ),
    _trigger("utilization_contact_delete", "DELETE", "contact", "r.id = OLD.referral_id"),
    _trigger("utilization_survey_insert", "INSERT", "survey", "r.id = NEW.referral_id"),
    _trigger("utilization_survey_update", "UPDATE OF referral_id, voided_on", "survey", _BOTH),
    _trigger("utilization_survey_delete", "DELETE", "survey", "r.id = OLD.referral_id"),
    _trigger("utilization_escalation_insert", "INSERT", "escalation", "r.id = NEW.referral_id"),
    _trigger("utilization_escalation_update", "UPDATE OF referral_id", "escalation", _BOTH),
    _trigger("utilization_escalation_delete", "DELETE", "escalation", "r.id = OLD.referral_id"),
    _trigger(
        "utilization_physician_update",
        "UPDATE OF career_stage, county",
        "physician",
        "r.physician_id = NEW.id",
        when="OLD.career_stage IS NOT NEW.career_stage OR OLD.county IS NOT NEW.county",
    ),
)


def apply(conn: sqlite3.Connection) -> None:
    """Add the void columns and table, recreate the record's triggers, and recompute every record."""
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    for name in REPLACED:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for trigger in TRIGGERS:
        conn.execute(trigger)
    conn.execute(upsert("true"))
