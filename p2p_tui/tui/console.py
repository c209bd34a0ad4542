"""What screens and palette commands may read of the running console, typed without importing the app
(the app imports the screens; a screen importing the app would close a cycle)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual.app import App

from p2p_tui.store import Store
from p2p_tui.vault import SaveState


@runtime_checkable
class Console(Protocol):
    """The state the console shares with its screens. Navigation goes by message (`tui.messages`)."""

    store: Store | None
    privacy: bool
    save_state: SaveState
    autolock_seconds: float


def console_of(app: App[Any]) -> Console:
    """`app` as the console it is (checked: every app these screens run in is one)."""
    if not isinstance(app, Console):
        raise TypeError("this screen runs only inside the p2p-tui console")
    return app
