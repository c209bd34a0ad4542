"""One process at a time: the OS lock on `<vault>.lock`."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from p2p_tui.vault import Vault, VaultLocked, WrongPassphrase
from p2p_tui.vault.lock import VaultLock, lock_path
from tests.conftest import CHEAP_KDF, PASSPHRASE

POLL_LIMIT = 10.0


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll `condition` for at most POLL_LIMIT seconds."""
    deadline = time.monotonic() + POLL_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def lock_is_held_elsewhere(path: Path) -> bool:
    """Probe with a non-blocking flock on a separate descriptor; release the probe at once."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def test_lock_file_sits_beside_the_vault(vault_path: Path) -> None:
    assert lock_path(vault_path) == vault_path.with_name("program.p2pvault.lock")


def test_a_second_open_while_the_first_is_open_is_refused(vault_path: Path) -> None:
    created, _ = Vault.create(vault_path, PASSPHRASE, b"image", kdf=CHEAP_KDF)
    assert lock_is_held_elsewhere(lock_path(vault_path))  # creation holds the lock
    with pytest.raises(VaultLocked) as raised:
        Vault.open(vault_path, PASSPHRASE)
    assert raised.value.exit_code == 5
    created.close()
    assert not lock_is_held_elsewhere(lock_path(vault_path))

    first, image = Vault.open(vault_path, PASSPHRASE)
    try:
        assert image == b"image"
        for secret in (PASSPHRASE, "a wrong passphrase"):  # refused before the passphrase matters
            with pytest.raises(VaultLocked) as raised:
                Vault.open(vault_path, secret)
            assert raised.value.exit_code == 5
        # The refused attempts did not take the lock away from the holder.
        assert lock_is_held_elsewhere(lock_path(vault_path))
        first.save(b"still mine")
    finally:
        first.close()
    assert not lock_is_held_elsewhere(lock_path(vault_path))
    second, image = Vault.open(vault_path, PASSPHRASE)
    second.close()
    assert image == b"still mine"


def test_a_failed_open_releases_the_lock(vault_path: Path) -> None:
    Vault.create(vault_path, PASSPHRASE, b"image", kdf=CHEAP_KDF, lock=False)
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_path, "wrong")
    assert not lock_is_held_elsewhere(lock_path(vault_path))
    vault, _ = Vault.open(vault_path, PASSPHRASE)
    vault.close()


def test_create_refuses_while_another_holds_the_lock(vault_path: Path) -> None:
    with VaultLock(vault_path) as held:
        assert held.held
        with pytest.raises(VaultLocked):
            Vault.create(vault_path, PASSPHRASE, b"image", kdf=CHEAP_KDF)
    assert not vault_path.exists()


@pytest.mark.skipif(shutil.which("flock") is None, reason="needs the flock command-line tool")
def test_a_lock_held_by_another_process_is_refused(vault_path: Path) -> None:
    vault, _ = Vault.create(vault_path, PASSPHRASE, b"image", kdf=CHEAP_KDF)
    vault.close()
    lock = lock_path(vault_path)
    # Its own session, so the whole group (flock and the sleep that inherits the lock) can be killed.
    holder = subprocess.Popen(["flock", str(lock), "sleep", "30"], start_new_session=True)
    try:
        wait_until(lambda: lock_is_held_elsewhere(lock), "flock to take the lock")
        with pytest.raises(VaultLocked) as raised:
            Vault.open(vault_path, PASSPHRASE)
        assert raised.value.exit_code == 5
        assert "another" in str(raised.value)
        # Without the lock (read-only use, e.g. checking a file) it still opens.
        _, image = Vault.open(vault_path, PASSPHRASE, lock=False)
        assert image == b"image"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(timeout=POLL_LIMIT)
    wait_until(lambda: not lock_is_held_elsewhere(lock), "the killed holder to release the lock")
    vault, image = Vault.open(vault_path, PASSPHRASE)
    vault.close()
    assert image == b"image"
