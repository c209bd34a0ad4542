"""The Report screen's annual view (y): the fiscal year's quarters side by side and the year, each
cell exactly as the annual report publishes it, and the Member Survey beside utilization. Pure
renderables, no widgets."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from p2p_tui.services.reporting import annual_formats
from p2p_tui.services.reporting.annual import NOT_BEGUN, Annual, Column, Table

LABEL_WIDTH = 24
LABEL_LEAST = 18  # the label column never narrower: "Supporters who had a conversation" wraps by word
SHOWN = ("key", "standards", "pathway", "source", "outcome", "activity")  # the rest: in the export


def head(column: Column) -> str:
    """ "Apr–Jun\\n2026", with "to date" or "not begun" below."""
    months, _, year = column.label.rpartition(" ")
    state = "" if not column.state else "not\nbegun" if column.state == NOT_BEGUN else "to date"
    return "\n".join(part for part in (months, year, state) if part)


def year_table(annual: Annual, table: Table) -> RichTable:
    """One section: the label, the four quarters, the year."""
    out = RichTable(
        title=table.title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, padding=(0, 1)
    )
    out.add_column("", min_width=LABEL_LEAST, max_width=LABEL_WIDTH, overflow="fold")
    heads = [*(head(c) for c in annual.columns), annual.year_head.replace(", ", "\n")]
    for text in heads:
        out.add_column(right(text), justify="right", no_wrap=True)
    for row in table.rows:
        label, *values = compact(annual_formats.cells(row))
        out.add_row(label, *(right(v) for v in values))
    if table.total is not None:
        label, *values = compact(annual_formats.cells(table.total))
        out.add_row(Text(label, style="bold"), *(right(v, "bold") for v in values))
    return out


def right(text: str, style: str = "") -> Text:
    """A cell aligned right (explicitly: the widget's own alignment would win otherwise)."""
    return Text(text, style=style, justify="right")


def compact(cells: tuple[str, ...]) -> list[str]:
    """A row in the screen's narrow columns: "at least 12†" as "≥12†", "10 to 16†" as "10–16†", and
    whole dollars without their cents ("$10,750.00" as "$10,750"; the export keeps the cents)."""
    shown = (c.replace("at least ", "≥").replace(" to ", "–") for c in cells[1:])
    return [cells[0], *(c.removesuffix(".00") if c.startswith("$") else c for c in shown)]


def survey_table(annual: Annual) -> RenderableType:
    """The year's Member Survey, or a line saying none is recorded (m enters it)."""
    year = annual.fiscal_year.year
    if annual.member_survey is None:
        return Text(f"Member Survey {year}: no results recorded (m to enter them).")
    out = RichTable(
        title=f"Member Survey {year}", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD
    )
    out.add_column("", max_width=40, overflow="fold")
    out.add_column("Count", justify="right")
    out.add_column("Share", justify="right")
    for label, count, share in annual_formats.survey_rows(annual.member_survey):
        out.add_row(label, right(count), right(share))
    return out


def annual_view(annual: Annual) -> RenderableType:
    """The sections the screen shows (every section is in the export, e)."""
    tables = [year_table(annual, annual.table(name)) for name in SHOWN]
    return Group(tables[0], survey_table(annual), Text(""), *tables[1:])


def annual_notes(annual: Annual) -> str:
    """The notes and marks under the view."""
    marks = [f"{mark} {meaning}" for mark, meaning in annual.footnotes]
    return "\n".join(
        [*annual.notes[1:], "Every section, by county and career stage too, is in the export (e).", *marks]
    )
