"""The honorarium statement: IDENTIFYING (each supporter's training hours and honorarium), for payment.

A document of its own, never inside the de-identified summary (`p2p-tui honoraria`): its CSV starts
with the notice, and every page of its PDF is headed and footed "Identifying: for payment only".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from p2p_tui.services.people import training
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import letterhead
from p2p_tui.services.reporting.letterhead import Letterhead
from p2p_tui.services.reporting.quarters import Quarter

IDENTIFYING = "Identifying: for payment only"
FORMATS = ("pdf", "csv")


@dataclass(frozen=True)
class Statement:
    """A quarter's honorarium lines, with who it is from and when it was made."""

    quarter: str
    label: str
    lines: tuple[HonorariumLine, ...]
    letterhead: Letterhead

    @property
    def totals(self) -> tuple[Decimal, Decimal]:
        """Total hours and amount, exactly."""
        hours = sum((Decimal(str(line.hours)) for line in self.lines), Decimal(0))
        amount = sum((Decimal(str(line.amount)) for line in self.lines), Decimal(0))
        return hours, amount


def statement(quarter: str | Quarter) -> Statement:
    """The quarter's statement (call under the store's lock)."""
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    return Statement(str(q), q.label, tuple(training.honoraria(q)), letterhead.current())


def hours(value: float | Decimal) -> str:
    """Hours without needless decimals."""
    return f"{Decimal(str(value)).normalize():f}"


def rows(found: Statement) -> Iterator[tuple[str, str, str]]:
    """The statement as (supporter, hours, amount) rows, the notice first and the total last."""
    yield (IDENTIFYING, found.quarter, found.letterhead.made)
    yield ("supporter", "hours", "amount")
    for line in found.lines:
        yield (line.name, hours(line.hours), f"{Decimal(str(line.amount)):.2f}")
    total_hours, total_amount = found.totals
    yield ("Total", hours(total_hours), f"{total_amount:.2f}")


def to_csv(found: Statement) -> str:
    """The statement as CSV (a name a spreadsheet would take for a formula is prefixed with ')."""
    import csv
    import io

    from p2p_tui.services.reporting.formats import csv_cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(tuple(csv_cell(value) for value in row) for row in rows(found))
    return out.getvalue()


def render(found: Statement, fmt: str) -> bytes:
    """The statement in `fmt` (pdf or csv) as bytes."""
    if fmt == "pdf":
        from p2p_tui.services.reporting import pdf

        return pdf.render_statement(found)
    if fmt == "csv":
        return to_csv(found).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}")


def lines_of(found: Statement) -> Sequence[HonorariumLine]:
    """The statement's lines."""
    return found.lines
