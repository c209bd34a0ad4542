"""The file primitives that differ between operating systems, in one place.

Every file the vault layer writes (the vault, its backups, its lock, the private outputs) goes through
these, so each difference is decided once:

- Windows: `os.open` opens in text mode unless `O_BINARY` is given (a newline would be written as CR LF,
  corrupting ciphertext), `O_NOINHERIT` stands for `O_CLOEXEC`, `os.fchmod` is missing before Python
  3.13 and POSIX mode bits mean nothing there (the user profile's ACLs keep the file private), and a
  folder cannot be opened to be synced (NTFS journals its metadata).
- macOS: `fsync` leaves the data in the drive's cache; only `fcntl(F_FULLFSYNC)` flushes it (with a
  fallback to `fsync` on file systems that refuse it, as SQLite does).
- Linux and the other POSIX systems: `fsync` of the file, then of its folder after a rename or link.

The platform is read at each call (`sys.platform`), so tests can exercise every branch on one machine.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

PRIVATE_MODE = 0o600
COPY_CHUNK = 1 << 20


def _windows() -> bool:
    return sys.platform == "win32"


def _flags(base: int) -> int:
    """`base` plus binary mode (Windows) and no inheritance by child processes (every OS)."""
    for name in ("O_BINARY", "O_NOINHERIT", "O_CLOEXEC"):
        base |= getattr(os, name, 0)
    return base


def new_file_flags() -> int:
    """Flags to create a file that must not exist yet, for writing bytes."""
    return _flags(os.O_WRONLY | os.O_CREAT | os.O_EXCL)


def read_file_flags() -> int:
    """Flags to open a file for reading without blocking on a pipe or taking a terminal."""
    return _flags(os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


def is_regular(path: Path) -> bool:
    """Whether `path` (links followed) is a regular file: not a device, folder, pipe or socket."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def lock_file_flags() -> int:
    """Flags to open (or create) a lock file."""
    return _flags(os.O_RDWR | os.O_CREAT)


def create_private(path: Path) -> int:
    """Create `path` (refusing an existing name) for writing, mode 0600 whatever the umask; its fd."""
    fd = os.open(path, new_file_flags(), PRIVATE_MODE)
    try:
        make_private(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def make_private(fd: int) -> None:
    """Set mode 0600 on an open file (POSIX); on Windows the folder's ACLs decide, and nothing is done."""
    if _windows() or not hasattr(os, "fchmod"):
        return
    os.fchmod(fd, PRIVATE_MODE)


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of `data` (os.write may write fewer than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def sync_file(fd: int) -> None:
    """Make a file's data durable: F_FULLFSYNC on macOS (falling back to fsync), fsync elsewhere."""
    if sys.platform == "darwin":
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            try:
                fcntl.fcntl(fd, full)
            except OSError:  # a file system that does not support it (some network shares)
                pass
            else:
                return
    os.fsync(fd)


def sync_dir(directory: Path) -> None:
    """Make a rename, link or new name in `directory` durable.

    A no-op on Windows (a folder cannot be opened there). On POSIX a folder this user may not read
    cannot be opened either, and is skipped; any error of the sync itself is raised.
    """
    if _windows():
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        return
    try:
        sync_file(fd)
    finally:
        os.close(fd)


def replace(source: Path, target: Path) -> None:
    """Rename `source` over `target` atomically (MoveFileEx on Windows, rename(2) on POSIX)."""
    os.replace(source, target)


def link_or_copy(source: Path, target: Path) -> None:
    """Give `source`'s file the new name `target`: a hard link, or a private, synced copy where the file
    system has no hard links. Refuses an existing `target` (FileExistsError)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        copy_private(source, target)


def copy_private(source: Path, target: Path) -> None:
    """Copy `source` to the new file `target` (mode 0600, synced); nothing is left at `target` on error."""
    fd = create_private(target)
    try:
        with open(source, "rb") as file:
            while chunk := file.read(COPY_CHUNK):
                write_all(fd, chunk)
        sync_file(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise
    os.close(fd)


def real_path(path: Path | str) -> Path:
    """`path` with `~`, every symbolic link and every `..` resolved (a missing last part is kept)."""
    return Path(os.path.realpath(Path(path).expanduser()))


def identity(path: Path) -> tuple[int, int] | None:
    """The (device, inode) of the file or folder at `path`, following links, or None if there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino
