"""`p2p-tui honoraria [--quarter 2026Q3] [--format pdf|csv] [--output FILE] [--force]`.

The honorarium statement: IDENTIFYING (each supporter's name, training hours and amount), for payment
only, a document of its own and never part of the de-identified summary. Without --quarter, the last
complete quarter. CSV to standard output by default; a file (a PDF needs one) is written atomically
with mode 0600, never over an existing file unless --force. The vault's data is unchanged; the export
is recorded in the audit trail.
"""

from __future__ import annotations

from pathlib import Path

import click

from p2p_tui.commands.base import common_options, opened_store, shown, vault_command
from p2p_tui.commands.report import _quarter, _target, begun, deliver
from p2p_tui.services import clock
from p2p_tui.services.admin import audit
from p2p_tui.services.reporting import statement
from p2p_tui.services.reporting.quarters import Quarter


@click.command("honoraria")
@common_options
@click.option(
    "--quarter", "quarter_text", metavar="YYYYQN", help="The quarter (default: the last complete one)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(statement.FORMATS),
    default="csv",
    show_default=True,
    help="CSV (supporter,hours,amount, and the IDENTIFYING marking in a document column on every "
    "row) or a PDF (needs --output).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=True, path_type=Path),
    metavar="FILE",
    help="Write to FILE (mode 0600) instead of printing.",
)
@click.option("--force", is_flag=True, help="Replace --output if it already exists.")
@vault_command
def command(quarter_text: str | None, fmt: str, output: Path | None, force: bool) -> None:
    """The honorarium statement of a quarter: IDENTIFYING, for payment only.

    It names each supporter with the training hours attended and the honorarium due, so every page
    and file of it says so; keep it apart from the de-identified summary (p2p-tui report).
    """
    quarter = begun(_quarter(quarter_text)) if quarter_text else Quarter.last_complete(clock.today())
    target = _target(output, fmt, force)
    with opened_store() as store:
        with store.lock:
            found = statement.statement(quarter)
        data = statement.render(found, fmt)
        written = deliver(data, target, store.vault.path)
        with store.atomic():
            audit.record("export", table="honoraria")
    if written:
        click.echo(
            f"Wrote the IDENTIFYING honorarium statement of {found.heading} to {shown(target)}.", err=True
        )
