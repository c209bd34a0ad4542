"""A checkbox and a selection list whose state shows as a mark, not by colour alone: Textual draws the
same "X" ticked or not, in another colour; these leave the box empty until it is ticked."""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

T = TypeVar("T")
TICK = Checkbox.BUTTON_INNER  # "X"
EMPTY = " "


class Check(Checkbox):
    """A checkbox showing X when ticked and nothing when not."""

    BUTTON_INNER = EMPTY

    def watch_value(self) -> None:
        self.BUTTON_INNER = TICK if self.value else EMPTY
        super().watch_value()

    def on_mount(self) -> None:
        self.BUTTON_INNER = TICK if self.value else EMPTY


class Choices(SelectionList[T]):
    """A selection list showing X beside the chosen options and nothing beside the others."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if option.value in self.selected or len(segments) < 2 or segments[1].text != TICK:
            return strip
        segments[1] = Segment(EMPTY, segments[1].style)
        return Strip(segments, strip.cell_length)
