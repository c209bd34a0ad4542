"""Ask before recording a fact: what will be recorded, Enter to record it, Escape to leave it unsaid."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

RECORD_IT = "Enter: record it    Escape: cancel, nothing recorded"  # what most confirmations ask


class ConfirmDialog(ModalScreen[bool]):
    """Returns True on Enter, False on Escape. Every text is plain (names are never markup)."""

    BINDINGS = [
        Binding("enter", "confirm", "Record it", id="confirm.yes", priority=True),
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
    ]

    def __init__(self, title: str, lines: list[str], question: str = RECORD_IT) -> None:
        """`lines` say what will be recorded; `question` names the key (e.g. "Enter: they are two people")."""
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="title", markup=False)
            yield Static("\n".join(self.lines), id="confirm-lines", markup=False)
            yield Label(self.question, classes="note", markup=False)

    def action_confirm(self) -> None:
        """Enter: record it."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Escape: record nothing."""
        self.dismiss(False)
