"""The audit trail (ARCHITECTURE.md section 4.5): what was changed, exported or opened, never a value.

Changes to the data are recorded by triggers (`store/audit.py`): nothing needs calling for them. What
no trigger sees is recorded here with `record(kind, ...)`, inside the caller's `store.atomic()`:

- `record("export", table="report")`: an output left the vault (`table` names what: `report`,
  `deidentified`, `honoraria`, `backup`);
- `record("import", table="physician")`, `record("purge")`, `record("unlock")`, `record("restore")`;
- `undo` entries are written by `store/undo.record_undo`, not here: an undo restores the database
  image from before the change, which no trigger sees, so it adds one `undo` entry per entry of the
  undone change, with the same table, records, fields and case (what the undo put back).

Every argument is a name or an id, never a value of a person: `record` refuses a kind outside
`vocab.AUDIT_KINDS` and a table or field that is not a plain identifier. The log reads back through
frozen views (`entries`), and `verify()` walks the chain for `p2p-tui check`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from p2p_tui.services import common, labels
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import audit as chain
from p2p_tui.store import query
from p2p_tui.store.vocab import AUDIT_KINDS

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_ID = re.compile(r"^[0-9]{1,19}(:[a-z0-9_]{1,40})*$")  # a number, then any key parts that are codes


@dataclass(frozen=True)
class EntryView:
    """One audit entry, as the log and the case page show it."""

    id: int
    at: datetime | None  # UTC; None only for an entry not yet sealed
    kind: str
    table: str  # "" for an entry about no table
    record_ids: tuple[str, ...]
    fields: tuple[str, ...]
    referral_id: int | None

    @property
    def what(self) -> str:
        """The kind in plain words, with its table: `changed case`, `exported report`."""
        noun = self.table_words if self.table else ""
        return f"{labels.label('audit_kind', self.kind)} {noun}".strip()

    @property
    def changed(self) -> str:
        """The fields changed, in words (`logistics note, preferred contact`), `-` for none."""
        return ", ".join(labels.field(f) for f in self.fields) or "-"

    @property
    def records(self) -> str:
        """The record ids in words: a number, then its key's codes (`6: adverse event`); `-` for none."""
        return ", ".join(_record_words(key) for key in self.record_ids) or "-"

    @property
    def table_words(self) -> str:
        """The table in plain words (`case status`), `-` for none."""
        return TABLE_WORDS.get(self.table, labels.field(self.table)) if self.table else "-"

    @property
    def when(self) -> str:
        """The local time, to the minute (`-` if not sealed yet)."""
        return "-" if self.at is None else self.at.astimezone().strftime("%Y-%m-%d %H:%M")

    def as_json(self) -> dict[str, object]:
        """The entry's codes, as `p2p-tui log --json` prints them."""
        return {
            "id": self.id,
            "at": None if self.at is None else self.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "kind": self.kind,
            "table": self.table or None,
            "record_ids": list(self.record_ids),
            "fields": list(self.fields),
            "referral_id": self.referral_id,
        }


def _record_words(key: str) -> str:
    """One record id in words: `6:adverse_event` → `6: adverse event` (short, printable, no code)."""
    return ": ".join(common.printable(part).replace("_", " ") for part in key.split(":"))


# The tables in plain words (a table missing here is shown with its underscores as spaces).
TABLE_WORDS = {
    "referral": "case",
    "referral_stressor": "case stressor",
    "status_change": "case status",
    "physician": "physician",
    "supporter": "supporter",
    "nomination": "nomination",
    "conflict": "conflict",
    "match": "match",
    "contact": "contact",
    "training_event": "training event",
    "attendance": "attendance",
    "survey": "survey",
    "escalation": "safety escalation",
    "snooze": "snooze",
    "same_person_check": "same-person check",
    "purge_log": "purge record",
    "setting": "setting",
    "deidentified": "de-identified records",
    "report": "report",
    "honoraria": "honorarium statement",
    "backup": "backup copy",
}


def record(
    kind: str,
    table: str | None = None,
    ids: Iterable[object] = (),
    fields: Iterable[str] = (),
    referral_id: int | None = None,
) -> None:
    """Add an entry (call inside `store.atomic()`; it is sealed when the transaction commits).

    Raises ValidationError for a kind outside `vocab.AUDIT_KINDS`, or a table, field or id that is not
    a plain identifier (so nothing but names and ids can reach the trail).
    """
    if kind not in AUDIT_KINDS:
        raise ValidationError("kind", f"must be one of {', '.join(AUDIT_KINDS)}")
    if table is not None and not _NAME.match(table):
        raise ValidationError("table", "must be a table name (lower case letters, digits, _)")
    names = tuple(fields)
    if not all(_NAME.match(name) for name in names):
        raise ValidationError("fields", "must be field names (lower case letters, digits, _)")
    keys = tuple(str(i) for i in ids)
    if not all(_ID.match(key) for key in keys):
        raise ValidationError("ids", "must be record ids (a number, then codes after ':')")
    chain.add(query.connection(), kind, table, keys, names, referral_id)


def _view(row: Sequence[object]) -> EntryView:
    at = row[1]
    stamp = None if at is None else datetime.strptime(str(at), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    record_ids, fields = str(row[4] or ""), str(row[5] or "")
    return EntryView(
        id=int(str(row[0])),
        at=stamp,
        kind=str(row[2]),
        table=str(row[3] or ""),
        record_ids=tuple(record_ids.split(",")) if record_ids else (),
        fields=tuple(fields.split(",")) if fields else (),
        referral_id=None if row[6] is None else int(str(row[6])),
    )


def entries(
    *,
    since: date | None = None,
    referral_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[EntryView]:
    """Entries in order (or newest first), from a UTC day on, of one case, at most `limit` from
    `offset` (caller holds the lock). Served by the primary key and the indexes on `at` and
    `referral_id`: a page costs the same at any length of trail."""
    where, params = [], []
    if since is not None:
        where.append("at >= ?")
        params.append(since.isoformat())
    if referral_id is not None:
        where.append("referral_id = ?")
        params.append(str(referral_id))
    sql = "SELECT id, at, kind, table_name, record_ids, fields, referral_id FROM audit_entry"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [_view(row) for row in query.rows(sql, *params)]


def count() -> int:
    """How many entries the trail holds."""
    return int(query.scalar("SELECT count(*) FROM audit_entry"))


def verify() -> chain.Verdict:
    """Walk the chain (caller holds the lock): the first broken entry, if any."""
    return chain.verify(query.connection())
