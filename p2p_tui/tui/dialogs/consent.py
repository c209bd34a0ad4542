"""Record the physician's consent: given or refused (the coordinator says which; nothing is assumed),
and the date. A refusal ends the case as declined, and the dialog says so before Enter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import MaskedInput, Select

from p2p_tui.services import common
from p2p_tui.tui.dialogs.form import FormDialog, field, past_date_input, selected

ANSWERS = [
    ("given: may be matched and contacted", "given"),
    ("refused: the case ends as declined", "refused"),
]


@dataclass(frozen=True)
class ConsentInput:
    """What the dialog returns."""

    answer: str
    on: date


class ConsentDialog(FormDialog[ConsentInput]):
    """Given or refused, and when."""

    NOTE = "Ask the physician first. A refusal ends the case and frees any supporter."
    SAVE_LABEL = "Record (Enter)"

    def __init__(
        self, today: date, *, case: str = "", submit: Callable[[ConsentInput], object] | None = None
    ) -> None:
        super().__init__(submit=submit)
        self.today = today
        self.title_text = "The physician's consent" + (f" ({case})" if case else "")

    def compose_fields(self) -> ComposeResult:
        today = self.today
        yield from field("Answer", Select(ANSWERS, id="consent", prompt="given or refused?"))
        yield from field(
            "Date",
            past_date_input("date", today),
        )

    def cross_problems(self) -> dict[str, str]:
        return {} if selected(self, "consent") else {"consent": "choose given or refused"}

    def result(self) -> ConsentInput:
        day = common.parse_date("date", self.query_one("#date", MaskedInput).value)
        return ConsentInput(selected(self, "consent"), day)
