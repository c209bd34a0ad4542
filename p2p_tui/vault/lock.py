"""One process at a time: an OS lock on `<vault>.lock`, held while the vault is open."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from p2p_tui.vault import fs
from p2p_tui.vault.errors import VaultLocked


def lock_path(vault: Path) -> Path:
    """The lock file beside a vault: beside the real file, so every name of one vault (a symbolic
    link, a path with `..`) takes the same lock."""
    real = fs.real_path(vault)
    return real.with_name(real.name + ".lock")


class VaultLock:
    """An exclusive, non-blocking OS lock (flock on POSIX, msvcrt.locking on Windows)."""

    def __init__(self, vault: Path) -> None:
        self.path = lock_path(vault)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise VaultLocked at once."""
        fd = os.open(self.path, fs.lock_file_flags(), fs.PRIVATE_MODE)
        try:
            if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise VaultLocked(
                "The vault is open in another p2p-tui (or another program holds its lock).",
                "Close the other window first; only one may use the vault at a time.",
            ) from exc
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (closing the descriptor releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def __enter__(self) -> VaultLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
