"""Validation helpers shared by the services. Messages name the field and what is allowed, never the
value that was given (it may be a name or an email)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from p2p_tui.services.errors import ValidationError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ().-]{7,20}$")
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0", "")
EARLIEST = date(2000, 1, 1)


def name_key(name: str) -> str:
    """How names are compared: Unicode-normalised, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def choice(field: str, value: str, allowed: Iterable[str]) -> str:
    """`value` if it is one of `allowed` (case and surrounding spaces ignored)."""
    allowed = tuple(allowed)
    cleaned = value.strip().lower()
    if cleaned not in allowed:
        raise ValidationError(field, f"must be one of: {', '.join(allowed)}")
    return cleaned


def choices(field: str, values: Iterable[str], allowed: Iterable[str]) -> tuple[str, ...]:
    """Several values, each allowed, at least one, no repeats (order kept)."""
    allowed = tuple(allowed)
    picked: list[str] = []
    for value in values:
        if not value.strip():
            continue
        cleaned = choice(field, value, allowed)
        if cleaned not in picked:
            picked.append(cleaned)
    if not picked:
        raise ValidationError(field, f"give at least one of: {', '.join(allowed)}")
    return tuple(picked)


def text(field: str, value: str, *, required: bool = True, max_length: int = 100) -> str:
    """A short single-line text, trimmed."""
    cleaned = " ".join(value.split())
    if required and not cleaned:
        raise ValidationError(field, "is required")
    if len(cleaned) > max_length:
        raise ValidationError(field, f"must be at most {max_length} characters")
    return cleaned


def email(field: str, value: str, *, required: bool = False) -> str:
    """An email address (lower-cased), or empty when not required."""
    cleaned = value.strip().lower()
    if not cleaned and not required:
        return ""
    if not EMAIL.match(cleaned) or len(cleaned) > 254:
        raise ValidationError(field, "must be an email address like name@example.org")
    return cleaned


def phone(field: str, value: str) -> str:
    """A phone number (digits, spaces, + ( ) . -, 7 to 20 characters), or empty."""
    cleaned = value.strip()
    if cleaned and not PHONE.match(cleaned):
        raise ValidationError(field, "must be a phone number: digits, spaces and + ( ) . - (7 to 20)")
    return cleaned


def yes_no(field: str, value: str | bool) -> bool:
    """A yes|no flag."""
    if isinstance(value, bool):
        return value
    cleaned = value.strip().lower()
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    raise ValidationError(field, "must be yes or no")


def parse_date(field: str, value: str | date) -> date:
    """A date written YYYY-MM-DD."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(field, "must be a date written YYYY-MM-DD") from None


def past_date(field: str, value: date, on: date) -> date:
    """A date between 2000-01-01 and `on` (no future dates)."""
    if value > on:
        raise ValidationError(field, f"cannot be after today ({on.isoformat()})")
    if value < EARLIEST:
        raise ValidationError(field, f"must be on or after {EARLIEST.isoformat()}")
    return value


def county(field: str, value: str, counties: Iterable[str]) -> str:
    """One of the program's counties (as spelled in the settings)."""
    counties = tuple(counties)
    for known in counties:
        if known.casefold() == value.strip().casefold():
            return known
    raise ValidationError(field, f"must be one of the counties in Settings: {', '.join(counties)}")
