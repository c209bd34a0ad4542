"""Schema 10: the audit trail (issue 13), one row per change, export, import, purge, restore,
passphrase change, unlock or undo, never a value.

- `at`: UTC time, `YYYY-MM-DDTHH:MM:SSZ` (NULL while the entry waits to be sealed at commit);
- `kind`: insert, update, delete, export, import, purge, restore, passphrase, unlock, undo;
- `table_name`: the table changed (or what was exported or imported), `record_ids` its key,
  `fields` the names of the columns an update changed (comma-separated), `referral_id` the case the
  row belongs to, if any (no foreign key: the entry outlives the row);
- `prev_hash`: the SHA-256 (hex) of the previous entry's canonical serialisation.

Only the table and its indexes are created here; the triggers that fill it are generated from the
schema at every open (`store/audit.py`), so they cover the tables of later migrations too.

Frozen: this SQL is what schema 10 was.
"""

from __future__ import annotations

import sqlite3

TABLES = """
CREATE TABLE audit_entry (
    id INTEGER PRIMARY KEY,
    at TEXT,
    kind TEXT NOT NULL,
    table_name TEXT,
    record_ids TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '',
    referral_id INTEGER,
    prev_hash TEXT
);
CREATE INDEX audit_entry_at ON audit_entry (at);
CREATE INDEX audit_entry_referral ON audit_entry (referral_id) WHERE referral_id IS NOT NULL;
CREATE INDEX audit_entry_pending ON audit_entry (id) WHERE prev_hash IS NULL
"""


def apply(conn: sqlite3.Connection) -> None:
    """Create the audit table and its indexes."""
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
