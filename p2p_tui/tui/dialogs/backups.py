"""The vault's backups: when each was taken (local time), its generation, whether its header is intact.

Listing only. Restoring replaces the vault file, which this console holds locked: it is done with
`p2p-tui restore` while the console is closed.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from p2p_tui.tui.dialogs.form import CSS_FILE
from p2p_tui.tui.widgets.table import Table
from p2p_tui.vault import backups


def restore_note(vault: Path) -> str:
    """How to restore, said where the backups are listed."""
    return (
        "To restore one: quit the console (Ctrl+Q) — the vault is locked while it is open — then run\n"
        f"  p2p-tui restore --vault {vault}\n"
        "It lists these backups, checks each opens, and keeps the current file as a backup first."
    )


class BackupsDialog(ModalScreen[None]):
    """Read-only list; Escape closes it."""

    CSS_PATH = CSS_FILE
    BINDINGS = [Binding("escape", "close", "Close", id="backups.close")]

    def __init__(self, vault: Path) -> None:
        super().__init__()
        self.vault = vault

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="backups-box"):
            yield Static("Backups", classes="title")
            yield Static("Reading the backups…", id="backups-count", classes="note")
            yield Table(id="backups")
            yield Static(restore_note(self.vault), classes="warning", id="restore-note", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#backups", Table)
        table.add_columns("taken (local time)", "generation", "header")
        table.focus()
        self.read_backups()

    @work(thread=True, group="backups", exclusive=True, exit_on_error=False)
    def read_backups(self) -> None:
        """List the backups and check each header off the event loop (it reads every file)."""
        try:
            rows = [
                (b.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), b.generation, b.header_intact())
                for b in backups.listing(self.vault)
            ]
        except OSError as exc:
            self.app.call_from_thread(
                self.show_rows, [], f"The backups folder cannot be read ({exc.strerror})."
            )
            return
        self.app.call_from_thread(self.show_rows, rows, "")

    def show_rows(self, rows: list[tuple[str, int, bool]], problem: str) -> None:
        """Fill the table (on the event loop)."""
        table = self.query_one("#backups", Table)
        table.clear()
        for i, (taken, generation, intact) in enumerate(rows):
            table.add_row(taken, str(generation), "intact" if intact else "DAMAGED", key=str(i))
        count = problem or (f"{len(rows)} backups, newest first." if rows else "No backups yet.")
        self.query_one("#backups-count", Static).update(count)

    def action_close(self) -> None:
        """Escape: close."""
        self.dismiss(None)
