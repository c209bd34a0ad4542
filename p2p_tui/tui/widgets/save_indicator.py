"""The save indicator: saving… / saved / not saved, with the next step on failure."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from p2p_tui.vault import SaveState


class SaveIndicator(Static):
    """Shows the background saver's state."""

    DEFAULT_CSS = """
    SaveIndicator { width: auto; padding: 0 1; color: $text-muted; }
    SaveIndicator.-failed { color: $error; text-style: bold; }
    SaveIndicator.-saving { color: $warning; }
    """

    state: reactive[SaveState] = reactive(SaveState.SAVED, layout=True)

    def render(self) -> str:
        return {
            SaveState.SAVED: "saved",
            SaveState.SAVING: "saving…",
            SaveState.FAILED: "NOT SAVED: Ctrl+S to retry",
        }[self.state]

    def watch_state(self, state: SaveState) -> None:
        self.set_class(state is SaveState.FAILED, "-failed")
        self.set_class(state is SaveState.SAVING, "-saving")
