"""The one CSV writer: every CSV the program writes (the summary, the honorarium statement, the
de-identified export) goes through `csv_text`, so every cell is treated the same way.

A cell is stored text, never control: control and bidirectional characters are shown as U+FFFD
(`common.printable`), and a cell a spreadsheet would read as a formula (one starting with `=`, `+`,
`-`, `@`, a tab or a carriage return, as OWASP's CSV-injection guidance lists) is prefixed with `'`,
which makes the spreadsheet show it as text. A plain number (`-3`, `2.5`) is left as it is: it cannot
be a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from p2p_tui.services import common

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def safe_cell(value: object) -> str:
    """One cell as written: printable, and never a formula."""
    text = common.printable("" if value is None else str(value))
    if text.startswith(FORMULA_START) and not NUMBER.match(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text: the header, then the rows, every cell through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
