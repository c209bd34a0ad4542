"""The command line against a vault it may not use: in use elsewhere (5), wrong passphrase (3), damaged (4).

Each runs the real console script in its own process, so the OS lock is exercised across processes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from p2p_tui.store import Store
from p2p_tui.vault import VaultLocked
from p2p_tui.vault.format import PREFIX
from p2p_tui.vault.lock import VaultLock, lock_path
from tests.conftest import CHEAP_KDF, PASSPHRASE

CLI = Path(sys.executable).with_name("p2p-tui")


def run_cli(*args: str, passphrase: str = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "P2P_TUI_PASSPHRASE": passphrase}
    return subprocess.run(
        [str(CLI), *args], capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL
    )


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    path = tmp_path / "program.p2pvault"
    store, _code = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    store.close()
    return path


def lock_is_held(path: Path) -> bool:
    probe = VaultLock(path)
    try:
        probe.acquire()
    except VaultLocked:
        return True
    probe.release()
    return False


def test_the_console_script_works_on_a_free_vault(vault: Path) -> None:
    """The baseline the refusals below are measured against."""
    result = run_cli("check", "--vault", str(vault))
    assert result.returncode == 0, result.stderr
    assert "integrity:    ok" in result.stdout


def test_vault_open_in_this_process_gives_exit_5(vault: Path) -> None:
    store = Store.open(vault, PASSPHRASE)
    try:
        before = vault.read_bytes()
        result = run_cli("check", "--vault", str(vault))
        assert result.returncode == 5, (result.stdout, result.stderr)
        assert "another" in result.stderr.lower()
        assert vault.read_bytes() == before
        assert store.vault.is_open
    finally:
        store.close()
    assert run_cli("check", "--vault", str(vault)).returncode == 0


def test_a_vault_open_under_its_real_name_is_locked_under_a_link_too(vault: Path, tmp_path: Path) -> None:
    """Two names of one vault (issue 9, item 7): the lock is the real file's, so the second is refused."""
    link = tmp_path / "elsewhere.p2pvault"
    link.symlink_to(vault)
    store = Store.open(vault, PASSPHRASE)
    try:
        before = vault.read_bytes()
        result = run_cli("check", "--vault", str(link))
        assert result.returncode == 5, (result.stdout, result.stderr)
        assert vault.read_bytes() == before
    finally:
        store.close()
    saved = run_cli("passwd", "--vault", str(link), "--new-passphrase-file", str(new_passphrase(tmp_path)))
    assert saved.returncode == 0, saved.stderr
    assert link.is_symlink() and link.resolve() == vault  # the save replaced the file, not the link
    assert run_cli("check", "--vault", str(vault), passphrase=NEW_PASSPHRASE).returncode == 0


NEW_PASSPHRASE = "a new passphrase for a linked vault"  # noqa: S105 - a test value


def new_passphrase(folder: Path) -> Path:
    path = folder / "new-passphrase.txt"
    path.write_text(NEW_PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def flock_holder(vault: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`flock <vault>.lock sleep 30`, running until its lock is seen held; killed (with sleep) after."""
    flock = shutil.which("flock")
    if flock is None:
        pytest.skip("the flock utility is not installed")
    proc = subprocess.Popen([flock, str(lock_path(vault)), "sleep", "30"], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while not lock_is_held(vault):
            assert proc.poll() is None, f"flock exited with {proc.returncode}"
            assert time.monotonic() < deadline, "flock never took the lock"
            time.sleep(0.01)
        yield proc
    finally:
        # flock's child (sleep) inherits the locked descriptor: end the whole session it leads.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_lock_held_by_another_program_gives_exit_5(vault: Path, flock_holder: object) -> None:
    before = vault.read_bytes()
    result = run_cli("check", "--vault", str(vault))
    assert result.returncode == 5, (result.stdout, result.stderr)
    assert "another" in result.stderr.lower()
    assert vault.read_bytes() == before


def test_wrong_passphrase_gives_exit_3_and_changes_nothing(vault: Path) -> None:
    before = vault.read_bytes()
    stat = vault.stat()
    result = run_cli("check", "--vault", str(vault), passphrase="not the passphrase at all")
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "passphrase" in result.stderr.lower()
    assert vault.read_bytes() == before
    assert vault.stat().st_mtime_ns == stat.st_mtime_ns
    assert list(vault.parent.glob(f".{vault.name}.*.tmp")) == []
    assert not lock_is_held(vault)


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["ciphertext-last", "ciphertext-middle", "header", "magic"])
def test_damaged_vault_gives_exit_4_and_points_to_restore(vault: Path, where: str) -> None:
    size = vault.stat().st_size
    header_len = PREFIX.unpack_from(vault.read_bytes())[2]
    body_start = header_len + 32
    offset = {
        "ciphertext-last": size - 1,
        "ciphertext-middle": (body_start + size) // 2,
        "header": header_len - 20,  # inside the generation/salt tail, under the checksum
        "magic": 0,
    }[where]
    flip(vault, offset)
    damaged = vault.read_bytes()

    result = run_cli("check", "--vault", str(vault))
    assert result.returncode == 4, (result.stdout, result.stderr)
    assert "restore" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert vault.read_bytes() == damaged
    assert not lock_is_held(vault)
