"""Schema 5: names compared on one canonical key, and the check that a referred physician is not a
supporter under another name record (issue 9).

- `physician.name_key` and `conflict.name_key` are recomputed with the canonical key (`canonical_key`
  below: invisible and format characters dropped, every kind of space a plain one, NFKC, case folded,
  spaces collapsed). Keys stored by schema 4 kept zero-width and odd spaces, so a name typed with one
  did not meet the same name in a supporter's `evaluates` list. A conflict stores only its key, so its
  new key is computed from the old one (the old key kept every character the new one looks at).
- Conflicts with a purged physician lose the name key they still held (a purge before schema 5 left
  it): it becomes `purged-<physician id>`, as the physician's own key did.
- `same_person_check`: a supporter who may be the referred physician themself (same name key, email or
  phone), recorded at intake; `cleared_on` is set when the coordinator confirms they are two people.

Frozen: `canonical_key` is the key as schema 5 defines it (services/common.py `name_key` must agree:
a test compares them). A later change to the key is a new migration; it never edits this file.
"""

from __future__ import annotations

import sqlite3
import unicodedata

INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0]
    + list(range(0x180B, 0x1810))
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0100, 0xE01F0))
)

TABLES = """
CREATE TABLE same_person_check (
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id) ON DELETE CASCADE,
    cleared_on DATE,
    PRIMARY KEY (referral_id, supporter_id)
) WITHOUT ROWID;
CREATE INDEX same_person_check_supporter ON same_person_check (supporter_id)
"""


def _char(char: str) -> str:
    if char.isspace() or unicodedata.category(char)[0] == "Z":
        return " "
    if unicodedata.category(char) in ("Cf", "Cc", "Cs") or ord(char) in INVISIBLE:
        return ""
    return char


def _visible(text: str) -> str:
    return "".join(_char(c) for c in text)


def canonical_key(name: str) -> str:
    """The canonical name key of schema 5."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", _visible(name)).casefold())
    return " ".join(_visible(folded).split())


def apply(conn: sqlite3.Connection) -> None:
    """Create the same-person table and recompute every stored name key."""
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    physicians = conn.execute("SELECT id, name, name_key FROM physician WHERE purged_on IS NULL").fetchall()
    conn.executemany(
        "UPDATE physician SET name_key = ? WHERE id = ?",
        [(canonical_key(name), pid) for pid, name, key in physicians if canonical_key(name) != key],
    )
    conn.execute(
        "UPDATE conflict SET name_key = 'purged-' || physician_id "
        "WHERE physician_id IN (SELECT id FROM physician WHERE purged_on IS NOT NULL)"
    )
    conflicts = conn.execute(
        "SELECT id, name_key FROM conflict WHERE physician_id IS NULL "
        "OR physician_id NOT IN (SELECT id FROM physician WHERE purged_on IS NOT NULL)"
    ).fetchall()
    conn.executemany(
        "UPDATE conflict SET name_key = ? WHERE id = ?",
        [(canonical_key(key), cid) for cid, key in conflicts if canonical_key(key) != key],
    )
