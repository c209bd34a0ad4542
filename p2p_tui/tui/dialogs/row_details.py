"""A row's details: the columns a narrow terminal hides, label and value, for the highlighted row."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def details(pairs: Sequence[tuple[str, object]], hidden: Sequence[int]) -> Text:
    """The hidden columns first (label: value), plain text (cells were made printable by the table)."""
    width = max(len(pairs[i][0]) for i in hidden)
    out = Text()
    for n, i in enumerate(hidden):
        label, value = pairs[i]
        if n:
            out.append("\n")
        out.append(f"{label:<{width}}  ", style="bold")
        out.append(value if isinstance(value, Text) else Text(str(value)))
    return out


class RowDetailsDialog(ModalScreen[None]):
    """Escape (or ., or Enter) closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="details.close"),
        Binding("full_stop", "dismiss", "Close", show=False, id="details.full_stop"),
        Binding("enter", "dismiss", "Close", show=False, id="details.enter"),
    ]

    def __init__(self, pairs: Sequence[tuple[str, object]], hidden: Sequence[int]) -> None:
        """`pairs`: every column's label and the row's cell; `hidden`: the columns not shown."""
        super().__init__()
        self.pairs = tuple(pairs)
        self.hidden = tuple(hidden)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="details-box"):
            yield Static("Row details (columns hidden at this width)", classes="title")
            yield Static(details(self.pairs, self.hidden), id="details-text")
