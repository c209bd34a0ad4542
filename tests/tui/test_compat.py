"""The Textual private API behind p2p_tui/tui/compat.py still exists, and still means what compat expects.

This is the first test to fail on a Textual upgrade: the version check fails on any other version, and
the others name the private attribute that was removed or renamed. See `UPGRADE` for what to re-check.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import re
from pathlib import Path

import pytest
from rich.console import RenderableType
from textual.app import App
from textual.notifications import Notifications
from textual.widgets import Select

from p2p_tui.tui import compat
from p2p_tui.tui.app import P2PApp

ROOT = Path(__file__).parents[2]
UPGRADE = (
    "p2p_tui/tui/compat.py was checked against Textual {checked}, but Textual {found} is installed. "
    "Before moving the pin: read each function in compat.py against the new Textual's source (every "
    "name in compat.PRIVATE_NAMES; that App._handle_exception still calls _fatal_error() and that "
    "App._print_error_renderables still prints _exit_renderables; Select._options' shape), run "
    "tests/tui (the crash test in test_console.py and the snapshots), then set compat.CHECKED_AGAINST "
    "and the textual== pin in pyproject.toml to the new version."
)


def test_textual_is_the_version_compat_was_checked_against() -> None:
    found = importlib.metadata.version("textual")
    message = UPGRADE.format(checked=compat.CHECKED_AGAINST, found=found)
    assert found == compat.CHECKED_AGAINST, message
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"textual=={compat.CHECKED_AGAINST}"' in pyproject, message


def test_every_private_name_compat_uses_exists() -> None:
    instances = {App: App(), Select: Select([("one", 1)])}
    for cls, names in compat.PRIVATE_NAMES.items():
        for name in names:
            assert hasattr(instances[cls], name), (
                f"Textual's {cls.__name__}.{name} is gone or renamed; compat.py relies on it. "
                + UPGRADE.format(checked=compat.CHECKED_AGAINST, found=importlib.metadata.version("textual"))
            )


def test_the_crash_hook_is_still_where_compat_puts_it() -> None:
    assert "self._fatal_error()" in inspect.getsource(App._handle_exception)
    assert list(inspect.signature(App._fatal_error).parameters) == ["self"]
    assert "_exit_renderables" in inspect.getsource(App._print_error_renderables)
    assert P2PApp._fatal_error is not App._fatal_error  # (compat.quiet_crashes replaced it)


def test_the_private_values_have_the_shapes_compat_reads() -> None:
    app = App()
    assert compat.unhandled_exception(app) is None
    assert isinstance(app._exit_renderables, list)
    assert isinstance(app._notifications, Notifications) and list(compat.notifications(app)) == []
    with pytest.raises(RuntimeError):
        compat.driver(app)  # not running
    assert compat.select_values(Select([("one", 1), ("two", 2)])) == [Select.NULL, 1, 2]
    assert compat.select_values(Select([("one", 1)], allow_blank=False)) == [1]


async def test_a_quiet_crash_shows_the_report_only() -> None:
    @compat.quiet_crashes(lambda error: f"stopped on {type(error).__name__}")
    class Crashing(App[None]):
        def action_crash(self) -> None:
            raise ValueError("a secret in the message")

    app = Crashing()
    shown: list[RenderableType] = []
    compat.capture_exit_output(app, shown)
    with pytest.raises(ValueError):
        async with app.run_test() as pilot:
            assert compat.driver(app) is not None
            app.notify("hello")
            await pilot.pause()
            assert [n.message for n in compat.notifications(app)] == ["hello"]
            app.bind("f12", "crash")
            await pilot.press("f12")
            await pilot.pause()
    assert shown == ["stopped on ValueError"]


def test_nothing_else_touches_textual_private_names() -> None:
    """Only compat.py (and this test) may name them: a new use must be added there, documented."""
    names = {name for names in compat.PRIVATE_NAMES.values() for name in names}
    listed = "|".join(sorted(names))
    use = re.compile(rf"(\.|\bdef )({listed})\b|\btextual(\.\w+)*\._\w+")  # a use, an override, an import
    allowed = {ROOT / "p2p_tui" / "tui" / "compat.py", Path(__file__)}
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("p2p_tui", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if path not in allowed
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if use.search(line)
    ]
    assert found == [], "use p2p_tui/tui/compat.py for Textual's private names"


def test_the_terminal_input_decoder_compat_replaces_is_still_there() -> None:
    from textual.drivers import linux_driver

    assert 'getincrementaldecoder("utf-8")()' in inspect.getsource(linux_driver.LinuxDriver.run_input_thread)
    compat.tolerant_input()
    decode = linux_driver.getincrementaldecoder("utf-8")().decode  # type: ignore[attr-defined]
    assert decode(b"x\x9by", final=False) == "x\ufffdy"  # atk 9, F4: a paste of invalid UTF-8


async def test_a_panic_exits_non_zero_with_the_report_only() -> None:
    """Atk 9, F4: Textual's input thread ends the app through App.panic, which left the code at 0."""

    @compat.quiet_crashes(lambda error: "stopped")
    class Panicking(App[None]):
        def action_panic(self) -> None:
            self.panic("a traceback holding a name")

    app = Panicking()
    shown: list[RenderableType] = []
    compat.capture_exit_output(app, shown)
    async with app.run_test() as pilot:
        app.bind("f12", "panic")
        await pilot.press("f12")
        await pilot.pause()
    assert shown == ["stopped"] and app.return_code == 1
