"""Help: every key of the screen underneath, of the widget focused on it (a table's `.`, Home/End, j/k)
and of the app, from their bindings and the keymap in force (never out of date). Textual's own bindings
(copying, which the console refuses; Ctrl+C) are left out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from p2p_tui.tui.keymap import current_keys, display_keys, keys_of
from p2p_tui.tui.screens.base import KeptStyles, update_if_changed

GLOBAL_NOTES = (
    "Ctrl+P opens the command palette: go to any screen, new referral, find a physician by name.",
    "Escape goes back or cancels. {j}/{k} move in tables, {g}/{G} jump to the first/last row.",
    "Nothing you type here leaves this computer; the vault is saved encrypted after every change.",
)
TABLE_KEYS = {"j": "j", "k": "k", "g": "g", "G": "G"}  # the table's bindings (widgets/table.py), by name


def own_bindings(node: object) -> list[Binding]:
    """The bindings p2p-tui itself gives `node`'s class and its parents (a subclass's first), never
    Textual's built-in ones; one per id."""
    seen: list[Binding] = []
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("p2p_tui."):
            continue
        for item in cls.__dict__.get("BINDINGS", []):
            if isinstance(item, Binding) and all(b.id != item.id and b.key != item.key for b in seen):
                seen.append(item)
    return seen


def key_lines(bindings: list[Binding], keymap: Mapping[str, str]) -> list[str]:
    """One line a binding: its keys as typed, what it does."""
    return [f"  {display_keys(keys_of(b, keymap)):<14} {b.description}" for b in bindings]


class HelpScreen(ModalScreen[None], KeptStyles):  # ModalScreen first: Textual styles by the first base
    """A list of every key: this screen's first, then the app's. Made once and kept (like the areas,
    dropped at lock), its text redrawn for the screen it is shown over (`show`)."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("f1,question_mark", "dismiss", "Close", show=False, id="help.f1"),
        Binding("q", "dismiss", "Close", show=False, id="help.q"),
    ]

    def __init__(self, under: Screen[Any] | None = None) -> None:
        super().__init__()
        self.under = under

    def show(self, under: Screen[Any]) -> None:
        """Be the help of `under` (the screen it is about to be shown over)."""
        self.under = under
        if self.is_mounted:
            update_if_changed(self.query_one("#help-text", Static), "\n".join(self.lines()))
            self.query_one("#help-box", VerticalScroll).scroll_home(animate=False)

    def focused_lines(self, keymap: Mapping[str, str]) -> list[str]:
        """The keys of the widget focused on the screen underneath (its table, say), as a section."""
        focused = getattr(self.under, "focused", None)
        bindings = own_bindings(focused) if focused is not None else []
        if not bindings:
            return []
        name = "This table" if isinstance(focused, DataTable) else "This field"
        return ["", f"{name}:", *key_lines(bindings, keymap)]

    def lines(self) -> list[str]:
        """The notes, then one line a key: the screen's, its focused widget's, then the app's."""
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})
        name = type(self.under).__name__.removesuffix("Screen") or "this screen"
        table = {name: current_keys(self.app, f"table.{name}", key) for name, key in TABLE_KEYS.items()}
        return [
            *(note.format(**table) for note in GLOBAL_NOTES),
            "",
            f"Keys on {name}:",
            *key_lines(own_bindings(self.under), keymap),
            *self.focused_lines(keymap),
            "",
            "Everywhere:",
            *key_lines(own_bindings(self.app), keymap),
        ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="help-box"):
            yield Static("Help", classes="title")
            yield Static("\n".join(self.lines()), id="help-text", markup=False)
