"""The audit trail's machinery: triggers generated from the schema, the hash chain, its verification.

Every change to a data table is recorded by SQLite triggers into `audit_entry` (created by migration
m0010): what kind (insert, update, delete), which table, which record (its id or primary key), which
columns changed (an UPDATE lists only the columns whose value changed) and, when the row belongs to a
case, the case's id. Never a value. The triggers are generated here from `sqlite_master` and
`PRAGMA table_info` at every open, after the migrations (`install`), so a table added by a later
migration is covered without anyone remembering to; `audit_entry` itself, `meta` and `utilization`
(derived by its own triggers from the tables that are audited) are left out.

A trigger writes a pending row (`prev_hash` NULL). `seal` runs before every commit of `Store.atomic`
and before every save: it stamps each pending row with the time (UTC, from the clock given to
`use_clock`, which the services' one clock installs) and the SHA-256 of the previous entry's canonical
serialisation (64 zeros for the first), and keeps the last entry's hash in `meta.audit_head`. So a
removed, inserted or edited entry breaks the chain (`verify`), and so does a removed last entry.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
TABLE = "audit_entry"
# Not audited: the trail itself, the vault's own facts, and the record its own triggers derive.
EXCLUDED = frozenset({TABLE, "meta", "utilization"})
PREFIX = "audit_"
NO_FIELDS = "''"  # an insert or a delete concerns the whole record
COLUMNS = "id, at, kind, table_name, record_ids, fields, referral_id, prev_hash"

Clock = Callable[[], datetime]
_clock: Clock = lambda: datetime.now(UTC)  # noqa: E731 - replaced by the services' clock


def use_clock(source: Clock) -> None:
    """Stamp entries with `source` (the services' one clock installs itself here)."""
    global _clock
    _clock = source


def stamp() -> str:
    """Now, in UTC, to the second: `2026-11-18T10:30:00Z`."""
    return _clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the triggers ---------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]  # the primary key's columns ('rowid' when it has none)

    def ids(self, row: str) -> str:
        """SQL for the record's id: its key, columns joined by ':'."""
        return " || ':' || ".join(f"coalesce({row}.{_quote(k)}, '')" for k in self.keys)

    def referral(self, row: str) -> str:
        """SQL for the case the row belongs to, or NULL."""
        if self.name == "referral":
            return f"{row}.{_quote('id')}"
        if "referral_id" in self.columns:
            return f"{row}.{_quote('referral_id')}"
        return "NULL"


def _tables(conn: sqlite3.Connection) -> list[_Table]:
    names = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name"
        )
        if name not in EXCLUDED
    ]
    found = []
    for name in names:
        info = conn.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
        columns = tuple(row[1] for row in info)
        keys = tuple(row[1] for row in sorted(info, key=lambda r: r[5]) if row[5] > 0) or ("rowid",)
        found.append(_Table(name, columns, keys))
    return found


def _insert(table: _Table, kind: str, row: str, fields: str) -> str:
    # names from the schema, quoted (`_quote`, `_text`): never a value
    return (
        f"INSERT INTO {TABLE} (kind, table_name, record_ids, fields, referral_id) VALUES "  # noqa: S608
        f"('{kind}', {_text(table.name)}, {table.ids(row)}, {fields}, {table.referral(row)});"
    )


def trigger_sql(table: _Table) -> dict[str, str]:
    """The three triggers of one table, by name."""
    quoted = _quote(table.name)
    changed = " OR ".join(f"OLD.{_quote(c)} IS NOT NEW.{_quote(c)}" for c in table.columns)
    names = " || ".join(
        f"CASE WHEN OLD.{_quote(c)} IS NOT NEW.{_quote(c)} THEN {_text(c + ',')} ELSE '' END"
        for c in table.columns
    )
    fields = f"rtrim({names}, ',')"
    base = f"{PREFIX}{table.name}"
    return {
        f"{base}_insert": (
            f"CREATE TRIGGER {_quote(base + '_insert')} AFTER INSERT ON {quoted} BEGIN "
            f"{_insert(table, 'insert', 'NEW', NO_FIELDS)} END"
        ),
        f"{base}_update": (
            f"CREATE TRIGGER {_quote(base + '_update')} AFTER UPDATE ON {quoted} WHEN {changed} BEGIN "
            f"{_insert(table, 'update', 'NEW', fields)} END"
        ),
        f"{base}_delete": (
            f"CREATE TRIGGER {_quote(base + '_delete')} AFTER DELETE ON {quoted} BEGIN "
            f"{_insert(table, 'delete', 'OLD', NO_FIELDS)} END"
        ),
    }


