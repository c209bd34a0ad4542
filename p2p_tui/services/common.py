"""Validation helpers shared by the services. Messages name the field and what is allowed, never the
value that was given (it may be a name or an email).

Stored text is data, never control (ARCHITECTURE.md §8). Three functions decide it once:

- `no_controls`: every text field goes through it on input (through `text`, `email`, `phone`,
  `county`): C0 controls (tab and new line too: every field is one line), DEL, C1 controls, the line
  and paragraph separators, the bidirectional controls (overrides, embeddings, isolates, the LRM, RLM
  and ALM marks) and lone surrogates are refused with the field named.
- `printable`: every place that prints stored text (tables, Markdown, CSV, the console) passes it
  through, so a vault written before the refusal (or by hand) cannot reach a terminal as an escape
  sequence. Each such character becomes U+FFFD, the replacement character: one cell wide (tables stay
  aligned), visibly "something unprintable was here", never mistaken for text a name could hold (a
  `\\x1b`-style escape could be typed as-is), and stable (`printable` of its own output changes nothing).
- `name_key`: how names are compared (the evaluator and self rules, finding a physician again).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from p2p_tui.services.errors import ValidationError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ().-]{7,20}$")
PHONE_PUNCTUATION = "+ ().-"  # what PHONE allows besides digits
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0", "")
EARLIEST = date(2000, 1, 1)


# What stored text may never hold: C0, DEL, C1, U+2028/U+2029 (line and paragraph separators), the
# bidirectional controls (U+061C ALM, U+200E LRM, U+200F RLM, U+202A-U+202E embeddings and overrides,
# U+2066-U+2069 isolates) and lone surrogates (they cannot even be encoded to be printed).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
# Invisible characters, allowed in stored text but never printed as they are: a terminal and Rich do
# not agree on their width (a table's columns would go out of line) and they hide what a name holds.
# Every format character (category Cf, Unicode 14) but the zero-width joiner and non-joiner (needed to
# write some scripts, and emoji), and the invisible combining marks (U+034F, U+17B4, U+17B5).
INVISIBLE_PRINTED = (
    "\u00ad\u034f\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u17b4\u17b5\u180e\u200b\u2060-\u2064"
    "\u206a-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
UNPRINTED = re.compile(f"{CONTROL.pattern[:-1]}{INVISIBLE_PRINTED}]")
# What json.dumps(ensure_ascii=False) leaves raw of UNPRINTED: all of it but C0, which it always escapes.
JSON_RAW = re.compile(
    f"[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff{INVISIBLE_PRINTED}]"
)
REPLACEMENT = "\ufffd"
CONTROLS_REFUSED = (
    "must be one line of letters, digits, spaces and punctuation: control characters (tab, new line, "
    "escape and the like) and text-direction overrides are refused"
)
# The name key (`name_key`) sees three kinds of character besides letters. Default-ignorable code points
# (Unicode's DerivedCoreProperties: never drawn) are dropped, with every other format (Cf) character:
# the combining grapheme joiner, the Khmer inherent vowels, the Mongolian and the standard variation
# selectors, the invisible operators, the musical formatting and tag characters. Characters drawn as an
# empty cell (the Hangul fillers, the braille blank) are a gap, like a space. And letters of other
# scripts drawn like a Latin letter (Cyrillic "а", Greek "ο", dotless "ı") are compared as that letter.
IGNORABLE = frozenset(
    [0x034F, 0x17B4, 0x17B5, 0x2065]
    + list(range(0x180B, 0x1810))
    + list(range(0xFE00, 0xFE10))
    + list(range(0xFFF0, 0xFFF9))
    + list(range(0x1BCA0, 0x1BCA4))
    + list(range(0x1D173, 0x1D17B))
    + list(range(0xE0000, 0xE1000))
)
BLANK = frozenset([0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0])
# After NFKC and case folding, so each upper-case look-alike is here as its folded form.
LOOKALIKE = str.maketrans(
    "авекмнорстухѕіјһԁԛԝӏүαβεζηικμνοτυχρıȷ",
    "abekmhopctyxsijhdqwlyabezhikmnotyxpij",
)


def no_controls(field: str, value: str) -> str:
    """`value` unchanged, or a ValidationError on `field` if it holds a character of `CONTROL`."""
    if CONTROL.search(value):
        raise ValidationError(field, CONTROLS_REFUSED)
    return value


def printable(value: str) -> str:
    """Stored text as it may be printed: every character of `CONTROL`, and every invisible one of
    `INVISIBLE_PRINTED` (a zero-width space, an invisible operator), replaced by U+FFFD."""
    return UNPRINTED.sub(REPLACEMENT, value)


def json_dumps(data: object, **kwargs: Any) -> str:
    """`json.dumps` (non-ASCII kept readable) with every control character escaped as `\\uXXXX`.

    Lossless: the data reads back exactly, yet no C1 or bidirectional control reaches a terminal raw
    (`json.dumps` itself escapes only C0). They can stand only inside strings, where the escape is valid.
    """
    dumped = json.dumps(data, ensure_ascii=False, **kwargs)
    return JSON_RAW.sub(lambda m: _json_escape(ord(m.group())), dumped)


def _json_escape(code: int) -> str:
    """`\\uXXXX`, or the surrogate pair JSON writes for a character past U+FFFF."""
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _key_char(char: str) -> str:
    """One character as the name key sees it: a space (a gap), nothing (invisible), or itself."""
    if char.isspace() or ord(char) in BLANK:
        return " "
    category = unicodedata.category(char)
    if category[0] == "Z":  # Zs spaces (NBSP, U+2000-U+200A, ideographic ...), Zl, Zp
        return " "
    if category in ("Cf", "Cc", "Cs") or ord(char) in IGNORABLE:
        return ""
    return char


def _visible(text: str) -> str:
    if text.isascii():
        return text if text.isprintable() else "".join(_key_char(c) for c in text)
    return "".join(_key_char(c) for c in text)


def name_key(name: str) -> str:
    """How names are compared, everywhere: the canonical key of a name (schema 12).

    Invisible and format characters (zero-width space and joiners, soft hyphen, BOM, word joiner,
    bidirectional marks, variation selectors, every default-ignorable code point) are dropped; every
    kind of space and every character drawn as an empty cell (Hangul fillers, the braille blank)
    becomes a plain space; then NFKC and case folding, and letters drawn like a Latin one (`LOOKALIKE`:
    Cyrillic and Greek) become it, accents kept; runs of spaces collapse, ends are trimmed. So
    "Ann Lee" with a zero-width space inside, "ANN LEE" with a no-break space or a Hangul filler, "Ann
    Lee" with a decomposed accent, a fullwidth letter or a Cyrillic "А" are one name. Stable:
    `name_key(name_key(x)) == name_key(x)`. Frozen per schema: a change is a new migration
    (store/migrations/m0012_lookalike_names.py holds this one; a test compares them).
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", _visible(name)).casefold())
    if not folded.isascii():
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFD", folded).translate(LOOKALIKE))
    return " ".join(_visible(folded).split())


