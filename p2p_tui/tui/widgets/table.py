"""A DataTable with the house keys: row cursor, zebra stripes, vim aliases (j/k/g/G) unseen in the footer."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from p2p_tui.services import common


def _cell(cell: object) -> object:
    """A cell as shown: text made printable (U+FFFD for each control: the same length, so a Text's
    styles still fall where they did)."""
    if isinstance(cell, str):
        return Text(common.printable(cell))
    if isinstance(cell, Text) and common.CONTROL.search(cell.plain):
        safe = cell.copy()
        safe.plain = common.printable(cell.plain)
        return safe
    return cell


class Table(DataTable[object]):
    """A row-cursor table; screens fill it with at most one page of rows from the database. Every text
    cell is plain text: names are never parsed as markup."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.j"),
        Binding("k", "cursor_up", "Up", show=False, id="table.k"),
        Binding("g", "scroll_top", "First", show=False, id="table.g"),
        Binding("G", "scroll_bottom", "Last", show=False, id="table.G"),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def add_row(
        self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> RowKey:
        """Add a row; text cells are shown as written, never parsed as markup (a name may hold "[/]"),
        and never with a control character (`common.printable`: stored text is data, never control)."""
        plain = tuple(_cell(cell) for cell in cells)
        return super().add_row(*plain, height=height, key=key, label=label)

    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)
