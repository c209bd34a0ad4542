"""The supporter's confidential survey: structured answers only, tied to the referral id."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select, Static

from p2p_tui.services import labels
from p2p_tui.services.cases.surveys import SurveyInput, clean_survey
from p2p_tui.services.errors import ValidationError
from p2p_tui.store.vocab import SURVEY_DURATIONS
from p2p_tui.tui.widgets.marks import Check

SCALE = [(str(n), n) for n in range(1, 6)]


class SurveyDialog(ModalScreen[SurveyInput | None]):
    """Returns the validated answers, or None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="survey.cancel")]

    def __init__(self, supporter: str = "", case: str = "") -> None:
        """`supporter`: the name of the supporter whose survey this is, as the screen may show it;
        `case`: which case ("case #12")."""
        super().__init__()
        self.supporter = supporter
        self.case = case

    def title_text(self) -> str:
        """The dialog's title: the case and the supporter, as known."""
        title = f"Supporter survey, {self.case}" if self.case else "Supporter survey"
        return f"{title}: from {self.supporter}" if self.supporter else title

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static(self.title_text(), classes="title", markup=False)
            yield Label("Structured answers only; nothing about what was said.", classes="note")
            yield Check("The conversation happened", value=True, id="happened")
            with Horizontal(classes="field"):
                yield Label("How long")
                yield Select(labels.options("survey_duration", SURVEY_DURATIONS), id="duration")
            with Horizontal(classes="field"):
                yield Label("Helpful to the peer (1–5)")
                yield Select(SCALE, id="helpfulness")
            yield Check("Resources were offered", id="resources")
            with Horizontal(classes="field"):
                yield Label("Supporter's own distress (1–5)")
                yield Select(SCALE, id="distress")
            yield Check("The supporter would like a debrief", id="debrief")
            yield Static("", id="survey-error", classes="error")
            yield Button("Record survey", id="record", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#happened", Checkbox).focus()

    @staticmethod
    def _picked(select: Select[object]) -> object | None:
        return None if select.is_blank() else select.value

    @on(Checkbox.Changed, "#happened")
    def happened_changed(self, event: Checkbox.Changed) -> None:
        for name in ("#duration", "#helpfulness"):
            widget = self.query_one(name, Select)
            widget.disabled = not event.value
            if not event.value:
                widget.clear()

    def answers(self) -> SurveyInput:
        """The form as a domain object (validated by the service)."""
        duration = self._picked(self.query_one("#duration", Select))
        helpfulness = self._picked(self.query_one("#helpfulness", Select))
        distress = self._picked(self.query_one("#distress", Select))
        return SurveyInput(
            conversation_happened=self.query_one("#happened", Checkbox).value,
            duration=None if duration is None else str(duration),
            peer_helpfulness=None if helpfulness is None else int(str(helpfulness)),
            resources_offered=self.query_one("#resources", Checkbox).value,
            supporter_distress=None if distress is None else int(str(distress)),
            wants_debrief=self.query_one("#debrief", Checkbox).value,
        )

    @on(Button.Pressed, "#record")
    def record(self) -> None:
        try:
            answers = clean_survey(self.answers())
        except ValidationError as exc:
            self.query_one("#survey-error", Static).update(labels.error(exc))
            return
        self.dismiss(answers)

    def action_cancel(self) -> None:
        """Escape: cancel."""
        self.dismiss(None)
