"""Saves that race (issue 9, item 9): one lock serialises `Vault.save` and every change of the key
slots, so a background save and a passphrase change never write one generation twice nor land the old
slots last.

The interleaving is forced, not hoped for: the first save is held inside its write until the second
has either overtaken it (the bug) or is seen waiting for the lock (the fix). No sleep, no timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from p2p_tui.vault import Vault, WrongPassphrase
from p2p_tui.vault import keys as vault_keys
from tests.conftest import CHEAP_KDF, PASSPHRASE

NEW = "the passphrase after the change"
GUARD = 60.0  # seconds: only so that a broken test fails instead of hanging the suite


class WatchedLock:
    """Wraps the vault's save lock and reports when the thread named `watched` starts waiting on it."""

    def __init__(self, inner: Any, watched: str, waiting: threading.Event) -> None:
        self.inner, self.watched, self.waiting = inner, watched, waiting

    def __enter__(self) -> Any:
        if threading.current_thread().name == self.watched:
            self.waiting.set()
        return self.inner.__enter__()

    def __exit__(self, *exc: object) -> Any:
        return self.inner.__exit__(*exc)


def test_a_passphrase_change_waits_for_the_save_in_flight(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, _ = Vault.create(vault_path, PASSPHRASE, b"first", kdf=CHEAP_KDF, lock=False)
    monkeypatch.setattr(
        vault_keys, "FLOOR_KDF", CHEAP_KDF
    )  # keep the change cheap; the floor is tested apart
    inside = threading.Event()  # the first save is in its write
    release = threading.Event()  # let it finish
    progress = threading.Event()  # the change overtook it, or waits for the lock
    overtaken: list[str] = []
    real: Callable[..., Any] = vault_keys.payload_encryptor

    def held(*args: Any) -> Any:
        if threading.current_thread().name == "saver":
            inside.set()
            assert release.wait(GUARD)
        elif not release.is_set():  # another save writing while the first is still in its write
            overtaken.append(threading.current_thread().name)
            progress.set()
        return real(*args)

    monkeypatch.setattr(vault_keys, "payload_encryptor", held)
    if hasattr(vault, "_saving"):
        vault._saving = WatchedLock(vault._saving, "passwd", progress)  # noqa: SLF001
    results: dict[str, object] = {}

    def run(name: str, work: Callable[[], object]) -> threading.Thread:
        def target() -> None:
            try:
                results[name] = work()
            except BaseException as exc:  # noqa: BLE001 - reported by the assertions below
                results[name] = exc

        thread = threading.Thread(target=target, name=name)
        thread.start()
        return thread

    saver = run("saver", lambda: vault.save(b"from the saver"))
    assert inside.wait(GUARD)
    passwd = run("passwd", lambda: vault.change_passphrase(NEW, b"from passwd"))
    assert progress.wait(GUARD)
    release.set()
    saver.join(GUARD)
    passwd.join(GUARD)

    assert overtaken == [], "the passphrase change wrote while another save was in flight"
    assert results == {"saver": 2, "passwd": None}
    assert vault.generation == 3
    reopened, image = Vault.open(vault_path, NEW, lock=False)
    assert (reopened.generation, image) == (3, b"from passwd")
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_path, PASSPHRASE, lock=False)
