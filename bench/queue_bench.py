"""The follow-up queue at 10,000 referrals against its 20 ms budget (ARCHITECTURE.md §7).

`python -m bench.queue_bench [--referrals N] [--runs R] [--dir DIR]`

Builds N referrals (default 10,000) in every state, inserted in bulk with SQL: about 40% open (new,
matched, contacted, followed up), the rest closed, declined or unreachable, with their matches,
contacts, surveys, a few safety escalations and snoozes, and physicians purged 90 days after their
case closed (the retention policy). Then times `followups.queue()` R times (default 30) on the same
rows in three engines, interleaved round-robin: the vault's in-memory database, plain SQLite (a file,
WAL, synchronous=FULL) and SQLCipher (raw key), and prints median and p95 against the budget and the
ratios. Everything lives in a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import peewee as pw

from bench.common import FileDatabase, p95
from p2p_tui.services.cases import followups
from p2p_tui.store import Store
from p2p_tui.store.migrations import migrate
from p2p_tui.store.models import MODELS
from p2p_tui.vault import KdfParams

try:
    from sqlcipher3 import dbapi2 as sqlcipher
except ImportError:  # pragma: no cover - `make bench` installs it
    sqlcipher = None

BUDGET_MS = 20.0
ON = date(2026, 7, 15)
CHEAP_KDF = KdfParams(memory_kib=8, iterations=1, lanes=1)
# status: share of referrals (about 40% open)
STATUS_SHARES = {
    "new": 0.06,
    "matched": 0.08,
    "contacted": 0.14,
    "followed_up": 0.12,
    "closed": 0.45,
    "declined": 0.08,
    "unreachable": 0.07,
}
TABLES = ("physician", "supporter", "referral", "match", "contact", "survey", "escalation", "snooze")
perf = time.perf_counter


def _iso(d: date) -> str:
    return d.isoformat()


def build_rows(n: int, seed: int = 7) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of every table for `n` referrals, consistent with the case state machine."""
    rnd = random.Random(seed)
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES}
    supporters = max(20, n // 50)
    for s in range(1, supporters + 1):
        rows["physician"].append((s, f"Supporter {s}", f"supporter {s}", "mid", "Kings", "2024-01-01", None))
        rows["supporter"].append((s, s, "active", 5))
    statuses = list(STATUS_SHARES)
    weights = list(STATUS_SHARES.values())
    for r in range(1, n + 1):
        pid = supporters + r
        status = rnd.choices(statuses, weights)[0]
        is_open = status in ("new", "matched", "contacted", "followed_up")
        age = rnd.randint(0, 45) if is_open else rnd.randint(30, 720)
        received = ON - timedelta(days=age)
        consent = "not_needed"
        if rnd.random() < 0.12:
            consent = "pending" if status in ("new", "matched") and rnd.random() < 0.5 else "given"
        matched = received + timedelta(days=rnd.randint(0, 2))
        first = matched + timedelta(days=rnd.randint(1, 4))
        follow = first + timedelta(days=rnd.randint(7, 14))
        reached = {"new": 0, "matched": 1, "contacted": 2, "followed_up": 3, "closed": 3}.get(status, 1)
        status_on = [received, matched, first, follow][min(reached, 3)]
        closed_on = None
        if not is_open:
            closed_on = min(ON, status_on + timedelta(days=rnd.randint(1, 20)))
            status_on = closed_on
        purged = (
            _iso(closed_on + timedelta(days=90)) if closed_on and closed_on + timedelta(90) < ON else None
        )
        rows["physician"].append((pid, f"Doctor {r}", f"doctor {r}", "mid", "Queens", _iso(received), purged))
        rows["referral"].append(
            (r, pid, _iso(received), "reach_in", "self", consent, status, _iso(status_on), _closed(closed_on))
        )
        if reached >= 1:
            active = 1 if is_open and status != "new" else 0
            supporter = rnd.randint(1, supporters)
            rows["match"].append((r, r, supporter, _iso(matched), 1.0, "bench", active))
        if reached >= 2:
            rows["contact"].append((r, supporter, _iso(first), "initial", "phone"))
        if reached >= 3:
            rows["contact"].append((r, supporter, _iso(follow), "follow_up", "video"))
            if rnd.random() < (0.4 if status == "followed_up" else 0.9):
                rows["survey"].append((r, _iso(follow + timedelta(days=3)), 1))
        if rnd.random() < 0.01:
            acknowledged = None if rnd.random() < 0.3 else _iso(received + timedelta(days=1))
            rows["escalation"].append((r, _iso(received), "2026-01-01T00:00", "php", acknowledged))
        if is_open and rnd.random() < 0.05:
            kind = {"new": "unmatched", "matched": "no_first_contact", "contacted": "check_in"}
            item = kind.get(status, "survey")
            rows["snooze"].append((r, item, _iso(ON + timedelta(days=3)), "awaiting_reply", _iso(ON)))
    return rows


def _closed(day: date | None) -> str | None:
    return _iso(day) if day else None


INSERTS = {
    "physician": "INSERT INTO physician (id, name, name_key, career_stage, county, created_on, purged_on) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)",
    "supporter": "INSERT INTO supporter (id, physician_id, status, max_active) VALUES (?, ?, ?, ?)",
    "referral": "INSERT INTO referral (id, physician_id, received_on, pathway, source, consent, status, "
    "status_on, closed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "match": 'INSERT INTO "match" (id, referral_id, supporter_id, matched_on, score, explanation, active) '
    "VALUES (?, ?, ?, ?, ?, ?, ?)",
    "contact": "INSERT INTO contact (referral_id, supporter_id, contact_on, kind, mode) "
    "VALUES (?, ?, ?, ?, ?)",
    "survey": "INSERT INTO survey (referral_id, submitted_on, conversation_happened) VALUES (?, ?, ?)",
    "escalation": "INSERT INTO escalation (referral_id, escalated_on, escalated_at, escalated_to, "
    "acknowledged_on) VALUES (?, ?, ?, ?, ?)",
    "snooze": "INSERT INTO snooze (referral_id, item, until, reason, created_on) VALUES (?, ?, ?, ?, ?)",
}


def fill(conn: Any, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Insert every row in one transaction."""
    conn.execute("BEGIN")
    for table in TABLES:
        conn.executemany(INSERTS[table], rows[table])
    conn.execute("COMMIT")


def _timer(bind: Callable[[], None]) -> Callable[[], float]:
    def run() -> float:
        bind()
        start = perf()
        followups.queue(ON)
        return (perf() - start) * 1e3

    return run


def main(argv: list[str] | None = None) -> None:
    """Build the rows, time the queue in each engine, print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.queue_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=10_000, help="how many referrals (default 10000)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per engine (default 30)")
    parser.add_argument("--dir", help="folder for the temporary files (default: the system temp folder)")
    args = parser.parse_args(argv)
    n, runs = max(10, args.referrals), max(2, args.runs)
    with tempfile.TemporaryDirectory(prefix="p2p-queue-bench-", dir=args.dir) as folder:
        t0 = perf()
        rows = build_rows(n)
        store, _code = Store.create(Path(folder) / "bench.p2pvault", secrets.token_urlsafe(18), kdf=CHEAP_KDF)
        databases: list[pw.SqliteDatabase] = []
        try:
            with store.lock:
                fill(store.db.raw(), rows)
            engines: dict[str, Callable[[], float]] = {"vault": _timer(store.bind)}
            modules: list[tuple[str, ModuleType, str | None]] = [("sqlite", sqlite3, None)]
            if sqlcipher is not None:
                modules.append(("sqlcipher", sqlcipher, f"x'{secrets.token_hex(32)}'"))
            for name, module, key in modules:
                db = FileDatabase(Path(folder) / f"bench.{name}.db", module, key)
                db.connect()
                migrate(db.connection())
                fill(db.connection(), rows)
                databases.append(db)
                engines[name] = _timer(lambda db=db: db.bind(MODELS, bind_refs=False, bind_backrefs=False))
            print(f"{n:,} referrals built in {perf() - t0:.1f} s; timing queue() {runs} times per engine")
            with store.lock:
                store.bind()
                items = followups.queue(ON)
                samples: dict[str, list[float]] = {name: [] for name in engines}
                for warm_up in engines.values():  # one each (the calendar, the page cache)
                    warm_up()
                for _ in range(runs):
                    for name, run in engines.items():
                        samples[name].append(run())
                store.bind()
        finally:
            for db in databases:
                db.close()
            store.close()
    report(n, items, samples)


def report(n: int, items: list[followups.QueueItem], samples: dict[str, list[float]]) -> None:
    """Print the items' make-up and the timing table."""
    kinds: dict[str, int] = {}
    for item in items:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    print(f"queue on {ON}: {len(items):,} items ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    vault = statistics.median(samples["vault"])
    head = f"{'engine':<10} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'vs vault':>9}"
    print(f"{head}  budget {BUDGET_MS:g} ms")
    for name, values in samples.items():
        med = statistics.median(values)
        verdict = "ok" if med <= BUDGET_MS else "OVER"
        print(
            f"{name:<10} {med:>10.2f} {p95(values):>8.2f} {min(values):>8.2f} {med / vault:>8.2f}x  {verdict}"
        )
    if "sqlcipher" not in samples:
        print("sqlcipher: not installed (pip install sqlcipher3)")


if __name__ == "__main__":
    main()
