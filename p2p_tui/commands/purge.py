"""`p2p-tui purge [--dry-run]`: apply the retention policy now (DESIGN section 4).

Clears the identifying fields of cases that ended at least `retention_days` ago (Settings, default
90) and of their physicians once none of their cases is kept (supporters always stay). Prints counts
only, never who. `--dry-run` changes nothing: the vault file is left byte for byte as it was.
"""

from __future__ import annotations

import click

from p2p_tui.commands.base import common_options, opened_store, vault_command
from p2p_tui.services import clock
from p2p_tui.services.admin import retention


@click.command("purge")
@common_options
@click.option(
    "--dry-run", is_flag=True, help="Show how many cases and physicians would be purged; change nothing."
)
@vault_command
def command(dry_run: bool) -> None:
    """Purge names, contacts and logistics notes of cases ended longer ago than the retention period.

    The de-identified utilization records are kept; the purge log keeps the date and the counts.
    """
    day = clock.today()
    with opened_store() as store:
        if dry_run:
            with store.lock:
                done = retention.purge(day, dry_run=True)
        else:
            with store.atomic():
                done = retention.purge(day, dry_run=False)
    click.echo(done.summary())
    click.echo(f"(cases that ended on or before {done.cutoff.isoformat()}; supporters are kept)")
    if not dry_run and not done.empty:
        click.echo("Backups made before now still hold these fields until they rotate out.")
