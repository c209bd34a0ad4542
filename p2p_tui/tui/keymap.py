"""Key bindings by id: every binding of the console, the default keymap as TOML, and a keymap file read
back (ARCHITECTURE.md section 6.5).

A keymap file (`keymap.toml` in the platform's config folder, or `--keymap FILE`) holds binding ids and
keys only, never data: `[today]` then `done = "d"`, or `"today.done" = "d"` at the top. Textual applies it
(`App.set_keymap`). A file with any problem is ignored as a whole, and every problem is named (its line
for bad TOML, else the binding id), so the console never starts with half a keymap.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import stat
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, format_key, key_to_character

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
# Textual's own keys, kept: moving between fields, the command palette, and Ctrl+C (copying is refused).
RESERVED = {"tab": "moving between fields", "shift+tab": "moving between fields", "ctrl+p": "the palette"}
RESERVED["ctrl+c"] = "Textual (the console refuses copying)"
KEY_NAMES = {key.value for key in Keys}
BARE = re.compile(r"^[A-Za-z0-9_-]+$")


class KeymapError(Exception):
    """A keymap file that cannot be used; `problems` names each line or binding id at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    """One binding: its id, its default keys (Textual's names, comma-separated), what it does, where."""

    id: str
    keys: str
    description: str
    where: str


def binding_classes() -> list[type[DOMNode]]:
    """Every class of the console with its own BINDINGS: the app first, then screens, dialogs, widgets."""
    import p2p_tui.tui as package

    found: list[type[DOMNode]] = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
                and "BINDINGS" in value.__dict__
            ):
                found.append(value)
    return sorted(found, key=lambda cls: (not issubclass(cls, App), cls.__module__, cls.__name__))


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits)."""
    return [item for item in cls.__dict__.get("BINDINGS", []) if isinstance(item, Binding)]


def where(cls: type[DOMNode]) -> str:
    """Where a class's bindings work, in words."""
    if issubclass(cls, App):
        return "everywhere"
    name = cls.__name__.removesuffix("Screen").removesuffix("Dialog")
    return {"Area": "every area screen", "Table": "every table"}.get(name, name)


def entries() -> dict[str, Entry]:
    """Every binding of the console by id, in the order of `binding_classes`."""
    out: dict[str, Entry] = {}
    for cls in binding_classes():
        for binding in own_bindings(cls):
            if binding.id is not None:
                out[binding.id] = Entry(binding.id, binding.key, binding.description, where(cls))
    return out


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """A binding's keys now: the keymap's when it rebinds it, else its own."""
    keys = keymap.get(binding.id or "", binding.key) if binding.id else binding.key
    return [key.strip() for key in keys.split(",") if key.strip()]


def display_key(key: str) -> str:
    """A key as it is typed: `Ctrl+L`, `F1`, `[`, `!`, `Space`, `Escape`."""
    *mods, base = key.split("+") if key != "+" else ["+"]
    if base == "space" or len(base) > 1 and base in KEY_NAMES:
        shown = base.replace("_", " ").title()
        shown = {"Pageup": "Page Up", "Pagedown": "Page Down"}.get(shown, shown)
    else:
        character = format_key(base)
        shown = character if len(character) == 1 else key_to_character(base) or base
    if mods and len(shown) == 1:
        shown = shown.upper()
    return "".join(f"{mod.title()}+" for mod in mods) + shown


def current_keys(app: App[Any], binding_id: str, default: str) -> str:
    """How to type a binding now, for a sentence on screen: the keymap's keys when it rebinds it."""
    keymap: Mapping[str, str] = getattr(app, "keymap", {})
    return display_keys([key.strip() for key in keymap.get(binding_id, default).split(",")])


def display_keys(keys: list[str]) -> str:
    """Several keys for one action: `F1 or ?`."""
    return " or ".join(display_key(key) for key in keys)


# -- reading a keymap file ---------------------------------------------------------------------------


def key_problem(key: str) -> str | None:
    """Why `key` is not a key Textual knows (None: it is)."""
    *mods, base = key.split("+") if key != "+" else ["+"]
    bad = [mod for mod in mods if mod not in MODIFIERS]
    if bad:
        return f"unknown modifier {bad[0]!r} in {key!r} (modifiers: {', '.join(MODIFIERS)})"
    if not (len(base) == 1 or base in KEY_NAMES or len(format_key(base)) == 1):
        return f"unknown key {base!r} (write a character, or a name like f1, escape, enter, space, up)"
    if normal(key) in RESERVED:
        return f"{key!r} is kept for {RESERVED[normal(key)]}"
    return None


