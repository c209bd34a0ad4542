"""Textual's private API, in one place: every use of a name Textual does not publish goes through here.

p2p-tui pins Textual (`textual==8.2.8` in pyproject.toml; `CHECKED_AGAINST`). Where Textual has no
public way to do what the console (or a test) needs, one small function here does it, and its
docstring names the private attribute it relies on. tests/tui/test_compat.py checks every one of them
on the installed Textual and fails on an upgrade that removes or renames one, or on any other version
until this module has been re-checked against it.
"""

from __future__ import annotations

import codecs
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from rich.console import RenderableType
from textual.app import App
from textual.driver import Driver
from textual.notifications import Notification
from textual.widgets import Select

CHECKED_AGAINST = "8.2.8"  # the Textual version every function below was read against
AppType = TypeVar("AppType", bound=type[App[Any]])

# The private names used below, by the Textual class that has them (instance attributes included).
PRIVATE_NAMES: dict[type[Any], tuple[str, ...]] = {
    App: (
        "_fatal_error",
        "_exception",
        "_exit_renderables",
        "_close_messages_no_wait",
        "_print_error_renderables",
        "_notifications",
        "_driver",
        "_on_notify",
        "_unnotify",
        "_refresh_notifications",
    ),
    Select: ("_options",),
}


def quiet_crashes(report: Callable[[BaseException | None], RenderableType]) -> Callable[[AppType], AppType]:
    """A class decorator: on an unhandled exception the app rings, shows `report(error)` and exits,
    instead of Textual's traceback (which prints local variables and the exception's message).

    Relies on `App._fatal_error()` (what `App._handle_exception` calls for an exception without
    `__rich__`), `App._exception` (the first unhandled exception), `App._exit_renderables` (what is
    printed once the terminal is restored) and `MessagePump._close_messages_no_wait()` (how Textual's
    own `_fatal_error` ends the app).
    """

    def fatal_error(app: App[Any]) -> None:
        """An unexpected error: say where, never what. The last save completes on exit."""
        app.bell()
        exit_with(app, report(sys.exc_info()[1] or unhandled_exception(app)))

    def panic(app: App[Any], *_renderables: RenderableType) -> None:
        """Textual's other way out of an error (the input thread's crash, an exception with `__rich__`):
        its renderables (a traceback) are not shown, the report is, and the exit code is 1."""
        app.bell()
        app.exit(return_code=1)  # App.panic leaves the return code at 0: a crash would look like success
        exit_with(app, report(sys.exc_info()[1] or unhandled_exception(app)))

    def decorate(cls: AppType) -> AppType:
        setattr(cls, "_fatal_error", fatal_error)  # noqa: B010 - a private name, set here only
        cls.panic = panic  # type: ignore[method-assign, assignment]
        return cls

    return decorate


def tolerant_input() -> None:
    """Decode the terminal's input with undecodable bytes read as U+FFFD instead of stopping the input
    thread (and the console) on a UnicodeDecodeError: a paste of invalid UTF-8 shows "�".

    Relies on `textual.drivers.linux_driver.getincrementaldecoder` (the module-level name its input
    thread calls, `getincrementaldecoder("utf-8")()`), replaced by one whose decoders use
    errors="replace". Idempotent; on Windows (another driver) it does nothing.
    """
    try:
        from textual.drivers import linux_driver
    except ImportError:  # pragma: no cover - Windows: termios is missing
        return
    setattr(linux_driver, "getincrementaldecoder", _replacing_decoder)  # noqa: B010 - a module global


def _replacing_decoder(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


def unhandled_exception(app: App[Any]) -> BaseException | None:
    """The first exception the app did not handle, if any (relies on `App._exception`)."""
    error: BaseException | None = app._exception
    return error


def exit_with(app: App[Any], renderable: RenderableType) -> None:
    """End the app at once and print `renderable` after the terminal is restored, as Textual does after a
    crash (relies on `App._exit_renderables` and `MessagePump._close_messages_no_wait()`)."""
    app._exit_renderables.append(renderable)
    app._close_messages_no_wait()


def capture_exit_output(app: App[Any], sink: list[RenderableType]) -> None:
    """For tests: collect into `sink` what the app would print on exit instead of printing it (relies on
    `App._print_error_renderables()` printing `App._exit_renderables`)."""

    def capture() -> None:
        sink.extend(app._exit_renderables)
        app._exit_renderables.clear()

    setattr(app, "_print_error_renderables", capture)  # noqa: B010 - a private name, set here only


def at_most_notices(count: int) -> Callable[[AppType], AppType]:
    """A class decorator: at most `count` notices stack at once, the oldest dropped first.

    Relies on `App._on_notify` (where Textual adds a notice), `App._notifications`, `App._unnotify`
    and `App._refresh_notifications` (how Textual's own timeout removes one).
    """

    def decorate(cls: AppType) -> AppType:
        added = cls._on_notify

        def on_notify(app: App[Any], event: Any) -> None:
            added(app, event)
            shown = list(app._notifications)
            for old in shown[: max(len(shown) - count, 0)]:
                app._unnotify(old, refresh=False)
            app._refresh_notifications()

        cls._on_notify = on_notify  # type: ignore[method-assign,assignment]
        return cls

    return decorate


def notifications(app: App[Any]) -> Iterator[Notification]:
    """The notifications the app shows now, oldest first (relies on `App._notifications`)."""
    return iter(app._notifications)


def driver(app: App[Any]) -> Driver:
    """The running app's driver, which writes to the terminal (relies on `App._driver`)."""
    found = app._driver
    if found is None:
        raise RuntimeError("the app is not running")
    return found


def select_values(select: Select[Any]) -> list[Any]:
    """A Select's values in the order its overlay lists them, the blank first when it has one (relies on
    `Select._options`, a list of (prompt, value))."""
    return [value for _prompt, value in select._options]
