"""The quarterly summary as a file's bytes, in one place: `render(summary, fmt)` for every format.

The command line (`p2p-tui report`) and the console (Report, e) both call it, so a format reads the
same wherever it is made. It imports the formats; the summary (`quarterly`) imports none of them, so
there is no import cycle. fpdf is loaded only when a PDF is asked for. The identifying honorarium
statement is added only when passed in, under its own heading (see `formats` and `pdf`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import formats
from p2p_tui.services.reporting.quarterly import Summary

FORMATS = ("md", "csv", "json", "pdf")
DESCRIPTIONS = {
    "md": "Markdown",
    "csv": "CSV (section,label,value)",
    "json": "JSON",
    "pdf": "a board-ready PDF",
}
TEXT_FORMATS: dict[str, Callable[[Summary, Sequence[HonorariumLine] | None], str]] = {
    "md": formats.to_markdown,
    "csv": formats.to_csv,
    "json": formats.to_json,
}


def render(summary: Summary, fmt: str, honoraria: Sequence[HonorariumLine] | None = None) -> bytes:
    """The summary in `fmt` (pdf, md, csv or json) as bytes, text as UTF-8.

    Args:
        summary: The quarter's summary (`quarterly.summarize`).
        fmt: One of `FORMATS`.
        honoraria: The IDENTIFYING honorarium statement (`quarterly.honorarium_statement`), printed
            apart under its own heading; None (the default) leaves it out.

    Raises:
        ValueError: `fmt` is not one of `FORMATS`.
    """
    if fmt == "pdf":
        from p2p_tui.services.reporting import pdf  # fpdf loads only when a PDF is asked for

        return pdf.render(summary, honoraria)
    writer = TEXT_FORMATS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format {fmt!r}")
    return writer(summary, honoraria).encode("utf-8")
