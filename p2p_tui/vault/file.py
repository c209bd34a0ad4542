"""The encrypted vault file: create, open, crash-safe save, passphrase change, restore.

A save writes a temporary file in the same folder (O_EXCL, mode 0600), syncs it, hard-links the file it
replaces into the backups (and syncs that folder), renames over the vault and syncs the folder. At every
moment the path holds either the previous complete vault or the new one. The path is resolved once, when
the vault is created or opened: a vault named through a symbolic link is locked, saved, backed up and
replaced where it really is. One lock serialises every save and every change of the key slots, so two
threads never write one generation twice nor land the old slots last. The file calls per OS are in fs.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
import threading
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag

from p2p_tui.vault import backups, fs, keys
from p2p_tui.vault.errors import (
    BackupRotationFailed,
    RefusedOutput,
    VaultDamaged,
    VaultError,
    VaultExists,
    VaultNotFound,
    VaultWriteError,
    WrongPassphrase,
    restore_hint,
)
from p2p_tui.vault.format import (
    HEAD_READ,
    Header,
    KdfParams,
    Slot,
    SlotKind,
    parse,
    parse_header,
    peek_generation,
)
from p2p_tui.vault.lock import VaultLock

TMP_SUFFIX = ".tmp"
CHUNK = 1 << 20  # encrypt and write 1 MiB at a time


def _tmp_glob(path: Path) -> str:
    return f".{path.name}.*{TMP_SUFFIX}"


def _write_sealed(fd: int, encryptor: keys.Encryptor, image: bytes | memoryview) -> None:
    """Encrypt `image` CHUNK bytes at a time into one reused buffer, writing each, then the tag."""
    view = memoryview(image)
    buffer = bytearray(CHUNK + 16)
    out = memoryview(buffer)
    for start in range(0, len(view), CHUNK):
        written = encryptor.update_into(view[start : start + CHUNK], buffer)
        fs.write_all(fd, out[:written])
    fs.write_all(fd, encryptor.finalize())
    fs.write_all(fd, encryptor.tag)


def fsync_dir(directory: Path) -> None:
    """Make the rename over the vault durable (fs.sync_dir; a name of its own so tests can fail it)."""
    fs.sync_dir(directory)


def _reason(exc: OSError) -> str:
    return os.strerror(exc.errno) if exc.errno else type(exc).__name__


def _write_error(exc: OSError, path: Path, generation: int) -> VaultWriteError:
    reason = _reason(exc)
    return VaultWriteError(
        f"The change could not be saved to disk ({reason}). The vault file still holds the "
        "last saved version and your change is kept in memory.",
        f"Free space or fix the disk under {path.parent}, then save again (Ctrl+S in the console); "
        "do not quit until saved.",
        exited=(
            f"The change could not be saved to disk ({reason}). The vault file is intact and holds "
            f"what it held before this command (generation {generation}); nothing this command "
            "changed was saved.",
            f"Free space or fix the disk under {path.parent}, then run the command again.",
        ),
    )


def _sync_error(exc: OSError, directory: Path, generation: int) -> VaultWriteError:
    reason = _reason(exc)
    return VaultWriteError(
        f"The change was written, but the folder could not be synced to disk ({reason}); "
        "a power cut now could lose it.",
        f"Check the disk under {directory}; the next save tries again.",
        exited=(
            f"The change was written (generation {generation}), but the folder could not be synced "
            f"to disk ({reason}): a power cut now could bring back generation {generation - 1}.",
            f"Check the disk under {directory}; p2p-tui check shows the generation on disk.",
        ),
    )


def _not_a_file(path: Path) -> VaultNotFound:
    return VaultNotFound(
        f"{path} is not a vault file (it is a device, a folder, a pipe or the like).",
        "Give the path of a vault file with --vault.",
    )


OWN_SUFFIXES = (".backups", ".lock")  # what a vault keeps beside itself (backups.folder, lock.lock_path)


def _refuse_inside_another_vault(path: Path) -> None:
    """RefusedOutput if a new vault at `path` would be inside a vault's backups folder, or would take
    the name of a vault's backups folder or lock (rotation or a lock would then destroy it)."""
    for part in [path, *path.parents]:
        for suffix in OWN_SUFFIXES:
            if not part.name.endswith(suffix) or part.name == suffix:
                continue
            owner = part.with_name(part.name.removesuffix(suffix))
            if owner.is_file():
                raise RefusedOutput(
                    f"Refusing to create a vault at {path}: it is in (or named as) the {suffix[1:]} of "
                    f"the vault {owner}. Nothing was written.",
                    "Choose a path in another folder.",
                )


