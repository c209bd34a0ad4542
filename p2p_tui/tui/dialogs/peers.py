"""The forms of issue 13 on a supporter's page and the match screen: an informal encounter (never a
name), and an outside match (the resource and the reason). Each returns a domain object; the screen
then shows what will be recorded and waits for Enter (`ConfirmDialog`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import MaskedInput, Select, SelectionList

from p2p_tui.services import common, labels
from p2p_tui.services.people.informal import EncounterInput
from p2p_tui.store.vocab import CAREER_STAGES, OUTSIDE_REASONS, OUTSIDE_RESOURCES, STRESSORS
from p2p_tui.tui.dialogs.form import FormDialog, field, past_date_input, selected
from p2p_tui.tui.widgets.marks import Choices


class InformalDialog(FormDialog[EncounterInput]):
    """An informal encounter: the date and, optionally, the peer's stage, county and stressors."""

    TITLE_TEXT = "Count an informal encounter"
    NOTE = "A count only: no name, nothing said. Stage, county and stressors are optional. Ctrl+S next."
    SAVE_LABEL = "Next (Ctrl+S)"

    def __init__(self, supporter_id: int, today: date, counties: list[str]) -> None:
        super().__init__()
        self.supporter_id = supporter_id
        self.today = today
        self.counties = counties

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Date",
            past_date_input("met_on", self.today, "a date, not after today"),
        )
        yield from field(
            "Career stage", Select(labels.options("career_stage", CAREER_STAGES), id="career_stage")
        )
        yield from field("County", Select([(common.printable(c), c) for c in self.counties], id="county"))
        yield Choices[str](*labels.options("stressor", STRESSORS), id="stressors")  # X beside the ticked only

    def result(self) -> EncounterInput:
        chosen = tuple(self.query_one("#stressors", SelectionList).selected)
        return EncounterInput(
            self.supporter_id,
            self.query_one("#met_on", MaskedInput).value,
            selected(self, "career_stage"),
            selected(self, "county"),
            tuple(str(s) for s in chosen),
        )


def encounter_lines(data: EncounterInput, supporter: str) -> list[str]:
    """What an encounter will record, in plain words."""
    stressors = labels.labels("stressor", data.stressors) or "not recorded"
    stage = labels.label("career_stage", data.career_stage) if data.career_stage else "not recorded"
    return [
        f"Supporter:     {supporter}",
        f"Date:          {data.met_on}",
        f"Career stage:  {stage}",
        f"County:        {common.printable(data.county) if data.county else 'not recorded'}",
        f"Stressors:     {stressors}",
        "No name and nothing said is recorded.",
    ]


@dataclass(frozen=True)
class OutsideInput:
    """An outside match as chosen: the resource and the reason."""

    resource: str
    reason: str


class OutsideDialog(FormDialog[OutsideInput]):
    """Match the case outside the program: to whom, and why."""

    TITLE_TEXT = "Match outside the program"
    NOTE = "For a physician who prefers someone from outside, or when no supporter is eligible. Ctrl+S next."
    SAVE_LABEL = "Next (Ctrl+S)"

    def __init__(self, no_eligible: bool) -> None:
        super().__init__()
        self.no_eligible = no_eligible

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Resource",
            Select(
                labels.options("outside_resource", OUTSIDE_RESOURCES),
                id="resource",
                value="php",
                allow_blank=False,
            ),
        )
        reason = "no_eligible" if self.no_eligible else "physician_prefers"
        yield from field(
            "Reason",
            Select(
                labels.options("outside_reason", OUTSIDE_REASONS),
                id="reason",
                value=reason,
                allow_blank=False,
            ),
        )

    def result(self) -> OutsideInput:
        return OutsideInput(selected(self, "resource"), selected(self, "reason"))
