"""Raw SQL through the database the models are bound to: the one way services read many rows at once
(peewee's query builder costs more to compile some queries than SQLite takes to run them).

The caller holds `store.lock`, as for any other database access.
"""

from __future__ import annotations

from typing import Any, cast

from p2p_tui.store.models import Meta


def rows(sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Every row of a query, as SQLite returns them (dates as ISO text)."""
    database = Meta._meta.database  # every model is bound to the same open database (Store.bind)
    return cast(list[tuple[Any, ...]], database.execute_sql(sql, params).fetchall())


def scalar(sql: str, *params: object) -> Any:
    """The first column of the first row of a query, or None."""
    found = rows(sql, *params)
    return found[0][0] if found else None
