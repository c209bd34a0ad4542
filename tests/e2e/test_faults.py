"""Disk faults during a save: ENOSPC and EIO at the write, the temp file's fsync and the rename.

Each fault is injected on the `os` module that p2p_tui.vault.file calls (file.py does `import os` and
calls `os.write`, `os.fsync`, `os.replace`), and only for the save's temporary file, so nothing else in
the process is disturbed. For each, the save must fail loudly and harmlessly: a named error giving the
reason, the FAILED state, the vault file untouched, no temporary file left, the change kept in memory;
and once the fault is gone, one retry makes it durable.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from p2p_tui.store import Store, settings
from p2p_tui.vault import SaveState, VaultLocked, VaultWriteError
from p2p_tui.vault.lock import VaultLock
from tests.conftest import CHEAP_KDF, PASSPHRASE

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")

ERRNOS = [errno.ENOSPC, errno.EIO]
POINTS = ["write", "fsync", "replace"]


def temp_files(vault: Path) -> list[Path]:
    return sorted(vault.parent.glob(f".{vault.name}.*.tmp"))


def is_temp_of(candidate: str | os.PathLike[str], vault: Path) -> bool:
    name = Path(candidate).name
    return (
        Path(candidate).parent == vault.parent
        and re.fullmatch(rf"\.{re.escape(vault.name)}\.[0-9a-f]+\.tmp", name) is not None
    )


def fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


class Fault:
    """Makes one `os` function fail with `code` for the vault's temporary file while `active`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, point: str, code: int, vault: Path) -> None:
        self.point, self.code, self.vault = point, code, vault
        self.active = True
        self.hits: list[str] = []
        real: Callable[..., Any] = getattr(os, point)

        def failing(*args: Any, **kwargs: Any) -> Any:
            target = fd_path(args[0]) if point in ("write", "fsync") else os.fspath(args[0])
            if self.active and is_temp_of(target, vault):
                self.hits.append(target)
                raise OSError(code, os.strerror(code))
            return real(*args, **kwargs)

        monkeypatch.setattr(f"p2p_tui.vault.file.os.{point}", failing)

    @property
    def reason(self) -> str:
        return os.strerror(self.code)


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Store]:
    """A store over a cheap vault with one good save of a known value behind it."""
    path = tmp_path / "program.p2pvault"
    store, _code = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        settings.put("counties", ["before"])
    store.save_now()
    yield store
    if store.vault.is_open:
        store.abandon()


def reopen_value(path: Path) -> tuple[Any, int]:
    store = Store.open(path, PASSPHRASE)
    try:
        with store.lock:
            return settings.get("counties"), store.vault.generation
    finally:
        store.close()


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
def test_a_failed_save_keeps_the_file_and_the_change(
    opened: Store, monkeypatch: pytest.MonkeyPatch, point: str, code: int
) -> None:
    store = opened
    path = store.vault.path
    good_generation = store.vault.generation
    before = path.read_bytes()
    fault = Fault(monkeypatch, point, code, path)

    with store.atomic():
        settings.put("counties", ["after", point])
    with pytest.raises(VaultWriteError) as failed:
        store.saver.flush(timeout=10)

    assert fault.hits, f"the fault at os.{point} was never reached"
    assert all(is_temp_of(hit, path) for hit in fault.hits)
    assert fault.reason in failed.value.message
    assert failed.value.next_step
    assert store.saver.state is SaveState.FAILED
    assert store.saver.error is failed.value
    assert store.vault.generation == good_generation
    assert path.read_bytes() == before
    assert temp_files(path) == []
    with store.lock:
        assert settings.get("counties") == ["after", point]

    # Retrying while the fault lasts fails the same way and still changes nothing.
    with pytest.raises(VaultWriteError, match=re.escape(fault.reason)):
        store.save_now()
    assert path.read_bytes() == before
    assert temp_files(path) == []

    fault.active = False
    store.save_now()
    assert store.saver.state is SaveState.SAVED
    assert store.saver.error is None
    assert store.vault.generation == good_generation + 1
    assert temp_files(path) == []
    store.close()

    assert reopen_value(path) == (["after", point], good_generation + 1)


