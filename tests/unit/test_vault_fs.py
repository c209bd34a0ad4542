"""The per-OS file primitives (issue 9, item 12), vault/fs.py.

Run here on Linux: the Linux path for real (modes, flags, syncs, links, copies), and the Windows and
macOS branches by patching `sys.platform` and the `os`/`fcntl` attributes those branches read. That
shows which calls our code makes on each OS; it does not show what those OSes then do (README).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from p2p_tui.vault import BackupRotationFailed, Saver, SaveState, Vault, backups, fs, private_file
from tests.conftest import CHEAP_KDF, PASSPHRASE

FAKE_O_BINARY = 0x8000  # the values of msvcrt's _O_BINARY and _O_NOINHERIT
FAKE_O_NOINHERIT = 0x0080
FAKE_F_FULLFSYNC = 51  # macOS's value


@pytest.fixture
def umask_zero() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


# -- Linux, for real ------------------------------------------------------------------------------------


def test_new_files_are_private_whatever_the_umask_and_never_replace_a_name(
    tmp_path: Path, umask_zero: None
) -> None:
    path = tmp_path / "new.bin"
    fd = fs.create_private(path)
    try:
        fs.write_all(fd, b"\n\r\n" * 1000)
        fs.sync_file(fd)
    finally:
        os.close(fd)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == b"\n\r\n" * 1000
    with pytest.raises(FileExistsError):
        fs.create_private(path)
    assert fs.new_file_flags() & os.O_CLOEXEC and fs.new_file_flags() & os.O_EXCL
    assert fs.lock_file_flags() & os.O_CLOEXEC and not fs.lock_file_flags() & os.O_EXCL


def test_link_or_copy_links_and_falls_back_to_a_private_synced_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_zero: None
) -> None:
    source = tmp_path / "source"
    source.write_bytes(b"x" * (fs.COPY_CHUNK + 5))
    fs.link_or_copy(source, tmp_path / "linked")
    assert (tmp_path / "linked").stat().st_ino == source.stat().st_ino
    with pytest.raises(FileExistsError):
        fs.link_or_copy(source, tmp_path / "linked")

    synced: list[int] = []
    monkeypatch.setattr(os, "link", _raise(errno.EPERM))  # a file system without hard links (FAT)
    monkeypatch.setattr(fs, "sync_file", synced.append)
    fs.link_or_copy(source, tmp_path / "copied")
    copied = tmp_path / "copied"
    assert copied.read_bytes() == source.read_bytes() and copied.stat().st_ino != source.stat().st_ino
    assert stat.S_IMODE(copied.stat().st_mode) == 0o600
    assert len(synced) == 1


def test_a_folder_sync_error_is_raised_and_an_unreadable_folder_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fs.sync_dir(tmp_path)  # the real thing
    real_open = os.open
    monkeypatch.setattr(os, "fsync", _raise(errno.EIO))
    with pytest.raises(OSError, match="Input/output"):
        fs.sync_dir(tmp_path)
    monkeypatch.setattr(os, "open", _raise(errno.EACCES, PermissionError))
    fs.sync_dir(tmp_path)  # cannot be opened, so cannot be synced: not an error of the save
    monkeypatch.setattr(os, "open", real_open)


# -- Windows: the branches, by patching what they read ---------------------------------------------------


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """`sys.platform` is "win32", `os` has O_BINARY and O_NOINHERIT and no fchmod (Python < 3.13);
    returns the record of every os.open (path, flags)."""
    opened: list[tuple[str, int]] = []
    real_open = os.open

    def recording(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append((os.fspath(path), flags))
        return real_open(path, flags & ~(FAKE_O_BINARY | FAKE_O_NOINHERIT), *args, **kwargs)

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "O_BINARY", FAKE_O_BINARY, raising=False)
    monkeypatch.setattr(os, "O_NOINHERIT", FAKE_O_NOINHERIT, raising=False)
    monkeypatch.delattr(os, "fchmod")
    monkeypatch.setattr(os, "open", recording)
    return opened


def test_on_windows_every_file_is_opened_binary_and_no_folder_is_opened(
    tmp_path: Path, windows: list[tuple[str, int]]
) -> None:
    path = tmp_path / "program.p2pvault"
    vault, _ = Vault.create(path, PASSPHRASE, b"a\nb\r\n", kdf=CHEAP_KDF, lock=False)
    vault.save(b"c\nd")
    vault.close()
    private_file.write_private(tmp_path / "x.csv", b"1\n", overwrite=True, vault=None)
    assert fs.lock_file_flags() & FAKE_O_BINARY
    assert windows, "nothing was opened"
    for name, flags in windows:
        assert flags & FAKE_O_BINARY, name
        assert flags & FAKE_O_NOINHERIT, name
        assert not Path(name).is_dir(), f"{name}: a folder cannot be opened on Windows"


def test_without_fchmod_a_private_file_is_still_made(tmp_path: Path, windows: list[tuple[str, int]]) -> None:
    assert not hasattr(os, "fchmod")
    fd = fs.create_private(tmp_path / "f")
    os.close(fd)
    assert (tmp_path / "f").exists()


# -- macOS ----------------------------------------------------------------------------------------------


@pytest.fixture
def darwin(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    import fcntl

    calls: dict[str, list[Any]] = {"fcntl": [], "fsync": []}

    def fake_fcntl(fd: int, cmd: int, *args: Any) -> int:
        calls["fcntl"].append(cmd)
        if calls.get("refuse"):
            raise OSError(errno.ENOTSUP, "not supported")
        return 0

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(fcntl, "F_FULLFSYNC", FAKE_F_FULLFSYNC, raising=False)
    monkeypatch.setattr(fcntl, "fcntl", fake_fcntl)
    monkeypatch.setattr(os, "fsync", calls["fsync"].append)
    return calls


def test_on_macos_a_sync_is_a_full_fsync(tmp_path: Path, darwin: dict[str, list[Any]]) -> None:
    with open(tmp_path / "f", "wb") as file:
        fs.sync_file(file.fileno())
        assert darwin == {"fcntl": [FAKE_F_FULLFSYNC], "fsync": []}
        darwin["refuse"] = [True]  # a file system that refuses F_FULLFSYNC: fsync instead
        fs.sync_file(file.fileno())
        assert darwin["fcntl"] == [FAKE_F_FULLFSYNC] * 2 and darwin["fsync"] == [file.fileno()]


def test_on_macos_a_save_full_fsyncs_the_file_and_its_folders(
    tmp_path: Path, darwin: dict[str, list[Any]]
) -> None:
    vault, _ = Vault.create(tmp_path / "program.p2pvault", PASSPHRASE, b"one", kdf=CHEAP_KDF, lock=False)
    darwin["fcntl"].clear()
    vault.save(b"two")
    vault.close()
    # The temp file, the backups folder after the link, the vault's folder after the rename.
    assert darwin["fcntl"].count(FAKE_F_FULLFSYNC) >= 3
    assert darwin["fsync"] == []


# -- the backups folder is synced after the link, before the replace --------------------------------------


def test_the_backup_link_is_durable_before_the_vault_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "program.p2pvault"
    vault, _ = Vault.create(path, PASSPHRASE, b"one", kdf=CHEAP_KDF, lock=False)
    events: list[str] = []
    real_sync, real_replace, real_link = fs.sync_dir, fs.replace, fs.link_or_copy

    def sync(directory: Path) -> None:
        events.append(f"sync {Path(directory).name}")
        real_sync(directory)

    def replace(source: Path, target: Path) -> None:
        events.append(f"replace {Path(target).name}")
        real_replace(source, target)

    def link(source: Path, target: Path) -> None:
        events.append("link")
        real_link(source, target)

    monkeypatch.setattr(fs, "sync_dir", sync)
    monkeypatch.setattr(fs, "replace", replace)
    monkeypatch.setattr(fs, "link_or_copy", link)
    vault.save(b"two")
    vault.close()
    backups_dir = backups.folder(path).name
    assert events[:3] == [f"sync {tmp_path.name}", "link", f"sync {backups_dir}"]  # new folder, link
    assert events[3:5] == ["replace program.p2pvault", f"sync {tmp_path.name}"]


# -- rotation errors are reported, not swallowed ------------------------------------------------------------


@pytest.fixture
def stuck_backups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Vault, list[Path]]:
    """A vault with three backups, a policy that keeps one, and backups that refuse to be deleted."""
    vault, _ = Vault.create(tmp_path / "program.p2pvault", PASSPHRASE, b"0", kdf=CHEAP_KDF, lock=False)
    for n in range(3):
        vault.save(str(n).encode(), rotate=False)
    vault.policy = backups.Policy(keep_last=1, keep_days=0)
    tried: list[Path] = []

    def refuse(self: Path, missing_ok: bool = False) -> None:
        tried.append(self)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "unlink", refuse)
    return vault, tried


def test_a_rotation_that_fails_is_returned_and_kept_not_swallowed(
    stuck_backups: tuple[Vault, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, tried = stuck_backups
    problem = vault.rotate_backups()
    assert isinstance(problem, BackupRotationFailed) and vault.rotation_error is problem
    assert "Permission denied" in problem.message and "saved" in problem.message
    assert str(backups.folder(vault.path)) in problem.next_step
    assert len(tried) == 2  # every one was tried, not only the first
    monkeypatch.undo()
    assert vault.rotate_backups() is None and vault.rotation_error is None
    assert len(backups.listing(vault.path)) == 1


def test_the_saver_reports_a_failed_rotation_as_saved_with_a_warning(
    stuck_backups: tuple[Vault, list[Path]],
) -> None:
    vault, _tried = stuck_backups
    seen: list[tuple[SaveState, object]] = []
    saver = Saver(vault, lambda: b"image", lambda state, error: seen.append((state, error)))
    try:
        saver.request()
        saver.flush()
    finally:
        saver.stop()
    assert saver.state is SaveState.SAVED
    assert isinstance(saver.warning, BackupRotationFailed)
    assert (SaveState.SAVED, saver.warning) in seen


def _raise(code: int, kind: type[OSError] = OSError) -> Any:
    def failing(*_args: Any, **_kwargs: Any) -> Any:
        raise kind(code, os.strerror(code))

    return failing
