"""The full-screen console: what `p2p-tui` runs with no command, and what `p2p-tui demo` opens."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from p2p_tui.commands.base import given_passphrase, vault_path


def open_console(path: Path, passphrase: str | None, hint: str = "") -> None:
    """Run the full-screen console on the vault at `path` (unlocked at once when `passphrase` is given,
    created when there is no vault there); `hint` is shown on the unlock screen."""
    from p2p_tui.tui import compat
    from p2p_tui.tui.app import P2PApp  # Textual loads only when the console opens

    compat.tolerant_input()  # an undecodable byte pasted reads as U+FFFD, not a crash of the input thread
    app = P2PApp(path, passphrase=passphrase, hint=hint)
    try:
        app.run()
    except Exception as exc:  # outside the app's own handling (the terminal could not be set up ...)
        click.echo(f"Error: the console stopped on an unexpected {type(exc).__name__}.", err=True)
        sys.exit(1)
    if app.return_code:  # a crash (its report already shown) is not a success
        sys.exit(app.return_code)


def open_default() -> None:
    """The console on this invocation's vault (`--vault` or the default), with a passphrase if given."""
    open_console(vault_path(), given_passphrase())
