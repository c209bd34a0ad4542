"""`p2p-tui export-deidentified [--output FILE] [--quarter 2026Q3] [--force] | --check FILE`.

The utilization records, k-anonymous: CSV (a header row, then one row per referral kept, sorted by
value) to stdout, or to FILE written atomically with mode 0600; an existing FILE is never replaced
without `--force`. What was generalised and how many rows were withheld is printed to stderr. The
records carry no referral id, name or contact. The vault's data is unchanged; the export is recorded
in the audit trail. `--check FILE` reports the smallest group of an exported CSV over the same
quasi-identifiers (`kanon.QUASI_IDENTIFIERS`) against k: `--k N`, else the vault's `export_k`
(`--vault`, or the default vault if there is one), else the default 5.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from p2p_tui.commands.base import (
    InvalidInput,
    common_options,
    help_from,
    opened_store,
    options,
    read_input,
    shown,
    vault_command,
    vault_path,
)
from p2p_tui.services.admin import audit
from p2p_tui.services.reporting import deidentify, kanon
from p2p_tui.store import settings
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
@click.option(
    "--check",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Check an exported CSV: print its smallest group of rows sharing the quasi-identifiers and "
    "whether k-anonymity holds (exit 1 if not); nothing is exported.",
)
@click.option(
    "--k",
    "k",
    type=click.IntRange(settings.MIN_EXPORT_K, 100),
    metavar="N",
    help="With --check: the k to check against (instead of the vault's setting).",
)
@vault_command
@help_from(
    columns=column_list(),
    quasi=", ".join(q.replace("_", " ") for q in kanon.QUASI_IDENTIFIERS),
    steps="; ".join(kanon.STEPS),
    k=settings.DEFAULTS["export_k"],
    least=settings.MIN_EXPORT_K,
)
def command(output: Path | None, quarter: str | None, force: bool, check: Path | None, k: int | None) -> None:
    """Export the de-identified utilization records as CSV (one row per referral), k-anonymous.

    \b
    {columns}

    Every combination of {quasi} is shared by at least k rows (k in Settings: {k} by default,
    never below {least}). Until it holds, every row is generalised a step: {steps}; rows still in a
    smaller group are withheld. What was done is printed. No names, contacts or referral ids; keep
    the file as confidential as a report, and share counts (p2p-tui report) rather than rows.

    --check FILE counts the rows of FILE sharing each combination of {quasi} and reports the
    smallest group against k: --k N if given, else the vault's k (--vault, or the default vault if it
    exists; the passphrase is asked), else {k}. It exits 1 when k-anonymity does not hold.
    """
    if check is not None:
        check_file(check, k if k is not None else vault_k())
        return
    if k is not None:
        raise InvalidInput("--k: only with --check (the export uses the vault's k, in Settings)")
    deidentify.clean_quarter(quarter)  # a bad quarter is refused before the passphrase is asked
    if output is not None and output.exists() and not force:
        raise InvalidInput(f"--output: {output} already exists; choose a new file or add --force")
    with opened_store() as store:
        with store.lock:
            text, done = deidentify.export(quarter)
        if output is not None:
            write_private(output, text, force=force, vault=store.vault.path)
        with store.atomic():
            audit.record("export", table="deidentified")
    if output is None:
        click.echo(text, nl=False)
        click.echo(done.describe(), err=True)
        return
    click.echo(f"Wrote {len(done.rows)} records to {shown(output)}. {done.describe()}", err=True)


def vault_k() -> int:
    """The k of the vault (--vault, or the default vault when it exists), else the default."""
    if options().vault is None and not vault_path().exists():
        return int(settings.DEFAULTS["export_k"])
    with opened_store() as store, store.lock:
        return deidentify.clean_k(settings.get("export_k"))


def check_file(path: Path, least: int) -> None:
    """Print the smallest group of an exported CSV; exit 1 when it is not one or the group is under k."""
    try:
        smallest, rows = kanon.smallest_group(read_input(path, "--check").decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInput(f"--check: {path.name}: is not UTF-8 text (an export is)") from None
    except ValueError as exc:  # csv_text.CsvError too: the line named
        raise InvalidInput(f"--check: {path.name}: {exc}") from None
    verdict = "holds" if smallest >= least or rows == 0 else "does NOT hold"
    click.echo(
        f"{kanon.rows(rows)}; the smallest group of quasi-identifiers has {kanon.rows(smallest)}: "
        f"k = {least} {verdict}."
    )
    if verdict != "holds":
        raise SystemExit(1)
