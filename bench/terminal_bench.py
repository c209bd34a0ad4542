"""Key to screen in a real terminal (ARCHITECTURE.md §7): the console runs in tmux on the demo vault (or a
vault of `--referrals N`), a key is sent with `tmux send-keys`, and the time is taken until `tmux
capture-pane -p` shows the new screen (a line only that screen has). Today, Cases and a case page, 20
times each, at 120x36 and 80x24; median and max. Unlike the Pilot figures of `tui_bench.py` this
includes the terminal: Textual's output written to a pty, tmux parsing it, and the capture itself
(polled every few milliseconds, which competes with the console for the CPU: figures are an upper bound).

Run: `python -m bench.terminal_bench [--runs 20] [--referrals 0]` (0: the demo vault). Needs tmux; it
uses its own tmux server (`-L`), so no session of yours is touched.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZES = ((120, 36), (80, 24))
TIMEOUT_S = 20.0
# A line each screen shows and the others do not (the Today summary, the Cases count, the case's title).
MARKERS = {
    "today": re.compile(r"\d+ to do"),
    "cases": re.compile(r"\d+\W\d+ of \d+"),
    "case page": re.compile(r"Case #\d+"),
}
# (screen, key that reaches it): one round trip from Today.
STEPS = (("cases", "F3"), ("case page", "Enter"), ("today", "F2"))
CONSOLE = "from p2p_tui.cli import main; main()"
TMUX = shutil.which("tmux") or "tmux"


class Tmux:
    """One tmux server of our own, one window running the console."""

    def __init__(self, width: int, height: int, command: list[str]) -> None:
        self.socket = f"p2p-bench-{os.getpid()}-{secrets.token_hex(3)}"
        self.run("new-session", "-d", "-s", "bench", "-x", str(width), "-y", str(height), *command)

    def run(self, *args: str) -> str:
        out = subprocess.run(  # noqa: S603 - tmux, with our own arguments
            [TMUX, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "bench")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "bench", *keys)

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True, check=False)  # noqa: S603


def wait_for(tmux: Tmux, shown: Callable[[str], bool]) -> float:
    """Seconds until the pane shows what `shown` looks for."""
    start = time.perf_counter()
    while time.perf_counter() - start < TIMEOUT_S:
        if shown(tmux.screen()):
            return time.perf_counter() - start
        time.sleep(0.002)
    raise TimeoutError("the screen never appeared:\n" + tmux.screen())


def make_vault(folder: Path, referrals: int, passphrase: str) -> Path:
    """The demo vault (synthetic people), or the queue bench's vault of `referrals` referrals."""
    path = folder / "terminal-bench.p2pvault"
    if referrals:
        from bench.tui_bench import make_vault as bench_vault

        return bench_vault(folder, referrals, passphrase)
    subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-c", CONSOLE, "--vault", str(path), "demo", "--no-open"],
        env={**os.environ, "P2P_TUI_PASSPHRASE": passphrase},
        capture_output=True,
        check=True,
    )
    return path


def measure(path: Path, secret_file: Path, size: tuple[int, int], runs: int) -> dict[str, list[float]]:
    """Milliseconds from key sent to screen shown, for each step, `runs` times."""
    command = [sys.executable, "-c", CONSOLE, "--vault", str(path), "--passphrase-file", str(secret_file)]
    tmux = Tmux(*size, [" ".join(f"'{part}'" for part in command)])
    samples: dict[str, list[float]] = {name: [] for name, _ in STEPS}
    try:
        wait_for(tmux, lambda text: bool(MARKERS["today"].search(text)))
        time.sleep(0.5)  # the first paint settles (workers, the retention check)
        for _ in range(runs):
            for name, key in STEPS:
                tmux.keys(key)
                samples[name].append(wait_for(tmux, lambda t, n=name: bool(MARKERS[n].search(t))) * 1000)  # type: ignore[misc]
                time.sleep(0.05)
        tmux.keys("C-q")
        time.sleep(0.5)
    finally:
        tmux.close()
    return samples


def main(argv: list[str] | None = None) -> None:
    """Make the vault, measure at each size, print median and max."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.terminal_bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--referrals", type=int, default=0, help="0: the demo vault")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("\nterminal benchmark skipped: tmux is not installed")
        return
    passphrase = secrets.token_urlsafe(18)
    with tempfile.TemporaryDirectory(prefix="p2p-tui-term-bench-") as tmp:
        folder = Path(tmp)
        secret_file = folder / "passphrase"
        secret_file.write_text(passphrase + "\n")
        secret_file.chmod(0o600)
        path = make_vault(folder, args.referrals, passphrase)
        what = f"{args.referrals:,} referrals" if args.referrals else "the demo vault"
        print(f"\n== Console in tmux on {what}: key sent to new screen shown by capture-pane (ms) ==")
        print(f"{'screen':<12} {'size':>7} {'median':>8} {'max':>8}  (of {args.runs})")
        for width, height in SIZES:
            samples = measure(path, secret_file, (width, height), args.runs)
            for name, values in samples.items():
                size = f"{width}x{height}"
                print(f"{name:<12} {size:>7} {statistics.median(values):8.1f} {max(values):8.1f}")


if __name__ == "__main__":
    main()
