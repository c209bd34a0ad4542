"""Messages to the app: from worker threads (post_message is thread-safe), and from screens and palette
commands asking for navigation (so no screen imports the app)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from p2p_tui.store import Store
from p2p_tui.vault import SaveState, VaultError
from p2p_tui.vault.backups import Backup


@dataclass
class SaveStateChanged(Message):
    """The background saver moved to a new state."""

    state: SaveState
    error: VaultError | None


@dataclass
class Unlocked(Message):
    """A vault was opened or created; the app now owns `store`."""

    store: Store
    recovery_code: str | None = None


# -- navigation: screens and palette commands ask the app by message, never by calling it -------------


@dataclass
class OpenCase(Message):
    """Show a case's page."""

    referral_id: int


@dataclass
class OpenSupporter(Message):
    """Show a supporter's roster page."""

    supporter_id: int


@dataclass
class GoTo(Message):
    """Show a top-level area (`today`, `cases`, ...)."""

    area: str


@dataclass
class RestoreBackup(Message):
    """Save and lock; the unlock screen then restores `backup`."""

    backup: Backup
