"""Schema 1: the meta table (schema version and the sentinel row) and the settings table."""

from __future__ import annotations

import sqlite3

SENTINEL = "p2p-tui vault"


def apply(conn: sqlite3.Connection) -> None:
    """Create the tables of schema 1."""
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO meta(key, value) VALUES ('sentinel', ?)", (SENTINEL,))
