"""Settings with defaults: stored as JSON in the `setting` table, read with their default if unset."""

from __future__ import annotations

import json
from typing import Any

from p2p_tui.store.models import Setting

DEFAULTS: dict[str, Any] = {
    "counties": ["Kings", "Queens", "Prince"],
    # clocks, in working days on the Prince Edward Island calendar (ARCHITECTURE.md §5)
    "clock_match_days": 1,
    "clock_first_contact_days": 2,
    "clock_follow_up_days": 7,
    "clock_survey_days": 14,
    "honorarium_rate": 100.0,
    "retention_days": 90,
    "suppression_threshold": 5,
    "autolock_minutes": 5,
    "backups_keep_last": 10,
    "backups_keep_days": 14,
}


def get(key: str) -> Any:
    """A setting's value, or its default."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    row = Setting.get_or_none(Setting.key == key)
    return DEFAULTS[key] if row is None else json.loads(row.value)


def put(key: str, value: Any) -> None:
    """Store a setting (the caller commits through `Store.atomic`)."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    Setting.insert(key=key, value=json.dumps(value)).on_conflict_replace().execute()


def all_settings() -> dict[str, Any]:
    """Every setting with its current value."""
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}