@pytest.mark.parametrize("point", POINTS)
def test_close_while_saves_fail_raises_and_keeps_the_store(
    opened: Store, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    store = opened
    path = store.vault.path
    good_generation = store.vault.generation
    before = path.read_bytes()
    fault = Fault(monkeypatch, point, errno.ENOSPC, path)

    with store.atomic():
        settings.put("counties", ["unsaved", point])
    for _attempt in range(2):
        with pytest.raises(VaultWriteError, match=re.escape(fault.reason)):
            store.close()
        # Still open, still locked, still holding the change; the file is the last good save.
        assert store.vault.is_open
        assert store.saver.state is SaveState.FAILED
        with pytest.raises(VaultLocked):
            VaultLock(path).acquire()
        with store.lock:
            assert settings.get("counties") == ["unsaved", point]
        assert path.read_bytes() == before
        assert temp_files(path) == []

    # The store is usable: more changes, then a retry once the disk is fixed.
    with store.atomic():
        settings.put("counties", ["unsaved", point, "more"])
    with pytest.raises(VaultWriteError):
        store.saver.flush(timeout=10)
    fault.active = False
    store.save_now()
    store.close()
    assert not store.vault.is_open

    assert reopen_value(path) == (["unsaved", point, "more"], good_generation + 1)


# -- regressions found by these tests -------------------------------------------------------------


def test_failed_retries_do_not_rotate_older_backups_away(
    opened: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each failed save used to hard-link another copy of one generation, pushing real history out."""
    from p2p_tui.vault import backups

    for i in range(4):
        with opened.atomic():
            settings.put("retention_days", 100 + i)
        opened.saver.flush()
    before = {b.generation for b in backups.listing(opened.vault.path)}
    fault = Fault(monkeypatch, "replace", errno.EIO, opened.vault.path)
    for _ in range(12):
        opened.saver.request()
        with pytest.raises(VaultWriteError):
            opened.saver.flush()
    fault.active = False
    opened.save_now()
    after = [b.generation for b in backups.listing(opened.vault.path)]
    assert len(after) == len(set(after)), "one backup per generation"
    assert before <= set(after)


def test_close_retries_a_failed_save_once_the_disk_is_fixed(
    opened: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = opened.vault.path
    with opened.atomic():
        settings.put("retention_days", 321)
    fault = Fault(monkeypatch, "write", errno.ENOSPC, path)
    with pytest.raises(VaultWriteError):
        opened.saver.flush()
    fault.active = False
    opened.close()  # retries instead of raising the stale error
    reopened = Store.open(path, PASSPHRASE)
    try:
        assert settings.get("retention_days") == 321
    finally:
        reopened.close()


def test_folder_sync_failure_does_not_claim_the_old_file_is_kept(
    opened: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import p2p_tui.vault.file as vault_file

    def failing(_directory: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(vault_file, "fsync_dir", failing)
    with opened.atomic():
        settings.put("retention_days", 77)
    with pytest.raises(VaultWriteError) as caught:
        opened.saver.flush()
    assert "still holds the last saved version" not in str(caught.value)
    assert "written" in str(caught.value)
    monkeypatch.undo()
    opened.save_now()


def test_backup_command_reports_a_short_disk_by_name(
    opened: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    import p2p_tui.cli as cli

    path = opened.vault.path
    opened.close()
    target = tmp_path / "copies" / "copy.p2pvault"  # not in the vault's folder: that is refused
    target.parent.mkdir()
    real_write = os.write

    def short_then_full(fd: int, data: Any) -> int:
        if re.fullmatch(r"\.copy\.p2pvault\.[0-9a-f]+\.tmp", Path(fd_path(fd)).name):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr("p2p_tui.vault.private_file.os.write", short_then_full)
    env = {"P2P_TUI_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(cli.main, ["backup", "--vault", str(path), "--to", str(target)], env=env)
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert not target.exists()
    assert not list(target.parent.glob(".copy.p2pvault.*"))
    monkeypatch.undo()
    again = CliRunner().invoke(cli.main, ["backup", "--vault", str(path), "--to", str(target)], env=env)
    assert again.exit_code == 0, again.output


# -- the command line after a failed save (issue 9, item 11) ---------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("command", ["import", "passwd"])
def test_a_command_whose_save_fails_says_what_is_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """The console's words ("kept in memory", "Ctrl+S", "do not quit") are wrong once the command has
    exited: it says the file is intact at the generation it had, and that nothing of it was saved."""
    from click.testing import CliRunner

    import p2p_tui.cli as cli

    path = tmp_path / "program.p2pvault"
    store, _code = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    generation = store.vault.generation
    store.close()
    before = path.read_bytes()
    new = tmp_path / "new-passphrase.txt"
    new.write_text("an entirely new passphrase for the faults\n", encoding="utf-8")
    args = {
        "import": ["import", "roster", str(EXAMPLES / "roster.csv")],
        "passwd": ["passwd", "--new-passphrase-file", str(new)],
    }[command]
    fault = Fault(monkeypatch, "write", errno.ENOSPC, path)
    env = {"P2P_TUI_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(cli.main, [*args, "--vault", str(path)], env=env)
    assert fault.hits, result.output
    assert result.exit_code == 1, result.output
    assert fault.reason in result.output
    assert (
        f"generation {generation}" in result.output
        and "nothing this command changed was saved" in result.output
    )
    for console_only in ("kept in memory", "Ctrl+S", "do not quit"):
        assert console_only not in result.output
    assert path.read_bytes() == before
    assert temp_files(path) == []
