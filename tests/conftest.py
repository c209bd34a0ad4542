"""Shared fixtures: cheap key derivation (the reader accepts it; only creation defaults are costly)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from p2p_tui.services import clock
from p2p_tui.store import Store
from p2p_tui.vault import KdfParams

# Argon2id at its minimum: tests create vaults through this explicit argument (ARCHITECTURE.md §2).
CHEAP_KDF = KdfParams(memory_kib=8, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery staple"


def data_dump(conn: sqlite3.Connection) -> list[str]:
    """Every statement that rebuilds the database but the append-only audit trail and its head: what
    an undo must restore exactly (the trail keeps the record of the change and of its undo)."""
    return [
        line
        for line in conn.iterdump()
        if not line.startswith('INSERT INTO "audit_entry"') and "'audit_head'" not in line
    ]


# The one frozen clock of the suite: a plain Wednesday, no PEI holiday near it. No test reads the
# real date, so the suite passes on any day (check: faketime '@2026-12-05 10:00:00' make pytest).
TODAY = date(2026, 11, 18)
NOW = datetime(2026, 11, 18, 10, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[datetime]:
    """Every test runs with the services' clock standing at `NOW` (tests that need another day
    freeze their own with `clock.frozen`, or pass `on=`)."""
    with clock.frozen(NOW) as at:
        yield at


@pytest.fixture
def today() -> date:
    """The frozen date every test runs on."""
    return TODAY


@pytest.fixture
def cheap_kdf() -> KdfParams:
    return CHEAP_KDF


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "program.p2pvault"


@pytest.fixture
def store(vault_path: Path) -> Iterator[Store]:
    """A new, open store over a cheap vault; closed (saved) at the end if still open."""
    created, _code = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    yield created
    if created.vault.is_open:
        created.close()
