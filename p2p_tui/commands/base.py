"""What every command shares: --vault and --passphrase-file anywhere, passphrase sources, error exits."""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from p2p_tui.paths import default_demo_vault, default_vault
from p2p_tui.services.admin import passphrase
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import Store
from p2p_tui.vault import VaultError, VaultNotFound

PASSPHRASE_ENV = "P2P_TUI_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
DEMO_PASSPHRASE = "demo vault passphrase"  # noqa: S105 - synthetic data only, printed on purpose
F = TypeVar("F", bound=Callable[..., Any])


class InvalidInput(click.ClickException):
    """Bad input from the coordinator: exit 1 with a message naming the field."""

    exit_code = 1


@dataclass
class Options:
    """Options every command takes, on the group or on the command itself."""

    vault: Path | None = None
    passphrase_file: Path | None = None


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None:
        opts = ctx.find_root().ensure_object(Options)
        setattr(opts, param.name or "", value)
    return value


def common_options(func: F) -> F:
    """`--vault` and `--passphrase-file`, accepted before or after the command name."""
    func = click.option(
        "--passphrase-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        expose_value=False,
        callback=_remember,
        help=f"Read the passphrase from the first line of FILE (or set {PASSPHRASE_ENV}).",
    )(func)
    func = click.option(
        "--vault",
        type=click.Path(dir_okay=False, path_type=Path),
        expose_value=False,
        callback=_remember,
        help="The vault file (default: program.p2pvault in your user data folder).",
    )(func)
    return func


def options() -> Options:
    """This invocation's common options."""
    return click.get_current_context().find_root().ensure_object(Options)


def vault_path(demo: bool = False) -> Path:
    """The vault this command works on."""
    chosen = options().vault
    if chosen is not None:
        return chosen.expanduser()
    return default_demo_vault() if demo else default_vault()


def given_passphrase() -> str | None:
    """The passphrase from --passphrase-file or the environment, if either was given."""
    file = options().passphrase_file
    if file is not None:
        return file.read_text(encoding="utf-8").splitlines()[0] if file.stat().st_size else ""
    return os.environ.get(PASSPHRASE_ENV)


def ask_passphrase(prompt: str = "Passphrase") -> str:
    """The passphrase: given, or asked for without echo."""
    given = given_passphrase()
    if given is not None:
        return given
    value: str = click.prompt(prompt, hide_input=True, err=True)
    return value


def new_passphrase(source: Path | None = None, prompt: str = "New passphrase") -> str:
    """A new passphrase from a file, the environment or a prompt asked twice; refuses short ones."""
    if source is not None:
        value = source.read_text(encoding="utf-8").splitlines()[0] if source.stat().st_size else ""
    else:
        given = given_passphrase()
        value = (
            given
            if given is not None
            else click.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True)
        )
    try:
        passphrase.check_new(value)
    except ValidationError as exc:
        raise InvalidInput(str(exc)) from None
    return value


def vault_command(func: F) -> F:
    """Turn the vault's named errors into their message and exit code; finish saves on SIGTERM."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        def stop(signum: int, _frame: object) -> None:
            raise SystemExit(128 + signum)

        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                signal.signal(sig, stop)
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except VaultError as exc:
            message, next_step = exc.for_command_line()
            click.echo(f"Error: {message}", err=True)
            if next_step:
                click.echo(next_step, err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def open_store(recovery: bool = False) -> Store:
    """Unlock the vault of this invocation."""
    path = vault_path()
    if recovery:
        code: str = click.prompt("Recovery code", err=True)
        return Store.open(path, code, recovery=True)
    if not path.exists():
        raise VaultNotFound(f"There is no vault at {path}.", "Create one with: p2p-tui init")
    return Store.open(path, ask_passphrase())
