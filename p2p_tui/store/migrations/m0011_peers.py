"""Schema 11: informal encounters, supporters' wellbeing check-ins and debriefs, outside matches (issue 13).

- `informal_encounter`: a supporter's unplanned conversation counted: the date, the supporter and,
  optionally, the peer's career stage, county and stressors (';'-joined in vocabulary order). Never a
  name: the table has no column for one.
- `wellbeing_check_in`: the coordinator's check-in with a supporter: the date and a structured result
  (ok, wants a break, wants a debrief, stepping back); a break carries the date it runs to.
- `debrief`: that a debrief asked for (by a survey or a check-in) was offered, and when.
- `match` is rebuilt (SQLite cannot drop a NOT NULL): `supporter_id` becomes nullable and a match may
  instead name an outside resource (the Physician Health Program, another province's program, other)
  with the reason from a short list; exactly one of the two is set. Its indexes and the de-identified
  record's triggers on it (schema 4, frozen there) are recreated as they were.
- `utilization.outside_resource`: the resource of the case's latest match when it is outside, kept by
  triggers of its own, so the de-identified record knows an outside match.
- `meta.wellbeing_since`: in a vault that already holds cases, the last day it recorded anything (the
  day before the upgrade, as near as the data tells): check-ins and debriefs are due from then on, not
  for every escalation and survey of the years before there was a way to record them.

Frozen: this SQL is what schema 11 was. A later change is a new migration.
"""

from __future__ import annotations

import sqlite3

from p2p_tui.store.migrations import m0004_deidentified

# Frozen copies of the vocabularies as they were in schema 11.
STAGES = "('early', 'mid', 'late', 'retired')"
RESULTS = "('ok', 'wants_break', 'wants_debrief', 'stepping_back')"
RESOURCES = "('php', 'other_province', 'other')"
REASONS = "('physician_prefers', 'no_eligible')"
MATCH_END = "('supporter_declined', 'reassigned', 'case_ended')"

TABLES = f"""
CREATE TABLE informal_encounter (
    id INTEGER PRIMARY KEY,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id),
    met_on DATE NOT NULL,
    career_stage TEXT CHECK (career_stage IS NULL OR career_stage IN {STAGES}),
    county TEXT,
    stressors TEXT NOT NULL DEFAULT ''
);
CREATE INDEX informal_encounter_met ON informal_encounter (met_on);
CREATE TABLE wellbeing_check_in (
    id INTEGER PRIMARY KEY,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id),
    checked_on DATE NOT NULL,
    result TEXT NOT NULL CHECK (result IN {RESULTS}),
    break_until DATE
);
CREATE INDEX wellbeing_check_in_supporter ON wellbeing_check_in (supporter_id, checked_on);
CREATE TABLE debrief (
    id INTEGER PRIMARY KEY,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id),
    survey_id INTEGER REFERENCES survey (id) ON DELETE CASCADE,
    check_in_id INTEGER REFERENCES wellbeing_check_in (id) ON DELETE CASCADE,
    done_on DATE NOT NULL
);
CREATE INDEX debrief_supporter ON debrief (supporter_id);
CREATE INDEX debrief_survey ON debrief (survey_id);
CREATE INDEX debrief_check_in ON debrief (check_in_id)
"""

MATCH = f"""
CREATE TABLE match_new (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    supporter_id INTEGER REFERENCES supporter (id),
    matched_on DATE NOT NULL,
    score REAL NOT NULL,
    explanation TEXT NOT NULL,
    override_reason TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    ended_on DATE,
    ended_reason TEXT CHECK (ended_reason IS NULL OR ended_reason IN {MATCH_END}),
    outside_resource TEXT CHECK (outside_resource IS NULL OR outside_resource IN {RESOURCES}),
    outside_reason TEXT CHECK (outside_reason IS NULL OR outside_reason IN {REASONS}),
    CHECK ((supporter_id IS NULL) <> (outside_resource IS NULL)),
    CHECK ((outside_resource IS NULL) = (outside_reason IS NULL))
);
INSERT INTO match_new (id, referral_id, supporter_id, matched_on, score, explanation, override_reason,
    active, ended_on, ended_reason)
SELECT id, referral_id, supporter_id, matched_on, score, explanation, override_reason, active, ended_on,
    ended_reason FROM "match";
DROP TABLE "match";
ALTER TABLE match_new RENAME TO "match";
CREATE INDEX match_referral ON "match" (referral_id);
CREATE INDEX match_supporter_active ON "match" (supporter_id, active)
"""  # noqa: S608 - a fixed vocabulary only

_LATEST_OUTSIDE = (
    'UPDATE utilization SET outside_resource = (SELECT m.outside_resource FROM "match" m '
    "WHERE m.referral_id = utilization.referral_id ORDER BY m.id DESC LIMIT 1) WHERE referral_id IN ({})"
)
OUTSIDE_TRIGGERS = (
    "ALTER TABLE utilization ADD COLUMN outside_resource TEXT",
    'CREATE TRIGGER utilization_outside_insert AFTER INSERT ON "match" FOR EACH ROW\nBEGIN\n'
    + _LATEST_OUTSIDE.format("NEW.referral_id")
    + ";\nEND",
    "CREATE TRIGGER utilization_outside_update AFTER UPDATE OF referral_id, supporter_id, outside_resource "
    'ON "match" FOR EACH ROW\nBEGIN\n'
    + _LATEST_OUTSIDE.format("OLD.referral_id, NEW.referral_id")
    + ";\nEND",
    'CREATE TRIGGER utilization_outside_delete AFTER DELETE ON "match" FOR EACH ROW\nBEGIN\n'
    + _LATEST_OUTSIDE.format("OLD.referral_id")
    + ";\nEND",
)


SINCE = """
INSERT INTO meta (key, value)
SELECT 'wellbeing_since', max(d) FROM (
    SELECT max(received_on) AS d FROM referral UNION ALL SELECT max(status_on) FROM referral
    UNION ALL SELECT max(contact_on) FROM contact UNION ALL SELECT max(matched_on) FROM "match"
    UNION ALL SELECT max(submitted_on) FROM survey UNION ALL SELECT max(escalated_on) FROM escalation)
HAVING max(d) IS NOT NULL
"""


def _script(conn: sqlite3.Connection, sql: str) -> None:
    for statement in sql.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def apply(conn: sqlite3.Connection) -> None:
    """Create the new tables, rebuild `match` with its triggers, add the outside resource to the record."""
    _script(conn, TABLES)
    # The other tables' triggers name "match" in their bodies: rename as SQLite's own table-rebuild
    # recipe does, without re-checking them against the dropped table.
    conn.execute("PRAGMA legacy_alter_table = ON")
    try:
        _script(conn, MATCH)
    finally:
        conn.execute("PRAGMA legacy_alter_table = OFF")
    for trigger in m0004_deidentified.TRIGGERS:
        if ' ON "match" ' in trigger:
            conn.execute(trigger)
    for statement in OUTSIDE_TRIGGERS:
        conn.execute(statement)
    conn.execute(SINCE)
