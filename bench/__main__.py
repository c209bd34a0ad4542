"""`python -m bench [--sizes 1000,10000,100000] [--quick] [--dir DIR]`: run every benchmark, print tables.

The vault against plain SQLite and SQLCipher; ranking over 1,000 supporters; the queue at 10,000
referrals; the quarterly summary and its PDF at 10,000 and 100,000; the console's screens at 10,000
referrals and its start to the unlock prompt.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench import matching_bench, queue_bench, report_bench, tui_bench, vault_bench

DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}") from exc
    if not sizes or any(n < 10 for n in sizes):
        raise argparse.ArgumentTypeError("sizes must be integers >= 10")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=_sizes, help="referral counts, e.g. 1000,10000,100000 (the default)")
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 referrals only")
    parser.add_argument("--dir", help="folder for the temporary files (default: the system temp folder)")
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    start = time.perf_counter()
    vault_bench.run(sizes, args.dir)
    print("\n== Ranking one referral over 1,000 supporters ==")
    matching_bench.main([])
    print("\n== The follow-up queue at 10,000 referrals ==")
    queue_bench.main([])
    print("\n== The quarterly summary ==")
    report_bench.main(["--sizes", "10000" if args.quick else "10000,100000"])
    tui_bench.main(["--runs", "3" if args.quick else "7"])
    print(f"\nwhole run: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
