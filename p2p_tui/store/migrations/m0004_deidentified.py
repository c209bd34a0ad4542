"""Schema 4: the de-identified utilization record (one row per referral) and the purge log.

The record is kept current by SQLite triggers, so every path that writes a case (services, imports,
the demo, a benchmark's raw SQL) keeps it right without remembering to. Each trigger recomputes the one
affected referral's row with the same statement: `INSERT INTO utilization ... SELECT ... ON CONFLICT
DO UPDATE`, the SELECT being `RECOMPUTE` below, also used to back-fill the existing referrals.

Once a physician is purged (physician.purged_on set), the row keeps the career stage and county it
stored: whatever later happens to the physician's row never reaches the record.

Frozen: this SQL is what schema 4 was. A later change to the record is a new migration that drops and
recreates these triggers; it never edits this file.
"""

from __future__ import annotations

import sqlite3

# Frozen copies of what the record reads, as they were in schema 4 (a migration never follows later edits).
STRESSORS = ("adverse_event", "complaint", "conflict", "life_stressor", "burnout", "other")
ENDINGS = "('closed', 'declined', 'unreachable')"

COLUMNS = (
    "referral_id",
    "month_received",
    "quarter",
    "career_stage",
    "county",
    "pathway",
    "source",
    "stressors",
    "acute_interventional",
    "outcome",
    "days_to_match",
    "days_to_first_contact",
    "follow_up_done",
    "survey_done",
    "php_referred",
    "safety_escalation",
)

TABLES = """
CREATE TABLE utilization (
    referral_id INTEGER PRIMARY KEY REFERENCES referral (id),
    month_received TEXT NOT NULL,
    quarter TEXT NOT NULL,
    career_stage TEXT NOT NULL,
    county TEXT NOT NULL,
    pathway TEXT NOT NULL,
    source TEXT NOT NULL,
    stressors TEXT NOT NULL,
    acute_interventional INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    days_to_match INTEGER,
    days_to_first_contact INTEGER,
    follow_up_done INTEGER NOT NULL,
    survey_done INTEGER NOT NULL,
    php_referred INTEGER NOT NULL,
    safety_escalation INTEGER NOT NULL
);
CREATE INDEX utilization_quarter ON utilization (quarter);
CREATE TABLE purge_log (
    id INTEGER PRIMARY KEY,
    purged_on DATE NOT NULL,
    cases INTEGER NOT NULL,
    physicians INTEGER NOT NULL
)
"""

# The referral's stressors, ';'-joined in vocabulary order: one pass over its rows (at most six), each
# stressor contributing ';name' through max(), the leading ';' then dropped; '' when there are none.
_PICKS = " || ".join(f"max(CASE s.stressor WHEN '{name}' THEN ';{name}' ELSE '' END)" for name in STRESSORS)
_STRESSORS_SQL = (
    f"coalesce((SELECT substr({_PICKS}, 2) FROM referral_stressor s WHERE s.referral_id = r.id), '')"  # noqa: S608
)

# One referral's record, computed from the case (append a WHERE on r.id). The LEFT JOIN on the record
# itself keeps the stored career stage and county once the physician is purged.
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
        FROM contact c WHERE c.kind = 'initial' AND c.referral_id = r.id),
    EXISTS (SELECT 1 FROM contact c WHERE c.kind = 'follow_up' AND c.referral_id = r.id),
    EXISTS (SELECT 1 FROM survey v WHERE v.referral_id = r.id),
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


# The referral's columns the record reads (a change to the note, consent or status date does not count).
_REFERRAL_COLUMNS = "physician_id, received_on, pathway, source, acute_interventional, status, php_referred"
_BOTH = "r.id IN (OLD.referral_id, NEW.referral_id)"

TRIGGERS: tuple[str, ...] = (
    _trigger("utilization_referral_insert", "INSERT", "referral", "r.id = NEW.id"),
    _trigger("utilization_referral_update", f"UPDATE OF {_REFERRAL_COLUMNS}", "referral", "r.id = NEW.id"),
    # A deleted referral takes its record with it (otherwise its foreign key would refuse the delete).
    "CREATE TRIGGER utilization_referral_delete BEFORE DELETE ON referral FOR EACH ROW\nBEGIN\n"
    "DELETE FROM utilization WHERE referral_id = OLD.id;\nEND",
    _trigger("utilization_stressor_insert", "INSERT", "referral_stressor", "r.id = NEW.referral_id"),
    _trigger("utilization_stressor_delete", "DELETE", "referral_stressor", "r.id = OLD.referral_id"),
    _trigger("utilization_match_insert", "INSERT", '"match"', "r.id = NEW.referral_id"),
    _trigger("utilization_match_update", "UPDATE OF referral_id, matched_on", '"match"', _BOTH),
    _trigger("utilization_match_delete", "DELETE", '"match"', "r.id = OLD.referral_id"),
    _trigger("utilization_contact_insert", "INSERT", "contact", "r.id = NEW.referral_id"),
    _trigger("utilization_contact_update", "UPDATE OF referral_id, contact_on, kind", "contact", _BOTH),
    _trigger("utilization_contact_delete", "DELETE", "contact", "r.id = OLD.referral_id"),
    _trigger("utilization_survey_insert", "INSERT", "survey", "r.id = NEW.referral_id"),
    _trigger("utilization_survey_update", "UPDATE OF referral_id", "survey", _BOTH),
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

BACKFILL = f"{_INSERT}{RECOMPUTE}WHERE true"


def apply(conn: sqlite3.Connection) -> None:
    """Create the tables and triggers of schema 4, and back-fill a record for every referral."""
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(BACKFILL)
    for trigger in TRIGGERS:
        conn.execute(trigger)
