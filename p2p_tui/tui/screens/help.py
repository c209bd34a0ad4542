"""Help: every key of the screen underneath and of the app, from their bindings (never out of date)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

GLOBAL_NOTES = (
    "Ctrl+P opens the command palette: go to any screen, new referral, find a physician by name.",
    "Escape goes back or cancels. j/k move in tables, g/G jump to the first/last row.",
    "Nothing you type here leaves this computer; the vault is saved encrypted after every change.",
)


class HelpScreen(ModalScreen[None]):
    """A list of every key: this screen's first, then the app's."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("f1", "dismiss", "Close", show=False, id="help.f1"),
        Binding("q", "dismiss", "Close", show=False, id="help.q"),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def lines(self) -> list[str]:
        """One line a key: key, what it does."""
        out = [*GLOBAL_NOTES, ""]
        out.append(f"Keys on {type(self.under).__name__.removesuffix('Screen') or 'this screen'}:")
        for binding in self._bindings_of(self.under):
            out.append(f"  {self.app.get_key_display(binding):<14} {binding.description or binding.action}")
        out.append("")
        out.append("Everywhere:")
        for binding in self._bindings_of(self.app):
            out.append(f"  {self.app.get_key_display(binding):<14} {binding.description or binding.action}")
        return out

    @staticmethod
    def _bindings_of(node: object) -> list[Binding]:
        seen: list[Binding] = []
        for cls in type(node).__mro__:
            for item in cls.__dict__.get("BINDINGS", []):
                if isinstance(item, Binding) and all(b.key != item.key for b in seen):
                    seen.append(item)
        return seen

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="help-box"):
            yield Static("Help", classes="title")
            yield Static("\n".join(self.lines()), id="help-text")
