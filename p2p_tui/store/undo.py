"""Undo of the console's last change: the database image from just before it, restored whole.

Simple and exact: before a change the console marks as undoable (`Store.atomic(undo=...)`), the
in-memory database is serialized (`sqlite3.Connection.serialize`, a copy of its pages); undoing
deserializes that image over the database, so every table is byte for byte as it was, and the normal
save follows. One level: the session's last change. It is offered only while nothing else has
changed the database since (SQLite's count of changes on the connection): an undo never reverts a
change it was not asked to.

Tables named in `PRESERVED_ON_UNDO` are append-only records (the audit log of another branch): their
rows added since the image was taken are carried across the restore, so an undo never erases the
record of what happened; a table that does not exist is skipped. `record_undo` then records
the undo in that audit log: one `undo` entry per carried entry, naming what was reverted.

A change that purged identifying data (a close under a retention of 0 days: its trail holds a `purge`
entry) is final: it cannot be undone, and its image is not kept (`PURGED` says so).

The images live in memory only, with the store: locking or closing the vault drops them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from p2p_tui.store import audit
from p2p_tui.store.database import MemoryDatabase

PRESERVED_ON_UNDO: tuple[str, ...] = ("audit_entry",)


class NothingToUndo(Exception):
    """There is no change that can be undone now (the message says why, no value)."""


@dataclass(frozen=True)
class Before:
    """The database just before a change: its image and, per preserved table, its highest rowid."""

    image: bytes
    marks: dict[str, int] = field(default_factory=dict)


PURGED = (
    "Not undone: that change purged the physician's name and contacts (retention of 0 days), and a "
    "purge is final. The backups made before it still hold them (Settings, B lists them)."
)


@dataclass(frozen=True)
class Step:
    """A change that can be undone: what it was (plain words), the image before it (None: a change
    that cannot be undone, a purge), and the connection's change count once it committed."""

    label: str
    before: Before | None
    changes_after: int


def _purged_since(conn: sqlite3.Connection, marks: dict[str, int]) -> bool:
    """Whether the change since `marks` purged identifying data (its trail holds a `purge` entry)."""
    if "audit_entry" not in marks:
        return False
    found = conn.execute(
        "SELECT 1 FROM audit_entry WHERE id > ? AND kind = 'purge' LIMIT 1", (marks["audit_entry"],)
    )
    return found.fetchone() is not None


def record_undo(conn: sqlite3.Connection, label: str, since: int = 0) -> None:
    """Record in the audit trail that a change was undone, inside the undo's transaction.

    The entries carried across the restore with an id above `since` are the undone change's own: each
    gets an `undo` entry naming the same table, records, fields and case (a revert of that entry), so
    the log and the case page show what the undo put back (a purged name, a closed case). With none
    carried, one bare `undo` entry still says an undo happened. No value is named (not even `label`,
    which may hold a name). The restored image's chain head predates the carried entries, so it is
    pointed at the last of them first, then the new entries are sealed onto it.
    """
    del label
    if not audit.has_trail(conn):
        return
    audit.rehead(conn)
    reverted = conn.execute(
        "SELECT table_name, record_ids, fields, referral_id FROM audit_entry WHERE id > ? ORDER BY id",
        (since,),
    ).fetchall()
    for table, ids, fields, referral_id in reverted or [(None, "", "", None)]:
        conn.execute(
            "INSERT INTO audit_entry (kind, table_name, record_ids, fields, referral_id) "
            "VALUES ('undo', ?, ?, ?, ?)",
            (table, ids, fields, referral_id),
        )
    audit.seal(conn)


def _table_exists(conn: sqlite3.Connection, table: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return found.fetchone() is not None


def _marks(conn: sqlite3.Connection) -> dict[str, int]:
    """The highest rowid of each preserved table that exists (0 when empty)."""
    return {
        table: int(conn.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0])  # noqa: S608 - a fixed name
        for table in PRESERVED_ON_UNDO
        if _table_exists(conn, table)
    }


def _added_since(conn: sqlite3.Connection, marks: dict[str, int]) -> list[tuple[str, list[str], list[Any]]]:
    """The rows of each preserved table added after `marks` (table, columns, rows)."""
    found = []
    for table in PRESERVED_ON_UNDO:
        if not _table_exists(conn, table):
            continue
        sql = f'SELECT * FROM "{table}" WHERE rowid > ? ORDER BY rowid'  # noqa: S608 - a fixed name
        cursor = conn.execute(sql, (marks.get(table, 0),))
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        if rows:
            found.append((table, columns, rows))
    return found


def _put_back(conn: sqlite3.Connection, added: list[tuple[str, list[str], list[Any]]]) -> None:
    """Insert the carried rows again, into the tables the restored image has."""
    for table, columns, rows in added:
        if not _table_exists(conn, table):
            continue
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608


class UndoLog:
    """The session's last undoable change of one in-memory database (the caller holds its lock)."""

    def __init__(self, db: MemoryDatabase) -> None:
        self.db = db
        self.last: Step | None = None

    def before(self) -> Before:
        """The database as it is now, to be kept if the change about to be made commits."""
        conn = self.db.raw()
        return Before(self.db.serialize(), _marks(conn))

    def keep(self, before: Before, label: str) -> None:
        """A change committed: it becomes the one that can be undone, unless it purged (a close with a
        retention of 0 days): a purge is final, so its image, which holds the names, is dropped."""
        conn = self.db.raw()
        kept = None if _purged_since(conn, before.marks) else before
        self.last = Step(label, kept, conn.total_changes)

    def forget(self) -> None:
        """Drop the kept image (nothing can be undone)."""
        self.last = None

    def final(self) -> bool:
        """Whether the last change kept is one that cannot be undone (it purged)."""
        return self.last is not None and self.last.before is None

    def available(self) -> str | None:
        """What Ctrl+Z would undo now, in plain words, or None."""
        step = self.last
        if step is None or step.before is None or self.db.raw().total_changes != step.changes_after:
            return None
        return step.label

    def undo(self) -> str:
        """Restore the image from before the last change; returns what was undone.

        Raises:
            NothingToUndo: no change was kept, the database changed since by another way, or the
                change purged (final).
        """
        step = self.last
        if step is None:
            raise NothingToUndo("Nothing to undo in this session.")
        conn = self.db.raw()
        if conn.total_changes != step.changes_after:
            self.last = None
            raise NothingToUndo("Nothing to undo: another change was made since the last one.")
        before = step.before
        if before is None:
            self.last = None
            raise NothingToUndo(PURGED)
        added = _added_since(conn, before.marks)
        self.db.restore(before.image)
        conn = self.db.raw()
        conn.execute("BEGIN IMMEDIATE")
        try:
            _put_back(conn, added)
            record_undo(conn, step.label, before.marks.get("audit_entry", 0))
            # a change the screens see (they redraw when the change count moves); the row is unchanged
            conn.execute("UPDATE meta SET value = value WHERE key = 'sentinel'")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.last = None
        return step.label
