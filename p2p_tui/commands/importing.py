"""`p2p-tui import roster|referrals FILE.csv [--dry-run]`: all or nothing, every bad row listed.

A rejected import, like any dry run, leaves the vault file untouched: the import runs inside one
transaction that is rolled back, and a save is only requested when a transaction commits.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from p2p_tui.commands.base import (
    InvalidInput,
    common_options,
    help_from,
    opened_store,
    read_input,
    vault_command,
)
from p2p_tui.services.admin.importing import HEADERS, KINDS, SEPARATOR, ImportPlan, import_csv
from p2p_tui.services.errors import ValidationErrors
from p2p_tui.store import Store

NOTHING_IMPORTED = "Nothing was imported: fix the rows above and import again."


@click.command("import")
@common_options
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; change nothing.")
@vault_command
@help_from(separator=SEPARATOR, **{kind: ",".join(header) for kind, header in HEADERS.items()})
def command(kind: str, file: Path, dry_run: bool) -> None:
    """Import a roster or referrals CSV file (UTF-8, header on line 1).

    \b
    roster:    {roster}
    referrals: {referrals}

    Lists (evaluates, stressors) are separated by '{separator}'; flags are yes or no; dates YYYY-MM-DD.
    A file with any bad row is rejected whole, every error listed by row and field.
    """
    text = read_text(file)
    plan: ImportPlan | None = None
    failed: ValidationErrors | None = None
    with opened_store() as store:
        try:
            plan = run(store, kind, text, dry_run)
        except ValidationErrors as exc:
            failed = exc
    if failed is not None:
        for error in failed.errors:
            click.echo(str(error), err=True)
        click.echo(NOTHING_IMPORTED, err=True)
        sys.exit(1)
    for line in plan.summary if plan is not None else []:
        click.echo(line)


def run(store: Store, kind: str, text: str, dry_run: bool) -> ImportPlan:
    """The import in a transaction (committed and saved), or a dry run rolled back under the lock."""
    if dry_run:
        with store.lock:
            return import_csv(kind, text, dry_run=True)
    with store.atomic():
        return import_csv(kind, text, dry_run=False)


def read_text(file: Path) -> str:
    """The file as text: UTF-8, with or without the byte-order mark Excel writes."""
    try:
        return read_input(file, "file").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "file: must be UTF-8 text (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')"
        ) from None
