"""Settings with defaults: stored as JSON in the `setting` table, read with their default if unset."""

from __future__ import annotations

import json
import re
from typing import Any

from peewee import EXCLUDED

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
    # reports (ARCHITECTURE.md §5, "Reports")
    "physicians_served": 400,  # the community the program serves: referrals per 100 physicians
    "organisation_name": "Medical Society of Prince Edward Island",
    "program_name": "Physician Peer-to-Peer Support Program",
    "paper_size": "Letter",  # Letter | A4
    "fiscal_year_start_month": 4,  # April: the fiscal year of Canadian provinces and most societies
    "export_k": 5,  # k-anonymity of export-deidentified (never below 3)
    "autolock_minutes": 5,
    "backups_keep_last": 10,
    "backups_keep_days": 14,
    "theme": "textual-dark",  # a Textual theme's name (tui/themes.py CHOICES), applied at unlock
    "wellbeing_check_in_weeks": 12,  # peers13: a routine check-in with each active supporter
}


# Small records kept in the same table, entered through their own command rather than typed as settings.
RECORDS: dict[str, Any] = {
    "member_surveys": {},  # Member Survey aggregates by year (numbers only, never a response)
}
PAPER_SIZES = ("Letter", "A4")
MIN_EXPORT_K = 3
THEME_NAME = re.compile(r"^[a-z0-9-]{1,40}$")


def _whole(low: int, high: int | None = None) -> Any:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
            return f"must be a whole number from {low}" + (f" to {high}" if high else "")
        return None

    return check


# services/common.py CONTROL, which the store may not import (it is a layer above): a test checks they
# are one set. A name shown on every report is one line of text, never a control character.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _name(value: Any) -> str | None:
    if not isinstance(value, str) or not 0 < len(value.strip()) <= 120 or CONTROL.search(value):
        return "must be 1 to 120 characters on one line, with no control character"
    return None


def _counties(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "must be a list of at least one county"
    if not all(isinstance(v, str) and v.strip() and not CONTROL.search(v) for v in value):
        return "each county must be a name on one line, with no control character"
    return None


VALIDATORS: dict[str, Any] = {
    "counties": _counties,
    "physicians_served": _whole(1),
    "organisation_name": _name,
    "program_name": _name,
    "paper_size": lambda v: None if v in PAPER_SIZES else f"must be one of {', '.join(PAPER_SIZES)}",
    "fiscal_year_start_month": _whole(1, 12),
    "export_k": _whole(MIN_EXPORT_K, 100),
    "retention_days": _whole(0, 3650),  # 0: purged at the close (issue 13)
    "theme": lambda v: None if isinstance(v, str) and THEME_NAME.match(v) else "must be a theme's name",
    "wellbeing_check_in_weeks": _whole(1, 52),
    "member_surveys": lambda v: None if isinstance(v, dict) else "must be a mapping of year to results",
}


def problem(key: str, value: Any) -> str | None:
    """Why `value` cannot be stored under `key` (None: it can), for the settings with a rule here."""
    check = VALIDATORS.get(key)
    return None if check is None else check(value)


def get(key: str) -> Any:
    """A setting's (or record's) value, or its default."""
    default = _default(key)
    row = Setting.get_or_none(Setting.key == key)
    return default if row is None else json.loads(row.value)


def _default(key: str) -> Any:
    if key in DEFAULTS:
        return DEFAULTS[key]
    if key in RECORDS:
        return json.loads(json.dumps(RECORDS[key]))  # a fresh copy: callers may change it
    raise KeyError(f"unknown setting {key!r}")


def put(key: str, value: Any) -> None:
    """Store a setting or record (the caller commits through `Store.atomic`); ValueError names the
    setting and its rule when the value breaks it."""
    _default(key)
    wrong = problem(key, value)
    if wrong is not None:
        raise ValueError(f"setting {key}: {wrong}")
    # An upsert that writes only a changed value: the audit trail then records an update of the one
    # key whose value changed (a REPLACE would delete and insert every key saved, changed or not).
    encoded = json.dumps(value)
    Setting.insert(key=key, value=encoded).on_conflict(
        conflict_target=[Setting.key],
        update={Setting.value: EXCLUDED.value},
        where=(Setting.value != EXCLUDED.value),
    ).execute()


def all_settings() -> dict[str, Any]:
    """Every setting with its current value."""
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}
