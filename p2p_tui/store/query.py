"""Raw SQL through the database the models are bound to: the one way services read many rows at once
(peewee's query builder costs more to compile some queries than SQLite takes to run them), write with
SQL or group writes in a savepoint, and the one module that reaches that database
(`Model._meta.database`).

The caller holds `store.lock`, as for any other database access.
"""

from __future__ import annotations

import sqlite3
from typing import Any, cast

import peewee as pw

from p2p_tui.store.models import Meta


def _database() -> pw.Database:
    """The open database every model is bound to (`Store.bind`)."""
    return cast(pw.Database, Meta._meta.database)


def rows(sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Every row of a query, as SQLite returns them (dates as ISO text)."""
    return cast(list[tuple[Any, ...]], _database().execute_sql(sql, params).fetchall())


def scalar(sql: str, *params: object) -> Any:
    """The first column of the first row of a query, or None."""
    found = rows(sql, *params)
    return found[0][0] if found else None


def execute(sql: str, *params: object) -> None:
    """Run one statement that returns no rows (a write, a PRAGMA that sets)."""
    _database().execute_sql(sql, params)


def atomic() -> Any:
    """A transaction, or a savepoint inside the caller's: rolled back if its block raises.

    It only groups writes: saving to the vault is `Store.atomic`'s, around it.
    """
    return _database().atomic()


def connection() -> sqlite3.Connection:
    """The bound database's sqlite3 connection (for the audit chain's walk, `store/audit.py`)."""
    return cast(sqlite3.Connection, _database().connection())
