"""Where the vault lives by default (the user data folder), and the keymap file (the config folder)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "p2p-tui"
VAULT_FILE = "program.p2pvault"
DEMO_FILE = "demo.p2pvault"
KEYMAP_FILE = "keymap.toml"


def default_vault() -> Path:
    """The coordinator's vault: `<user data dir>/program.p2pvault`."""
    return platformdirs.user_data_path(APP, appauthor=False) / VAULT_FILE


def default_keymap() -> Path:
    """The keymap file, if the coordinator makes one: `<user config dir>/keymap.toml` (keys only)."""
    return platformdirs.user_config_path(APP, appauthor=False) / KEYMAP_FILE


def default_demo_vault() -> Path:
    """The demo vault, kept apart from the real one."""
    return platformdirs.user_data_path(APP, appauthor=False) / DEMO_FILE
