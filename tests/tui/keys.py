"""Driving the console by keys in Pilot tests: type, fill, choose in a Select, read the screen."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from p2p_tui.tui import compat
from p2p_tui.tui.app import P2PApp


async def choose(pilot: Pilot[None], selector: str, value: str) -> None:
    """Pick `value` in a Select by keys: focus it, open it, arrow to the option, Enter."""
    select = pilot.app.screen.query_one(selector, Select)
    select.focus()
    await pilot.pause()
    values = compat.select_values(select)  # the overlay's order, the blank included
    current = 0 if select.is_blank() else values.index(select.value)
    target = values.index(value)
    await pilot.press("enter")
    await pilot.pause()
    step = "down" if target > current else "up"
    await pilot.press(*([step] * abs(target - current)), "enter")
    await pilot.pause()
    assert select.value == value, (selector, select.value, value)


def screen_text(pilot: Pilot[None]) -> str:
    """Everything the terminal shows now, as plain text (from an SVG screenshot's text)."""
    import re
    from html import unescape

    try:
        svg = pilot.app.export_screenshot()
    except Exception:  # noqa: BLE001 - a screen still composing has no text yet
        return ""
    return unescape(" ".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


async def wait_for(pilot: Pilot[None], condition: object, limit: int = 200) -> None:
    """Poll the app until `condition()` holds (workers run in threads)."""
    for _ in range(limit):
        if condition():  # type: ignore[operator]
            return
        await pilot.pause(0.01)
    raise AssertionError("condition never held")


def text_of(app: P2PApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type into the focused field key by key (about 70 ms a key under Pilot)."""
    await pilot.press(*[c if c != " " else "space" for c in text])


async def fill(pilot: Pilot[None], text: str) -> None:
    """Put `text` into the focused Input at once, then type its last key (faster than typing)."""
    focused = pilot.app.focused
    assert isinstance(focused, Input)
    focused.value = text[:-1]
    focused.cursor_position = len(focused.value)
    await type_text(pilot, text[-1])
