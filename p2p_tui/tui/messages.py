"""Messages that cross from worker threads to the app (post_message is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from p2p_tui.store import Store
from p2p_tui.vault import SaveState, VaultError


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
