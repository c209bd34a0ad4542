"""The in-memory database: a peewee SqliteDatabase over `:memory:` that holds the vault's image.

Nothing here ever touches the disk: the image comes from the vault and goes back to it through the
`Saver`. Pragmas keep SQLite's temporary files in memory too (`temp_store=MEMORY`), and
`autoconnect=False` means nothing can silently open a fresh, empty database and later save it over the
real file. Never use the database as a context manager, nor peewee's connection-context helper: closing
the connection destroys the data.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import peewee

# secure_delete: a deleted or changed value is overwritten, not left in free pages of the saved image.
PRAGMAS = (("foreign_keys", 1), ("temp_store", "MEMORY"), ("trusted_schema", 0), ("secure_delete", 1))


class MemoryDatabase(peewee.SqliteDatabase):
    """One connection, shared by threads under `self.lock`, over an in-memory image."""

    def __init__(self) -> None:
        super().__init__(
            ":memory:",
            thread_safe=False,
            autoconnect=False,
            check_same_thread=False,
            pragmas=PRAGMAS,
        )
        self.lock = threading.RLock()

    def load(self, image: bytes | None) -> None:
        """Open the connection and fill it with `image` (or leave it empty for a new vault)."""
        with self.lock:
            self.connect()
            if image:
                self.restore(image)

    def restore(self, image: bytes) -> None:
        """Replace the whole database with `image` on the open connection (the caller holds `lock`)."""
        with self.lock:
            conn = self.raw()
            conn.deserialize(image)
            # deserialize replaced the database: apply the connection's pragmas again.
            for key, value in PRAGMAS:
                conn.execute(f"PRAGMA {key} = {value}")

    def raw(self) -> sqlite3.Connection:
        """The underlying sqlite3 connection."""
        conn: sqlite3.Connection = self.connection()  # type: ignore[no-untyped-call]
        return conn

    def serialize(self) -> bytes:
        """The whole database as bytes (the caller holds `lock`)."""
        return self.raw().serialize()

    def scalar(self, sql: str, *params: Any) -> Any:
        """The first column of the first row of a query, or None."""
        row = self.raw().execute(sql, params).fetchone()
        return None if row is None else row[0]
