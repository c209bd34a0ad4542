"""Writing a file that must stay private and whole: mode 0600, atomic, and never over an existing file
unless asked. Used for backups, reports and exports."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from p2p_tui.vault.file import fsync_dir

NO_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def write_private(target: Path, data: bytes, *, overwrite: bool) -> None:
    """Write `data` to `target` atomically with mode 0600.

    The data goes to a temporary file in the same folder (O_EXCL, 0600 whatever the umask, fsynced),
    which then takes the target's name: by a hard link when the target must not exist (the link
    refuses an existing name, with no window between a check and the write), by a rename when
    `overwrite`. Raises FileExistsError, or the OSError of the failing step; nothing is left behind.
    """
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
        fsync_dir(target.parent)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _link_new(tmp: Path, target: Path) -> None:
    """Give `tmp` the name `target`, refusing if it exists (a rename where links are not supported)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in NO_LINKS:
            raise
        if target.exists():  # a file system without hard links (a FAT USB stick): check, then rename
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.replace(tmp, target)
