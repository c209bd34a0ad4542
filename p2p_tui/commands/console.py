"""The full-screen console: what `p2p-tui` runs with no command, and what `p2p-tui demo` opens.

`--keymap FILE` (else `keymap.toml` in the config folder, if there is one) rebinds its keys, and
`--no-mouse` leaves the mouse to the terminal; both go before or after the command name.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from p2p_tui.commands.base import given_passphrase, vault_path
from p2p_tui.paths import default_keymap

F = TypeVar("F", bound=Callable[..., Any])
KEYMAP = "p2p_tui.keymap"
NO_MOUSE = "p2p_tui.no_mouse"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value:  # a flag left off, or an option not given here, never undoes one given on the group
        ctx.meta[KEYMAP if param.name == "keymap" else NO_MOUSE] = value
    return value


def console_options(func: F) -> F:
    """`--keymap FILE` and `--no-mouse`, for the commands that open the console."""
    func = click.option(
        "--no-mouse",
        is_flag=True,
        expose_value=False,
        callback=_remember,
        help="Turn the mouse off in the console (the terminal keeps it: select, scroll).",
    )(func)
    func = click.option(
        "--keymap",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        expose_value=False,
        callback=_remember,
        help=f"Rebind keys from FILE (default: {default_keymap()} if it exists; see: p2p-tui keys).",
    )(func)
    return func


def keymap_file() -> Path:
    """The keymap file of this invocation: `--keymap`, else the one in the config folder."""
    given = click.get_current_context().meta.get(KEYMAP)
    return Path(given) if given else default_keymap()


def read_keymap(path: Path) -> tuple[dict[str, str], list[str]]:
    """The keymap in `path` and, when it cannot be used (then it is {}), why, naming its file."""
    from p2p_tui.tui import keymap  # Textual loads only when the console opens

    try:
        return keymap.load(path), []
    except keymap.KeymapError as exc:
        return {}, [f"{path}:", *exc.problems, "The default keys are in use (p2p-tui keys lists them)."]


def warn_keymap(problems: list[str]) -> None:
    """Say on the terminal that the keymap file is ignored, and why (nothing when it is fine)."""
    if problems:
        click.echo("Keymap file ignored: " + "\n  ".join(problems), err=True)


def open_console(path: Path, passphrase: str | None, hint: str = "") -> None:
    """Run the full-screen console on the vault at `path` (unlocked at once when `passphrase` is given,
    created when there is no vault there); `hint` is shown on the unlock screen."""
    from p2p_tui.tui import compat
    from p2p_tui.tui.app import P2PApp  # Textual loads only when the console opens

    keys, problems = read_keymap(keymap_file())
    warn_keymap(problems)  # shown again inside the console; this stays on the terminal after it closes
    compat.tolerant_input()  # an undecodable byte pasted reads as U+FFFD, not a crash of the input thread
    app = P2PApp(path, passphrase=passphrase, hint=hint, keymap=keys, keymap_problems=problems)
    try:
        app.run(mouse=not click.get_current_context().meta.get(NO_MOUSE, False))
    except Exception as exc:  # outside the app's own handling (the terminal could not be set up ...)
        click.echo(f"Error: the console stopped on an unexpected {type(exc).__name__}.", err=True)
        sys.exit(1)
    if app.return_code:  # a crash (its report already shown) is not a success
        sys.exit(app.return_code)


def open_default() -> None:
    """The console on this invocation's vault (`--vault` or the default), with a passphrase if given."""
    open_console(vault_path(), given_passphrase())
