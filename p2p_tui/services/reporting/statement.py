"""The honorarium statement: IDENTIFYING, for payment only, a document of its own (`p2p-tui honoraria`).

Each supporter's attended training hours and honorarium in a quarter, with the totals. It names
people, so it is never part of the de-identified summary, and every page or file of it says so
(`IDENTIFYING`). CSV here; the PDF is `pdf.render_statement`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from p2p_tui.services import clock
from p2p_tui.services.people import training
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import letterhead
from p2p_tui.services.reporting.formats import hours, table_csv
from p2p_tui.services.reporting.letterhead import Letterhead
from p2p_tui.services.reporting.quarters import Quarter

IDENTIFYING = "Identifying: for payment only"
FORMATS = ("pdf", "csv")
NO_ATTENDANCE = "No training attendance this quarter."


@dataclass(frozen=True)
class Statement:
    """One quarter's honorarium statement (IDENTIFYING)."""

    quarter: str
    label: str
    to_date: str | None
    lines: tuple[HonorariumLine, ...]
    letterhead: Letterhead

    @property
    def heading(self) -> str:
        """The period, "to date" while it runs."""
        return f"{self.label}, {self.to_date}" if self.to_date else self.label


def statement(quarter: Quarter, on: date | None = None) -> Statement:
    """The quarter's statement (call under the store's lock)."""
    today = on or clock.today()
    lines = tuple(training.honoraria(quarter))
    return Statement(str(quarter), quarter.label, quarter.to_date(today), lines, letterhead.current())


def totals(lines: Sequence[HonorariumLine]) -> tuple[Decimal, Decimal]:
    """Total hours and amount of a statement, exactly."""
    total_hours = sum((Decimal(str(line.hours)) for line in lines), Decimal(0))
    total_amount = sum((Decimal(str(line.amount)) for line in lines), Decimal(0))
    return total_hours, total_amount


CSV_HEAD = ("supporter", "hours", "amount", "document")


def marking(found: Statement) -> str:
    """What the document is, as its every page and row says: "IDENTIFYING: FOR PAYMENT ONLY — ..."."""
    return f"{IDENTIFYING.upper()} — honorarium statement {found.quarter}"


def rows(found: Statement) -> Iterator[tuple[str, str, str, str]]:
    """The statement as (supporter, hours, amount, document) rows, the total last. The marking is a
    column of every row, not a row of its own: a spreadsheet reads no supporter called "IDENTIFYING",
    and a row copied elsewhere still says what it is."""
    mark = marking(found)
    for line in found.lines:
        yield (line.name, hours(line.hours), f"{Decimal(str(line.amount)):.2f}", mark)
    total_hours, total_amount = totals(found.lines)
    yield ("Total", hours(total_hours), f"{total_amount:.2f}", mark)


def to_csv(found: Statement) -> str:
    """The statement as CSV, `supporter,hours,amount,document`, every cell formula-safe."""
    return table_csv(rows(found), CSV_HEAD)


def render(found: Statement, fmt: str) -> bytes:
    """The statement in `fmt` (pdf or csv) as bytes."""
    if fmt == "pdf":
        from p2p_tui.services.reporting import pdf

        return pdf.render_statement(found)
    if fmt == "csv":
        return to_csv(found).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}")
