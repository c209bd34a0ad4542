"""Schema 11: informal encounters, supporters' wellbeing check-ins and debriefs, outside matches (issue 13).

- `informal_encounter`: a supporter's unplanned conversation counted: the date, the supporter and,
  optionally, the peer's career stage, county and stressors (';'-joined in vocabulary order). Never a
  name: the table has no column for one.
- `wellbeing_check_in`: the coordinator's check-in with a supporter: the date and a structured result
  (ok, wants a break, wants a debrief, stepping back); a break carries the date it runs to.
- `debrief`: that a debrief asked for (by a survey or a check-in) was offered, and when.
- `match` is rebuilt (SQLite cannot drop a NOT NULL): `supporter_id` becomes nullable and a match may
  instead name an outside resource (the Physician Health Program, another province's program, other)
  with the reason from a short list; exactly one of the two is set. The rebuild starts from the table
  as it stands (a column another migration added is kept) and recreates its indexes and triggers (the
  de-identified record's, schema 4) from their own SQL.
- `utilization.outside_resource`: the resource of the case's latest match when it is outside, kept by
  triggers of its own, so the de-identified record knows an outside match.
- `meta.wellbeing_since`: in a vault that already holds cases, the last day it recorded anything (the
  day before the upgrade, as near as the data tells): check-ins and debriefs are due from then on, not
  for every escalation and survey of the years before there was a way to record them.

Frozen: this SQL is what schema 11 was. A later change is a new migration.
"""

from __future__ import annotations

import re
import sqlite3

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

# What the rebuilt match adds to the table as it stands (any column another migration added is kept).
MATCH_ADDS = f"""
    outside_resource TEXT CHECK (outside_resource IS NULL OR outside_resource IN {RESOURCES}),
    outside_reason TEXT CHECK (outside_reason IS NULL OR outside_reason IN {REASONS}),
    CHECK ((supporter_id IS NULL) <> (outside_resource IS NULL)),
    CHECK ((outside_resource IS NULL) = (outside_reason IS NULL))"""
NOT_NULL = re.compile(r"supporter_id\s+INTEGER\s+NOT\s+NULL", re.IGNORECASE)

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


def _rebuild_match(conn: sqlite3.Connection) -> None:
    """SQLite's table rebuild: the table as it stands with `supporter_id` nullable and the outside
    columns added, every row, column, index and trigger of it kept."""
    (old,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'match'").fetchone()
    keep = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'match' AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY type, name"
        )
    ]
    columns = ", ".join(f'"{row[1]}"' for row in conn.execute('PRAGMA table_info("match")'))
    nullable, found = NOT_NULL.subn("supporter_id INTEGER", old, count=1)
    body = nullable[nullable.index("(") : nullable.rindex(")")]
    if found != 1:
        raise RuntimeError("schema 11: the match table is not as schema 2 made it")
    conn.execute(f"CREATE TABLE match_new {body},{MATCH_ADDS}\n)")
    conn.execute(f'INSERT INTO match_new ({columns}) SELECT {columns} FROM "match"')  # noqa: S608
    # Other tables' triggers name "match" in their bodies: rename as SQLite's own recipe does, without
    # checking them against the table dropped for the moment.
    conn.execute("PRAGMA legacy_alter_table = ON")
    try:
        conn.execute('DROP TABLE "match"')
        conn.execute('ALTER TABLE match_new RENAME TO "match"')
    finally:
        conn.execute("PRAGMA legacy_alter_table = OFF")
    for sql in keep:
        conn.execute(sql)


def apply(conn: sqlite3.Connection) -> None:
    """Create the new tables, rebuild `match` with its triggers, add the outside resource to the record."""
    _script(conn, TABLES)
    _rebuild_match(conn)
    for statement in OUTSIDE_TRIGGERS:
        conn.execute(statement)
    conn.execute(SINCE)