def search_key(name: str) -> str:
    """How a name is searched: its canonical key without accents (NFKD, combining marks dropped).

    Stored as `physician.search_key` (schema 8, whose frozen copy must agree), and applied to what is
    typed, so "jose" finds "José" and "SMITH" finds "Amber Smith" (`like_any_part`).
    """
    decomposed = unicodedata.normalize("NFKD", name_key(name))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def like_any_part(typed: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') finding `typed` anywhere in a search key: % and _ are literal."""
    key = search_key(typed)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def phone_digits(phone: str) -> str:
    """A phone number's digits only, for comparing (a leading country code 1 of an 11-digit number
    dropped: +1 902 555 0101 and 902-555-0101 are one number)."""
    digits = "".join(c for c in phone if c.isdigit() and c.isascii())
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


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
    """A short single-line text, trimmed (spaces of every kind become one plain space)."""
    cleaned = " ".join(no_controls(field, value).split())
    if required and not cleaned:
        raise ValidationError(field, "is required")
    if len(cleaned) > max_length:
        raise ValidationError(field, f"must be at most {max_length} characters")
    return cleaned


def email(field: str, value: str, *, required: bool = False) -> str:
    """An email address (lower-cased), or empty when not required."""
    cleaned = no_controls(field, value).strip().lower()
    if not cleaned and not required:
        return ""
    # No invisible or blank-looking character either: an email is compared as written (the self rule).
    if not EMAIL.match(cleaned) or len(cleaned) > 254 or _visible(cleaned) != cleaned:
        raise ValidationError(field, "must be an email address like name@example.org")
    return cleaned


def phone(field: str, value: str) -> str:
    """A phone number (digits, spaces, + ( ) . -, 7 to 20 characters), or empty."""
    cleaned = no_controls(field, value).strip()
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
    """A date written YYYY-MM-DD, in ASCII digits (fromisoformat would read other scripts' digits)."""
    if isinstance(value, date):
        return value
    try:
        if not value.isascii():
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(field, "must be a date written YYYY-MM-DD") from None


LATEST = date(2999, 12, 31)  # the clocks add working days: no date near datetime's own end
MAX_ID = 2**63 - 1  # SQLite's largest integer


def within_calendar(field: str, value: date) -> date:
    """A date the program can count from: between 2000-01-01 and 2999-12-31."""
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(field, f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


def record_id(field: str, value: int) -> int:
    """A record number: a whole number from 1 up to SQLite's largest."""
    if not 1 <= value <= MAX_ID:
        raise ValidationError(field, "must be a record number from 1 (as `p2p-tui queue` lists them)")
    return value


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
    key = name_key(no_controls(field, value))
    for known in counties:
        if name_key(known) == key:
            return known
    raise ValidationError(field, f"must be one of the counties in Settings: {', '.join(counties)}")
