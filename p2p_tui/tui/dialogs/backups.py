"""The vault's backups: when each was taken (local time), its generation, whether its header is intact.

Enter chooses one to restore: the console then saves and locks, and the unlock screen asks for the
passphrase that backup was made under (the current file is kept as a backup first).
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from p2p_tui.tui.dialogs.form import CSS_FILE
from p2p_tui.tui.widgets.table import Table
from p2p_tui.vault import backups


def restore_note(vault: Path) -> str:
    """How to restore, said where the backups are listed."""
    return (
        "Enter restores the chosen backup: the console saves and locks, then asks for the passphrase\n"
        "that backup was made under; the current file is kept as a backup first. With the console\n"
        f"closed, the same is: p2p-tui restore --vault {vault}"
    )


class BackupsDialog(ModalScreen[backups.Backup | None]):
    """The list; Enter returns the backup to restore, Escape closes with None."""

    CSS_PATH = CSS_FILE
    BINDINGS = [Binding("escape", "close", "Close", id="backups.close")]

    def __init__(self, vault: Path) -> None:
        super().__init__()
        self.vault = vault
        self.found: list[backups.Backup] = []

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
            self.found = backups.listing(self.vault)
            rows = [
                (b.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), b.generation, b.header_intact())
                for b in self.found
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

    @on(DataTable.RowSelected, "#backups")
    def chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None and self.found:
            self.dismiss(self.found[int(event.row_key.value)])

    def action_close(self) -> None:
        """Escape: close."""
        self.dismiss(None)
