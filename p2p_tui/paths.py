"""Where the vault lives by default: the platform's user data folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "p2p-tui"


def default_vault() -> Path:
    """The coordinator's vault: `<user data dir>/program.p2pvault`."""
    return platformdirs.user_data_path(APP, appauthor=False) / "program.p2pvault"


def default_demo_vault() -> Path:
    """The demo vault, kept apart from the real one."""
    return platformdirs.user_data_path(APP, appauthor=False) / "demo.p2pvault"
