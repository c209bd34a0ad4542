"""`p2p-tui demo [--no-open]`: a demo vault of synthetic people (replacing an earlier demo vault).

It lives apart from the real vault (the demo path, unless `--vault` is given) and opens with the
passphrase given or `DEMO_PASSPHRASE`, which is printed: the data is synthetic. A real vault at the
path is never replaced.
"""

from __future__ import annotations

from pathlib import Path

import click

from p2p_tui.commands.base import (
    DEMO_PASSPHRASE,
    common_options,
    given_passphrase,
    opened_store,
    shown,
    vault_command,
    vault_path,
)
from p2p_tui.commands.console import open_console
from p2p_tui.store import Store
from p2p_tui.vault import VaultExists
from p2p_tui.vault import backups as vault_backups


@click.command("demo")
@common_options
@click.option("--no-open", is_flag=True, help="Create the demo vault but do not open the console.")
@vault_command
def command(no_open: bool) -> None:
    """Create a demo vault of synthetic data (replacing an earlier demo vault), then open it."""
    path = vault_path(demo=True)
    passphrase = given_passphrase() or DEMO_PASSPHRASE
    if path.exists():
        _remove_old_demo(path, passphrase)
    click.echo("Creating the demo vault of synthetic people...", err=True)
    store, _code = Store.create(path, passphrase)
    try:
        from p2p_tui.services import clock
        from p2p_tui.services import demo as demo_data

        with store.atomic():
            store.db.raw().execute("INSERT INTO meta(key, value) VALUES ('demo', '1')")
            counts = demo_data.populate(clock.today())
            from p2p_tui.services.admin import retention

            retention.daily_check(clock.today())  # ended cases past retention lose their names
    finally:
        store.close()
    click.echo(f"Demo vault: {shown(path)}")
    click.echo(f"Passphrase: {passphrase}")
    click.echo(f"Synthetic data: {counts['supporter']} supporters, {counts['referral']} referrals")
    if not no_open:
        open_console(path, passphrase, hint=f"Demo vault of synthetic people; its passphrase: {passphrase}")


def _remove_old_demo(path: Path, passphrase: str) -> None:
    """Delete an earlier demo vault; refuse anything that is not one."""
    with opened_store(path, passphrase) as store:
        is_demo = store.db.scalar("SELECT value FROM meta WHERE key = 'demo'") == "1"
    if not is_demo:
        raise VaultExists(f"{path} is a real vault, not a demo.", "Choose another --vault for the demo.")
    path.unlink()
    for old in vault_backups.listing(path):
        old.path.unlink(missing_ok=True)
