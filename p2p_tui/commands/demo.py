"""`p2p-tui demo [--fresh] [--no-open]`: a demo vault of synthetic people (replacing an earlier demo).

It lives apart from the real vault (the demo path, unless `--vault` is given) and opens with the
passphrase given or `DEMO_PASSPHRASE`, which is printed: the data is synthetic. A real vault at the
path is never replaced. An earlier demo vault changed since it was made (practice work in it,
`services/demo_state.py`) is replaced only after a yes at the terminal, or with `--fresh`; without a
terminal and without `--fresh` the command refuses (exit 2) and says to pass `--fresh`.
"""

from __future__ import annotations

from pathlib import Path

import click

from p2p_tui.commands.base import (
    DEMO_PASSPHRASE,
    common_options,
    given_passphrase,
    interactive,
    opened_store,
    shown,
    vault_command,
    vault_path,
)
from p2p_tui.commands.console import console_options, open_console
from p2p_tui.store import Store
from p2p_tui.vault import VaultExists
from p2p_tui.vault import backups as vault_backups


@click.command("demo")
@common_options
@console_options
@click.option("--no-open", is_flag=True, help="Create the demo vault but do not open the console.")
@click.option(
    "--fresh", is_flag=True, help="Replace an earlier demo vault even if it was changed, without asking."
)
@vault_command
def command(no_open: bool, fresh: bool) -> None:
    """Create a demo vault of synthetic data (replacing an earlier demo vault), then open it.

    An earlier demo vault changed since it was made is replaced only after you say yes (or with
    --fresh); answering no keeps it and opens it as it is.
    """
    path = vault_path(demo=True)
    passphrase = given_passphrase() or DEMO_PASSPHRASE
    hint = f"Demo vault of synthetic people; its passphrase: {passphrase}"
    if path.exists() and not _remove_old_demo(path, passphrase, fresh):
        click.echo(f"Kept the demo vault as it is: {shown(path)}")
        if not no_open:
            open_console(path, passphrase, hint=hint)
        return
    click.echo("Creating the demo vault of synthetic people...", err=True)
    store, _code = Store.create(path, passphrase)
    try:
        from p2p_tui.services import clock, demo_state
        from p2p_tui.services import demo as demo_data

        with store.atomic():
            store.db.raw().execute("INSERT INTO meta(key, value) VALUES ('demo', '1')")
            counts = demo_data.populate(clock.today())
            from p2p_tui.services.admin import retention

            retention.daily_check(clock.today())  # ended cases past retention lose their names
            demo_state.mark_made()
    finally:
        store.close()
    click.echo(f"Demo vault: {shown(path)}")
    click.echo(f"Passphrase: {passphrase}")
    click.echo(f"Synthetic data: {counts['supporter']} supporters, {counts['referral']} referrals")
    if not no_open:
        open_console(path, passphrase, hint=hint)


CHANGED = "The demo vault was changed since it was made (practice work may be in it)."
NO_TERMINAL = f"{CHANGED} Nothing replaced: pass --fresh to replace it with a fresh demo."


def _remove_old_demo(path: Path, passphrase: str, fresh: bool) -> bool:
    """Delete an earlier demo vault (asking first if it was changed, unless `fresh`); refuse anything
    that is not one. False if the coordinator chose to keep it."""
    from p2p_tui.services import demo_state

    with opened_store(path, passphrase) as store:
        is_demo = store.db.scalar("SELECT value FROM meta WHERE key = 'demo'") == "1"
        with store.lock:
            changed = is_demo and demo_state.changed_since_made()
    if not is_demo:
        raise VaultExists(f"{path} is a real vault, not a demo.", "Choose another --vault for the demo.")
    if changed and not fresh:
        if not interactive():
            raise click.UsageError(NO_TERMINAL)
        if not click.confirm(f"{CHANGED} Replace it with a fresh demo?", default=False, err=True):
            return False
    path.unlink()
    for old in vault_backups.listing(path):
        old.path.unlink(missing_ok=True)
    return True
