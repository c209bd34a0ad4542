"""Put a queue item off: why (from the fixed list) and until when (a week from today unless changed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.widgets import MaskedInput, Select

from p2p_tui.services import common, labels
from p2p_tui.store.vocab import SNOOZE_REASONS
from p2p_tui.tui.dialogs.form import DATE_MASK, FormDialog, field, selected, service_rule

DEFAULT_DAYS = 7


@dataclass(frozen=True)
class SnoozeInput:
    """What the dialog returns."""

    reason: str
    until: date


class SnoozeDialog(FormDialog[SnoozeInput]):
    """Reason and date; the service checks the date's range (after today, at most 30 days)."""

    NOTE = "The item leaves Today until that date (s on Today shows snoozed items)."
    BOX_CLASSES = "dialog-box form-box short-fields"
    SAVE_LABEL = "Snooze (Enter)"

    def __init__(
        self, today: date, *, what: str = "", submit: Callable[[SnoozeInput], object] | None = None
    ) -> None:
        super().__init__(submit=submit)
        self.today = today
        self.title_text = "Snooze" + (f": {what}" if what else "")

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Why", Select(labels.options("snooze_reason", SNOOZE_REASONS), id="reason", prompt="a reason")
        )
        yield from field(
            "Until",
            MaskedInput(
                DATE_MASK,
                value=(self.today + timedelta(days=DEFAULT_DAYS)).isoformat(),
                id="until",
                validators=[service_rule(lambda v: common.parse_date("until", v), "a date YYYY-MM-DD")],
            ),
        )

    def cross_problems(self) -> dict[str, str]:
        return {} if selected(self, "reason") else {"reason": "choose a reason"}

    def result(self) -> SnoozeInput:
        day = common.parse_date("until", self.query_one("#until", MaskedInput).value)
        return SnoozeInput(selected(self, "reason"), day)
