"""The console's themes: Textual's dark and light ones, a high-contrast one registered here, and Textual's
ANSI theme, which draws in the terminal's own palette. The choice is a setting of the vault (`theme`),
made in Settings and applied at unlock; while locked the console keeps the theme it had."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="p2p-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#383838",  # a field's background (app.tcss): plainly not the black around it
    boost="#303030",
    warning="#ffaf00",
    error="#ff5f5f",
    success="#5fff5f",
    dark=True,
    variables={
        "border": "#ffffff",
        "border-blurred": "#a0a0a0",
        "input-selection-background": "#ffff00 60%",
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#ffff00",
    },
)

# (theme name, how Settings shows it), the first the default (store/settings.py DEFAULTS["theme"]).
CHOICES: tuple[tuple[str, str], ...] = (
    ("textual-dark", "Dark"),
    ("textual-light", "Light"),
    (HIGH_CONTRAST.name, "High contrast"),
    ("ansi-dark", "The terminal's own colours"),
)
DEFAULT = CHOICES[0][0]


def register(app: App[Any]) -> None:
    """Make the high-contrast theme available to `app`."""
    app.register_theme(HIGH_CONTRAST)


def usable(app: App[Any], name: str) -> str:
    """`name` if `app` has that theme, else the default (a vault written by a later version)."""
    return name if name in app.available_themes else DEFAULT
