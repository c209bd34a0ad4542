"""`p2p-tui keys [--check]`: the default keymap, as a keymap file to copy and edit; or whether the keymap
file in use (`--keymap FILE`, else the config folder's) can be used."""

from __future__ import annotations

import sys

import click

from p2p_tui.commands.console import console_options, keymap_file, read_keymap, warn_keymap
from p2p_tui.paths import default_keymap


@click.command("keys")
@console_options
@click.option("--check", is_flag=True, help="Check the keymap file in use instead (exit 1 if it is ignored).")
def command(check: bool) -> None:
    """Print every key binding as a keymap file (TOML: binding id = keys).

    Save it as the keymap file named at the top, keep the lines you change, and the console uses those
    keys from its next start. The file holds ids and keys only, never data.
    """
    if not check:
        from p2p_tui.tui import keymap

        click.echo(keymap.default_toml(default_keymap()), nl=False)
        return
    path = keymap_file()
    keys, problems = read_keymap(path)
    if problems:
        warn_keymap(problems)
        sys.exit(1)
    click.echo(f"{path}: {len(keys)} bindings rebound." if path.exists() else f"No keymap file at {path}.")
