"""The quarterly summary as a file's bytes, in one place: `render(summary, fmt)` for every format,
and `render_annual(annual, fmt)` for the annual report.

The command line (`p2p-tui report`) and the console (Report, e) both call it, so a format reads the
same wherever it is made. It imports the formats; the summary (`quarterly`) imports none of them, so
there is no import cycle. fpdf is loaded only when a PDF is asked for. The identifying honorarium
statement is never part of a summary: it is its own document (`statement`, `p2p-tui honoraria`).
"""

from __future__ import annotations

from collections.abc import Callable

from p2p_tui.services.reporting import annual_formats, formats
from p2p_tui.services.reporting.annual import Annual
from p2p_tui.services.reporting.quarterly import Summary

FORMATS = ("md", "csv", "json", "pdf")
DESCRIPTIONS = {
    "md": "Markdown",
    "csv": "CSV (section,label,value)",
    "json": "JSON",
    "pdf": "a board-ready PDF",
}
TEXT_FORMATS: dict[str, Callable[[Summary], str]] = {
    "md": formats.to_markdown,
    "csv": formats.to_csv,
    "json": formats.to_json,
}


def render(summary: Summary, fmt: str) -> bytes:
    """The summary in `fmt` (pdf, md, csv or json) as bytes, text as UTF-8.

    Raises:
        ValueError: `fmt` is not one of `FORMATS`.
    """
    if fmt == "pdf":
        from p2p_tui.services.reporting import pdf  # fpdf loads only when a PDF is asked for

        return pdf.render(summary)
    writer = TEXT_FORMATS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format {fmt!r}")
    return writer(summary).encode("utf-8")


ANNUAL_FORMATS: dict[str, Callable[[Annual], str]] = {
    "md": annual_formats.to_markdown,
    "csv": annual_formats.to_csv,
    "json": annual_formats.to_json,
}


def render_annual(annual: Annual, fmt: str) -> bytes:
    """The annual report in `fmt` (pdf, md, csv or json) as bytes, text as UTF-8.

    Raises:
        ValueError: `fmt` is not one of `FORMATS`.
    """
    if fmt == "pdf":
        from p2p_tui.services.reporting import annual_pdf  # fpdf loads only when a PDF is asked for

        return annual_pdf.render(annual)
    writer = ANNUAL_FORMATS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format {fmt!r}")
    return writer(annual).encode("utf-8")
