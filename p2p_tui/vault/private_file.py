"""Writing a file that must stay private and whole: mode 0600, atomic, never over an existing file unless
asked, and never over the vault or into its folder. The one writer of every output: reports, exports,
copies made by `backup --to`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from p2p_tui.vault import fs
from p2p_tui.vault.backups import folder as backups_folder
from p2p_tui.vault.errors import RefusedOutput
from p2p_tui.vault.lock import lock_path

NO_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def write_private(target: Path, data: bytes, *, overwrite: bool, vault: Path | None) -> None:
    """Write `data` to `target` atomically with mode 0600.

    `vault` is the vault the command works on (None only where no vault is concerned): a target that
    is the vault, its lock, anything in its backups folder or in its own folder is refused with
    RefusedOutput before anything is written (see `check_output`).

    The data goes to a temporary file in the same folder (O_EXCL, 0600 whatever the umask, synced),
    which then takes the target's name: by a hard link when the target must not exist (the link
    refuses an existing name, with no window between a check and the write), by a rename when
    `overwrite`. Raises FileExistsError, or the OSError of the failing step; nothing is left behind.

    The target is resolved first (`regular_target`): a link to a file is followed (the file is
    replaced, the link stays), and a target that is not a regular file (a device, a folder, a pipe, a
    socket, a link to nothing) is refused with RefusedOutput.
    """
    target = Path(target)
    if vault is not None:
        check_output(target, vault)
    target = regular_target(target)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = fs.create_private(tmp)
        try:
            fs.write_all(fd, data)
            fs.sync_file(fd)
        finally:
            os.close(fd)
        if overwrite:
            fs.replace(tmp, target)
        else:
            _link_new(tmp, target)
        fs.sync_dir(target.parent)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def check_output(target: Path, vault: Path) -> None:
    """Raise RefusedOutput if writing `target` could touch the vault at `vault`.

    Refused, after resolving `~`, symbolic links and `..` in both paths: the vault itself, its lock,
    its backups folder and anything in it (at any depth), and any file directly in the vault's own
    folder (which holds the vault, its lock, its backups and its temporary files). The same file or
    folder reached under another name (a hard link, a bind mount) is recognised by device and inode.
    """
    real_vault = fs.real_path(vault)
    home = real_vault.parent
    backups = fs.real_path(backups_folder(real_vault))
    real = fs.real_path(target)
    ids = {
        "vault": fs.identity(real_vault),
        "lock": fs.identity(lock_path(real_vault)),
        "backups": fs.identity(backups),
        "home": fs.identity(home),
    }
    own = fs.identity(real)
    ancestors = [fs.identity(p) for p in real.parents]
    if real == real_vault or (own is not None and own == ids["vault"]):
        _refuse(target, "it is the vault itself", home)
    if real == lock_path(real_vault) or (own is not None and own == ids["lock"]):
        _refuse(target, "it is the vault's lock file", home)
    in_backups = real == backups or backups in real.parents
    if in_backups or (ids["backups"] is not None and ids["backups"] in [own, *ancestors]):
        _refuse(target, f"it is in the vault's backups folder {backups}", home)
    if real.parent == home or (ids["home"] is not None and ancestors and ancestors[0] == ids["home"]):
        _refuse(target, f"it is in the vault's own folder {home}", home)


def regular_target(target: Path) -> Path:
    """The real path to write for `target`: links resolved; RefusedOutput if something that is not a
    regular file is there (writing would replace a device node, a folder or a pipe by a file), or if
    `target` is a link to nothing (the file would appear wherever the link points)."""
    real = fs.real_path(target)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        if os.path.islink(target):
            _refuse_kind(target, "it is a symbolic link to nothing")
        return real
    if not stat.S_ISREG(mode):
        _refuse_kind(target, "it is not a regular file (a device, a folder, a pipe or the like)")
    return real


def _refuse_kind(target: Path, why: str) -> None:
    raise RefusedOutput(
        f"Refusing to write {target}: {why}. Nothing was written.",
        "Give the name of a new file, or of a file to replace.",
    )


def _refuse(target: Path, why: str, home: Path) -> None:
    raise RefusedOutput(
        f"Refusing to write {target}: {why}, and no output may go there. Nothing was written.",
        f"Choose a file in another folder than {home} (your documents folder, for example).",
    )


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
        fs.replace(tmp, target)
