"""Safety escalation: the crisis resources, then to whom confidentiality was broken. Never why."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from p2p_tui.services import labels
from p2p_tui.services.cases.safety import crisis_lines
from p2p_tui.store.vocab import ESCALATED_TO


class SafetyDialog(ModalScreen[str | None]):
    """Returns who confidentiality was broken to, or None on Escape (nothing recorded)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="safety.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box safety"):
            yield Static("Safety: risk of harm to self or others", classes="title")
            yield Static("\n".join(f"• {line}" for line in crisis_lines()), id="resources")
            yield Label("Record that confidentiality was broken, now, and to whom (never why):")
            yield OptionList(
                *[Option(text, id=code) for text, code in labels.options("escalated_to", ESCALATED_TO)],
                id="to-whom",
            )

    def on_mount(self) -> None:
        self.query_one("#to-whom", OptionList).focus()

    @on(OptionList.OptionSelected, "#to-whom")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Escape: record nothing."""
        self.dismiss(None)
