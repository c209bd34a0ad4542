"""A background saver: callers ask for a save and go on; saves that arrive while one is in flight
coalesce into one. The image is taken (by the `snapshot` callback, under the store's lock) only when
the worker is ready to write it, so a burst of changes costs one serialize and one write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import Enum

from p2p_tui.vault.errors import BackupRotationFailed, VaultError, VaultWriteError
from p2p_tui.vault.file import Vault


class SaveState(Enum):
    """What the save indicator shows."""

    SAVED = "saved"
    SAVING = "saving"
    FAILED = "failed"


# Called with FAILED and the save's error; with SAVED and an error when the save is durable but the
# housekeeping after it (the backups' rotation) failed; otherwise with no error.
StateListener = Callable[[SaveState, VaultError | None], None]


class Saver:
    """Writes the latest image of the store to the vault in a worker thread."""

    def __init__(
        self,
        vault: Vault,
        snapshot: Callable[[], bytes],
        on_state: StateListener | None = None,
    ) -> None:
        self.vault = vault
        self._snapshot = snapshot
        self._on_state = on_state
        self._cond = threading.Condition()
        self._requested = 0  # how many saves were asked for
        self._done = 0  # every request up to this one is durable
        self._failed_at = 0  # the last failed attempt covered requests up to this one
        self._error: VaultError | None = None
        self.warning: VaultError | None = None  # the last housekeeping failure, until one succeeds
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="p2p-vault-saver", daemon=True)
        self._thread.start()

    @property
    def state(self) -> SaveState:
        """Saved, saving, or failed (with `error` saying why)."""
        with self._cond:
            if self._error is not None and self._failed_at >= self._requested:
                return SaveState.FAILED
            return SaveState.SAVED if self._done >= self._requested else SaveState.SAVING

    @property
    def error(self) -> VaultError | None:
        """The error of the last failed attempt, until a save succeeds."""
        return self._error

    def set_listener(self, on_state: StateListener | None) -> None:
        """Replace the state listener (it is called from the worker thread)."""
        self._on_state = on_state

    def request(self) -> None:
        """Ask for a save of the current state; returns at once."""
        with self._cond:
            if self._stopping:
                raise RuntimeError("the saver is closed")
            self._requested += 1
            self._cond.notify_all()
        self._emit(SaveState.SAVING, None)

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every request so far is durable; raise the save's error if the last try failed."""
        with self._cond:
            target = self._requested
            finished = self._cond.wait_for(lambda: self._done >= target or self._failed_at >= target, timeout)
            if not finished:
                raise VaultWriteError("The save did not finish in time.", "Wait for 'saved' before quitting.")
            if self._done < target and self._error is not None:
                raise self._error

    def close(self) -> None:
        """Complete the last save (retrying one that failed) and stop.

        If the save still fails its error is raised and the saver stays usable.
        """
        self.retry_if_failed()
        self.flush()
        self.stop()

    def retry_if_failed(self) -> None:
        """Ask again for a save whose last attempt failed (the disk may have been fixed since)."""
        if self.state is SaveState.FAILED:
            self.request()

    def stop(self) -> None:
        """Stop the worker once it is idle, saving nothing more."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def _emit(self, state: SaveState, error: VaultError | None) -> None:
        listener = self._on_state
        if listener is not None:
            listener(state, error)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(
                    lambda: self._stopping or self._requested > max(self._done, self._failed_at)
                )
                if self._stopping:
                    return
                target = self._requested
            try:
                self.vault.save(self._snapshot(), rotate=False)
            except VaultError as exc:
                with self._cond:
                    self._failed_at, self._error = target, exc
                    self._cond.notify_all()
                self._emit(SaveState.FAILED, exc)
                continue
            except Exception as exc:  # noqa: BLE001 - the worker must never die silently
                err = VaultWriteError(
                    f"The save failed unexpectedly ({type(exc).__name__}); the change is kept in memory.",
                    "Try again; if it keeps failing, quit and reopen to the last saved version.",
                    exited=(
                        f"The save failed unexpectedly ({type(exc).__name__}). The vault file holds what "
                        f"it held before (generation {self.vault.generation}); nothing this command "
                        "changed was saved.",
                        "Run the command again; if it keeps failing, run p2p-tui check.",
                    ),
                )
                with self._cond:
                    self._failed_at, self._error = target, err
                    self._cond.notify_all()
                self._emit(SaveState.FAILED, err)
                continue
            with self._cond:
                self._done, self._error = target, None
                self._cond.notify_all()
                pending = self._requested > target
            self._emit(SaveState.SAVING if pending else SaveState.SAVED, None)
            if not pending:  # durable and reported: now the housekeeping, off the critical path
                self._housekeeping()

    def _housekeeping(self) -> None:
        """Rotate the backups; a failure is reported as SAVED with that error (the save is durable)."""
        try:
            problem: VaultError | None = self.vault.rotate_backups()
        except Exception as exc:  # noqa: BLE001 - the worker must never die silently
            problem = BackupRotationFailed(
                f"The change is saved, but rotating the backups failed ({type(exc).__name__}).",
                "Run p2p-tui check.",
            )
        self.warning = problem
        if problem is not None and self.state is SaveState.SAVED:
            self._emit(SaveState.SAVED, problem)