def has_trail(conn: sqlite3.Connection) -> bool:
    """Whether the database has the audit table (schema 10 and later)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,))
    return found.fetchone() is not None


def install(conn: sqlite3.Connection) -> int:
    """Create or refresh the audit triggers of every data table; how many were (re)created.

    Idempotent: a trigger already as generated is left alone, so an open that finds them current
    changes nothing. A trigger of a table that is gone or changed is dropped and made again.
    """
    if not has_trail(conn):
        return 0
    wanted: dict[str, str] = {}
    for table in _tables(conn):
        wanted.update(trigger_sql(table))
    existing = dict(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ESCAPE '\\'",
            (PREFIX.replace("_", "\\_") + "%",),
        ).fetchall()
    )
    made = 0
    for name, sql in existing.items():
        if wanted.get(name) != sql:
            conn.execute(f"DROP TRIGGER {_quote(name)}")
    for name, sql in wanted.items():
        if existing.get(name) != sql:
            conn.execute(sql)
            made += 1
    return made


# -- the chain ------------------------------------------------------------------------------------


def canonical(row: tuple[object, ...]) -> bytes:
    """An entry's canonical serialisation: its columns (`COLUMNS` order) as compact JSON."""
    return json.dumps(list(row), separators=(",", ":"), ensure_ascii=True).encode("ascii")


def digest(row: tuple[object, ...]) -> str:
    """The SHA-256 (hex) of an entry's canonical serialisation."""
    return hashlib.sha256(canonical(row)).hexdigest()


def head(conn: sqlite3.Connection) -> str:
    """The hash the next entry chains to."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    return str(row[0]) if row else GENESIS


def rehead(conn: sqlite3.Connection) -> None:
    """Point the head at the last sealed entry again: after an undo restored an older image, whose
    head predates the entries carried across it (`store/undo.py`)."""
    if not has_trail(conn):
        return
    row = conn.execute(
        f"SELECT {COLUMNS} FROM {TABLE} WHERE prev_hash IS NOT NULL ORDER BY id DESC LIMIT 1"  # noqa: S608
    ).fetchone()
    value = GENESIS if row is None else digest(tuple(row))
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (HEAD_KEY, value),
    )


def pending(conn: sqlite3.Connection) -> bool:
    """Whether entries wait to be sealed."""
    if not has_trail(conn):
        return False
    return conn.execute(f"SELECT 1 FROM {TABLE} WHERE prev_hash IS NULL LIMIT 1").fetchone() is not None  # noqa: S608


def add(
    conn: sqlite3.Connection,
    kind: str,
    table: str | None = None,
    ids: Iterable[object] = (),
    fields: Iterable[str] = (),
    referral_id: int | None = None,
) -> None:
    """A pending entry written by the program itself (an export, an unlock...), sealed at commit."""
    conn.execute(
        f"INSERT INTO {TABLE} (kind, table_name, record_ids, fields, referral_id) VALUES (?, ?, ?, ?, ?)",  # noqa: S608
        (kind, table, ",".join(str(i) for i in ids), ",".join(fields), referral_id),
    )


def seal(conn: sqlite3.Connection) -> int:
    """Stamp and chain every pending entry (the caller holds the lock, in a transaction); how many."""
    if not has_trail(conn):
        return 0
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM {TABLE} WHERE prev_hash IS NULL ORDER BY id"  # noqa: S608
    ).fetchall()
    if not rows:
        return 0
    at, previous = stamp(), head(conn)
    links = []
    for row in rows:
        links.append((at, previous, row[0]))
        previous = digest((row[0], at, *row[2:7], previous))
    conn.executemany(f"UPDATE {TABLE} SET at = ?, prev_hash = ? WHERE id = ?", links)  # noqa: S608 - one statement
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (HEAD_KEY, previous),
    )
    return len(rows)


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: the entries read, and the first broken one (None: the chain holds).

    `why` is a whole sentence naming the entries concerned (`entry 4284 does not follow entry 4282:
    an entry between was removed or changed`); `broken_at` is 0 when the trail is empty but its head
    says it had entries.
    """

    entries: int
    broken_at: int | None
    why: str = ""

    @property
    def ok(self) -> bool:
        """Whether the chain holds."""
        return self.broken_at is None


def _unlinked(entry: int, before: int | None) -> str:
    """Why `entry` does not chain to the entry read before it (`before`, None: it is the first)."""
    if before is None:
        if entry == 1:
            return "entry 1 does not start the trail: it was changed"
        return f"entry {entry} does not start the trail: the entries before it were removed or changed"
    if before == entry - 1:
        return f"entry {entry} does not follow entry {before}: one of the two was changed"
    return f"entry {entry} does not follow entry {before}: an entry between was removed or changed"


def verify(conn: sqlite3.Connection) -> Verdict:
    """Walk the chain from the genesis: the first entry whose link fails, and why."""
    if not has_trail(conn):
        return Verdict(0, None)
    previous, count, last_id = GENESIS, 0, None
    for row in conn.execute(f"SELECT {COLUMNS} FROM {TABLE} ORDER BY id"):  # noqa: S608
        count += 1
        if row[7] is None:
            return Verdict(count, row[0], f"entry {row[0]} was never sealed (written outside the program)")
        if row[7] != previous:
            return Verdict(count, row[0], _unlinked(row[0], last_id))
        last_id, previous = row[0], digest(row)
    if previous != head(conn):
        if last_id is None:
            return Verdict(0, 0, "the trail is empty, but its head says it had entries: they were removed")
        why = (
            f"the last entry, {last_id}, is not the one the head names: entries after it were removed, "
            "or it was changed"
        )
        return Verdict(count, last_id, why)
    return Verdict(count, None)
