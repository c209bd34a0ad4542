"""`python -m bench [--sizes 1000,10000,100000] [--quick] [--dir DIR]`: run every benchmark, print tables."""

from __future__ import annotations

import argparse
import sys
import time

from bench import vault_bench

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
    print(f"\nwhole run: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
