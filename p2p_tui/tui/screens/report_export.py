"""Writing the Report screen's export (e): the summary or the annual report, into a new private file
of the documents folder, never over an existing one, never into the vault's folder."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from p2p_tui.services.reporting import formats, render
from p2p_tui.services.reporting.annual import Annual
from p2p_tui.services.reporting.quarterly import Summary
from p2p_tui.vault import private_file

__all__ = ["Report", "export_bytes", "period", "reserve", "stem", "write_export"]


Report = Summary | Annual


def export_bytes(summary: Report, fmt: str) -> bytes:
    """The summary (or annual report) as a file's bytes: pdf, md, csv or json. Never the honorarium
    statement."""
    if isinstance(summary, Annual):
        return render.render_annual(summary, fmt)
    return render.render(summary, fmt)


def stem(summary: Report) -> str:
    """The export's name: p2p-tui-summary-2026Q3, or p2p-tui-annual-FY2026."""
    if isinstance(summary, Annual):
        return f"p2p-tui-annual-{summary.fiscal_year.name}"
    return f"p2p-tui-summary-{summary.quarter}"


def period(summary: Report) -> str:
    """What a report covers, in a message: 2026Q3, or FY2026."""
    return summary.fiscal_year.name if isinstance(summary, Annual) else summary.quarter


def reserve(folder: Path, stem: str, ext: str) -> Path:
    """Create a new empty file `stem.ext` in `folder`, or `stem-1.ext`, `stem-2.ext` ... (never an
    existing one: the file is created exclusively, so two exports cannot race for a name)."""
    for n in range(10_000):
        path = folder / (f"{stem}.{ext}" if n == 0 else f"{stem}-{n}.{ext}")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"too many summaries of {stem} in {folder}")


def write_export(summary: Report, fmt: str, folder: Path, vault: Path | None) -> Path:
    """Write the summary in `fmt` to a new file in `folder` (created if missing); returns its path.

    The name is `p2p-tui-summary-2026Q3.pdf`, with -1, -2 ... added rather than overwrite a file. The
    bytes are made first, so a failure leaves no file behind; the write is atomic and private (0600).
    A folder that is the vault's own (or its backups folder) is refused (RefusedOutput) before any file
    is made in it.
    """
    data = export_bytes(summary, fmt)
    if vault is not None:
        private_file.check_output(folder / f"{stem(summary)}.{fmt}", vault)
    folder.mkdir(parents=True, exist_ok=True)
    path = reserve(folder, stem(summary), fmt)
    try:
        formats.write_private(path, data, vault=vault)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return path
