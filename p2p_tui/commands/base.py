"""What every command shares: --vault and --passphrase-file anywhere, passphrases, `opened_store`, exits."""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from p2p_tui.paths import VAULT_FILE, default_demo_vault, default_vault
from p2p_tui.services import common
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


def shown(value: object) -> str:
    """Text given on the command line (a file name, say) as it may be printed: no control character
    reaches the terminal raw (`common.printable`)."""
    return common.printable(str(value))


def _printable_messages(cls: type[click.ClickException]) -> None:
    own = cls.__dict__["format_message"]

    def format_message(self: click.ClickException) -> str:
        return shown(own(self))

    cls.format_message = format_message  # type: ignore[method-assign]


# Every message click prints on an error (ours and its own: "Path '...' does not exist", "Invalid value
# for '--on': ...") names what was given; each passes `shown`, so an escape in a file name stays inert.
for _cls in (click.ClickException, click.BadParameter, click.MissingParameter, click.FileError):
    _printable_messages(_cls)


class IsoDate(click.ParamType[datetime, Any]):
    """A date option written YYYY-MM-DD in ASCII digits (click.DateTime reads any script's digits, so
    "２０２６-01-01" in fullwidth digits passed); the value is a datetime at midnight, as DateTime's."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            if not text.isascii():
                raise ValueError
            return datetime.strptime(text, "%Y-%m-%d")  # noqa: DTZ007 - a calendar day, no time zone
        except ValueError:
            self.fail("must be a date written YYYY-MM-DD (digits 0-9)", param, ctx)


DATE = IsoDate()
RECORD_ID = click.IntRange(1, common.MAX_ID)  # a record number, as SQLite can hold it


def interactive() -> bool:
    """Whether a person at a terminal can answer a question."""
    return sys.stdin.isatty()


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
        help=f"The vault file (default: {VAULT_FILE} in your user data folder).",
    )(func)
    return func


def help_from(**values: object) -> Callable[[F], F]:
    """Fill the `{name}` fields of a command's docstring, which click shows as its --help, with the
    numbers and lists it restates from the code (weights, lengths, columns), so the two cannot drift.

    Put it right above the function: `@click.command` reads the docstring when it runs.
    """

    def fill(func: F) -> F:
        func.__doc__ = inspect.cleandoc(func.__doc__ or "").format(**values)
        return func

    return fill


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
        return read_passphrase_file(file, "--passphrase-file")
    return os.environ.get(PASSPHRASE_ENV)


INPUT_LIMIT = 50 * 1024 * 1024  # the largest file a command reads (an import, a check): 50 MiB
PASSPHRASE_FILE_LIMIT = 64 * 1024


def read_input(path: Path, what: str, limit: int = INPUT_LIMIT) -> bytes:
    """A file a command reads whole, bounded: InvalidInput (naming `what`) if it is not a regular file
    (a device such as /dev/zero, a pipe, a folder) or is larger than `limit`, before anything is read."""
    flags = (
        os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    )
    try:
        # non-blocking: a pipe with no writer would hold the open; a regular file ignores the flag
        with open(os.open(path, flags), "rb") as file:
            found = os.fstat(file.fileno())
            if not stat.S_ISREG(found.st_mode):
                raise InvalidInput(f"{what}: is not a regular file (a device, a pipe or a folder)")
            if found.st_size > limit:
                raise InvalidInput(f"{what}: is larger than {limit // 1024:,} KiB; nothing was read")
            data = file.read(limit + 1)
    except OSError as exc:
        raise InvalidInput(f"{what}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > limit:  # it grew while being read
        raise InvalidInput(f"{what}: is larger than {limit // 1024:,} KiB; nothing was read")
    return data


def read_passphrase_file(path: Path, option: str) -> str:
    """The first line of a passphrase file: UTF-8, a byte-order mark (Notepad writes one) dropped."""
    try:
        text = read_input(path, option, PASSPHRASE_FILE_LIMIT).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{option}: the file is not UTF-8 text; save it as UTF-8 and try again") from None
    lines = text.splitlines()
    return lines[0] if lines else ""


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
        value = read_passphrase_file(source, "--new-passphrase-file")
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


BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a command whose output pipe closed
NOT_WRITTEN = (
    "Nothing was changed. Check that the folder exists and may be written, or choose another --vault."
)


@contextlib.contextmanager
def exit_codes() -> Iterator[None]:
    """Turn invalid input and the vault's named errors into their message and exit code (ARCHITECTURE.md §6).

    ValidationError exits 1 naming the field; a VaultError prints its message and next step and exits
    with its own code (1 not found or not written, 3 wrong passphrase, 4 damaged, 5 in use).
    """
    try:
        yield
    except ValidationError as exc:
        click.echo(f"Error: {shown(exc)}", err=True)
        sys.exit(1)
    except VaultError as exc:
        message, next_step = exc.for_command_line()  # once exited: what is on disk, not the console's words
        click.echo(f"Error: {shown(message)}", err=True)
        if next_step:
            click.echo(shown(next_step), err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # the reader went away (`check | head -2`): quiet, as a shell's own tools are
        _quiet_stdout()
        sys.exit(BROKEN_PIPE)
    except OSError as exc:  # a folder that cannot be written, a path through a file, a full disk ...
        where = f" ({shown(exc.filename)})" if exc.filename else ""
        click.echo(f"Error: {exc.strerror or type(exc).__name__}{where}.", err=True)
        click.echo(
            "Nothing was changed. Check the folder exists and may be written, or choose another --vault.",
            err=True,
        )
        sys.exit(1)


def _quiet_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush into the closed
    pipe says nothing either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real descriptor (a captured stream): nothing left to flush
        pass


def vault_command(func: F) -> F:
    """Run a command under `exit_codes`; finish saves on SIGTERM (and SIGHUP) by exiting cleanly."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        def stop(signum: int, _frame: object) -> None:
            raise SystemExit(128 + signum)

        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                signal.signal(sig, stop)
        with exit_codes():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def opened_store(
    path: Path | None = None, passphrase: str | None = None, *, recovery: bool = False
) -> Iterator[Store]:
    """The unlocked vault of this invocation, closed (its last save finished) when the block ends.

    Resolves the vault (`--vault` or the default), reads the passphrase (`--passphrase-file`, the
    environment or a prompt; the recovery code is asked for with `recovery`), opens the Store, and maps
    the vault's errors, while opening, inside the block or on closing, to their exit codes.

    Args:
        path: Another vault than this invocation's (the demo's).
        passphrase: The passphrase, when the command already has it (the demo's).
        recovery: Unlock with the recovery code, asked for, instead of the passphrase.
    """
    with exit_codes():
        store = _unlock(path or vault_path(), passphrase, recovery)
        try:
            yield store
        finally:
            store.close()


def _unlock(path: Path, passphrase: str | None, recovery: bool) -> Store:
    if recovery:
        return Store.open(path, recovery_code(), recovery=True)
    if not path.exists():
        raise VaultNotFound(f"There is no vault at {path}.", "Create one with: p2p-tui init")
    return Store.open(path, ask_passphrase() if passphrase is None else passphrase)


RECOVERY_HOW = (
    "--recovery: give the recovery code at the terminal, or on the first line of --passphrase-file FILE "
    f"or in {PASSPHRASE_ENV} (with --recovery they hold the code)"
)


def recovery_code() -> str:
    """The recovery code: from --passphrase-file or the environment when given, else asked for; with
    neither and no terminal to ask at, a usage error (exit 2) saying how to give it."""
    given = given_passphrase()
    if given is not None:
        return given
    try:
        code: str = click.prompt("Recovery code", err=True)
    except click.Abort:
        raise click.UsageError(RECOVERY_HOW) from None
    return code
