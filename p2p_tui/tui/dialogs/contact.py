"""Record that a conversation happened: how, and when. Never what was said.

Pre-filled (the physician's preferred mode, today), so Enter records it as shown; focus starts on
"How". A date the service refuses (before the referral or the last contact) is shown beside the date,
the dialog stays open and nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import MaskedInput, Select

from p2p_tui.services import common, labels
from p2p_tui.store.vocab import CONTACT_MODES
from p2p_tui.tui.dialogs.form import FormDialog, field, past_date_input, selected


@dataclass(frozen=True)
class ContactInput:
    """What the dialog returns."""

    kind: str
    mode: str
    on: date


class ContactDialog(FormDialog[ContactInput]):
    """Mode and date (YYYY-MM-DD); the kind follows from the case's status."""

    NOTE = "Logistics only: the program keeps no notes of what was said. Enter records it as shown."
    BOX_CLASSES = "dialog-box form-box short-fields"
    SAVE_LABEL = "Record (Enter)"

    def __init__(
        self,
        kind: str,
        today: date,
        *,
        mode: str = "phone",
        case: str = "",
        submit: Callable[[ContactInput], object] | None = None,
    ) -> None:
        """`mode`: pre-chosen (the physician's preferred one); `case`: e.g. "case #12" for the title."""
        super().__init__(submit=submit)
        self.kind = kind
        self.today = today
        self.mode = mode if mode in CONTACT_MODES else "phone"
        what = labels.label("contact_kind", kind)
        self.title_text = f"Record the {what}" + (f" of {case}" if case else "")

    def compose_fields(self) -> ComposeResult:
        today = self.today
        yield from field(
            "How",
            Select(
                labels.options("contact_mode", CONTACT_MODES), value=self.mode, id="mode", allow_blank=False
            ),
        )
        yield from field(
            "Date",
            past_date_input("date", today),
        )

    def result(self) -> ContactInput:
        day = common.parse_date("date", self.query_one("#date", MaskedInput).value)
        return ContactInput(self.kind, selected(self, "mode"), day)
