"""The quarterly summary and the honorarium statement as PDFs (fpdf2, DejaVu Sans embedded).

The summary: a title with the organisation, the program, the period ("to date" while it runs) and when
it was made; the suppression rule; the headline figures; the standards met in working days; a table for
every breakdown; the source chart and the trend; supporter activity, training totals, survey aggregates,
the notes and the marks. Every page has a footer: "De-identified", the quarter, page N of M. Letter or
A4 (Settings). The metadata carry the title, the organisation as author and the time it was made.

The statement (`render_statement`) is a separate file, "IDENTIFYING" in the header and footer of every
page. A character the embedded font cannot draw (CJK, say) is printed as "□" and the statement says the
CSV holds every name exactly.

Every string drawn (and the metadata) passes one function, `pdf_text`, through `_Pdf.normalize_text`,
which fpdf2 calls for every cell, paragraph and width: a control character becomes U+FFFD (as
`common.printable` prints it), an odd space (tab, no-break, line separator) a plain one, an invisible
format character nothing, a glyph the font lacks "□". So fpdf never meets a glyph it lacks, and its
warning, which would print the raw character to the terminal, is never logged (and is filtered out).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Container, Sequence
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from p2p_tui.services import common
from p2p_tui.services.reporting import formats as fmt
from p2p_tui.services.reporting import statement as stmt
from p2p_tui.services.reporting.letterhead import Letterhead
from p2p_tui.services.reporting.quarterly import STRESSOR_NOTE, Breakdown, Cell, Summary, suppression_rule

LEFT = 15.0
ROW = 5.0
INK = (30, 30, 30)
SHADE = (235, 238, 242)
BAR = (52, 101, 164)
FAINT = (110, 110, 110)
ALERT = (160, 0, 0)
PAIRS = (("pathway", "career_stage"), ("source", "stressor"), ("county", "outcome"))
FONT = "DejaVu"
MISSING = "□"
PAPER = {"Letter": "Letter", "A4": "A4"}
JOINERS = "\u200c\u200d"  # format characters that shape some scripts' letters: kept


def pdf_text(text: str, glyphs: Container[int]) -> str:
    """`text` as it may be drawn with a font holding `glyphs` (code points): no control character,
    no odd space, no invisible character, and "□" for a glyph the font lacks."""
    return "".join(_drawn(char, glyphs) for char in text)


def _drawn(char: str, glyphs: Container[int]) -> str:
    if common.CONTROL.match(char):
        return common.REPLACEMENT
    if char != " " and (char.isspace() or unicodedata.category(char)[0] == "Z"):
        return " "
    if char not in JOINERS and (unicodedata.category(char) == "Cf" or ord(char) in common.IGNORABLE):
        return ""
    return char if ord(char) in glyphs else MISSING


def _no_glyph_warning(record: logging.LogRecord) -> bool:
    """fpdf2's missing-glyph warning prints the glyphs raw; `pdf_text` leaves none missing."""
    return "missing the following glyphs" not in str(record.msg)


logging.getLogger("fpdf.output").addFilter(_no_glyph_warning)


def _font_file(name: str) -> Path:
    return Path(str(resources.files("p2p_tui.assets").joinpath("fonts", name)))


