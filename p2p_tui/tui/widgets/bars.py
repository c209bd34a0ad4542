"""A small horizontal bar chart drawn with block characters: one row per value (label, value, note, bar).

A value of None is a suppressed figure: it draws no bar and shows its text (like "<5") instead, so
the chart never reveals what the table hides. Bars scale to the largest value shown and to the
widget's width; eighth-blocks give the bar's end its fraction. A title too wide wraps at its words and
the chart's height counts its lines; rows never wrap (Textual is told not to wrap them either). A
chart given fewer lines than it has rows drops its first rows when told to (`drop_first`: a trend
keeps its newest rows, the current quarter among them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
LABEL_MAX = 18


@dataclass(frozen=True)
class Bar:
    """One row: its label, its value (None when suppressed), the text shown for the value, and an
    optional note shown before its bar."""

    label: str
    value: float | None
    shown: str
    note: str = ""


def bar_text(value: float, top: float, width: int) -> str:
    """A bar of `value` on a scale where `top` fills `width` cells (at least a sliver if above 0)."""
    if width <= 0 or top <= 0 or value <= 0:
        return ""
    eighths = round(min(value / top, 1.0) * width * 8)
    full, part = divmod(max(eighths, 1), 8)
    return FULL * full + (EIGHTHS[part] if part else "")


class Bars(Widget):
    """A titled horizontal bar chart. Call `show(bars)` to (re)draw it."""

    DEFAULT_CSS = """
    Bars { width: 1fr; height: auto; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    Bars > .bars--title { text-style: bold; color: $primary; }
    Bars > .bars--label { color: $text; }
    Bars > .bars--bar { color: $primary; }
    Bars > .bars--value { text-style: bold; }
    Bars > .bars--muted { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"bars--title", "bars--label", "bars--bar", "bars--value", "bars--muted"}

    def __init__(
        self,
        title: str = "",
        *,
        empty: str = "Nothing to show.",
        drop_first: bool = False,
        id: str | None = None,  # noqa: A002
    ) -> None:
        """`title` heads the chart; `empty` is shown when there are no rows; `drop_first`: with too few
        lines, the first rows go (else the last)."""
        super().__init__(id=id)
        self.title = title
        self.empty = empty
        self.drop_first = drop_first
        self.bars: tuple[Bar, ...] = ()

    def show(self, bars: Sequence[Bar], title: str | None = None) -> None:
        """Draw these rows (and a new title, if given)."""
        self.bars = tuple(bars)
        if title is not None:
            self.title = title
        self.refresh(layout=True)

    def title_lines(self, width: int) -> list[str]:
        """The title wrapped at its words to `width` cells (a word wider than that is cut later)."""
        lines: list[str] = []
        for word in self.title.split():
            if lines and len(lines[-1]) + 1 + len(word) <= max(width, 1):
                lines[-1] += " " + word
            else:
                lines.append(word)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.title_lines(width)) + max(len(self.bars), 1)

    def lines(self, width: int) -> list[Text]:
        """The chart's lines, styled, for `width` cells."""
        style = self.get_component_rich_style
        out: list[Text] = []
        for words in self.title_lines(width):
            out.append(Text(words, style=style("bars--title"), no_wrap=True, overflow="ellipsis"))
        if not self.bars:
            out.append(Text(self.empty, style=style("bars--muted")))
            return out
        label_width = min(max(len(b.label) for b in self.bars), LABEL_MAX)
        value_width = max(len(b.shown) for b in self.bars)
        note_width = max((len(b.note) for b in self.bars), default=0)
        used = label_width + 1 + value_width + 1 + (note_width + 1 if note_width else 0)
        room = max(width - used, 0)
        top = max((b.value for b in self.bars if b.value is not None), default=0.0)
        for b in self.bars:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(b.label[:label_width].ljust(label_width) + " ", style("bars--label"))
            value_style = "bars--value" if b.value is not None else "bars--muted"
            line.append(b.shown.rjust(value_width), style(value_style))
            line.append(" ")
            if note_width:
                line.append(b.note.ljust(note_width) + " ", style("bars--muted"))
            if b.value is not None:
                line.append(bar_text(b.value, top, room), style("bars--bar"))
            out.append(line)
        return out

    def render(self) -> RenderResult:
        lines = self.lines(self.size.width)
        height = self.size.height
        if height and len(lines) > height and self.bars:
            head, rows = lines[: len(lines) - len(self.bars)], lines[len(lines) - len(self.bars) :]
            room = max(height - len(head), 0)
            rows = rows[len(rows) - room :] if self.drop_first else rows[:room]
            lines = [*head, *rows][:height] if room else head[:height]
        text = Text("\n").join(lines)
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text
