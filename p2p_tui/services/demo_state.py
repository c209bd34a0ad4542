"""Whether a demo vault was changed since `p2p-tui demo` made it (the day's practice work is in it).

At creation the demo records a fingerprint of its data (`mark_made`): a SHA-256 over every row of every
table but `meta` (the bookkeeping the console writes by itself, such as the day of the last retention
check) and `audit_entry` (every unlock adds to the trail). `changed_since_made` compares it again; a
demo vault made before the fingerprint existed counts as changed, since nothing says it is not.
"""

from __future__ import annotations

import hashlib

from p2p_tui.store import query

KEY = "demo_fingerprint"
TABLES_SQL = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
    "AND name NOT IN ('meta', 'audit_entry') ORDER BY name"
)


def fingerprint() -> str:
    """A digest of every row of the data (every table but `meta`), independent of row order."""
    digest = hashlib.sha256()
    for (table,) in query.rows(TABLES_SQL):
        rows = sorted(repr(row) for row in query.rows(f'SELECT * FROM "{table}"'))  # noqa: S608 - names from the schema
        digest.update(f"{table}\0{len(rows)}\0".encode())
        for row in rows:
            digest.update(row.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def mark_made() -> None:
    """Record the fingerprint of the demo as made (call inside `store.atomic()`, last)."""
    query.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        KEY,
        fingerprint(),
    )


def changed_since_made() -> bool:
    """Whether the data differs from what the demo made (True when no fingerprint was recorded)."""
    made = query.scalar("SELECT value FROM meta WHERE key = ?", KEY)
    return made is None or made != fingerprint()
