"""The one CSV writer: every CSV the program writes (the summary, the honorarium statement, the
de-identified export) goes through `csv_text`, so every cell is treated the same way.

A cell is stored text, never control: control and bidirectional characters are shown as U+FFFD
(`common.printable`), and a cell a spreadsheet would read as a formula (one starting with `=`, `+`,
`-`, `@`, a tab or a carriage return, as OWASP's CSV-injection guidance lists) is prefixed with `'`,
which makes the spreadsheet show it as text. A plain number (`-3`, `2.5`) is left as it is: it cannot
be a formula.

`records` is the one CSV reader (imports and `export-deidentified --check`): each record with the line
it starts on, and a record csv cannot read (an unterminated quote, a value over `FIELD_LIMIT`) raises
`CsvError` naming that record's first line, never the last line read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from p2p_tui.services import common

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIELD_LIMIT = csv.field_size_limit()  # the csv module's own bound on one value (131,072 characters)
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


class CsvError(ValueError):
    """A record the CSV reader could not read: `line` is the line it starts on."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each record of CSV `text` (a leading BOM dropped) with the line it starts on (blank lines are
    records of no value); CsvError names the first line of a record that cannot be read."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    while True:
        first = reader.line_num + 1  # a record starts on the line after the last one read
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvError(first, _reason(str(exc))) from None
        yield first, row


def _reason(message: str) -> str:
    if "field larger than field limit" in message:
        return f"a value is longer than {FIELD_LIMIT:,} characters"
    if "unexpected end of data" in message:
        return 'a quoted value is never closed (a " is missing)'
    if "expected after" in message:
        return 'a quoted value goes on after its closing " (write a " inside a value as "")'
    return "not readable as CSV"
