"""A DataTable with the house keys (row cursor, zebra stripes, vim aliases j/k/g/G unseen in the footer)
that chooses its columns to fit its width.

Each column has a priority (by default, the further left the higher). When the table is narrower than
its columns, the lowest-priority columns are hidden until the rest fit, so a row never needs sideways
scrolling; `.` shows the highlighted row's hidden columns in a small dialog. The table keeps every
row's cells, so widening the terminal brings the hidden columns back. A `stretch` column takes the
room left over on a wide terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from p2p_tui.services import common

STRETCH_MAX = 48  # a stretched column grows by at most this much


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


def _width(cell: object) -> int:
    if isinstance(cell, Text):
        return cell.cell_len
    return cell_len(str(cell))


def fitting(widths: Sequence[int], priorities: Sequence[int], room: int) -> tuple[int, ...]:
    """The columns (indexes, in order) to show in `room` cells: drop the lowest priority (the rightmost
    of equals) until the rest fit; the highest-priority column always stays."""
    shown = list(range(len(widths)))
    while len(shown) > 1 and sum(widths[i] for i in shown) > room:
        lowest = min(shown, key=lambda i: (priorities[i], -i))
        shown.remove(lowest)
    return tuple(shown)


@dataclass(frozen=True)
class Row:
    """A row as given: every cell, shown or not."""

    key: str | None
    cells: tuple[object, ...]
    height: int | None


class Table(DataTable[object]):
    """A row-cursor table; screens fill it with at most one page of rows from the database. Every text
    cell is plain text: names are never parsed as markup."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.j"),
        Binding("k", "cursor_up", "Up", show=False, id="table.k"),
        Binding("g", "scroll_top", "First", show=False, id="table.g"),
        Binding("G", "scroll_bottom", "Last", show=False, id="table.G"),
        Binding("home", "scroll_top", "First", show=False, id="table.home"),
        Binding("end", "scroll_bottom", "Last", show=False, id="table.end"),
        Binding("full_stop", "details", "Whole row", key_display=".", id="table.details"),
    ]

    def __init__(self, *, id: str | None = None, stretch: int | None = None) -> None:  # noqa: A002
        """`stretch`: the index of the column that takes the room left over (none by default)."""
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.stretch = stretch
        self.labels: tuple[str, ...] = ()
        self.priorities: tuple[int, ...] = ()
        self.shown: tuple[int, ...] = ()
        self.rows_given: list[Row] = []
        self._grown = 0
        self._refit_pending = False

    # -- columns ----------------------------------------------------------------------------------

    def add_columns(self, *labels: Any, priorities: Sequence[int] | None = None) -> list[ColumnKey]:
        """Set the columns (call once); `priorities`: higher stays longer (default: left to right)."""
        self.labels = tuple(str(label) for label in labels)
        self.priorities = tuple(priorities) if priorities is not None else tuple(range(len(labels), 0, -1))
        self.shown = fitting(self._widths(), self.priorities, self._room())
        return self._add_shown()

    def _add_shown(self) -> list[ColumnKey]:
        keys = []
        for i in self.shown:
            width = self._widths()[i] - 2 * self.cell_padding + self._grown if i == self.stretch else None
            keys.append(self.add_column(self.labels[i], key=str(i), width=width))
        return keys

    def _widths(self) -> list[int]:
        """Each column's width as drawn: its widest cell (or label) and the cell padding."""
        widths = [cell_len(label) for label in self.labels]
        for row in self.rows_given:
            for i, cell in enumerate(row.cells[: len(widths)]):
                widths[i] = max(widths[i], _width(cell))
        return [w + 2 * self.cell_padding for w in widths]

    def _room(self) -> int:
        """The cells a row may use: the table's width (the terminal's, before the first layout), less a
        vertical scrollbar."""
        width = self.size.width or (self.app.size.width if self.is_attached else 80)
        return max(width - self.styles.scrollbar_size_vertical, 1)

    @property
    def hidden(self) -> tuple[int, ...]:
        """The columns not shown now."""
        return tuple(i for i in range(len(self.labels)) if i not in self.shown)

    def refit(self) -> None:
        """Choose the columns again for the width and contents now; redraw only if they changed."""
        self._refit_pending = False
        if not self.labels:
            return
        widths = self._widths()
        room = self._room()
        shown = fitting(widths, self.priorities, room)
        grown = 0
        if self.stretch in shown:
            grown = min(max(room - sum(widths[i] for i in shown), 0), STRETCH_MAX)
        if shown == self.shown and grown == self._grown:
            return
        if set(shown) <= set(self.shown) and grown == self._grown:
            for i in set(self.shown) - set(shown):  # narrower: dropping columns is cheap
                self.remove_column(ColumnKey(str(i)))
            self.shown = shown
        else:
            self.shown, self._grown = shown, grown
            self._rebuild()
        self.refresh_bindings()  # the footer shows "Row details" only while a column is hidden

    def _rebuild(self) -> None:
        """Columns and rows again, the cursor kept on its row."""
        keep = self.selected_key()
        rows = list(self.rows_given)
        super().clear(columns=True)
        self._add_shown()
        for row in rows:
            self._add(row)
        self.rows_given = rows
        if keep is not None:
            self.move_cursor(row=self.get_row_index(keep))

    def on_resize(self, event: events.Resize) -> None:
        del event
        self.refit()

    # -- rows -------------------------------------------------------------------------------------

    def add_row(
        self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None
    ) -> RowKey:
        """Add a row; text cells are shown as written, never parsed as markup (a name may hold "[/]"),
        and never with a control character (`common.printable`: stored text is data, never control)."""
        del label  # rows carry no labels here
        row = Row(key, tuple(_cell(cell) for cell in cells), height)
        self.rows_given.append(row)
        if not self._refit_pending:  # once the screen has filled the table, check the columns fit
            self._refit_pending = True
            self.call_later(self.refit)
        return self._add(row)

    def _add(self, row: Row) -> RowKey:
        shown = row.cells if not self.labels else tuple(row.cells[i] for i in self.shown)
        return super().add_row(*shown, height=row.height, key=row.key)

    def clear(self, columns: bool = False) -> Table:
        self.rows_given = []
        if columns:
            self.labels, self.shown = (), ()
        super().clear(columns=columns)
        return self

    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        if self.row_count == 0:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def put_cursor(self, key: str | None, row: int) -> None:
        """After a refill, put the cursor back on the row of `key`, or else on the nearest row to
        `row` (where it was): a reload never sends the coordinator back to the top."""
        if self.row_count == 0:
            return
        keys = [r.key for r in self.rows_given]
        target = keys.index(key) if key in keys else min(max(row, 0), self.row_count - 1)
        self.move_cursor(row=target, animate=False)

    # -- details ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "details":
            return bool(self.hidden) and self.row_count > 0  # False: the key goes on to the screen
        return True

    def action_details(self) -> None:
        """Show the highlighted row's hidden columns."""
        from p2p_tui.tui.dialogs.row_details import RowDetailsDialog

        if not self.hidden or self.row_count == 0:
            return
        row = self.rows_given[self.cursor_row]
        pairs = [(self.labels[i] or "note", row.cells[i]) for i in range(len(self.labels))]
        self.app.push_screen(RowDetailsDialog(pairs, hidden=self.hidden))
