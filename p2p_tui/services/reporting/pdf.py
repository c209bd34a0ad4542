"""The quarterly summary as a board report PDF (fpdf2, core Helvetica: latin-1 text only).

Two or three A4 pages: the title with the quarter, the suppression rule, the headline figures, a table
for every breakdown, bar charts (referrals by source; the five-quarter trend) drawn with rectangles,
supporter activity, training and honoraria totals, survey aggregates and the notes. The identifying
honorarium statement is added on pages of its own only when passed in, each headed "Identifying: for
payment only". `render` returns the bytes; `reporting.render` is the one entry point for every format.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import formats as fmt
from p2p_tui.services.reporting.quarterly import STRESSOR_NOTE, Breakdown, Cell, Summary, suppression_rule

WIDTH = 180.0  # A4 less 15 mm margins
LEFT = 15.0
ROW = 5.0
HALF = 87.0
GAP = WIDTH - 2 * HALF
INK = (30, 30, 30)
SHADE = (235, 238, 242)
BAR = (52, 101, 164)
FAINT = (120, 120, 120)
PAIRS = (("pathway", "career_stage"), ("source", "stressor"), ("county", "outcome"))
FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)  # no timestamp in the file: the same summary, same bytes
ASCII = {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."}


def latin1(text: str) -> str:
    """Text the core fonts can print: dashes and quotes made plain, accents kept where latin-1 has
    them (else stripped), anything else "?"."""
    out = []
    for char in text:
        char = ASCII.get(char, char)
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            char = "".join(c for c in base if not unicodedata.combining(c)) or "?"
        out.append(char)
    return "".join(out)


class _Pdf(FPDF):
    """The report's pages, with a footer naming the quarter (and the statement's pages marked)."""

    def __init__(self, quarter: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.quarter = quarter
        self.identifying = False  # the page being drawn is the statement's (its footer says so)
        self.statement = False  # the statement has begun: pages from the next one on are identifying
        self.set_margins(LEFT, 15, LEFT)
        self.set_auto_page_break(True, margin=18)
        self.set_creation_date(FIXED_DATE)
        self.set_creator("p2p-tui")
        self.set_title(f"Quarterly utilization summary {quarter}")

    def header(self) -> None:
        """On the statement's pages, the identifying notice first."""
        self.identifying = self.statement
        if self.identifying:
            self.set_font("Helvetica", "B", 11)
            self.set_text_color(160, 0, 0)
            self.cell(WIDTH, 7, latin1(fmt.IDENTIFYING.upper()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(*INK)
            self.ln(2)

    def footer(self) -> None:
        """The quarter and the page number."""
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*FAINT)
        what = fmt.IDENTIFYING if self.identifying else "De-identified quarterly utilization summary"
        self.cell(WIDTH, 5, latin1(f"{what} - {self.quarter} - page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(*INK)

    def text_line(self, text: str, size: float = 10, style: str = "", height: float = ROW) -> None:
        """One line of text across the page."""
        self.set_font("Helvetica", style, size)
        self.cell(WIDTH, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, size: float = 9, fill: bool = False) -> None:
        """Wrapped text across the page (shaded when `fill`)."""
        self.set_font("Helvetica", "", size)
        self.set_fill_color(*SHADE)
        self.multi_cell(WIDTH, 4.6, latin1(text), fill=fill, padding=2 if fill else 0)
        self.set_x(LEFT)

    def heading(self, text: str, room: float = 30) -> None:
        """A section heading, starting a new page unless `room` millimetres are left below it."""
        self.need(room + 10)
        self.ln(3)
        self.text_line(text, 12, "B", 8)

    def need(self, height: float) -> None:
        """Start a new page unless `height` millimetres are left."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def grid(
        self,
        x: float,
        y: float,
        width: float,
        head: tuple[str, str],
        rows: Sequence[tuple[str, str]],
        total: tuple[str, str] | None = None,
    ) -> float:
        """A two-column table at (x, y); returns the y below it."""
        value_w = 28.0
        self.set_xy(x, y)
        self.set_font("Helvetica", "B", 9)
        self.set_fill_color(*SHADE)
        self.cell(width - value_w, ROW, latin1(head[0]), fill=True)
        self.cell(value_w, ROW, latin1(head[1]), fill=True, align="R")
        body = [(a, b, "") for a, b in rows] + ([(total[0], total[1], "B")] if total else [])
        for n, (name, value, style) in enumerate(body, 1):
            self.set_xy(x, y + n * ROW)
            self.set_font("Helvetica", style, 9)
            self.cell(width - value_w, ROW, latin1(name), border="B" if not style else "")
            self.cell(value_w, ROW, latin1(value), border="B" if not style else "", align="R")
        return y + (len(body) + 1) * ROW


def _breakdown_rows(table: Breakdown) -> list[tuple[str, str]]:
    return [(fmt.label(name), cell.shown) for name, cell in table.rows]


def _breakdown_height(table: Breakdown) -> float:
    return (len(table.rows) + 2) * ROW + (10 if table.name == "stressor" else 0)


def _draw_breakdown(pdf: _Pdf, x: float, y: float, table: Breakdown) -> float:
    unit = "Surveys" if table.name == "survey_duration" else "Referrals"
    head = (fmt.TITLES.get(table.name, fmt.label(table.name)), unit)
    bottom = pdf.grid(x, y, HALF, head, _breakdown_rows(table), ("Total", table.total.shown))
    if table.name == "stressor":
        pdf.set_xy(x, bottom + 1)
        pdf.set_font("Helvetica", "I", 7.5)
        pdf.multi_cell(HALF, 3.4, latin1(STRESSOR_NOTE))
        bottom = pdf.get_y()
    return bottom


def _pair(pdf: _Pdf, left: Breakdown, right: Breakdown) -> None:
    pdf.need(max(_breakdown_height(left), _breakdown_height(right)) + 4)
    y = pdf.get_y() + 2
    bottom = max(_draw_breakdown(pdf, LEFT, y, left), _draw_breakdown(pdf, LEFT + HALF + GAP, y, right))
    pdf.set_xy(LEFT, bottom + 2)


def _bar_value(cell: Cell) -> int:
    return cell.value or 0


def _source_chart(pdf: _Pdf, table: Breakdown) -> None:
    """Horizontal bars, one per source; a suppressed count gets no bar, only its mark."""
    pdf.heading("Referrals by source (chart)", len(table.rows) * ROW + 6)
    top = max([_bar_value(cell) for _, cell in table.rows] + [1])
    label_w, bar_w = 40.0, WIDTH - 40.0 - 20.0
    y = pdf.get_y() + 1
    pdf.set_fill_color(*BAR)
    for n, (name, cell) in enumerate(table.rows):
        row_y = y + n * ROW
        pdf.set_xy(LEFT, row_y)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(label_w, ROW, latin1(fmt.label(name)))
        length = bar_w * _bar_value(cell) / top
        if length > 0:
            pdf.rect(LEFT + label_w, row_y + 1, length, ROW - 2, style="F")
        pdf.set_xy(LEFT + label_w + length + 1.5, row_y)
        pdf.cell(18, ROW, latin1(cell.shown))
    pdf.set_xy(LEFT, y + len(table.rows) * ROW + 2)


def _trend_chart(pdf: _Pdf, summary: Summary) -> None:
    """Vertical bars of referrals per quarter, oldest first, with the median days to match below."""
    height = 34.0
    pdf.heading("Trend: referrals per quarter", height + 22)
    points = summary.trend
    top = max([_bar_value(p.referrals) for p in points] + [1])
    column = WIDTH / max(len(points), 1)
    base = pdf.get_y() + 6 + height
    pdf.set_draw_color(*FAINT)
    pdf.line(LEFT, base, LEFT + WIDTH, base)
    pdf.set_fill_color(*BAR)
    for n, point in enumerate(points):
        x = LEFT + n * column
        bar = height * _bar_value(point.referrals) / top
        if bar > 0:
            pdf.rect(x + column / 2 - 8, base - bar, 16, bar, style="F")
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_xy(x, base - bar - ROW)
        pdf.cell(column, ROW, latin1(point.referrals.shown), align="C")
        pdf.set_font("Helvetica", "", 8)
        pdf.set_xy(x, base + 1)
        pdf.cell(column, 4, latin1(f"{point.label} ({point.quarter})"), align="C")
        pdf.set_xy(x, base + 5)
        pdf.cell(
            column, 4, latin1(f"median days to match: {fmt.days(point.median_days_to_match)}"), align="C"
        )
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(LEFT, base + 11)


def _two_tables(
    pdf: _Pdf, left: tuple[str, list[tuple[str, str]]], right: tuple[str, list[tuple[str, str]]]
) -> None:
    pdf.need((max(len(left[1]), len(right[1])) + 1) * ROW + 4)
    y = pdf.get_y() + 2
    bottom = max(
        pdf.grid(LEFT, y, HALF, (left[0], ""), left[1]),
        pdf.grid(LEFT + HALF + GAP, y, HALF, (right[0], ""), right[1]),
    )
    pdf.set_xy(LEFT, bottom + 2)


def _summary_pages(pdf: _Pdf, summary: Summary) -> None:
    pdf.add_page()
    pdf.text_line(fmt.TITLE, 18, "B", 10)
    pdf.text_line(f"{fmt.PROGRAM} - {summary.label} ({summary.quarter})", 12, "", 7)
    pdf.ln(2)
    pdf.paragraph(f"Small counts: {suppression_rule(summary.threshold)} {fmt.DEIDENTIFIED}", fill=True)
    if summary.empty:
        pdf.ln(2)
        pdf.text_line("No referrals this quarter.", 12, "B", 8)
    pdf.heading("Referrals, times and outcomes")
    pdf.set_xy(LEFT, pdf.grid(LEFT, pdf.get_y(), WIDTH, ("Figure", "Value"), fmt.key_figures(summary)) + 2)
    pdf.heading("Referrals by attribute", 40)
    for left, right in PAIRS:
        _pair(pdf, summary.breakdown(left), summary.breakdown(right))
    _source_chart(pdf, summary.breakdown("source"))
    pdf.heading("Supporters, training and honoraria (in aggregate)")
    _two_tables(
        pdf,
        ("Supporter activity", fmt.supporter_figures(summary)),
        ("Training and honoraria (totals)", fmt.training_figures(summary)),
    )
    pdf.heading("Supporter survey", 45)
    pdf.need(_breakdown_height(summary.survey.durations) + 4)
    y = pdf.get_y() + 2
    bottom = max(
        pdf.grid(LEFT, y, HALF, ("Survey (submitted in the quarter)", ""), fmt.survey_figures(summary)),
        _draw_breakdown(pdf, LEFT + HALF + GAP, y, summary.survey.durations),
    )
    pdf.set_xy(LEFT, bottom + 2)
    _trend_chart(pdf, summary)
    pdf.heading("Notes", 20)
    for note in summary.notes:
        pdf.paragraph(f"- {note}")


def _statement_pages(pdf: _Pdf, summary: Summary, lines: Sequence[HonorariumLine]) -> None:
    pdf.statement = True
    pdf.add_page()
    pdf.text_line(f"Honorarium statement: {summary.label} ({summary.quarter})", 14, "B", 9)
    pdf.paragraph("It names supporters and amounts, for payment only: keep it apart from the summary.")
    pdf.ln(2)
    if not lines:
        pdf.text_line("No training attendance this quarter.")
        return
    total_hours, total_amount = fmt.statement_totals(lines)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_fill_color(*SHADE)
    for text, width, align in (("Supporter", 110, "L"), ("Hours", 30, "R"), ("Amount", 40, "R")):
        pdf.cell(width, ROW, text, fill=True, align=align)
    pdf.ln(ROW)
    rows = [(line.name, fmt.hours(line.hours), fmt.money(line.amount), "") for line in lines]
    rows.append(("Total", fmt.hours(total_hours), fmt.money(total_amount), "B"))
    for name, hours, amount, style in rows:
        pdf.set_font("Helvetica", style, 9)
        pdf.cell(110, ROW, latin1(name), border="B")
        pdf.cell(30, ROW, hours, border="B", align="R")
        pdf.cell(40, ROW, amount, border="B", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render(
    summary: Summary, honoraria: Sequence[HonorariumLine] | None = None, *, compress: bool = True
) -> bytes:
    """The PDF's bytes (uncompressed on request, so tests can search its text)."""
    pdf = _Pdf(summary.quarter)
    pdf.set_compression(compress)
    pdf.set_text_color(*INK)
    _summary_pages(pdf, summary)
    if honoraria is not None:
        _statement_pages(pdf, summary, honoraria)
    return bytes(pdf.output())
