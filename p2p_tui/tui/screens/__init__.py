"""One module per screen; `AREAS` maps each top-level area to its screen class."""

from __future__ import annotations

from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.screens.cases import CasesScreen
from p2p_tui.tui.screens.log import LogScreen
from p2p_tui.tui.screens.report import ReportScreen
from p2p_tui.tui.screens.roster import RosterScreen
from p2p_tui.tui.screens.settings import SettingsScreen
from p2p_tui.tui.screens.today import TodayScreen
from p2p_tui.tui.screens.training import TrainingScreen

AREAS: dict[str, type[AreaScreen]] = {
    "today": TodayScreen,
    "cases": CasesScreen,
    "roster": RosterScreen,
    "training": TrainingScreen,
    "settings": SettingsScreen,
    "report": ReportScreen,
    "log": LogScreen,
}