class _Pdf(FPDF):
    """A report's pages: the embedded font, the paper size, the metadata and a footer on every page."""

    def __init__(self, head: Letterhead, title: str, footer: str, identifying: bool = False) -> None:
        super().__init__(orientation="P", unit="mm", format=PAPER.get(head.paper, "Letter"))
        self.add_font(FONT, "", str(_font_file("DejaVuSans.ttf")))
        self.add_font(FONT, "B", str(_font_file("DejaVuSans-Bold.ttf")))
        self.width = self.w - 2 * LEFT
        self.half = (self.width - 6) / 2
        self.gap = self.width - 2 * self.half
        self.footer_text = footer
        self.identifying = identifying
        self.set_margins(LEFT, 15, LEFT)
        self.set_auto_page_break(True, margin=18)
        self.set_creation_date(head.made_at)
        self.set_creator("p2p-tui")
        self.set_author(common.printable(head.organisation))
        self.set_subject(common.printable(head.program))
        self.set_title(common.printable(title))
        self.alias_nb_pages()

    def normalize_text(self, text: str) -> str:
        """Every string fpdf2 draws or measures, made drawable first (`pdf_text`)."""
        return super().normalize_text(pdf_text(text, self.glyphs()))

    def glyphs(self) -> Container[int]:
        """The code points the current font (else the regular one) can draw."""
        font = self.current_font if isinstance(self.current_font, TTFFont) else self.fonts.get(FONT.lower())
        return font.cmap if isinstance(font, TTFFont) else ()

    def header(self) -> None:
        """On an identifying document, the notice on top of every page."""
        if self.identifying:
            self.set_font(FONT, "B", 11)
            self.set_text_color(*ALERT)
            self.cell(self.width, 7, stmt.IDENTIFYING.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(*INK)
            self.ln(2)

    def footer(self) -> None:
        """What the document is, and page N of M."""
        self.set_y(-12)
        self.set_font(FONT, "B" if self.identifying else "", 8)
        self.set_text_color(*(ALERT if self.identifying else FAINT))
        self.cell(self.width, 5, f"{self.footer_text} — page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(*INK)

    def text_line(self, text: str, size: float = 10, style: str = "", height: float = ROW) -> None:
        """One line of text across the page."""
        self.set_font(FONT, style, size)
        self.cell(self.width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def wrapped(self, text: str, size: float, style: str, height: float) -> None:
        """Text across the page, wrapped onto more lines when it is wider (a long organisation name)."""
        self.set_font(FONT, style, size)
        self.multi_cell(self.width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(
        self, text: str, size: float = 8.5, fill: bool = False, color: tuple[int, ...] = INK
    ) -> None:
        """Wrapped text across the page (shaded when `fill`)."""
        self.set_font(FONT, "", size)
        self.set_fill_color(*SHADE)
        self.set_text_color(*color)
        self.multi_cell(self.width, 4.4, text, fill=fill, padding=2 if fill else 0)
        self.set_text_color(*INK)
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
        widths: Sequence[float],
        head: Sequence[str],
        rows: Sequence[Sequence[str]],
        total: Sequence[str] | None = None,
    ) -> float:
        """A table at (x, y), the first column left and the others right; returns the y below it."""
        self.set_xy(x, y)
        self.set_font(FONT, "B", 8.5)
        self.set_fill_color(*SHADE)
        for n, (text, width) in enumerate(zip(head, widths, strict=True)):
            self.cell(width, ROW, text, fill=True, align="L" if n == 0 else "R")
        body = [(list(r), "") for r in rows] + ([(list(total), "B")] if total else [])
        for n, (cells, style) in enumerate(body, 1):
            self.set_xy(x, y + n * ROW)
            for k, (text, width) in enumerate(zip(cells, widths, strict=True)):
                self.fit_font(text, style, width)
                self.cell(width, ROW, text, border="" if style else "B", align="L" if k == 0 else "R")
        return y + (len(body) + 1) * ROW

    def fit_font(self, text: str, style: str, width: float, size: float = 8.5, least: float = 6.0) -> None:
        """The table's font, a little smaller for a text that would not fit its cell otherwise."""
        self.set_font(FONT, style, size)
        room = width - 2 * self.c_margin
        while size > least and self.get_string_width(text) > room:
            size -= 0.5
            self.set_font(FONT, style, size)


def _two(pdf: _Pdf, width: float) -> list[float]:
    return [width - 26.0, 26.0]


def _breakdown_height(table: Breakdown) -> float:
    return (len(table.rows) + 2) * ROW + (10 if table.overlapping else 0)


def _draw_breakdown(pdf: _Pdf, x: float, y: float, table: Breakdown) -> float:
    unit = fmt.UNITS.get(table.name, "Referrals")
    head = (fmt.TITLES.get(table.name, fmt.label(table.name)), unit)
    rows = [(fmt.label(name), cell.text) for name, cell in table.rows]
    bottom = pdf.grid(x, y, _two(pdf, pdf.half), head, rows, (fmt.total_label(table), table.total.text))
    if table.overlapping:
        pdf.set_xy(x, bottom + 1)
        pdf.set_font(FONT, "", 7)
        pdf.set_text_color(*FAINT)
        pdf.multi_cell(pdf.half, 3.3, STRESSOR_NOTE)
        pdf.set_text_color(*INK)
        bottom = pdf.get_y()
    return bottom


def _pair(pdf: _Pdf, left: Breakdown, right: Breakdown) -> None:
    pdf.need(max(_breakdown_height(left), _breakdown_height(right)) + 4)
    y = pdf.get_y() + 2
    right_x = LEFT + pdf.half + pdf.gap
    bottom = max(_draw_breakdown(pdf, LEFT, y, left), _draw_breakdown(pdf, right_x, y, right))
    pdf.set_xy(LEFT, bottom + 2)


def _bar_value(cell: Cell) -> int:
    return cell.value or 0


def _source_chart(pdf: _Pdf, table: Breakdown) -> None:
    """Horizontal bars, one per source; a suppressed count gets no bar, only its mark."""
    pdf.heading("Referrals by source (chart)", len(table.rows) * ROW + 6)
    top = max([_bar_value(cell) for _, cell in table.rows] + [1])
    label_w = 48.0
    bar_w = pdf.width - label_w - 20.0
    y = pdf.get_y() + 1
    pdf.set_fill_color(*BAR)
    for n, (name, cell) in enumerate(table.rows):
        row_y = y + n * ROW
        pdf.set_xy(LEFT, row_y)
        pdf.set_font(FONT, "", 8.5)
        pdf.cell(label_w, ROW, fmt.label(name))
        length = bar_w * _bar_value(cell) / top
        if length > 0:
            pdf.rect(LEFT + label_w, row_y + 1, length, ROW - 2, style="F")
        pdf.set_xy(LEFT + label_w + length + 1.5, row_y)
        pdf.cell(18, ROW, cell.text)
    pdf.set_xy(LEFT, y + len(table.rows) * ROW + 2)


def _trend_chart(pdf: _Pdf, summary: Summary) -> None:
    """Vertical bars of referrals per quarter, oldest first, with the median working days to match."""
    height = 30.0
    pdf.heading("Trend: referrals per quarter", height + 24)
    points = summary.trend
    top = max([_bar_value(p.referrals) for p in points] + [1])
    column = pdf.width / max(len(points), 1)
    base = pdf.get_y() + 6 + height
    pdf.set_draw_color(*FAINT)
    pdf.line(LEFT, base, LEFT + pdf.width, base)
    pdf.set_fill_color(*BAR)
    for n, point in enumerate(points):
        x = LEFT + n * column
        bar = height * _bar_value(point.referrals) / top
        if bar > 0:
            pdf.rect(x + column / 2 - 7, base - bar, 14, bar, style="F")
        pdf.set_font(FONT, "B", 8.5)
        pdf.set_xy(x, base - bar - ROW)
        pdf.cell(column, ROW, point.referrals.text, align="C")
        pdf.set_font(FONT, "", 7.5)
        pdf.set_xy(x, base + 1)
        pdf.cell(column, 4, point.label, align="C")
        pdf.set_xy(x, base + 5)
        pdf.cell(column, 4, point.to_date or point.quarter, align="C")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(LEFT, base + 11)
    widths = [pdf.width - 4 * 24.0 - 30.0, 30.0, *[24.0] * 4]
    rows = fmt.trend_rows(summary)
    pdf.need((len(rows) + 2) * ROW + 4)
    pdf.set_xy(LEFT, pdf.get_y() + 2)
    pdf.paragraph("Share of cases that met each standard, and the median working days to match.", 8)
    head = ("Quarter", "Days to match", *[fmt.STANDARD_HEADS[f.name] for f in summary.standards])
    body = [(r[0], r[2], *r[3:]) for r in rows]
    pdf.set_xy(LEFT, pdf.grid(LEFT, pdf.get_y() + 1, widths[: len(head)], head, body) + 2)


def _two_tables(
    pdf: _Pdf, left: tuple[str, list[tuple[str, str]]], right: tuple[str, list[tuple[str, str]]]
) -> None:
    pdf.need((max(len(left[1]), len(right[1])) + 1) * ROW + 4)
    y = pdf.get_y() + 2
    bottom = max(
        pdf.grid(LEFT, y, _two(pdf, pdf.half), (left[0], ""), left[1]),
        pdf.grid(LEFT + pdf.half + pdf.gap, y, _two(pdf, pdf.half), (right[0], ""), right[1]),
    )
    pdf.set_xy(LEFT, bottom + 2)


def _letterhead(pdf: _Pdf, head: Letterhead) -> None:
    """The organisation and program on one line when they fit, else each on its own, wrapped."""
    pdf.set_text_color(*FAINT)
    pdf.set_font(FONT, "", 9)
    joined = f"{head.organisation} · {head.program}"
    for text in [joined] if pdf.get_string_width(joined) <= pdf.width else [head.organisation, head.program]:
        pdf.wrapped(text, 9, "", 4.4)
    pdf.ln(0.6)
    pdf.set_text_color(*INK)


def _title(pdf: _Pdf, head: Letterhead, first: str, second: str) -> None:
    _letterhead(pdf, head)
    pdf.wrapped(first, 17, "B", 9)
    pdf.wrapped(second, 11.5, "", 6)
    pdf.set_text_color(*FAINT)
    pdf.text_line(f"Made {head.made}", 8.5, "", 5)
    pdf.set_text_color(*INK)
    pdf.ln(2)


def _summary_pages(pdf: _Pdf, summary: Summary) -> None:
    pdf.add_page()
    _title(pdf, summary.letterhead, fmt.TITLE, f"{summary.heading} ({summary.quarter})")
    pdf.paragraph(f"Small counts: {suppression_rule(summary.threshold)} {fmt.DEIDENTIFIED}", fill=True)
    if summary.empty:
        pdf.ln(2)
        pdf.text_line("No referrals this quarter.", 12, "B", 8)
    pdf.heading("Referrals and outcomes")
    widths = [pdf.width - 40.0, 40.0]
    pdf.set_xy(LEFT, pdf.grid(LEFT, pdf.get_y(), widths, ("Figure", "Value"), fmt.key_figures(summary)) + 2)
    pdf.heading("Standards met (working days)", 28)
    widths = [pdf.width - 42.0 - 30.0, 42.0, 30.0]
    head = ("Standard (working days)", "Met", "Median · p90")
    pdf.set_xy(LEFT, pdf.grid(LEFT, pdf.get_y(), widths, head, fmt.standard_figures(summary)) + 2)
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
        pdf.grid(
            LEFT,
            y,
            _two(pdf, pdf.half),
            ("Survey (submitted in the quarter)", ""),
            fmt.survey_figures(summary),
        ),
        _draw_breakdown(pdf, LEFT + pdf.half + pdf.gap, y, summary.survey.durations),
    )
    pdf.set_xy(LEFT, bottom + 2)
    if summary.peers is not None:  # peers13: encounters, matches by whom, check-ins
        pdf.heading("Encounters, outside matches and supporters' check-ins (in aggregate)", 40)
        encounters, matched_to, check_ins = summary.peers.tables
        _pair(pdf, encounters, check_ins)
        pdf.need(_breakdown_height(matched_to) + 4)
        pdf.set_xy(LEFT, _draw_breakdown(pdf, LEFT, pdf.get_y() + 2, matched_to) + 2)
    _trend_chart(pdf, summary)
    pdf.heading("Notes and marks", 20)
    for note in summary.notes:
        pdf.paragraph(f"• {note}")
    pdf.ln(1)
    for line in fmt.footnote_lines(summary):
        pdf.paragraph(line)


def render(summary: Summary, *, compress: bool = True) -> bytes:
    """The summary's PDF bytes (uncompressed on request, so tests can read its text)."""
    title = f"{fmt.TITLE}: {summary.heading} ({summary.quarter})"
    footer = f"De-identified quarterly utilization summary — {summary.quarter}"
    pdf = _Pdf(summary.letterhead, title, footer)
    pdf.set_compression(compress)
    pdf.set_text_color(*INK)
    _summary_pages(pdf, summary)
    return bytes(pdf.output())


# -- the honorarium statement (IDENTIFYING) ----------------------------------------------------------


def drawable(pdf: _Pdf, text: str) -> tuple[str, bool]:
    """`text` as it is drawn (`pdf_text`), and whether a character the font lacks was made "□"."""
    out = pdf_text(text, pdf.glyphs())
    return out, out.count(MISSING) > text.count(MISSING)


def render_statement(found: stmt.Statement, *, compress: bool = True) -> bytes:
    """The statement's PDF bytes: IDENTIFYING on every page."""
    title = f"Honorarium statement: {found.heading} ({found.quarter})"
    footer = stmt.marking(found)
    pdf = _Pdf(found.letterhead, title, footer, identifying=True)
    pdf.set_compression(compress)
    pdf.set_text_color(*INK)
    pdf.add_page()
    _title(pdf, found.letterhead, "Honorarium statement", f"{found.heading} ({found.quarter})")
    pdf.paragraph(
        "It names supporters and amounts, for payment only: keep it apart from the de-identified "
        "summary, and share it only with whoever makes the payments.",
        fill=True,
    )
    pdf.ln(3)
    if not found.lines:
        pdf.text_line(stmt.NO_ATTENDANCE)
        return bytes(pdf.output())
    total_hours, total_amount = stmt.totals(found.lines)
    rows, lacking = [], False
    for line in found.lines:
        name, missing = drawable(pdf, line.name)
        lacking |= missing
        rows.append((name, fmt.hours(line.hours), fmt.money(line.amount)))
    widths = [pdf.width - 30.0 - 40.0, 30.0, 40.0]
    total = ("Total", fmt.hours(total_hours), fmt.money(total_amount))
    pdf.set_xy(LEFT, pdf.grid(LEFT, pdf.get_y(), widths, ("Supporter", "Hours", "Amount"), rows, total) + 3)
    if lacking:
        pdf.paragraph(
            f"A name holds characters this document's font cannot draw, shown {MISSING}: the CSV "
            "statement (p2p-tui honoraria --format csv) holds every name exactly."
        )
    return bytes(pdf.output())
