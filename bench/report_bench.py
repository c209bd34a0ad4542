"""The quarterly report against its budgets: <= 50 ms at 10,000 referrals, <= 500 ms at 100,000.

`python -m bench.report_bench [--sizes 10000,100000] [--runs 15] [--quarters 8] [--dir DIR]`

For each size, fills `utilization` with that many de-identified rows spread evenly over `--quarters`
quarters ending 2026Q3, ids in order of receipt (8 by default: two years; `--quarters 1` puts every
row in the reported quarter, the worst case), plus the aggregates the summary reads beside it: one
match per matched referral, first and follow-up contacts, a survey for most, supporters and 40
training events with attendance, and a referral row per record (its date of receipt: the standards
read the clocks' dates beside the record). Rows go in directly by SQL with foreign keys off, the
utilization rows last, as written (what migration m0004's triggers made of the others is cleared).
The same rows go into the vault's in-memory database, plain SQLite (a file, WAL,
synchronous=FULL) and SQLCipher (raw key); then `summarize("2026Q3")` is timed `--runs` times per
engine, interleaved round-robin (median, p95, ratio to the vault), and a PDF rendered and written once
on the vault.
Everything lives in a temporary folder removed at the end.
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
from p2p_tui.services.reporting import formats, quarterly, render
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store
from p2p_tui.store.migrations import migrate
from p2p_tui.store.models import MODELS
from p2p_tui.store.vocab import CAREER_STAGES, PATHWAYS, SOURCES, STRESSORS, SURVEY_DURATIONS
from p2p_tui.vault import KdfParams

try:
    from sqlcipher3 import dbapi2 as sqlcipher
except ImportError:  # pragma: no cover - `make bench` installs it
    sqlcipher = None

BUDGETS_MS = {10_000: 50.0, 100_000: 500.0}
QUARTER = Quarter(2026, 3)
CHEAP_KDF = KdfParams(memory_kib=8, iterations=1, lanes=1)
COUNTIES = ("Kings", "Queens", "Prince")
OUTCOMES = ("open", "closed", "closed", "closed", "declined", "unreachable")
UTILIZATION_DDL = """
CREATE TABLE IF NOT EXISTS utilization (
    referral_id INTEGER PRIMARY KEY REFERENCES referral (id),
    month_received TEXT NOT NULL, quarter TEXT NOT NULL,
    career_stage TEXT NOT NULL, county TEXT NOT NULL, pathway TEXT NOT NULL, source TEXT NOT NULL,
    stressors TEXT NOT NULL, acute_interventional INTEGER NOT NULL, outcome TEXT NOT NULL,
    days_to_match INTEGER, days_to_first_contact INTEGER,
    follow_up_done INTEGER NOT NULL, survey_done INTEGER NOT NULL,
    php_referred INTEGER NOT NULL, safety_escalation INTEGER NOT NULL
)"""
INSERTS = {
    "physician": "INSERT INTO physician (id, name, name_key, career_stage, county, created_on) "
    "VALUES (?, ?, ?, 'mid', 'Kings', '2024-01-01')",
    "referral": "INSERT INTO referral (id, physician_id, received_on, pathway, source, status, status_on) "
    "VALUES (?, 1, ?, ?, ?, 'closed', ?)",
    "supporter": "INSERT INTO supporter (id, physician_id, status, max_active) VALUES (?, ?, 'active', 5)",
    "training_event": "INSERT INTO training_event (id, kind, held_on, hours, rate) VALUES (?, ?, ?, ?, 100)",
    "attendance": "INSERT INTO attendance (event_id, supporter_id, hours) VALUES (?, ?, ?)",
    "match": 'INSERT INTO "match" (referral_id, supporter_id, matched_on, score, explanation, active, '
    "ended_on) VALUES (?, ?, ?, 1, 'bench', ?, ?)",
    "contact": "INSERT INTO contact (referral_id, supporter_id, contact_on, kind, mode) "
    "VALUES (?, ?, ?, ?, 'phone')",
    "survey": "INSERT INTO survey (referral_id, submitted_on, conversation_happened, duration, "
    "peer_helpfulness, supporter_distress, wants_debrief) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "utilization": f"INSERT INTO utilization VALUES ({', '.join('?' * 16)}, NULL)",
}
perf = time.perf_counter


def build_rows(n: int, quarters: int, seed: int = 11) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of every table the summary reads, for `n` referrals over `quarters` quarters."""
    rnd = random.Random(seed)
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INSERTS}
    supporters = max(20, n // 50)
    for s in range(1, supporters + 1):
        rows["physician"].append((s, f"Supporter {s}", f"supporter {s}"))
        rows["supporter"].append((s, s))
    spans = [QUARTER.previous(k) for k in range(quarters)]
    for e in range(1, 41):
        held = spans[e % len(spans)].start + timedelta(days=e % 80)
        rows["training_event"].append(
            (e, ("orientation", "training", "community_of_practice")[e % 3], held, 2.0)
        )
        for s in rnd.sample(range(1, supporters + 1), min(10, supporters)):
            rows["attendance"].append((e, s, 2.0))
    for r in range(1, n + 1):
        q = spans[len(spans) - 1 - (r - 1) * len(spans) // n]  # ids in order of receipt, as at intake
        received = q.start + timedelta(days=rnd.randint(0, (q.end - q.start).days))
        stressors = sorted(rnd.sample(range(len(STRESSORS)), rnd.choice((1, 1, 2))))
        dtm = rnd.choice((0, 1, 1, 1, 2, 2, 3, 5)) if rnd.random() < 0.95 else None
        dtfc = dtm + rnd.randint(1, 4) if dtm is not None and rnd.random() < 0.9 else None
        follow = dtfc is not None and rnd.random() < 0.8
        survey = follow and rnd.random() < 0.7
        supporter = rnd.randint(1, supporters)
        rows["referral"].append((r, received, PATHWAYS[0], SOURCES[0], received))
        rows["utilization"].append(
            (r, received.strftime("%Y-%m"), str(q), rnd.choice(CAREER_STAGES), rnd.choice(COUNTIES),
             rnd.choice(PATHWAYS), rnd.choice(SOURCES), ";".join(STRESSORS[i] for i in stressors),
             int(rnd.random() < 0.1), rnd.choice(OUTCOMES), dtm, dtfc, int(follow), int(survey),
             int(rnd.random() < 0.05), int(rnd.random() < 0.01))
        )  # fmt: skip
        if dtm is None:
            continue
        matched = received + timedelta(days=dtm)
        ended = matched + timedelta(days=30) if rnd.random() < 0.7 else None
        rows["match"].append((r, supporter, matched, int(ended is None), ended))
        if dtfc is not None:
            rows["contact"].append((r, supporter, received + timedelta(days=dtfc), "initial"))
        if follow:
            followed = received + timedelta(days=(dtfc or 0) + 7)
            rows["contact"].append((r, supporter, followed, "follow_up"))
            if survey:
                happened = rnd.random() < 0.9
                rows["survey"].append(
                    (r, followed + timedelta(days=3), int(happened),
                     rnd.choice(SURVEY_DURATIONS) if happened else None,
                     rnd.randint(1, 5) if happened else None, rnd.randint(1, 5), int(rnd.random() < 0.1))
                )  # fmt: skip
    return rows


def fill(conn: Any, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Insert every row in one transaction, foreign keys off; the utilization rows last, as written
    (whatever the triggers made of the referral, match and contact rows is cleared first)."""
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(UTILIZATION_DDL)
    conn.execute("BEGIN")
    for table, sql in INSERTS.items():
        if table == "utilization":
            conn.execute("DELETE FROM utilization")
        conn.executemany(
            sql, [tuple(v.isoformat() if isinstance(v, date) else v for v in r) for r in rows[table]]
        )
    conn.execute("COMMIT")
    conn.execute("PRAGMA foreign_keys = ON")


def _timer(bind: Callable[[], None]) -> Callable[[], float]:
    def run() -> float:
        bind()
        start = perf()
        quarterly.summarize(QUARTER)
        return (perf() - start) * 1e3

    return run


def measure(n: int, quarters: int, runs: int, folder: Path) -> None:
    """Build, time and print one size."""
    t0 = perf()
    rows = build_rows(n, quarters)
    store, _code = Store.create(folder / f"bench-{n}.p2pvault", secrets.token_urlsafe(18), kdf=CHEAP_KDF)
    databases: list[pw.SqliteDatabase] = []
    try:
        with store.lock:
            fill(store.db.raw(), rows)
        engines: dict[str, Callable[[], float]] = {"vault": _timer(store.bind)}
        modules: list[tuple[str, ModuleType, str | None]] = [("sqlite", sqlite3, None)]
        if sqlcipher is not None:
            modules.append(("sqlcipher", sqlcipher, f"x'{secrets.token_hex(32)}'"))
        for name, module, key in modules:
            db = FileDatabase(folder / f"bench-{n}.{name}.db", module, key)
            db.connect()
            migrate(db.connection())
            fill(db.connection(), rows)
            databases.append(db)
            engines[name] = _timer(lambda db=db: db.bind(MODELS, bind_refs=False, bind_backrefs=False))
        in_quarter = sum(1 for r in rows["utilization"] if r[2] == str(QUARTER))
        print(f"\n{n:,} referrals ({in_quarter:,} in {QUARTER}) built in {perf() - t0:.1f} s")
        with store.lock:
            samples: dict[str, list[float]] = {name: [] for name in engines}
            for warm_up in engines.values():
                warm_up()
            for _ in range(runs):
                for name, run in engines.items():
                    samples[name].append(run())
            store.bind()
            summary = quarterly.summarize(QUARTER)
        start = perf()
        formats.write_private(folder / f"summary-{n}.pdf", render.render(summary, "pdf"), vault=None)
        pdf_ms = (perf() - start) * 1e3
        start = perf()
        for fmt in ("md", "csv", "json"):
            render.render(summary, fmt)
        text_ms = (perf() - start) * 1e3
    finally:
        for db in databases:
            db.close()
        store.close()
    print_table(n, runs, samples)
    print(f"PDF once: {pdf_ms:.1f} ms; md + csv + json once: {text_ms:.1f} ms")


def print_table(n: int, runs: int, samples: dict[str, list[float]]) -> None:
    """median / p95 / min per engine against the budget, with the ratio to the vault."""
    budget = BUDGETS_MS.get(n, BUDGETS_MS[100_000] if n > 10_000 else BUDGETS_MS[10_000])
    vault = statistics.median(samples["vault"])
    print(f"summarize(): {runs} runs per engine, budget {budget:g} ms")
    print(f"{'engine':<10} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'vs vault':>9}")
    for name, values in samples.items():
        med = statistics.median(values)
        verdict = "ok" if med <= budget and p95(values) <= budget else "OVER"
        print(
            f"{name:<10} {med:>10.2f} {p95(values):>8.2f} {min(values):>8.2f} {med / vault:>8.2f}x  {verdict}"
        )
    if "sqlcipher" not in samples:
        print("sqlcipher: not installed (pip install sqlcipher3)")


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> None:
    """Parse the options, then measure each size."""
    parser = argparse.ArgumentParser(prog="python -m bench.report_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[10_000, 100_000], help="referral counts")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per engine (default 15)")
    parser.add_argument("--quarters", type=int, default=8, help="quarters the rows spread over (default 8)")
    parser.add_argument("--dir", help="folder for the temporary files (default: the system temp folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="p2p-report-bench-", dir=args.dir) as folder:
        for n in args.sizes:
            measure(max(10, n), max(1, args.quarters), max(2, args.runs), Path(folder))


if __name__ == "__main__":
    main()
