"""Record a training event that was held: kind, date, hours, title, and the hourly honorarium rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.validation import Length
from textual.widgets import Input, Select

from p2p_tui.services import labels
from p2p_tui.services.people import training
from p2p_tui.store.vocab import TRAINING_KINDS
from p2p_tui.tui.dialogs.form import FormDialog, field, past_date_input, selected, service_rule


@dataclass(frozen=True)
class EventInput:
    """What the dialog returns, as typed (validated again by `training.add_event`)."""

    kind: str
    held_on: str
    hours: str
    title: str
    rate: str


class EventFormDialog(FormDialog[EventInput]):
    """A held event (the ledger records what happened, so no future dates)."""

    TITLE_TEXT = "Add a training event"
    NOTE = (
        "Training and Community of Practice hours are paid an honorarium (hours × rate). "
        "Support given to peers is volunteer and never paid."
    )

    def __init__(self, today: date, rate: float) -> None:
        super().__init__()
        self.today = today
        self.rate = rate

    def compose_fields(self) -> ComposeResult:
        today = self.today
        yield from field(
            "Kind",
            Select(
                labels.options("training_kind", TRAINING_KINDS),
                value="training",
                allow_blank=False,
                id="kind",
            ),
        )
        yield from field(
            "Held on",
            past_date_input("held_on", today),
        )
        yield from field(
            "Hours",
            Input(
                id="hours",
                placeholder="e.g. 2.5",
                validators=[
                    service_rule(lambda v: training.clean_hours("hours", v), "0.25 to 24, in quarter hours")
                ],
            ),
        )
        yield from field(
            "Title",
            Input(
                id="title",
                placeholder="optional",
                validators=[Length(0, training.TITLE_MAX, f"at most {training.TITLE_MAX} characters")],
            ),
        )
        yield from field(
            "Rate ($/hour)",
            Input(
                f"{self.rate:.2f}",
                id="rate",
                validators=[service_rule(training.clean_rate, "0 or more, dollars and cents")],
            ),
        )

    def result(self) -> EventInput:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value.strip()

        return EventInput(selected(self, "kind"), text("held_on"), text("hours"), text("title"), text("rate"))
