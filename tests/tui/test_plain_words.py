"""No screen of the snapshot set shows a code with an underscore (issue 10, item 9): every stored code
reaches a screen through `services/labels.py`. Reads the committed SVGs (no rendering: fast); the
snapshot tests keep them equal to what the screens draw."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from p2p_tui.services import labels

SNAPSHOTS = sorted((Path(__file__).parent / "__snapshots__").rglob("*.svg"))
TEXT = re.compile(r'<text class="terminal-r\d+" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>')
CODES = sorted({code for table in labels.LABELS.values() for code in table if "_" in code})


def screen_lines(svg: str) -> list[str]:
    """The terminal's lines as plain text, each put together from its runs of text."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in TEXT.findall(svg):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    return ["".join(text for _, text in sorted(runs)) for _, runs in sorted(rows.items())]


def test_the_snapshot_set_is_there() -> None:
    assert len(SNAPSHOTS) >= 15
    assert CODES and "in_training" in CODES


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.stem)
def test_no_screen_shows_a_code_with_an_underscore(snapshot: Path) -> None:
    lines = screen_lines(snapshot.read_text(encoding="utf-8"))
    assert lines, "no text found: has the SVG format changed?"
    shown = [line for line in lines if "_" in line]
    assert not shown, f"a code (or an underscore) on screen: {shown}"


def test_the_scan_sees_a_code_in_a_screen() -> None:
    svg = '<text class="terminal-r1" x="0" y="20" textLength="9">NO:&#160;not_self</text>'
    assert screen_lines(svg) == ["NO: not_self"]
