"""`p2p-tui log [--since YYYY-MM-DD] [--json]`: the audit trail, oldest first, never a value.

Read-only. Each line is one entry: its number, when (UTC), what kind, which table and record ids, and
which fields an update changed, in plain words (`--json` keeps the codes). The chain is checked by
`p2p-tui check`.
"""

from __future__ import annotations

import json
from datetime import datetime

import click

from p2p_tui.commands.base import DATE, common_options, opened_store, vault_command
from p2p_tui.services import common, labels
from p2p_tui.services.admin import audit
from p2p_tui.services.admin.audit import EntryView

KIND_WIDTH = max(len(word) for word in labels.LABELS["audit_kind"].values())
HEADER = f"{'#':>6}  {'when (UTC)':<20}  {'kind':<{KIND_WIDTH}}  {'table':<18}  {'record':<12}  fields"


def line(entry: EntryView) -> str:
    """One entry as a line of text, in plain words (`--json` keeps the codes)."""
    at = "-" if entry.at is None else entry.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    ids = common.printable(entry.records)
    fields = common.printable(entry.changed)
    table = common.printable(entry.table_words)
    kind = labels.label("audit_kind", entry.kind)
    return f"{entry.id:>6}  {at:<20}  {kind:<{KIND_WIDTH}}  {table:<18}  {ids:<12}  {fields}"


@click.command("log")
@common_options
@click.option(
    "--since",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="Only the entries from this day on (UTC), YYYY-MM-DD.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the entries as a JSON list.")
@vault_command
def command(since: datetime | None, as_json: bool) -> None:
    """Show the audit trail: every change, export, import, purge, restore, passphrase change and
    unlock, with when, what kind, the table, the record ids and the fields changed; never a value.

    Each entry carries the SHA-256 of the one before it: p2p-tui check finds one removed or edited.
    """
    day = common.within_calendar("--since", since.date()) if since is not None else None
    with opened_store() as store, store.lock:
        found = audit.entries(since=day)
    if as_json:
        click.echo(json.dumps([entry.as_json() for entry in found], indent=2))
        return
    click.echo(f"{len(found)} entr{'y' if len(found) == 1 else 'ies'}" + (f" since {day}" if day else ""))
    if found:
        click.echo(HEADER)
    for entry in found:
        click.echo(line(entry))
