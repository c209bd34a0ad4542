"""The encrypted vault file: create, open, crash-safe save, passphrase change, restore.

A save writes a temporary file in the same folder (O_EXCL, mode 0600), fsyncs it, hard-links the file it
replaces into the backups, renames over the vault with os.replace and fsyncs the folder. At every moment
the path holds either the previous complete vault or the new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag

from p2p_tui.vault import backups, keys
from p2p_tui.vault.errors import (
    VaultDamaged,
    VaultError,
    VaultExists,
    VaultNotFound,
    VaultWriteError,
    WrongPassphrase,
    restore_hint,
)
from p2p_tui.vault.format import Header, KdfParams, Slot, SlotKind, parse, peek_generation
from p2p_tui.vault.lock import VaultLock

TMP_SUFFIX = ".tmp"
CHUNK = 1 << 20  # encrypt and write 1 MiB at a time


def _tmp_glob(path: Path) -> str:
    return f".{path.name}.*{TMP_SUFFIX}"


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_sealed(fd: int, encryptor: keys.Encryptor, image: bytes | memoryview) -> None:
    """Encrypt `image` CHUNK bytes at a time into one reused buffer, writing each, then the tag."""
    view = memoryview(image)
    buffer = bytearray(CHUNK + 16)
    out = memoryview(buffer)
    for start in range(0, len(view), CHUNK):
        written = encryptor.update_into(view[start : start + CHUNK], buffer)
        _write_all(fd, out[:written])
    _write_all(fd, encryptor.finalize())
    _write_all(fd, encryptor.tag)


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (a no-op where folders cannot be opened)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:  # pragma: no cover - platforms that cannot open a folder (Windows)
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_error(exc: OSError, path: Path) -> VaultWriteError:
    reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
    return VaultWriteError(
        f"The change could not be saved to disk ({reason}). The vault file still holds the "
        "last saved version and your change is kept in memory.",
        f"Free space or fix the disk under {path.parent}, then save again (Ctrl+S in the console); "
        "do not quit until saved.",
    )


class Vault:
    """An open vault: the path, its key slots, the data key, and the last generation written."""

    def __init__(
        self,
        path: Path,
        slots: tuple[Slot, ...],
        data_key: bytes,
        generation: int,
        lock: VaultLock | None,
        policy: backups.Policy | None = None,
    ) -> None:
        self.path = path
        self.slots = slots
        self._data_key = data_key
        self.generation = generation
        self._lock = lock
        self.policy = policy or backups.Policy()

    # -- creating and opening -------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        image: bytes,
        *,
        kdf: KdfParams | None = None,
        lock: bool = True,
    ) -> tuple[Vault, str]:
        """Create a new vault holding `image`; returns it, open, with its recovery code.

        `kdf` defaults to parameters calibrated here to about half a second, never below the floor;
        tests pass cheap parameters explicitly.
        """
        path = Path(path)
        if path.exists():
            raise VaultExists(f"A file already exists at {path}.", "Choose another path.")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        held = VaultLock(path) if lock else None
        if held:
            held.acquire()
        try:
            params = kdf or keys.calibrate()
            data_key = keys.new_data_key()
            code = keys.new_recovery_code()
            slots = (
                keys.wrap(SlotKind.PASSPHRASE, passphrase, data_key, params),
                keys.wrap(SlotKind.RECOVERY, code, data_key, params),
            )
            vault = cls(path, slots, data_key, 0, held)
            vault.save(image)
        except BaseException:
            if held:
                held.release()
            raise
        return vault, code

    @classmethod
    def open(
        cls,
        path: Path,
        secret: str,
        *,
        recovery: bool = False,
        lock: bool = True,
    ) -> tuple[Vault, bytes]:
        """Open a vault with its passphrase (or recovery code); returns it and the plaintext image.

        Checks the header and every bound before any KDF work. Raises VaultNotFound, VaultLocked,
        VaultDamaged, UnsupportedVersion or WrongPassphrase.
        """
        path = Path(path)
        held = VaultLock(path) if lock else None
        if held:
            if not path.exists():
                raise VaultNotFound(
                    f"There is no vault at {path}.", "Create one with: p2p-tui init --vault PATH"
                )
            held.acquire()
        try:
            vault, image = cls._read(path, secret, recovery, held)
            if held:
                vault.remove_stale_temp_files()
        except BaseException:
            if held:
                held.release()
            raise
        return vault, image

    @classmethod
    def _read(cls, path: Path, secret: str, recovery: bool, held: VaultLock | None) -> tuple[Vault, bytes]:
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise VaultNotFound(
                f"There is no vault at {path}.", "Create one with: p2p-tui init --vault PATH"
            ) from exc
        try:
            header, header_bytes, body = parse(data)
        except VaultDamaged as exc:
            exc.next_step = exc.next_step or restore_hint(path)
            raise
        kind = SlotKind.RECOVERY if recovery else SlotKind.PASSPHRASE
        if recovery:
            canonical = keys.normalize_recovery_code(secret)
            if canonical is None:
                raise WrongPassphrase(
                    "That is not a well-formed recovery code (28 characters in groups of four; "
                    "its last character is a check).",
                    "Check each character against the printed code and try again.",
                )
            secret = canonical
        data_key = None
        for slot in header.slots:
            if slot.kind == kind:
                data_key = keys.unwrap(slot, secret)
                if data_key is not None:
                    break
        if data_key is None:
            what = "recovery code" if recovery else "passphrase"
            raise WrongPassphrase(
                f"The {what} is not right for this vault; nothing was changed.",
                "Try again, or unlock with the recovery code.",
            )
        cipher = keys.payload_key(data_key, header.save_salt)
        try:
            image = cipher.decrypt(header.nonce, body, header_bytes)
        except InvalidTag as exc:
            raise VaultDamaged(
                "The vault's contents are damaged or were altered (the key opened, the data did not).",
                restore_hint(path),
            ) from exc
        return cls(path, header.slots, data_key, header.generation, held), image

    # -- saving ---------------------------------------------------------------------------------

    def save(
        self,
        image: bytes | memoryview,
        *,
        now: datetime | None = None,
        backup: bool = True,
        rotate: bool = True,
    ) -> int:
        """Seal `image` and make it durable; returns the new generation.

        The payload is encrypted a chunk at a time into one reused buffer and written as it goes, so
        a save never holds a second image-sized copy. On any OS error the previous file is intact,
        the generation unchanged, and VaultWriteError is raised; calling save again retries.
        `rotate=False` leaves the backup rotation to `rotate_backups()` (the saver runs it after
        reporting the save durable).
        """
        generation = self.generation + 1
        save_salt, nonce = secrets.token_bytes(32), secrets.token_bytes(12)
        header = Header(self.slots, generation, save_salt, nonce, len(image)).encode()
        digest = hashlib.sha256(header).digest()
        directory = self.path.parent
        tmp = directory / f".{self.path.name}.{secrets.token_hex(6)}{TMP_SUFFIX}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            try:
                _write_all(fd, header + digest)
                _write_sealed(fd, keys.payload_encryptor(self._data_key, save_salt, nonce, header), image)
                os.fsync(fd)
            finally:
                os.close(fd)
            if backup and self.generation > 0 and self.path.exists():
                backups.take(self.path, self.generation, now)
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise _write_error(exc, self.path) from exc
        self.generation = generation
        try:
            fsync_dir(directory)
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
            raise VaultWriteError(
                f"The change was written, but the folder could not be synced to disk ({reason}); "
                "a power cut now could lose it.",
                f"Check the disk under {directory}; the next save tries again.",
            ) from exc
        if rotate:
            self.rotate_backups(now)
        return generation

    def rotate_backups(self, now: datetime | None = None) -> None:
        """Delete the backups the policy no longer keeps. Housekeeping: it never raises."""
        with contextlib.suppress(Exception):
            backups.rotate(self.path, self.policy, now)

    # -- keys -----------------------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str, image: bytes) -> None:
        """Re-wrap the passphrase slot (fresh salt, same cost) and save `image` under it."""
        slots = list(self.slots)
        for i, slot in enumerate(slots):
            if slot.kind == SlotKind.PASSPHRASE:
                slots[i] = keys.wrap(SlotKind.PASSPHRASE, new_passphrase, self._data_key, slot.kdf)
        old = self.slots
        self.slots = tuple(slots)
        try:
            self.save(image)
        except VaultError:
            self.slots = old
            raise

    def rekey_recovery(self, image: bytes) -> str:
        """Replace the recovery slot with a new code (shown once) and save; returns the code."""
        code = keys.new_recovery_code()
        slots = [s for s in self.slots if s.kind != SlotKind.RECOVERY]
        kdf = self.slots[0].kdf
        slots.append(keys.wrap(SlotKind.RECOVERY, code, self._data_key, kdf))
        old, self.slots = self.slots, tuple(slots)
        try:
            self.save(image)
        except VaultError:
            self.slots = old
            raise
        return code

    # -- housekeeping ---------------------------------------------------------------------------

    def remove_stale_temp_files(self) -> int:
        """Delete leftover temporary files (ciphertext) from an interrupted save; returns how many."""
        removed = 0
        for stale in self.path.parent.glob(_tmp_glob(self.path)):
            with contextlib.suppress(OSError):
                stale.unlink()
                removed += 1
        return removed

    def retarget(self, path: Path, generation: int) -> None:
        """Write future saves to `path` from `generation` on (used by restore)."""
        self.path = Path(path)
        self.generation = generation

    def close(self) -> None:
        """Drop the key and the lock."""
        self._data_key = b""
        if self._lock:
            self._lock.release()
            self._lock = None

    @property
    def is_open(self) -> bool:
        """Whether the data key is still held."""
        return bool(self._data_key)


__all__ = ["Vault", "peek_generation"]
