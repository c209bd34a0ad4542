"""What every benchmark shares: the 95th percentile, and the engines the vault is compared with (plain
SQLite and SQLCipher over a file, WAL, synchronous=FULL, as ARCHITECTURE.md §7 asks)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import peewee as pw


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile (inclusive method); a single sample is its own."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def connect_file(module: ModuleType, path: Path | str, key: str | None = None) -> Any:
    """A connection to a file database through `module` (sqlite3 or sqlcipher3): key first (a raw key,
    no PBKDF2, so no KDF is timed), then WAL and synchronous=FULL."""
    conn = module.connect(str(path), isolation_level=None, check_same_thread=False)
    if key is not None:
        conn.execute(f'PRAGMA key = "{key}"')
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = 1")
    return conn


class FileDatabase(pw.SqliteDatabase):
    """A peewee database over a file through `module`, connected by `connect_file`."""

    def __init__(self, path: Path | str, module: ModuleType, key: str | None = None) -> None:
        super().__init__(str(path), autoconnect=False, check_same_thread=False)
        self.module = module
        self.key = key

    def _connect(self) -> Any:
        return connect_file(self.module, self.database, self.key)
