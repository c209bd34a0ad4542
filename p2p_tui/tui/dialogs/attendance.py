"""Record who attended a training event: tick supporters, hours default to the whole event."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Label, SelectionList

from p2p_tui.services.people import training
from p2p_tui.tui.dialogs.form import FormDialog, field, service_rule
from p2p_tui.tui.widgets.marks import Choices


@dataclass(frozen=True)
class AttendanceInput:
    """The supporters ticked, and the hours for those newly ticked."""

    supporter_ids: tuple[int, ...]
    hours: str


class AttendanceDialog(FormDialog[AttendanceInput]):
    """A SelectionList of supporters (labels already masked by the caller in privacy mode)."""

    TITLE_TEXT = "Attendance"
    NOTE = (
        "Space ticks a supporter. The hours apply to those you tick now; unticking removes an "
        "attendance. Ctrl+S saves."
    )

    def __init__(
        self, heading: str, people: list[tuple[int, str]], attending: set[int], event_hours: float
    ) -> None:
        """`people`: (supporter id, label) pairs; `attending`: ids already recorded."""
        super().__init__()
        self.title_text = f"Attendance: {heading}"
        self.people = people
        self.attending = attending
        self.event_hours = event_hours

    def compose_fields(self) -> ComposeResult:
        if not self.people:
            yield Label("No active or in-training supporters on the roster.", classes="warning")
        yield Choices[int](
            *[(Text(label), sid, sid in self.attending) for sid, label in self.people], id="people"
        )
        most = self.event_hours
        yield from field(
            "Hours each",
            Input(
                f"{most:g}",
                id="hours",
                validators=[
                    service_rule(
                        lambda v: training.clean_hours("hours", v, most=most),
                        f"above 0, at most the event's {most:g}, in quarter hours",
                    )
                ],
            ),
        )

    def result(self) -> AttendanceInput:
        chosen = tuple(int(v) for v in self.query_one("#people", SelectionList).selected)
        return AttendanceInput(chosen, self.query_one("#hours", Input).value.strip())
