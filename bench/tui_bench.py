"""Console benchmarks (ARCHITECTURE.md §7): key to next screen painted, per screen, at 10,000 referrals,
against pushing an empty screen in the same run, at 120x36 and 80x24; process start to the unlock
prompt; and, with `--terminal`, key to screen in a real terminal (`bench/terminal_bench.py`, tmux).

Run: `python -m bench.tui_bench [--referrals 10000] [--runs 7] [--terminal]`
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from bench.common import p95
from bench.queue_bench import ON, build_rows, fill
from p2p_tui.services import clock
from p2p_tui.store import Store
from p2p_tui.tui.app import P2PApp
from p2p_tui.vault import KdfParams

CHEAP_KDF = KdfParams(memory_kib=8, iterations=1, lanes=1)
SIZE = (120, 36)
SIZES = ((120, 36), (80, 24))
PAINT_BUDGET_MS = 50.0  # more than an empty screen takes in the same run
START_BUDGET_S = 0.8
RSS_BUDGET_MB = 150


# (name, key pressed, screen class name reached); each starts from Today.
SCREENS = (
    ("cases", "f3", "CasesScreen"),
    ("roster", "f4", "RosterScreen"),
    ("training", "f5", "TrainingScreen"),
    ("settings", "f6", "SettingsScreen"),
    ("intake", "f7", "IntakeScreen"),
    ("help", "f1", "HelpScreen"),
)


class Empty(Screen[None]):
    """The baseline: an empty screen."""

    def compose(self) -> object:
        yield Static("")


class BenchApp(P2PApp):
    """The console, plus one key (F12) that pushes a new empty screen: the baseline, reached the same
    way as every screen measured (a key press, its binding, a screen change, a paint)."""

    def action_push_empty(self) -> None:
        """Push a fresh empty screen."""
        self.push_screen(Empty())


def make_vault(folder: Path, n: int, passphrase: str) -> Path:
    """A vault holding `n` referrals in every state (the queue bench's rows)."""
    path = folder / "bench.p2pvault"
    store, _ = Store.create(path, passphrase, kdf=CHEAP_KDF)
    try:
        with store.lock:
            fill(store.db.raw(), build_rows(n))
        store.save_now()
    finally:
        store.close()
    return path


Sample = tuple[float, float]  # milliseconds: wall clock, and this process's CPU time


def now() -> Sample:
    """The wall clock and this process's CPU time, in seconds."""
    return time.perf_counter(), time.process_time()


def since(start: Sample) -> Sample:
    """Milliseconds of wall clock and of CPU time since `start` (the CPU time barely moves with the load
    of other processes on the machine, which the wall clock does: both are printed)."""
    wall, cpu = now()
    return (wall - start[0]) * 1000, (cpu - start[1]) * 1000


async def until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Pause until `done()`, then once more so the screen has painted."""
    for _ in range(5000):
        if done():
            break
        await pilot.pause(0)
    await pilot.pause()


async def measure(
    path: Path, passphrase: str, runs: int, size: tuple[int, int] = SIZE
) -> dict[str, list[Sample]]:
    """Milliseconds from key to painted screen, for each screen and for the empty baseline."""
    samples: dict[str, list[Sample]] = {name: [] for name, _, _ in SCREENS}
    samples["empty screen"] = []
    samples["today (back)"] = []
    samples["case page"] = []
    app = BenchApp(path, passphrase=passphrase)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "TodayScreen")
        app.bind("f12", "push_empty")
        for _ in range(runs):
            start = now()
            await pilot.press("f12")
            await until(pilot, lambda: isinstance(app.screen, Empty))
            samples["empty screen"].append(since(start))
            app.pop_screen()
            await until(pilot, lambda: type(app.screen).__name__ == "TodayScreen")
            for name, key, screen in SCREENS:
                start = now()
                await pilot.press(key)
                await until(pilot, lambda s=screen: type(app.screen).__name__ == s)  # type: ignore[misc]
                samples[name].append(since(start))
                start = now()
                await pilot.press("escape")
                if name == "cases":
                    await pilot.press("escape")
                await until(pilot, lambda: type(app.screen).__name__ == "TodayScreen")
                samples["today (back)"].append(since(start))
            await pilot.press("f3")
            await until(pilot, lambda: type(app.screen).__name__ == "CasesScreen")
            start = now()
            await pilot.press("enter")
            await until(pilot, lambda: type(app.screen).__name__ == "CaseScreen")
            samples["case page"].append(since(start))
            await pilot.press("f2")
            await until(pilot, lambda: type(app.screen).__name__ == "TodayScreen")
        await pilot.press("ctrl+q")
    return samples


CHILD = """
import asyncio, sys, time
t0 = float(sys.argv[1])
from pathlib import Path
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.screens.unlock import UnlockScreen

async def main():
    app = P2PApp(Path(sys.argv[2]))
    async with app.run_test(size=(120, 36)) as pilot:
        while not isinstance(app.screen, UnlockScreen) or not app.screen.query("#secret"):
            await pilot.pause(0)
        await pilot.pause()
        print(time.time() - t0)
        await pilot.press("ctrl+q")

asyncio.run(main())
"""


RSS_CHILD = """
import asyncio, resource, sys
from pathlib import Path
from p2p_tui.tui.app import P2PApp

async def main():
    app = P2PApp(Path(sys.argv[1]), passphrase=sys.argv[2])
    async with app.run_test(size=(120, 36)) as pilot:
        while app.store is None or type(app.screen).__name__ != "TodayScreen":
            await pilot.pause(0.01)
        for key in ("f3", "enter", "escape", "f4", "f5", "f6", "f7", "escape", "f9", "f2"):
            await pilot.press(key)
            await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        # VmHWM: this process's own peak (ru_maxrss would carry over the forking parent's, on Linux)
        try:
            status = Path("/proc/self/status").read_text()
            print(next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:")))
        except OSError:
            print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        await pilot.press("ctrl+q")

asyncio.run(main())
"""


def console_rss_mb(path: Path, passphrase: str) -> float:
    """Peak resident memory of a console process that unlocks the vault and visits every area."""
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", RSS_CHILD, str(path), passphrase], capture_output=True, text=True, check=True
    )
    peak = int(out.stdout.strip().splitlines()[-1])
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def start_to_prompt(path: Path, runs: int) -> list[float]:
    """Seconds from starting Python to the unlock prompt painted (headless), each in a new process."""
    found = []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", CHILD, str(t0), str(path)], capture_output=True, text=True, check=True
        )
        found.append(float(out.stdout.strip().splitlines()[-1]))
    return found


def print_paint(samples: dict[str, list[Sample]], where: str) -> None:
    """One table: each screen's median and p95 (wall clock), its median over the empty screen's, and
    the same over-empty figure in CPU time. The verdict is the wall clock's."""
    base = statistics.median(wall for wall, _ in samples["empty screen"])
    base_cpu = statistics.median(cpu for _, cpu in samples["empty screen"])
    print(f"\n== Console at {where}: key to next screen painted (ms, Pilot, headless) ==")
    print(
        f"{'screen':<16} {'median':>8} {'p95':>8} {'over empty':>11} {'cpu over':>9}  "
        f"budget: <= {PAINT_BUDGET_MS:g} over empty"
    )
    for name, values in samples.items():
        walls = [wall for wall, _ in values]
        med = statistics.median(walls)
        over = med - base
        cpu_over = statistics.median(cpu for _, cpu in values) - base_cpu
        verdict = "" if name == "empty screen" else ("ok" if over <= PAINT_BUDGET_MS else "OVER")
        print(f"{name:<16} {med:8.1f} {p95(walls):8.1f} {over:+11.1f} {cpu_over:+9.1f}  {verdict}")


def main(argv: list[str] | None = None) -> None:
    """Build the vault, measure, print."""
    parser = argparse.ArgumentParser(prog="python -m bench.tui_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--terminal", action="store_true", help="also key to screen in tmux (20 runs)")
    args = parser.parse_args(argv)
    passphrase = secrets.token_urlsafe(18)
    with tempfile.TemporaryDirectory(prefix="p2p-tui-bench-") as tmp:
        path = make_vault(Path(tmp), args.referrals, passphrase)
        with clock.frozen(ON):
            by_size = {size: asyncio.run(measure(path, passphrase, args.runs, size)) for size in SIZES}
        starts = start_to_prompt(path, max(3, args.runs // 2))
        rss_mb = console_rss_mb(path, passphrase)
    for (width, height), samples in by_size.items():
        print_paint(samples, f"{args.referrals:,} referrals, {width}x{height}")
    if args.terminal:
        from bench import terminal_bench

        terminal_bench.main(["--referrals", str(args.referrals)])
    verdict_rss = "ok" if rss_mb <= RSS_BUDGET_MB else "OVER"
    print(
        f"\npeak resident memory of a console process (unlocked at {args.referrals:,} referrals, every "
        f"area visited): {rss_mb:.0f} MB (budget {RSS_BUDGET_MB} MB) {verdict_rss}"
    )
    med = statistics.median(starts)
    verdict = "ok" if med <= START_BUDGET_S else "OVER"
    print(
        f"\nstart to the unlock prompt: median {med:.2f} s, p95 {p95(starts):.2f} s "
        f"(budget {START_BUDGET_S} s) {verdict}"
    )


if __name__ == "__main__":
    main()
