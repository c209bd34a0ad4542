"""Where the vault lives by default: the platform's user data folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "p2p-tui"
VAULT_FILE = "program.p2pvault"
DEMO_FILE = "demo.p2pvault"


def default_vault() -> Path:
    """The coordinator's vault: `<user data dir>/program.p2pvault`."""
    return platformdirs.user_data_path(APP, appauthor=False) / VAULT_FILE


def default_demo_vault() -> Path:
    """The demo vault, kept apart from the real one."""
    return platformdirs.user_data_path(APP, appauthor=False) / DEMO_FILE
