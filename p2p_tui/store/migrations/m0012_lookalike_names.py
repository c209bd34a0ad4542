"""Schema 12: the name key sees blank-looking characters and Latin look-alikes (issue 9, re-test).

`physician.name_key` and `conflict.name_key` are recomputed with the key below (`canonical_key`):
besides what schema 5 did, the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) and the braille blank
(U+2800), drawn as an empty cell, are a gap like a space (schema 5 dropped the fillers and kept the
blank, so "Ann<filler>Lee" did not meet "Ann Lee"); every default-ignorable code point is dropped; and
Cyrillic and Greek letters drawn like a Latin one are compared as that letter ("Аnn Lee" with a
Cyrillic "А" is "ann lee"). A conflict stores only its key, so its new key is computed from the old one
(a filler the old key dropped cannot come back; every other character is kept by it).

Frozen: `canonical_key` is the key as schema 12 defines it (services/common.py `name_key` must agree:
a test compares them). A later change to the key is a new migration; it never edits this file.
"""

from __future__ import annotations

import sqlite3
import unicodedata

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
LOOKALIKE = str.maketrans(
    "авекмнорстухѕіјһԁԛԝӏүαβεζηικμνοτυχρıȷ",
    "abekmhopctyxsijhdqwlyabezhikmnotyxpij",
)


def _char(char: str) -> str:
    if char.isspace() or ord(char) in BLANK or unicodedata.category(char)[0] == "Z":
        return " "
    if unicodedata.category(char) in ("Cf", "Cc", "Cs") or ord(char) in IGNORABLE:
        return ""
    return char


def _visible(text: str) -> str:
    return "".join(_char(c) for c in text)


def canonical_key(name: str) -> str:
    """The canonical name key of schema 12."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", _visible(name)).casefold())
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFD", folded).translate(LOOKALIKE))
    return " ".join(_visible(folded).split())


def apply(conn: sqlite3.Connection) -> None:
    """Recompute every stored name key (purged ones, `purged-<id>`, are left as they are)."""
    physicians = conn.execute("SELECT id, name, name_key FROM physician WHERE purged_on IS NULL").fetchall()
    conn.executemany(
        "UPDATE physician SET name_key = ? WHERE id = ?",
        [(canonical_key(name), pid) for pid, name, key in physicians if canonical_key(name) != key],
    )
    conflicts = conn.execute(
        "SELECT id, name_key FROM conflict WHERE name_key NOT LIKE 'purged-%'"
    ).fetchall()
    conn.executemany(
        "UPDATE conflict SET name_key = ? WHERE id = ?",
        [(canonical_key(key), cid) for cid, key in conflicts if canonical_key(key) != key],
    )
