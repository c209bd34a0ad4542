"""`python -m bench.matching_bench [--supporters N] [--runs N] [--dir DIR]`: time `matching.rank()`.

Builds a roster of 1,000 supporters (random career stage, county, specialty, capacity, some paused or
away, a few hundred conflicts), a few hundred referrals with their matches (open and closed, so loads
and last-case dates are realistic), then times `rank()` for one new referral 50 times and prints the
median and p95 against the budget (ARCHITECTURE.md §7: <= 10 ms over 1,000 supporters).

As every benchmark does, the same ranking is timed on the same data in plain SQLite (a WAL file,
synchronous=FULL) and, when `sqlcipher3` is installed (`make bench`), SQLCipher (raw key, so no PBKDF2
per query), with the ratios. Everything lives in a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import peewee as pw

from bench.common import FileDatabase, p95
from p2p_tui.services import common
from p2p_tui.services.cases import intake, matching
from p2p_tui.store import Store
from p2p_tui.store.models import MODELS, Conflict, Match, Physician, Referral, StatusChange, Supporter
from p2p_tui.store.vocab import CAREER_STAGES
from p2p_tui.vault import KdfParams

try:
    from sqlcipher3 import dbapi2 as sqlcipher
except ImportError:  # pragma: no cover - `make bench` installs it
    sqlcipher = None

CHEAP_KDF = KdfParams(memory_kib=8, iterations=1, lanes=1)
BUDGET_MS = 10.0
ON = date(2026, 3, 2)
COUNTIES = ("Kings", "Queens", "Prince")
SPECIALTIES = ("Family medicine", "Emergency", "Surgery", "Anesthesia", "Psychiatry", "Pediatrics", "")
perf = time.perf_counter


def build(store: Store, supporters: int, rng: random.Random) -> int:
    """Fill the store with a roster, referrals and matches; return the id of the referral to rank."""
    with store.atomic():
        physicians = []
        for i in range(supporters):
            name = f"Supporter {i:05d}"
            physicians.append(
                {
                    "name": name,
                    "name_key": common.name_key(name),
                    "email": f"s{i}@example.org",
                    "career_stage": rng.choice(CAREER_STAGES),
                    "county": rng.choice(COUNTIES),
                    "specialty": rng.choice(SPECIALTIES),
                    "interventional": rng.random() < 0.3,
                    "created_on": ON - timedelta(days=400),
                }
            )
        for chunk in range(0, len(physicians), 200):
            Physician.insert_many(physicians[chunk : chunk + 200]).execute()
        ids = [p.id for p in Physician.select(Physician.id).order_by(Physician.id)]
        rows = [
            {
                "physician": pid,
                "status": rng.choices(("active", "paused", "in_training", "retired"), (85, 7, 5, 3))[0],
                "max_active": rng.randint(1, 4),
                "unavailable_until": ON + timedelta(days=rng.randint(-30, 30))
                if rng.random() < 0.1
                else None,
            }
            for pid in ids
        ]
        for chunk in range(0, len(rows), 200):
            Supporter.insert_many(rows[chunk : chunk + 200]).execute()
        supporter_ids = [s.id for s in Supporter.select(Supporter.id)]

        referrals = []
        for i in range(400):
            data = intake.ReferralInput(
                physician=intake.PhysicianInput(
                    name=f"Peer {i:05d}",
                    career_stage=rng.choice(CAREER_STAGES),
                    county=rng.choice(COUNTIES),
                    email=f"p{i}@example.org",
                    specialty=rng.choice(SPECIALTIES),
                ),
                received_on=ON - timedelta(days=rng.randint(0, 180)),
                pathway="reach_in",
                source="self",
                stressors=("burnout",),
            )
            referrals.append(intake.create_referral(data, on=ON))
        # a match for most referrals: a third closed (match ended), the rest open (match active)
        for i, referral in enumerate(referrals[:320]):
            closed = i % 3 == 0
            matched_on = referral.received_on + timedelta(days=rng.randint(0, 2))
            Match.create(
                referral=referral,
                supporter=rng.choice(supporter_ids),
                matched_on=min(matched_on, ON),
                score=50.0,
                explanation="[]",
                active=not closed,
                ended_on=ON if closed else None,
                ended_reason="case_ended" if closed else None,
            )
            status = "closed" if closed else rng.choice(("matched", "contacted", "followed_up"))
            StatusChange.create(referral=referral, changed_on=ON, from_status="new", to_status=status)
            Referral.update(status=status, status_on=ON).where(Referral.id == referral.id).execute()
        # conflicts: a few hundred on other physicians, and a few on the one being ranked
        target = referrals[-1]
        keys = [common.name_key(f"Peer {i:05d}") for i in range(400)]
        conflicts = [
            {
                "supporter": rng.choice(supporter_ids),
                "name_key": rng.choice(keys),
                "kind": rng.choice(("evaluates", "declared")),
                "added_on": ON,
            }
            for _ in range(300)
        ]
        conflicts += [
            {"supporter": s, "name_key": keys[-1], "kind": "evaluates", "added_on": ON}
            for s in rng.sample(supporter_ids, 3)
        ]
        Conflict.insert_many(conflicts).execute()
        Referral.update(acute_interventional=True).where(Referral.id == target.id).execute()
    store.save_now()
    return int(target.id)


def time_rank(referral_id: int, runs: int) -> list[float]:
    """Milliseconds per `rank()` call, after a warm-up."""
    for _ in range(3):
        matching.rank(referral_id, ON)
    times = []
    for _ in range(runs):
        start = perf()
        matching.rank(referral_id, ON)
        times.append((perf() - start) * 1000)
    return times


def copy_to_file(store: Store, path: Path, connect: Callable[[str], Any], key: str = "") -> None:
    """The store's database, copied row for row into a file database."""
    target = connect(str(path))
    if key:
        target.execute(f'PRAGMA key = "{key}"')
    target.execute("PRAGMA journal_mode = wal")
    with store.lock:
        script = "\n".join(store.db.raw().iterdump())
    target.executescript(script)
    target.commit()
    target.close()


