"""Restoring a vault from one of its backups (or any copy), for `p2p-tui restore` and the unlock screen.

The file being replaced is kept as a backup first, and the restored vault is saved with a generation
above every one seen, so the generation never goes back.
"""

from __future__ import annotations

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


def with_restore_entry(db: MemoryDatabase) -> bytes:
    """The image brought to this schema, with a `restore` entry at the end of its audit trail; closes
    `db`."""
    try:
        with db.lock:
            conn = db.raw()
            migrate(conn)
            audit.install(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                audit.add(conn, "restore")
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

    Raises the vault's named errors (VaultLocked while the vault is open elsewhere).
    """
    restored, image = Vault.open(source, secret, recovery=recovery, lock=False)
    try:
        image = with_restore_entry(Store.load_image(image, source))  # refuses a file of no p2p-tui data
        lock = VaultLock(path)
        lock.acquire()
        try:
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