def _read_vault_file(path: Path) -> bytes:
    """The whole vault file, read only once its header checked its length against the file's size: a
    device, a pipe or a header claiming more than the file holds is refused before the rest is read."""
    with open(os.open(path, fs.read_file_flags()), "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise _not_a_file(path)
        head = file.read(HEAD_READ)
        try:
            parse_header(memoryview(head), found.st_size)
        except VaultDamaged as exc:
            exc.next_step = exc.next_step or restore_hint(path)
            raise
        rest = file.read(found.st_size - len(head) + 1)
    data = head + rest
    if len(data) != found.st_size:
        raise VaultDamaged("The vault file changed size while it was read.", "Try again.")
    return data


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
        self.path = fs.real_path(path)
        self.slots = slots
        self._data_key = data_key
        self.generation = generation
        self._lock = lock
        self.policy = policy or backups.Policy()
        self.rotation_error: BackupRotationFailed | None = None
        # Held by every save and every change of the slots (re-entrant: a change of slots saves).
        self._saving = threading.RLock()

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
        tests pass cheap parameters explicitly. A symbolic link is followed: the vault is created where
        it points.
        """
        path = fs.real_path(path)
        if path.exists():
            raise VaultExists(f"A file already exists at {path}.", "Choose another path.")
        _refuse_inside_another_vault(path)
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
        VaultDamaged, UnsupportedVersion or WrongPassphrase. The real path (links and `..` resolved)
        is what the lock, the saves and the backups use from here on.
        """
        path = fs.real_path(path)
        held = VaultLock(path) if lock else None
        if path.exists() and not fs.is_regular(path):  # before the lock: no lock file beside a device
            raise _not_a_file(path)
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
            data = _read_vault_file(path)
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
            raise _wrong_secret(path, recovery)
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
        reporting the save durable). Saves are serialised: one at a time, each with its own generation.
        """
        with self._saving:
            return self._save(image, now, backup=backup, rotate=rotate)

    def _save(self, image: bytes | memoryview, now: datetime | None, *, backup: bool, rotate: bool) -> int:
        generation = self.generation + 1
        save_salt, nonce = secrets.token_bytes(32), secrets.token_bytes(12)
        header = Header(self.slots, generation, save_salt, nonce, len(image)).encode()
        digest = hashlib.sha256(header).digest()
        directory = self.path.parent
        tmp = directory / f".{self.path.name}.{secrets.token_hex(6)}{TMP_SUFFIX}"
        try:
            fd = fs.create_private(tmp)
            try:
                fs.write_all(fd, header + digest)
                _write_sealed(fd, keys.payload_encryptor(self._data_key, save_salt, nonce, header), image)
                fs.sync_file(fd)
            finally:
                os.close(fd)
            if backup and self.generation > 0 and self.path.exists():
                backups.take(self.path, self.generation, now)
            fs.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise _write_error(exc, self.path, self.generation) from exc
        self.generation = generation
        try:
            fsync_dir(directory)
        except OSError as exc:
            raise _sync_error(exc, directory, generation) from exc
        if rotate:
            self.rotate_backups(now)
        return generation

    def rotate_backups(self, now: datetime | None = None) -> BackupRotationFailed | None:
        """Delete the backups the policy no longer keeps.

        Housekeeping after a durable save, so it does not raise: a failure is returned, and kept in
        `rotation_error` until a rotation succeeds.
        """
        with self._saving:
            try:
                backups.rotate(self.path, self.policy, now)
            except OSError as exc:
                self.rotation_error = BackupRotationFailed(
                    f"The change is saved, but old backups could not be deleted ({_reason(exc)}), "
                    "so the backups folder keeps growing.",
                    f"Check the permissions of {backups.folder(self.path)}; the next save tries again.",
                )
            else:
                self.rotation_error = None
            return self.rotation_error

    # -- keys -----------------------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str, image: bytes) -> None:
        """Re-wrap the passphrase slot (fresh salt, the same cost raised to at least the creation
        floor) and save `image` under it. Under the save lock: no other save interleaves."""
        with self._saving:
            slots = list(self.slots)
            for i, slot in enumerate(slots):
                if slot.kind == SlotKind.PASSPHRASE:
                    params = slot.kdf.at_least(keys.FLOOR_KDF)
                    slots[i] = keys.wrap(SlotKind.PASSPHRASE, new_passphrase, self._data_key, params)
            self._save_slots(tuple(slots), image)

    def rekey_recovery(self, image: bytes) -> str:
        """Replace the recovery slot with a new code (shown once) and save; returns the code."""
        with self._saving:
            code = keys.new_recovery_code()
            slots = [s for s in self.slots if s.kind != SlotKind.RECOVERY]
            kdf = self.slots[0].kdf.at_least(keys.FLOOR_KDF)
            slots.append(keys.wrap(SlotKind.RECOVERY, code, self._data_key, kdf))
            self._save_slots(tuple(slots), image)
            return code

    def _save_slots(self, slots: tuple[Slot, ...], image: bytes) -> None:
        """Save `image` under new `slots`, keeping the old ones if the save fails (lock held)."""
        old, self.slots = self.slots, slots
        try:
            self.save(image)
        except VaultError:
            self.slots = old
            raise

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
        """Write future saves to `path` (resolved) from `generation` on (used by restore)."""
        with self._saving:
            self.path = fs.real_path(path)
            self.generation = generation

    def close(self) -> None:
        """Drop the key and the lock (after a save in flight)."""
        with self._saving:
            self._data_key = b""
            if self._lock:
                self._lock.release()
                self._lock = None

    @property
    def is_open(self) -> bool:
        """Whether the data key is still held."""
        return bool(self._data_key)


def _wrong_secret(path: Path, recovery: bool) -> WrongPassphrase:
    """No slot opened: a wrong secret, or (what cannot be told apart from it) an altered slot."""
    what = "recovery code" if recovery else "passphrase"
    first = "Check each character against the printed code" if recovery else "Try again"
    other = "" if recovery else ", or unlock with the recovery code"
    return WrongPassphrase(
        f"The {what} is not right for this vault; nothing was changed. (If you are sure of it, the "
        "vault's key slot may have been altered: without the secret the two cannot be told apart.)",
        f"{first}{other}; if it still does not open, restore a backup: p2p-tui restore --vault {path}",
    )


__all__ = ["Vault", "peek_generation"]
