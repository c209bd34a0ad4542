"""Scaffold: replaced by the real screen in this session."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from p2p_tui.tui.screens.base import AreaScreen


class ReportScreen(AreaScreen):
    """Not built yet."""

    AREA = "report"

    def compose_body(self) -> ComposeResult:
        yield Static("(not built yet)")
