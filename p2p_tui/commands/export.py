"""`p2p-tui export-deidentified [--output FILE] [--quarter 2026Q3] [--force]`: the utilization records.

CSV (a header row, then one row per referral, sorted by value) to stdout, or to FILE written
atomically with mode 0600; an existing FILE is never replaced without `--force`. The records carry no
referral id, name or contact. Read-only: the vault file is left byte for byte as it was.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from p2p_tui.commands.base import InvalidInput, common_options, help_from, opened_store, vault_command
from p2p_tui.services.reporting import deidentify
from p2p_tui.vault import private_file

LIST_COLUMNS = {"stressors": "';'-joined"}  # how the help describes a column holding a list


def column_list(width: int = 100) -> str:
    """The export's columns as the help lists them, wrapped to `width`."""
    names = [f"{name} ({LIST_COLUMNS[name]})" if name in LIST_COLUMNS else name for name in deidentify.FIELDS]
    text = f"Columns: {', '.join(names)} (flags 1/0; an empty number of days: not yet)."
    return "\n".join(textwrap.wrap(text, width))


def write_private(target: Path, text: str, *, force: bool, vault: Path | None) -> None:
    """Write `text` to `target` atomically with mode 0600; without `force`, never over an existing file;
    never over or beside `vault` (RefusedOutput, exit 1)."""
    try:
        private_file.write_private(target, text.encode("utf-8"), overwrite=force, vault=vault)
    except FileExistsError:
        raise InvalidInput(f"--output: {target} already exists; choose a new file or add --force") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InvalidInput(f"--output: could not write {target} ({reason}); nothing was written") from None


@click.command("export-deidentified")
@common_options
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV to FILE (mode 0600) instead of printing it.",
)
@click.option("--quarter", metavar="2026Q3", help="Only the referrals received in this quarter.")
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@vault_command
@help_from(columns=column_list())
def command(output: Path | None, quarter: str | None, force: bool) -> None:
    """Export the de-identified utilization records as CSV (one row per referral).

    \b
    {columns}

    No names, contacts or referral ids. Each row is still one physician's case: keep the file as
    confidential as a report, and share counts (p2p-tui report) rather than rows.
    """
    deidentify.clean_quarter(quarter)  # a bad quarter is refused before the passphrase is asked
    if output is not None and output.exists() and not force:
        raise InvalidInput(f"--output: {output} already exists; choose a new file or add --force")
    with opened_store() as store, store.lock:
        text = deidentify.export_csv(quarter)
    if output is None:
        click.echo(text, nl=False)
        return
    write_private(output, text, force=force, vault=store.vault.path)
    rows = text.count("\n") - 1
    click.echo(f"Wrote {rows} records to {output}.", err=True)
