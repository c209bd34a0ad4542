"""Schema 8: `physician.search_key`, the name as search finds it by any part, whatever its case and
accents (issue 10, item 8).

The key is the canonical name key of schema 5 (`m0005_canonical_names.canonical_key`) decomposed (NFKD)
with its combining marks removed, so "José" is found by "jose" and "Amber Smith" by "smith" (a search
is `LIKE '%part%'` on it). Purged physicians keep an empty key, as their name is.

Frozen: `search_key` is the key as schema 8 defines it (services/common.py `search_key` must agree: a
test compares them). A later change to the key is a new migration; it never edits this file.
"""

from __future__ import annotations

import sqlite3
import unicodedata

from p2p_tui.store.migrations.m0005_canonical_names import canonical_key


def search_key(name: str) -> str:
    """The search key of schema 8."""
    decomposed = unicodedata.normalize("NFKD", canonical_key(name))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def apply(conn: sqlite3.Connection) -> None:
    """Add the column and fill it for every physician on file."""
    conn.execute("ALTER TABLE physician ADD COLUMN search_key TEXT NOT NULL DEFAULT ''")
    physicians = conn.execute("SELECT id, name FROM physician WHERE purged_on IS NULL").fetchall()
    keys = [(search_key(name), pid) for pid, name in physicians]
    conn.executemany("UPDATE physician SET search_key = ? WHERE id = ?", keys)
