"""The annual report as a PDF (fpdf2, the summary's pages: `pdf._Pdf`): Letter or A4, portrait.

Every table has the figure's label, the four quarters (each head on up to four lines: its months, year,
"to date" or "not begun", the day of the quarter) and the year, sized to the page's width; the Member
Survey sits beside utilization, after the referrals. Footers say "De-identified", the fiscal year and
page N of M.
"""

from __future__ import annotations

from collections.abc import Sequence

from p2p_tui.services.reporting import annual_formats as fmt
from p2p_tui.services.reporting.annual import NOT_BEGUN, Annual, Column, Table
from p2p_tui.services.reporting.formats import DEIDENTIFIED
from p2p_tui.services.reporting.pdf import FAINT, FONT, INK, LEFT, ROW, SHADE, _Pdf, _title, drawable
from p2p_tui.services.reporting.suppression import suppression_rule

SIZE = 8.0
HEAD_LINE = 3.6
YEAR_WIDTH = 25.0


def head_lines(column: Column) -> list[str]:
    """A quarter's head on up to four lines: "Oct–Dec", "2026", "to date", "(day 49 of 92)"."""
    months, _, year = column.label.rpartition(" ")
    if not column.state:
        return [months, year]
    if column.state == NOT_BEGUN:
        return [months, year, NOT_BEGUN]
    words, _, rest = column.state.partition(" (")
    return [months, year, words, f"({rest}" if rest else ""]


def widths(pdf: _Pdf, count: int) -> list[float]:
    """The label's width and each quarter's, then the year's: the page's width in all."""
    quarter = 22.0
    return [pdf.width - count * quarter - YEAR_WIDTH, *[quarter] * count, YEAR_WIDTH]


def _head(pdf: _Pdf, annual: Annual, first: str, sizes: Sequence[float]) -> None:
    lines = [[first], *(head_lines(c) for c in annual.columns), annual.year_head.split(", ")]
    depth = max(len(x) for x in lines)
    y = pdf.get_y()
    pdf.set_fill_color(*SHADE)
    pdf.rect(LEFT, y, pdf.width, depth * HEAD_LINE + 1.4, style="F")
    x = LEFT
    for n, (texts, width) in enumerate(zip(lines, sizes, strict=True)):
        for k, text in enumerate(texts):
            pdf.set_font(FONT, "B" if k < 2 else "", SIZE if k < 2 else SIZE - 1)
            pdf.set_xy(x, y + 0.7 + k * HEAD_LINE)
            pdf.cell(width, HEAD_LINE, text, align="L" if n == 0 else "R")
        x += width
    pdf.set_xy(LEFT, y + depth * HEAD_LINE + 1.4)


def _line(pdf: _Pdf, values: Sequence[str], sizes: Sequence[float], bold: bool = False) -> None:
    style = "B" if bold else ""
    for k, (text, width) in enumerate(zip(values, sizes, strict=True)):
        pdf.set_font(FONT, style, SIZE)
        if k == 0:
            text = _fit(pdf, text, width - 1, style)
        pdf.cell(width, ROW, text, border="" if bold else "B", align="L" if k == 0 else "R")
    pdf.ln(ROW)


def _fit(pdf: _Pdf, text: str, width: float, style: str) -> str:
    """`text` in a smaller size if that fits `width`, else shortened with "…"."""
    for size in (SIZE, SIZE - 0.5, SIZE - 1):
        pdf.set_font(FONT, style, size)
        if pdf.get_string_width(text) <= width:
            return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _table(pdf: _Pdf, annual: Annual, table: Table) -> None:
    sizes = widths(pdf, len(annual.columns))
    rows = [fmt.cells(r) for r in table.rows]
    pdf.heading(table.title, min(len(rows) + 2, 8) * ROW + 14)
    _head(pdf, annual, "Figure" if table.total is None else table.title.split(" by ")[-1].capitalize(), sizes)
    for row in rows:
        if pdf.get_y() + ROW > pdf.page_break_trigger:
            pdf.add_page()
            _head(pdf, annual, "(continued)", sizes)
        _line(pdf, row, sizes)
    if table.total is not None:
        _line(pdf, fmt.cells(table.total), sizes, bold=True)
    if table.note:
        pdf.ln(1)
        pdf.set_text_color(*FAINT)
        pdf.paragraph(table.note, 7)
        pdf.set_text_color(*INK)
    pdf.ln(2)


def _survey(pdf: _Pdf, annual: Annual) -> None:
    year = annual.fiscal_year.year
    pdf.heading(f"{fmt.SURVEY_TITLE} {year} (beside utilization)", 30)
    if annual.member_survey is None:
        pdf.paragraph(f"No Member Survey results are recorded for {year}.", 9)
        return
    sizes = [pdf.width - 2 * 32.0, 32.0, 32.0]
    pdf.set_font(FONT, "B", SIZE)
    pdf.set_fill_color(*SHADE)
    for k, (text, width) in enumerate(zip(("Question", "Count", "Share"), sizes, strict=True)):
        pdf.cell(width, ROW, text, fill=True, align="L" if k == 0 else "R")
    pdf.ln(ROW)
    for label, count, share in fmt.survey_rows(annual.member_survey):
        _line(pdf, (drawable(pdf, label)[0], count, share), sizes)  # a glyph the font lacks: "□"
    pdf.ln(2)


def render(annual: Annual, *, compress: bool = True) -> bytes:
    """The annual report's PDF bytes (uncompressed on request, so tests can read its text)."""
    fy = annual.fiscal_year
    pdf = _Pdf(annual.letterhead, fmt.title(annual), f"De-identified annual utilization report — {fy.name}")
    pdf.set_compression(compress)
    pdf.set_text_color(*INK)
    pdf.add_page()
    _title(pdf, annual.letterhead, fmt.TITLE, annual.heading)
    pdf.paragraph(f"Small counts: {suppression_rule(annual.threshold)} {DEIDENTIFIED}", fill=True)
    _table(pdf, annual, annual.tables[0])
    _survey(pdf, annual)
    for table in annual.tables[1:]:
        _table(pdf, annual, table)
    pdf.heading("Notes and marks", 20)
    for note in annual.notes:
        pdf.paragraph(f"• {note}")
    pdf.ln(1)
    for line in fmt.footnote_lines(annual):
        pdf.paragraph(line)
    return bytes(pdf.output())
