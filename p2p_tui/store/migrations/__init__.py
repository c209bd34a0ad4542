"""Numbered schema migrations, applied in order at open; the version lives in the `meta` table.

Each migration is a module `mNNNN_name.py` with `apply(conn)` in raw SQL (never the current models:
they change, migrations must not). A vault whose schema is newer than this code is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from p2p_tui.store.migrations import (
    m0001_initial,
    m0002_program,
    m0003_queue_indexes,
    m0004_deidentified,
    m0005_canonical_names,
    m0007_corrections,
    m0008_search_keys,
    m0009_member_survey,
    m0010_audit_trail,
    m0011_peers,
    m0012_lookalike_names,
)

Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: tuple[tuple[int, Migration], ...] = (
    (1, m0001_initial.apply),
    (2, m0002_program.apply),
    (3, m0003_queue_indexes.apply),
    (4, m0004_deidentified.apply),
    (5, m0005_canonical_names.apply),
    (7, m0007_corrections.apply),
    (8, m0008_search_keys.apply),
    (9, m0009_member_survey.apply),
    (10, m0010_audit_trail.apply),
    (11, m0011_peers.apply),
    (12, m0012_lookalike_names.apply),
)
LATEST = MIGRATIONS[-1][0]


class NewerSchema(Exception):
    """The image was written by a newer p2p-tui."""


def current_version(conn: sqlite3.Connection) -> int:
    """The image's schema version (0 for an empty database)."""
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to the latest schema, each step in its own transaction."""
    version = current_version(conn)
    if version > LATEST:
        raise NewerSchema(f"schema {version} is newer than this p2p-tui ({LATEST})")
    for number, step in MIGRATIONS:
        if number <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(number),),
            )
            conn.execute(f"PRAGMA user_version = {int(number)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = number
    return version
