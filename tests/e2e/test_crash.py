"""Crash safety: a writer killed with SIGKILL at random moments never leaves a vault that fails to open.

A child process opens the vault and saves in a tight loop, reporting each durable save on stdout. The
parent kills it at random moments (seeded, so a failure can be replayed), then checks that the vault
opens, its database is intact, the generation only ever moved forward, every save the child reported
is on disk, no temporary file survived the reopen, and the lock was released with the process.
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from p2p_tui.store import Store, settings
from p2p_tui.vault import VaultLocked, backups
from p2p_tui.vault.lock import VaultLock
from tests.conftest import CHEAP_KDF, PASSPHRASE

KILLS = 30  # each cut at a random moment of a save (the seed makes the run repeatable)
SEED = 20240611
MAX_DELAY = 0.030
LINE_TIMEOUT = 15.0

CHILD = textwrap.dedent(
    """
    import os
    import sys

    from p2p_tui.store import Store, settings

    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        sys.exit(0)
    store = Store.open(sys.argv[1], os.environ["P2P_TUI_PASSPHRASE"])
    with store.lock:
        i = int(settings.get("counties")[0]) + 1
    while True:
        with store.atomic():
            settings.put("counties", [str(i)])
        store.save_now()
        print(f"saved {i} {store.vault.generation}", flush=True)
        i += 1
    """
)


class Child:
    """The writer process, with line reads that time out instead of hanging the suite."""

    def __init__(self, script: Path, vault: Path, log: Path) -> None:
        env = {**os.environ, "P2P_TUI_PASSPHRASE": PASSPHRASE}
        self.log = log
        with log.open("ab") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(script), str(vault)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                env=env,
            )
        self._buf = b""

    def readline(self, timeout: float = LINE_TIMEOUT) -> str:
        """The next complete line; fails the test on EOF or timeout."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                pytest.fail(f"the child said nothing for {timeout} s; stderr: {self.stderr()}")
            chunk = os.read(fd, 65536)
            if not chunk:
                pytest.fail(f"the child exited ({self.proc.wait()}); stderr: {self.stderr()}")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode()

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()

    def kill_and_drain(self) -> list[str]:
        """SIGKILL, reap, and return every complete line it wrote before dying."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=LINE_TIMEOUT)
        assert self.proc.returncode == -signal.SIGKILL
        assert self.proc.stdout is not None
        rest = self.proc.stdout.read()
        self._close_pipes()
        data = self._buf + rest
        return [line.decode() for line in data.split(b"\n")[:-1]]  # drop a line cut off mid-write

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

    def cleanup(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_pipes()


def last_save(lines: list[str]) -> tuple[int, int]:
    """(value, generation) of the last save the child reported as durable."""
    saves = [line.split() for line in lines if line.startswith("saved ")]
    assert saves, lines
    _, value, generation = saves[-1]
    return int(value), int(generation)


def assert_lock_free(path: Path) -> None:
    lock = VaultLock(path)
    try:
        lock.acquire()
    except VaultLocked:
        pytest.fail("the vault's lock is still held after its process was killed")
    lock.release()


@pytest.mark.slow
def test_sigkill_during_saves_never_breaks_the_vault(tmp_path: Path) -> None:
    path = tmp_path / "program.p2pvault"
    script = tmp_path / "writer.py"
    script.write_text(CHILD)
    log = tmp_path / "writer.stderr"

    store, _code = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        settings.put("counties", ["0"])
    store.close()
    last_generation = store.vault.generation
    assert last_generation >= 1

    rng = random.Random(SEED)
    child = Child(script, path, log)
    spare: Child | None = None
    try:
        for cycle in range(KILLS):
            assert child.readline() == "ready"
            child.go()
            first = child.readline()
            assert first.startswith("saved "), first
            time.sleep(rng.uniform(0, MAX_DELAY))
            lines = [first, *child.kill_and_drain()]
            reported_value, reported_generation = last_save(lines)

            # The next writer imports while this one's remains are checked (it waits for "go").
            spare = Child(script, path, log) if cycle + 1 < KILLS else None

            assert_lock_free(path)
            reopened = Store.open(path, PASSPHRASE)
            try:
                with reopened.lock:
                    conn = reopened.db.raw()
                    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
                    value = int(settings.get("counties")[0])
                generation = reopened.vault.generation
                leftovers = list(tmp_path.glob(f".{path.name}.*.tmp"))
            finally:
                reopened.close()
            context = f"cycle {cycle}: lines {lines[-3:]}"
            assert integrity == ["ok"], context
            assert generation > last_generation, context  # never backwards; the child did save
            assert generation >= reported_generation, context  # what it reported is durable
            # The file holds the last reported save, or the one after it if it was cut off before
            # reporting it; never an older one, never a torn one.
            assert value in (reported_value, reported_value + 1), context
            assert leftovers == [], context  # opening removes what an interrupted save left
            assert path.stat().st_mode & 0o777 == 0o600
            assert all(b.header_intact() for b in backups.listing(path)), context
            assert_lock_free(path)
            last_generation = generation
            if spare is not None:
                child, spare = spare, None
    finally:
        child.cleanup()
        if spare is not None:
            spare.cleanup()
