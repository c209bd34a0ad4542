"""The audit trail (F10): every change, export, import, purge, restore and unlock, newest first, one
page at a time from the database; never a value. Enter on an entry of a case opens the case."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from p2p_tui.services.admin import audit
from p2p_tui.services.admin.audit import EntryView
from p2p_tui.tui.messages import OpenCase
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table

PAGE = 100  # rows a page (filling a table costs about 0.15 ms a row)
COLUMNS = ("#", "when", "what", "record", "fields")


def row(entry: EntryView) -> tuple[str, ...]:
    """One entry's cells: number, local time, what in words, record ids, field names in words."""
    ids = entry.records
    return (str(entry.id), entry.when, entry.what, ids, entry.changed)


class LogScreen(AreaScreen):
    """The audit trail, newest first."""

    AREA = "log"
    BINDINGS = [
        Binding("right_square_bracket", "page(1)", "Older", id="log.older"),
        Binding("left_square_bracket", "page(-1)", "Newer", id="log.newer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page_start = 0

    def compose_body(self) -> ComposeResult:
        yield Static("", id="count", markup=False)
        yield Table(id="log")

    def on_mount(self) -> None:
        self.query_one("#log", Table).add_columns(*COLUMNS)
        self.query_one("#log", Table).focus()

    def reload(self) -> None:
        def page() -> tuple[int, list[EntryView]]:
            return audit.count(), audit.entries(limit=PAGE, offset=self.page_start, newest_first=True)

        total, found = self.read(page)
        if self.page_start and not found:
            self.page_start = 0
            total, found = self.read(page)
        table = self.query_one("#log", Table)
        table.clear()
        for entry in found:
            table.add_row(*row(entry), key=f"{entry.id}:{entry.referral_id or ''}")
        last = self.page_start + len(found)
        shown = f"{self.page_start + 1}–{last} of {total}, newest first" if found else "no entries yet"
        self.query_one("#count", Static).update(
            f"Audit trail: {shown}  ([ newer, ] older; names and values are never recorded)"
        )

    @on(DataTable.RowSelected, "#log")
    def open_case(self, event: DataTable.RowSelected) -> None:
        case = str(event.row_key.value or "").partition(":")[2]
        if case:
            self.post_message(OpenCase(int(case)))

    def action_page(self, step: int) -> None:
        """Older or newer entries."""
        self.page_start = max(0, self.page_start + step * PAGE)
        self.reload()
