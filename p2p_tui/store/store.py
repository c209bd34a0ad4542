"""`Store`: opens a vault into the in-memory database, applies migrations, saves after each commit.

All database access goes through `store.lock` (an RLock): `with store.atomic():` takes it, runs a
transaction, and on commit asks the saver for a save, which the worker takes under the same lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from p2p_tui.store import audit, settings
from p2p_tui.store.database import MemoryDatabase
from p2p_tui.store.migrations import LATEST, current_version, migrate
from p2p_tui.store.migrations.m0001_initial import SENTINEL
from p2p_tui.store.models import MODELS
from p2p_tui.store.undo import UndoLog
from p2p_tui.vault import (
    KdfParams,
    RefusedImage,
    Saver,
    UnsupportedVersion,
    Vault,
    VaultDamaged,
)
from p2p_tui.vault.backups import Policy
from p2p_tui.vault.saver import StateListener


class Store:
    """An open vault and its in-memory database."""

    def __init__(self, vault: Vault, db: MemoryDatabase, on_state: StateListener | None = None):
        self.vault = vault
        self.db = db
        self.lock = db.lock
        self.saver = Saver(vault, self.snapshot, on_state)
        self.undo_log = UndoLog(db)
        self.bind()

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str, *, kdf: KdfParams | None = None) -> tuple[Store, str]:
        """Create a new vault with the latest schema; returns the open store and the recovery code."""
        scratch = MemoryDatabase()
        scratch.load(None)
        migrate(scratch.raw())
        audit.install(scratch.raw())
        image = scratch.serialize()
        scratch.close()
        # Work on a deserialized copy, as after any open: SQLite serializes it without a page walk.
        db = MemoryDatabase()
        db.load(image)
        vault, code = Vault.create(Path(path), passphrase, image, kdf=kdf)
        return cls(vault, db), code

    @classmethod
    def open(
        cls,
        path: Path,
        secret: str,
        *,
        recovery: bool = False,
        on_state: StateListener | None = None,
    ) -> Store:
        """Open and unlock a vault, migrating an older schema forward (in memory until the first save)."""
        vault, image = Vault.open(Path(path), secret, recovery=recovery)
        try:
            db = cls.load_image(image, vault.path)
        except BaseException:
            vault.close()
            raise
        store = cls(vault, db, on_state)
        try:
            # An older schema is migrated in memory only: the file is rewritten by the first real
            # change, so a read-only command or a rejected import leaves an old vault byte-identical.
            with store.lock:
                if current_version(db.raw()) < LATEST:
                    migrate(db.raw())
                # generated from the schema as it now stands: a table of any migration is audited
                audit.install(db.raw())
            store.apply_policy()
        except BaseException:
            store.abandon()
            raise
        return store

    @staticmethod
    def load_image(image: bytes, path: Path) -> MemoryDatabase:
        """A database from a decrypted image, refusing images from newer versions or with no schema."""
        db = MemoryDatabase()
        try:
            db.load(image)
            conn = db.raw()
            version = current_version(conn)
        except Exception as exc:
            db.close()
            raise VaultDamaged(
                "The vault decrypted but its database cannot be read.",
                f"Restore from a backup: p2p-tui restore --vault {path}",
            ) from exc
        if version == 0 or conn.execute("SELECT 1 FROM meta WHERE key='sentinel'").fetchone() is None:
            db.close()
            raise VaultDamaged("The vault holds no p2p-tui database.", "Restore from a backup.")
        if version > LATEST:
            db.close()
            raise UnsupportedVersion(
                f"This vault's data was written by a newer p2p-tui (schema {version}).",
                "Install the newer p2p-tui to open it.",
            )
        return db

    def bind(self) -> None:
        """Point every model at this store's database."""
        self.db.bind(MODELS, bind_refs=False, bind_backrefs=False)

    def apply_policy(self) -> None:
        """Read the backup policy from the settings into the vault."""
        with self.lock:
            self.vault.policy = Policy(
                keep_last=int(settings.get("backups_keep_last")),
                keep_days=int(settings.get("backups_keep_days")),
            )

    # -- writing --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def atomic(self, undo: str = "") -> Iterator[None]:
        """A transaction under the lock; on commit a save is requested (it runs in the background).

        `undo`: the change in plain words, to make it the one Ctrl+Z undoes (`store/undo.py`): the
        image from before it is kept (outermost transactions only).
        """
        with self.lock:
            before = self.undo_log.before() if undo and not self.db.in_transaction() else None
            with self.db.atomic():
                yield
                audit.seal(self.db.raw())  # stamp and chain the transaction's audit entries
            if before is not None:
                self.undo_log.keep(before, undo)
        self.saver.request()

    def last_change_final(self) -> bool:
        """Whether the session's last change purged, so Ctrl+Z cannot undo it (`store/undo.py`)."""
        with self.lock:
            return self.undo_log.final()

    def undo_last(self) -> str:
        """Undo the session's last undoable change and save; returns what it was (`NothingToUndo`)."""
        with self.lock:
            label = self.undo_log.undo()
        self.saver.request()
        return label

    def snapshot(self) -> bytes:
        """The image to save, refused if the schema or the sentinel row is missing."""
        with self.lock:
            conn = self.db.raw()
            try:
                ok = current_version(conn) >= 1 and conn.execute(
                    "SELECT value FROM meta WHERE key = 'sentinel'"
                ).fetchone() == (SENTINEL,)
            except Exception:  # noqa: BLE001 - a broken database is refused like a missing one
                ok = False
            if not ok:
                raise RefusedImage(
                    "Refusing to save: the database in memory has no p2p-tui schema.",
                    "Nothing was written; quit and reopen the vault.",
                )
            if audit.pending(conn):  # a write made outside `atomic()` is sealed before it is saved
                with self.db.atomic():
                    audit.seal(conn)
            return self.db.serialize()

    def save_now(self) -> None:
        """Ask for a save and wait until it is durable (raises the save's error)."""
        self.saver.request()
        self.saver.flush()

    # -- keys -----------------------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-wrap the passphrase slot; durable when this returns."""
        self.saver.flush()
        with self.lock:
            self.vault.change_passphrase(new_passphrase, self.snapshot())
        with self.atomic():  # recorded once the change is durable (saved under the new passphrase)
            audit.add(self.db.raw(), "passphrase")

    # -- closing --------------------------------------------------------------------------------

    def close(self) -> None:
        """Complete the last save, then close the database and drop the keys and the lock.

        If the last save fails its error is raised and the store stays open, data and all, so the
        caller can retry (`save_now`) or, knowingly, `abandon()`.
        """
        self.saver.close()
        self.abandon()

    def abandon(self) -> None:
        """Close without saving: what was not saved is lost."""
        self.saver.stop()
        with self.lock:
            self.undo_log.forget()
            self.db.close()
        self.vault.close()
