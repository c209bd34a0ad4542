"""A picture of every screen: `make screens` draws each scene into `screens/NAME-WxH.svg`, and the
snapshot tests compare the same scenes. Synthetic demo data, a frozen date and fixed terminal sizes
(every scene at 80x24 and 120x36, the main ones at 200x50 too), so the pictures change only when the
screens do. A scene is played once, at its first size, and the terminal resized for the others.

Run: `python -m p2p_tui.tui.pictures screens/`
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from p2p_tui.services import clock, demo
from p2p_tui.services.admin import retention
from p2p_tui.services.cases import views
from p2p_tui.store import Store
from p2p_tui.tui.app import P2PApp
from p2p_tui.vault import KdfParams

FROZEN_DAY = date(2026, 11, 16)  # a Monday
SIZES = {"80x24": (80, 24), "120x36": (120, 36), "200x50": (200, 50)}
EVERY = ("80x24", "120x36")  # every scene; the main ones are drawn at 200x50 too
MAIN = (*EVERY, "200x50")
SIZE = SIZES["120x36"]  # the size Pilot tests use
PASSPHRASE = "pictures of synthetic data"  # noqa: S105 - a throwaway vault of synthetic people
CHEAP = KdfParams(memory_kib=8, iterations=1, lanes=1)  # the vault lives seconds, in a temp folder

Step = Callable[[Pilot[None]], Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    """One picture: a name, whether it starts unlocked, and the keys that lead to it."""

    name: str
    steps: tuple[str | Step, ...] = ()
    unlocked: bool = True
    new_vault: bool = False
    sizes: tuple[str, ...] = EVERY


@contextlib.contextmanager
def frozen_clock(day: date = FROZEN_DAY) -> Iterator[None]:
    """Freeze the services' notion of today (and of now, for safety escalations)."""
    with clock.frozen(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)):
        yield


def make_demo_vault(folder: Path, day: date = FROZEN_DAY) -> Path:
    """A vault of the demo's synthetic people, as of `day`."""
    path = folder / "demo.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP)
    try:
        with store.atomic():
            demo.populate(day)
            retention.daily_check(day)  # as a coordinator's first unlock that day would
    finally:
        store.close()
    return path


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and the screen paint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def open_case_in(status: str) -> Step:
    """A step that opens the newest case in `status`."""

    async def step(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, P2PApp)  # noqa: S101 - narrows the type
        assert app.store is not None  # noqa: S101
        with app.store.lock:
            found = views.newest_case_id(status)
        if found is not None:
            app.open_case(found)

    return step


SCENES: tuple[Scene, ...] = (
    Scene("unlock", unlocked=False),
    Scene("create", unlocked=False, new_vault=True),
    Scene("today", sizes=MAIN),
    Scene("today-terms", ("space",)),
    Scene("help", ("f1",)),
    Scene("cases", ("f3",), sizes=MAIN),
    Scene("case", (open_case_in("contacted"),), sizes=MAIN),
    Scene("case-privacy", ("f8", open_case_in("contacted"))),
    Scene("match", (open_case_in("new"), "m")),
    Scene("contact", (open_case_in("matched"), "c")),
    Scene("survey", (open_case_in("followed_up"), "v")),
    Scene("safety", (open_case_in("contacted"), "exclamation_mark")),
    Scene("intake", ("f7",)),
    Scene("roster", ("f4",), sizes=MAIN),
    Scene("supporter", ("f4", "enter")),
    Scene("training", ("f5",)),
    Scene("settings", ("f6",)),
    Scene("report", ("f9",), sizes=MAIN),
    Scene("report-empty", ("f9", "right_square_bracket", "right_square_bracket")),
    Scene("log", ("f10",)),
)


def app_for(scene: Scene, folder: Path, vault: Path) -> P2PApp:
    """The app a scene starts from."""
    if scene.new_vault:
        return P2PApp(folder / "new.p2pvault", kdf=CHEAP)
    return P2PApp(vault, passphrase=PASSPHRASE if scene.unlocked else None, kdf=CHEAP)


async def play(scene: Scene, pilot: Pilot[None]) -> None:
    """Drive the app to the scene's screen."""
    app = pilot.app
    assert isinstance(app, P2PApp)  # noqa: S101
    for _ in range(300):
        if not scene.unlocked or app.store is not None:
            break
        await pilot.pause(0.01)
    await settle(pilot)
    for step in scene.steps:
        if isinstance(step, str):
            await pilot.press(step)
        else:
            await step(pilot)
        await settle(pilot)
    for field in app.screen.query(Input):  # a blinking cursor would make pictures differ
        field.cursor_blink = False
    await settle(pilot)


async def draw(scene: Scene, folder: Path, vault: Path) -> dict[str, str]:
    """The scene as SVG at each of its sizes (by size name): played once, then resized."""
    app = app_for(scene, folder, vault)
    pictures: dict[str, str] = {}
    async with app.run_test(size=SIZES[scene.sizes[0]]) as pilot:
        await play(scene, pilot)
        for size in scene.sizes:
            if app.size != SIZES[size]:
                await pilot.resize_terminal(*SIZES[size])
                await settle(pilot)
            pictures[size] = app.export_screenshot(title=f"p2p-tui: {scene.name} at {size}")
        await pilot.press("ctrl+q")
    return pictures


async def draw_all(target: Path) -> list[Path]:
    """Write every scene into `target` as NAME-WxH.svg, one a size (the folder exists)."""
    written = []
    with tempfile.TemporaryDirectory() as tmp, frozen_clock():
        folder = Path(tmp)
        vault = make_demo_vault(folder)
        for scene in SCENES:
            for size, svg in (await draw(scene, folder, vault)).items():
                out = target / f"{scene.name}-{size}.svg"
                out.write_text(svg, encoding="utf-8")
                written.append(out)
    return written


def main(argv: list[str] | None = None) -> None:
    """`python -m p2p_tui.tui.pictures FOLDER`."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "screens")
    target.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(draw_all(target)):
        print(path)  # noqa: T201 - the command's output


if __name__ == "__main__":
    main()
