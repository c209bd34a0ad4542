"""`p2p-tui report --quarter 2026Q3 [--format pdf|md|csv|json] [--output FILE] [--force] [--honoraria]`.

The quarterly utilization summary, de-identified and with small counts suppressed (DESIGN section 5).
Markdown to standard output by default; a file is written atomically with mode 0600 and never over an
existing one unless --force. The identifying honorarium statement is added only with --honoraria.
Read-only: the vault file is left byte for byte as it was.
"""

from __future__ import annotations

from pathlib import Path

import click

from p2p_tui.commands.base import InvalidInput, common_options, open_store, vault_command, vault_path
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import formats, pdf, quarterly
from p2p_tui.services.reporting.quarters import Quarter

FORMATS = ("md", "csv", "json", "pdf")


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValidationError as exc:
        raise InvalidInput(f"--quarter: {exc.message}") from None


def _target(output: Path | None, fmt: str, force: bool) -> Path | None:
    """Where to write (None: standard output), checked before the vault is opened."""
    if output is None:
        if fmt == "pdf":
            raise click.UsageError("--format pdf needs --output FILE (a PDF is not printed to the terminal)")
        return None
    output = output.expanduser()
    if output.is_dir():
        raise InvalidInput(f"--output: {output} is a folder; give a file name")
    if not output.parent.is_dir():
        raise InvalidInput(f"--output: the folder {output.parent} does not exist")
    if output.resolve() == vault_path().resolve():
        raise InvalidInput("--output: that is the vault itself; choose another file")
    if output.exists() and not force:
        raise InvalidInput(
            f"--output: {output} already exists; choose a new file or add --force to replace it"
        )
    return output


def render_text(summary: quarterly.Summary, fmt: str, honoraria: list[HonorariumLine] | None) -> str:
    """The summary as md, csv or json text."""
    if fmt == "csv":
        return formats.to_csv(summary, honoraria)
    if fmt == "json":
        return formats.to_json(summary, honoraria)
    return formats.to_markdown(summary, honoraria)


@click.command("report")
@common_options
@click.option("--quarter", "quarter_text", required=True, metavar="YYYYQN", help="The quarter, e.g. 2026Q3.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="Markdown, CSV (section,label,value), JSON, or a board-ready PDF (needs --output).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=True, path_type=Path),
    metavar="FILE",
    help="Write to FILE (mode 0600) instead of printing.",
)
@click.option("--force", is_flag=True, help="Replace --output if it already exists.")
@click.option(
    "--honoraria",
    is_flag=True,
    help="Add the honorarium statement: IDENTIFYING (names and amounts), for payment only.",
)
@vault_command
def command(quarter_text: str, fmt: str, output: Path | None, force: bool, honoraria: bool) -> None:
    """The quarterly utilization summary, de-identified, for the program's board.

    \b
    Referrals by pathway, source, stressor, career stage, county and outcome; days to match and to
    first contact (median, 90th percentile); follow-up completion; PHP referrals; safety escalations;
    supporter activity, training hours and honoraria in total; survey aggregates; a five-quarter trend.
    Counts from 1 to 4 (the threshold in Settings, less one) are shown "<5", and others withheld
    ("—") where a small count could be worked out from a total.

    --honoraria adds the statement that names each supporter with hours and amount: it is
    identifying, for payment only, and is printed apart under that heading.
    """
    quarter = _quarter(quarter_text)
    target = _target(output, fmt, force)
    store = open_store()
    try:
        with store.lock:
            summary = quarterly.summarize(quarter)
            statement = quarterly.honorarium_statement(quarter) if honoraria else None
    finally:
        store.close()
    if target is None:
        click.echo(render_text(summary, fmt, statement), nl=False)
        return
    try:
        if fmt == "pdf":
            pdf.to_pdf(summary, target, statement, vault=vault_path())
        else:
            formats.write_private(
                target, render_text(summary, fmt, statement).encode("utf-8"), vault=vault_path()
            )
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InvalidInput(f"--output: {target} could not be written ({reason}); nothing was left") from None
    note = " (with the IDENTIFYING honorarium statement)" if honoraria else ""
    click.echo(f"Wrote the {quarter.label} summary to {target}{note}.", err=True)
