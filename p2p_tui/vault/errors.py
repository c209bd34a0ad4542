"""The vault's named errors: each carries the exit code of the command-line contract and the next step.

Messages never contain data from inside the vault: only paths the coordinator chose and plain advice.
"""

from __future__ import annotations


class VaultError(Exception):
    """Base of every error the vault raises; `exit_code` follows ARCHITECTURE.md §6."""

    exit_code = 1

    def __init__(self, message: str, next_step: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.next_step = next_step

    def __str__(self) -> str:
        return f"{self.message} {self.next_step}".strip()

    def for_command_line(self) -> tuple[str, str]:
        """The message and next step as a command that has exited must put them (the console's words
        may promise what only a running console keeps, such as a change held in memory)."""
        return self.message, self.next_step


class VaultNotFound(VaultError):
    """There is no vault file at the path."""

    exit_code = 1


class VaultExists(VaultError):
    """Refusing to create a vault over an existing file."""

    exit_code = 1


class WrongPassphrase(VaultError):
    """The header is intact but no key slot opened with the secret given."""

    exit_code = 3


class VaultDamaged(VaultError):
    """The file is not an intact vault: truncated, altered, or not a vault at all."""

    exit_code = 4


class UnsupportedVersion(VaultDamaged):
    """An intact vault written by a newer p2p-tui."""

    exit_code = 4


class VaultLocked(VaultError):
    """Another process holds the vault's lock."""

    exit_code = 5


class VaultWriteError(VaultError):
    """A save could not be made durable; the previous file is intact and the data still in memory.

    `exited` is what to say instead once the program has exited (the command line): what is on disk.
    """

    exit_code = 1

    def __init__(self, message: str, next_step: str = "", *, exited: tuple[str, str] | None = None) -> None:
        super().__init__(message, next_step)
        self.exited = exited

    def for_command_line(self) -> tuple[str, str]:
        """What is on disk, rather than what the console keeps in memory."""
        return self.exited or super().for_command_line()


class BackupRotationFailed(VaultError):
    """The save is durable, but the backups the policy no longer keeps could not all be deleted."""

    exit_code = 1


class RefusedOutput(VaultError):
    """An output (report, export, copy) was refused because it would go over or beside the vault."""

    exit_code = 1


class RefusedImage(VaultError):
    """The store refused to hand over an image (schema or sentinel missing): nothing was written."""

    exit_code = 1


def restore_hint(path: object) -> str:
    """The next step after a damaged vault, naming the command to run."""
    return (
        "Restore the newest backup that opens: "
        f"p2p-tui restore --vault {path} (it lists the backups and whether each opens)."
    )