def on_database(db: pw.Database, referral_id: int, runs: int) -> list[float]:
    """Time the ranking with every model bound to `db`, then unbind."""
    db.connect()
    try:
        db.bind(MODELS, bind_refs=False, bind_backrefs=False)
        return time_rank(referral_id, runs)
    finally:
        db.close()


def main(argv: list[str] | None = None) -> None:
    """Build the roster, time the ranking, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.matching_bench", description=__doc__)
    parser.add_argument("--supporters", type=int, default=1_000, help="roster size (default 1,000)")
    parser.add_argument("--runs", type=int, default=50, help="timed calls of rank() (default 50)")
    parser.add_argument("--dir", help="folder for the temporary files (default: the system temp folder)")
    args = parser.parse_args(argv)
    rng = random.Random(1_000)
    with tempfile.TemporaryDirectory(prefix="p2p-match-bench-", dir=args.dir) as tmp:
        folder = Path(tmp)
        store, _code = Store.create(folder / "bench.p2pvault", secrets.token_urlsafe(18), kdf=CHEAP_KDF)
        try:
            start = perf()
            referral_id = build(store, args.supporters, rng)
            print(f"built {args.supporters:,} supporters, 400 referrals in {perf() - start:.1f} s")
            with store.lock:
                ranked = matching.rank(referral_id, ON)
                results = {"vault (memory)": time_rank(referral_id, args.runs)}
            eligible = sum(c.eligible for c in ranked)
            print(f"ranked {len(ranked):,} candidates, {eligible:,} eligible; top score {ranked[0].score}")
            copy_to_file(store, folder / "plain.db", sqlite3.connect)
            plain = FileDatabase(folder / "plain.db", sqlite3)
            results["sqlite (WAL file)"] = on_database(plain, referral_id, args.runs)
            if sqlcipher is not None:
                key = f"x'{secrets.token_hex(32)}'"
                copy_to_file(store, folder / "cipher.db", sqlcipher.connect, key)
                results["sqlcipher"] = on_database(
                    FileDatabase(folder / "cipher.db", sqlcipher, key), referral_id, args.runs
                )
        finally:
            store.bind()
            store.close()
    base = statistics.median(results["vault (memory)"])
    print(f"\nrank() over {args.supporters:,} supporters, {args.runs} runs (budget {BUDGET_MS:g} ms)")
    print(f"{'engine':18}  {'median ms':>9}  {'p95 ms':>7}  {'vs vault':>8}  verdict")
    for name, times in results.items():
        median = statistics.median(times)
        verdict = "ok" if p95(times) <= BUDGET_MS else "OVER BUDGET"
        print(f"{name:18}  {median:9.2f}  {p95(times):7.2f}  {median / base:7.2f}x  {verdict}")
    if sqlcipher is None:
        print("sqlcipher          not installed (make bench installs sqlcipher3)")


if __name__ == "__main__":
    main()
    sys.exit(0)