def _flatten(table: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def parse(text: str, known: Mapping[str, Entry]) -> dict[str, str]:
    """A keymap (binding id -> keys) from a keymap file's text; KeymapError names every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KeymapError([f"not valid TOML: {exc}"]) from None
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in _flatten(data):
        if binding_id not in known:
            problems.append(f"{binding_id}: no binding has this id (p2p-tui keys lists them)")
        elif not isinstance(value, str) or not [k for k in value.split(",") if k.strip()]:
            problems.append(f'{binding_id}: give its keys as text, like "f1" or "ctrl+l,f8"')
        else:
            keys = [key.strip() for key in value.split(",")]
            problems += [f"{binding_id}: {p}" for p in map(key_problem, keys) if p]
            keymap[binding_id] = ",".join(keys)
    problems += clashes(keymap, known) if not problems else []
    if problems:
        raise KeymapError(problems)
    return keymap


EVERYWHERE = "everywhere"
TABLES = "every table"


def table_places() -> set[str]:
    """The places (screens, dialogs) that show one of the console's tables."""
    from p2p_tui.tui.widgets.table import Table

    return {
        where(cls)
        for cls in binding_classes()
        if Table in vars(importlib.import_module(cls.__module__)).values()
    }


def clashes(
    keymap: Mapping[str, str], known: Mapping[str, Entry], with_tables: set[str] | None = None
) -> list[str]:
    """Two bindings left on the same key by the file where both would work: in one place (a screen, a
    dialog, or everywhere), a place's and the app's (one would hide the other), or a place's and its
    table's (`with_tables`: the places showing a table; by default found from the console's modules).

    Bindings that share a key by default are alternates shown one at a time (the Report's [ and ] move
    by quarter or by year, as its view is), or a place's own use of an app's key on purpose: they clash
    only when the file moves one of them there."""
    tables = table_places() if with_tables is None else with_tables
    by_place: dict[tuple[str, str], list[str]] = {}
    for entry in known.values():
        for key in keymap.get(entry.id, entry.keys).split(","):
            by_place.setdefault((entry.where, normal(key)), []).append(entry.id)
    alone = dict(by_place)
    for (place, key), ids in alone.items():
        over = [other for other in (EVERYWHERE, TABLES) if other != place]
        over = [other for other in over if other == EVERYWHERE or place in tables]
        by_place[(place, key)] = ids + [i for other in over for i in alone.get((other, key), [])]
    found = [
        f"{' and '.join(ids)}: both on {display_key(key)} ({place})"
        for (place, key), ids in by_place.items()
        if len(ids) > 1 and any(keymap.get(i, known[i].keys) != known[i].keys for i in ids)
    ]
    return list(dict.fromkeys(found))


def normal(key: str) -> str:
    """A key in Textual's long form (`[` is `left_square_bracket`)."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    name = unicodedata.name(key, key).lower().replace("-", "_").replace(" ", "_")
    return KEY_NAME_REPLACEMENTS.get(name, name)


KEYMAP_MAX = 256 * 1024  # bytes: a keymap is a few lines


def load(path: Path, known: Mapping[str, Entry] | None = None) -> dict[str, str]:
    """The keymap in the file at `path` ({} when there is none); KeymapError when it cannot be used."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe would block the console for ever
            raise KeymapError(["is not a regular file"])
        if path.stat().st_size > KEYMAP_MAX:
            raise KeymapError([f"is larger than {KEYMAP_MAX // 1024} KiB"])
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise KeymapError([f"cannot be read ({type(exc).__name__})"]) from None
    return parse(text, entries() if known is None else known)


# -- writing the default keymap ------------------------------------------------------------------------

HEADER = """\
# p2p-tui keymap: binding ids and keys only (never data). Copy the lines to change into
# {path}
# or pass --keymap FILE. Keys are Textual's names (ctrl+l, f1, escape, space, a character
# such as "[" or "!"); several keys for one action are comma-separated ("f1,question_mark").
# A file with any problem is ignored as a whole, and the console says which line or id.
"""


def _toml_key(name: str) -> str:
    return name if BARE.match(name) else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def default_toml(config_path: Path, known: Mapping[str, Entry] | None = None) -> str:
    """The default keymap as a keymap file: one table a place, one line a binding, its action beside it."""
    lines = [HEADER.format(path=config_path)]
    sections: dict[str, list[Entry]] = {}
    for entry in (entries() if known is None else known).values():
        sections.setdefault(entry.id.split(".", 1)[0], []).append(entry)
    for section, items in sections.items():
        lines.append(f"[{_toml_key(section)}]  # {items[0].where}")
        for entry in items:
            name = entry.id.split(".", 1)[1] if "." in entry.id else entry.id
            lines.append(f"{_toml_key(name)} = {_toml_string(entry.keys)}  # {entry.description}")
        lines.append("")
    return "\n".join(lines)
