"""Restoring a vault from one of its backups (or any copy), for `p2p-tui restore` and the unlock screen.

The file being replaced is kept as a backup first, and the restored vault is saved with a generation
above every one seen, so the generation never goes back. Its audit trail is carried into the restored
vault (`carry_trail`), then a `restore` entry naming the generation restored is sealed onto it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from p2p_tui.store import audit
from p2p_tui.store.database import MemoryDatabase
from p2p_tui.store.migrations import migrate
from p2p_tui.store.store import Store
from p2p_tui.vault import Vault, VaultError, peek_generation
from p2p_tui.vault import backups as vault_backups
from p2p_tui.vault.lock import VaultLock


@dataclass(frozen=True)
class Candidate:
    """A backup and whether it opens with the secret given (and if not, why)."""

    backup: vault_backups.Backup
    opens: bool
    why_not: str


def check(backup: vault_backups.Backup, secret: str, *, recovery: bool = False) -> Candidate:
    """Whether a backup opens with this secret and holds a p2p-tui database."""
    try:
        vault, image = Vault.open(backup.path, secret, recovery=recovery, lock=False)
    except VaultError as exc:
        reason = {3: "other passphrase", 4: "damaged"}.get(exc.exit_code, "does not open")
        return Candidate(backup, False, reason)
    vault.close()
    try:
        Store.load_image(image, backup.path).close()
    except VaultError:
        return Candidate(backup, False, "no p2p-tui data")
    return Candidate(backup, True, "")


def newest_that_opens(path: Path, secret: str, *, recovery: bool = False) -> vault_backups.Backup | None:
    """The newest backup of the vault at `path` that opens with this secret."""
    for backup in vault_backups.listing(path):
        if check(backup, secret, recovery=recovery).opens:
            return backup
    return None


# Marks of a `restore` entry (its `fields`) when the restored trail is not the vault's own history
# continued: the backup came from another vault, or the file replaced could not be read.
OTHER_VAULT = "other_vault"
CURRENT_UNREAD = "current_trail_unread"


def current_trail(path: Path, secret: str, *, recovery: bool = False) -> list[tuple[object, ...]] | None:
    """Every audit entry of the vault at `path` as stored (`audit.COLUMNS`), [] for a vault with no
    trail yet, or None when it is missing or does not open with this secret (then it cannot be read)."""
    if not path.exists():
        return []
    try:
        vault, image = Vault.open(path, secret, recovery=recovery, lock=False)
    except (VaultError, OSError):
        return None
    vault.close()
    try:
        db = Store.load_image(image, path)
    except VaultError:
        return None
    try:
        conn = db.raw()
        if not audit.has_trail(conn):
            return []
        sql = f"SELECT {audit.COLUMNS} FROM {audit.TABLE} ORDER BY id"  # noqa: S608 - fixed names
        return [tuple(row) for row in conn.execute(sql)]
    finally:
        db.close()


def carry_trail(conn: sqlite3.Connection, current: list[tuple[object, ...]]) -> bool:
    """Give the restored image's trail every entry of the current one, so a restore loses none;
    whether the backup was of the same lineage.

    Same lineage (the backup's last entry is, by hash, the current entry with that id; an empty
    backup trail counts as the start of any): the current entries after it are added, and they chain
    on as they are. Another lineage (a backup of another vault): the current trail replaces the
    backup's whole, since it is this vault file's history (the backup's own stays in its file).
    """
    last = conn.execute(f"SELECT {audit.COLUMNS} FROM {audit.TABLE} ORDER BY id DESC LIMIT 1").fetchone()  # noqa: S608
    if last is None:
        same, later = True, current
    else:
        match = next((row for row in current if row[0] == last[0]), None)
        same = match is not None and audit.digest(match) == audit.digest(tuple(last))
        later = [row for row in current if int(str(row[0])) > int(last[0])] if same else current
    if not same:
        conn.execute(f"DELETE FROM {audit.TABLE}")  # noqa: S608 - a fixed name
    marks = ", ".join("?" * len(audit.COLUMNS.split(", ")))
    conn.executemany(f"INSERT INTO {audit.TABLE} ({audit.COLUMNS}) VALUES ({marks})", later)  # noqa: S608
    return same


def with_restore_entry(
    db: MemoryDatabase, generation: int = 0, current: list[tuple[object, ...]] | None = None
) -> bytes:
    """The image brought to this schema, its trail carrying the current vault's (`carry_trail`; None:
    the current one could not be read), and a `restore` entry at the end naming the generation
    restored; closes `db`."""
    try:
        with db.lock:
            conn = db.raw()
            migrate(conn)
            audit.install(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                marks: tuple[str, ...] = (CURRENT_UNREAD,)
                if current is not None:
                    marks = () if carry_trail(conn, current) else (OTHER_VAULT,)
                audit.rehead(conn)
                audit.add(conn, "restore", ids=(generation,), fields=marks)
                audit.seal(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return db.serialize()
    finally:
        db.close()


def restore_from(path: Path, source: Path, secret: str, *, recovery: bool = False) -> int:
    """Replace the vault at `path` with `source` (which must open with `secret`); the new generation.

    The audit trail of the vault replaced is carried into the restored one when it opens with the
    same secret (`with_restore_entry`): a restore never erases the record of what happened since the
    backup. Raises the vault's named errors (VaultLocked while the vault is open elsewhere).
    """
    restored, image = Vault.open(source, secret, recovery=recovery, lock=False)
    try:
        db = Store.load_image(image, source)  # refuses a file of no p2p-tui data
        lock = VaultLock(path)
        try:
            lock.acquire()
        except BaseException:
            db.close()
            raise
        try:
            trail = current_trail(path, secret, recovery=recovery)
            image = with_restore_entry(db, restored.generation, trail)
            current = peek_generation(path) or 0
            generations = [b.generation for b in vault_backups.listing(path)]
            generations += [restored.generation, current]
            if path.exists():
                vault_backups.take(path, current)
            restored.retarget(path, max(generations))
            return restored.save(image, backup=False)
        finally:
            lock.release()
    finally:
        restored.close()
