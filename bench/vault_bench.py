"""The vault against plain SQLite (WAL, synchronous=FULL) and SQLCipher on the same referral-sized rows.

Measured, interleaved round-robin in one run (vault, sqlite, sqlcipher, vault, ...), at each size:

- one durable change: the vault's `with store.atomic(): UPDATE` then `store.save_now()` (until the change
  is on disk), against UPDATE + COMMIT on a WAL file with synchronous=FULL;
- the key paint: what the UI thread waits for (`with store.atomic(): UPDATE` alone, the save running in
  the background); SQLite and SQLCipher have no background save, so their figure is the durable commit;
- a save in flight: the longest a foreground thread waited for the database lock (and, GIL included, the
  longest it was kept from running) while a background save or commit ran;
- open after the KDF: `Vault.open` + the deserialize (the KDF is Argon2id at 8 KiB/1/1, so about zero),
  against connect (+ a raw SQLCipher key, so no PBKDF2) + the first query;
- the phases of one vault save and one vault open, timed step by step around the same calls.

The rows go into a table of the bench's own, `bench_referral` (about 14 columns, ~300 bytes a row with
its two indexes), beside the app's schema (its migrations, applied to all three engines), so the three
hold the same schema. Everything lives in a temporary folder that is removed at the end.
"""

from __future__ import annotations

import gc
import hashlib
import os
import platform
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import cryptography
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bench.common import connect_file, p95
from p2p_tui.store import Store
from p2p_tui.store.database import MemoryDatabase
from p2p_tui.store.migrations import current_version, migrate
from p2p_tui.vault import KdfParams, SaveState, SlotKind, Vault, backups, keys
from p2p_tui.vault.file import TMP_SUFFIX
from p2p_tui.vault.format import Header, parse

try:
    from sqlcipher3 import dbapi2 as sqlcipher
except ImportError:  # pragma: no cover - `make bench` installs it
    sqlcipher = None

CHEAP_KDF = KdfParams(memory_kib=8, iterations=1, lanes=1)
PASSPHRASE = secrets.token_urlsafe(18)  # a fresh one each run; the KDF is cheap anyway
perf = time.perf_counter

# -- the referral-sized row -----------------------------------------------------------------------

SCHEMA = (
    """CREATE TABLE bench_referral (
        id INTEGER PRIMARY KEY,
        physician_id INTEGER NOT NULL,
        supporter_id INTEGER,
        received_at TEXT NOT NULL,
        matched_at TEXT,
        pathway TEXT NOT NULL,
        source TEXT NOT NULL,
        stressors TEXT NOT NULL,
        status TEXT NOT NULL,
        acute_interventional INTEGER NOT NULL,
        consent INTEGER NOT NULL,
        physician_name TEXT NOT NULL,
        email TEXT NOT NULL,
        logistics TEXT NOT NULL
    )""",
    "CREATE INDEX bench_referral_status_received ON bench_referral (status, received_at)",
    "CREATE INDEX bench_referral_physician ON bench_referral (physician_id)",
)
INSERT = (
    "INSERT INTO bench_referral (physician_id, supporter_id, received_at, matched_at, pathway, source, "
    "stressors, status, acute_interventional, consent, physician_name, email, logistics) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
UPDATE = "UPDATE bench_referral SET status = ?, supporter_id = ?, matched_at = ? WHERE id = ?"
COUNT = "SELECT count(*) FROM bench_referral"

FIRST = (
    "Marguerite",
    "Alexander",
    "Genevieve",
    "Christopher",
    "Evangeline",
    "Frederick",
    "Josephine",
    "Nathaniel",
)
LAST = ("MacDonald", "Arsenault", "Gallant", "McInnis", "Richardson", "Doucette", "Livingstone", "Chiasson")
DOMAINS = ("healthpei.example", "islandclinic.example", "maritimemed.example")
PATHWAYS = ("reach_in", "reach_out")
SOURCES = ("self", "colleague", "cpspei", "mspei", "php", "cmpa", "leadership", "media", "other")
STRESSORS = ("adverse_event", "complaint", "conflict", "life_stressor", "burnout", "other")
STATUSES = ("new", "matched", "contacted", "followed_up", "closed", "declined", "unreachable")
LOGISTICS = (
    "call after clinic, Tue or Thu afternoons",
    "prefers video, evenings after seven",
    "leave no voicemail; text first please",
    "email only, checks it on weekends",
    "phone at lunch, 12:15 to 12:45 works",
)
STAMP = "%Y-%m-%dT%H:%M:%S"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def referral_rows(n: int, seed: int = 7) -> list[tuple[Any, ...]]:
    """`n` synthetic referrals (no real person), the same for every engine."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        received = EPOCH + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        status = rng.choice(STATUSES)
        matched = (
            None if status == "new" else (received + timedelta(hours=rng.randrange(1, 48))).strftime(STAMP)
        )
        rows.append(
            (
                rng.randrange(1, n // 2 + 2),
                None if status == "new" else rng.randrange(1, 80),
                received.strftime(STAMP),
                matched,
                rng.choice(PATHWAYS),
                rng.choice(SOURCES),
                ";".join(rng.sample(STRESSORS, rng.randint(1, 3))),
                status,
                rng.random() < 0.2,
                rng.random() < 0.9,
                f"Dr. {first} {chr(65 + rng.randrange(26))}. {last}",
                f"{first}.{last}.{i}@{rng.choice(DOMAINS)}".lower(),
                rng.choice(LOGISTICS),
            )
        )
    return rows


def update_args(rng: random.Random, n: int) -> tuple[Any, ...]:
    """The parameters of one UPDATE: a referral is matched (its status index entry moves too)."""
    when = (EPOCH + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))).strftime(STAMP)
    return (rng.choice(STATUSES[1:]), rng.randrange(1, 80), when, rng.randrange(1, n + 1))


def _fill(conn: Any, rows: Sequence[tuple[Any, ...]]) -> None:
    conn.execute("BEGIN")
    for sql in SCHEMA:
        conn.execute(sql)
    conn.executemany(INSERT, rows)
    conn.execute("COMMIT")


# -- statistics and tables ------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return seconds * 1e3


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0:
        return "n/a"
    return f"{a / b:.1f}x"


def verdict(med: float, high: float, budget: float | None) -> str:
    if budget is None:
        return ""
    if high <= budget:
        return "ok"
    if med <= budget:
        return "ok (p95 over)"
    return "OVER"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """An aligned plain-text table; the first `left` columns are left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        out = [str(c).ljust(widths[i]) if i < left else str(c).rjust(widths[i]) for i, c in enumerate(cells)]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


# -- engines --------------------------------------------------------------------------------------


def _time_snapshots(store: Store) -> list[float]:
    """Time every snapshot the saver takes (it holds the store lock throughout); returns the list."""
    holds: list[float] = []
    snapshot = store.snapshot

    def timed() -> bytes:
        start = perf()
        image = snapshot()
        holds.append(perf() - start)
        return image

    store.saver._snapshot = timed  # bench only: the saver calls this under the store's lock
    return holds


class VaultEngine:
    """This vault: the in-memory database, saved whole, sealed, after each commit."""

    name = "vault"

    def __init__(
        self, folder: Path, n: int, rows: Sequence[tuple[Any, ...]], rng: random.Random, diagnose: int
    ) -> None:
        self.path = folder / f"referrals-{n}.p2pvault"
        created, _code = Store.create(self.path, PASSPHRASE, kdf=CHEAP_KDF)
        with created.lock:
            _fill(created.db.raw(), rows)
        created.save_now()
        # A diagnosis on the store as Store.create leaves it (never deserialized: a plain :memory: db).
        self.store = created
        self.lock = created.lock
        self.created_holds = _time_snapshots(created)
        self.change_then_flush(update_args(rng, n))
        self.created_durable = [self.change_then_flush(update_args(rng, n)) for _ in range(diagnose)]
        self.created_stalls = [
            measure_stall(self.lock, self.start_background(update_args(rng, n))) for _ in range(diagnose)
        ]
        created.close()
        # Reopened, as the console is every day: the image is deserialized (SQLite's memdb).
        self.store = Store.open(self.path, PASSPHRASE)
        self.lock = self.store.lock
        self.holds = _time_snapshots(self.store)
        self.image_size = len(self.store.snapshot())
        self.saves_per_change: list[int] = []

    def durable_change(self, args: tuple[Any, ...]) -> float:
        store = self.store
        generation = store.vault.generation
        start = perf()
        with store.atomic():
            store.db.raw().execute(UPDATE, args)
        store.save_now()
        elapsed = perf() - start
        self.saves_per_change.append(store.vault.generation - generation)
        return elapsed

    def change_then_flush(self, args: tuple[Any, ...]) -> float:
        """The change durable by waiting for the save `atomic` already asked for (no second request)."""
        start = perf()
        with self.store.atomic():
            self.store.db.raw().execute(UPDATE, args)
        self.store.saver.flush()
        return perf() - start

    def key_paint(self, args: tuple[Any, ...]) -> float:
        start = perf()
        with self.store.atomic():
            self.store.db.raw().execute(UPDATE, args)
        elapsed = perf() - start
        self.store.saver.flush()  # untimed: the next sample starts with no save in flight
        return elapsed

    def start_background(self, args: tuple[Any, ...]) -> Callable[[], bool]:
        """Commit a change (its save starts in the background); returns 'is the save done?'."""
        with self.store.atomic():
            self.store.db.raw().execute(UPDATE, args)
        return lambda: self.store.saver.state is SaveState.SAVED

    def before_opens(self) -> None:
        self.store.saver.flush()

    def open_once(self) -> float:
        start = perf()
        vault, image = Vault.open(self.path, PASSPHRASE, lock=False)
        db = Store.load_image(image, vault.path)
        elapsed = perf() - start
        db.close()
        vault.close()
        return elapsed

    def file_size(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.store.close()


class SqlEngine:
    """A SQLite (or SQLCipher) file in WAL mode with synchronous=FULL; one durable change = one commit."""

    def __init__(
        self,
        name: str,
        module: ModuleType,
        folder: Path,
        n: int,
        rows: Sequence[tuple[Any, ...]],
        key: str | None = None,
    ) -> None:
        self.name = name
        self.module = module
        self.key = key
        self.path = folder / f"referrals-{n}.{name}.db"
        self.lock = threading.Lock()  # the app's single-connection discipline: one lock around every use
        self.holds: list[float] = []
        self.conn = self._connect()
        mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert str(mode).lower() == "wal", mode
        migrate(self.conn)  # the app's own (empty) tables too: the same schema as in the vault
        _fill(self.conn, rows)
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _connect(self) -> Any:
        return connect_file(self.module, self.path, self.key)

    def _commit(self, args: tuple[Any, ...]) -> None:
        self.conn.execute("BEGIN")
        self.conn.execute(UPDATE, args)
        self.conn.execute("COMMIT")

    def durable_change(self, args: tuple[Any, ...]) -> float:
        start = perf()
        self._commit(args)
        return perf() - start

    def start_background(self, args: tuple[Any, ...]) -> Callable[[], bool]:
        done = threading.Event()

        def work() -> None:
            with self.lock:
                start = perf()
                self._commit(args)
                self.holds.append(perf() - start)
            done.set()

        threading.Thread(target=work, name=f"bench-{self.name}-commit", daemon=True).start()
        return done.is_set

    def before_opens(self) -> None:
        """Close the writer, as at the end of a session: the WAL is checkpointed and removed."""
        self.conn.close()

    def open_once(self) -> float:
        start = perf()
        conn = self._connect()
        conn.execute(COUNT).fetchone()
        elapsed = perf() - start
        conn.close()
        return elapsed

    def file_size(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.conn.close()


# -- a save in flight -----------------------------------------------------------------------------

TICK = 0.0005  # the foreground wakes every 0.5 ms, like an event loop waiting for keys


def measure_stall(lock: Any, done: Callable[[], bool], limit: float = 10.0) -> tuple[float, float]:
    """While `done()` is false: (longest wait for `lock`, longest the foreground was late), in seconds.

    "Late" is how much later than asked the foreground ran and held the lock: the lock wait plus any time
    it could not get the GIL back after its sleep.
    """
    worst_wait = worst_late = 0.0
    after = 3  # a few ticks past the end, so the tail of the save is covered
    deadline = perf() + limit
    while after > 0 and perf() < deadline:
        if done():
            after -= 1
        begin = perf()
        time.sleep(TICK)
        asked = perf()
        with lock:
            got = perf()
        worst_wait = max(worst_wait, got - asked)
        worst_late = max(worst_late, got - begin - TICK)
    return worst_wait, worst_late


# -- phases of one save and one open, timed step by step -----------------------------------------


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


SAVE_PHASES = (
    "snapshot: checks + serialize (store lock held)",
    "header + sha256 + HKDF",
    "encrypt (AESGCM.encrypt, new bytes)",
    "write temp file (open O_EXCL + 2 writes)",
    "fsync temp file + close",
    "backup hard link (backups.take)",
    "os.replace",
    "fsync folder",
    "rotate backups (listing + unlink)",
)


def timed_save(store: Store, vault: Vault) -> list[float]:
    """One save of `store` into `vault`, the steps of Vault.save re-done here, each timed (seconds)."""
    marks = [perf()]
    image = store.snapshot()
    marks.append(perf())
    generation = vault.generation + 1
    save_salt, nonce = secrets.token_bytes(32), secrets.token_bytes(12)
    header = Header(vault.slots, generation, save_salt, nonce, len(image)).encode()
    digest = hashlib.sha256(header).digest()
    cipher = keys.payload_key(vault._data_key, save_salt)
    marks.append(perf())
    sealed = cipher.encrypt(nonce, image, header)
    marks.append(perf())
    directory = vault.path.parent
    tmp = directory / f".{vault.path.name}.{secrets.token_hex(6)}{TMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        _write_all(fd, header + digest)
        _write_all(fd, sealed)
        marks.append(perf())
        os.fsync(fd)
    finally:
        os.close(fd)
    marks.append(perf())
    if vault.generation > 0 and vault.path.exists():
        backups.take(vault.path, vault.generation)
    marks.append(perf())
    os.replace(tmp, vault.path)
    marks.append(perf())
    vault.generation = generation
    _fsync_dir(directory)
    marks.append(perf())
    backups.rotate(vault.path, vault.policy)
    marks.append(perf())
    return [b - a for a, b in zip(marks, marks[1:], strict=False)]


OPEN_PHASES = (
    "read file (Path.read_bytes)",
    "parse header + sha256",
    "KDF + unwrap data key (8 KiB Argon2id)",
    "HKDF + copy body (bytes(body))",
    "decrypt (AESGCM.decrypt)",
    "deserialize + pragmas (MemoryDatabase.load)",
    "schema checks (version + sentinel)",
)


def timed_open(path: Path) -> tuple[list[float], float]:
    """One open of the vault at `path`, the steps of Vault.open + Store.load_image re-done, each timed.

    Also returns what the decrypt costs straight from the memoryview (no `bytes(body)` copy).
    """
    marks = [perf()]
    data = path.read_bytes()
    marks.append(perf())
    header, header_bytes, body = parse(data)
    marks.append(perf())
    slot = next(s for s in header.slots if s.kind == SlotKind.PASSPHRASE)
    data_key = keys.unwrap(slot, PASSPHRASE)
    assert data_key is not None
    marks.append(perf())
    cipher = keys.payload_key(data_key, header.save_salt)
    copied = bytes(body)
    marks.append(perf())
    image = cipher.decrypt(header.nonce, copied, header_bytes)
    marks.append(perf())
    db = MemoryDatabase()
    db.load(image)
    marks.append(perf())
    conn = db.raw()
    assert current_version(conn) >= 1
    assert conn.execute("SELECT 1 FROM meta WHERE key = 'sentinel'").fetchone() is not None
    marks.append(perf())
    db.close()
    start = perf()
    cipher.decrypt(header.nonce, body, header_bytes)
    no_copy = perf() - start
    return [b - a for a, b in zip(marks, marks[1:], strict=False)], no_copy


@dataclass
class WhatIf:
    """Alternatives measured beside the real steps."""

    serialize_memdb: list[float] = field(default_factory=list)
    serialize_fresh: list[float] = field(default_factory=list)
    encrypt_into: list[float] = field(default_factory=list)
    encrypt_streamed: list[float] = field(default_factory=list)
    decrypt_no_copy: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)


def durable_floor(folder: Path) -> float:
    """The least any write-a-new-file-and-rename save costs here: 1 byte, fsync, replace, fsync folder."""
    tmp, target = folder / ".floor.tmp", folder / "floor"
    start = perf()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, b"x")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    _fsync_dir(folder)
    return perf() - start


def what_if(store: Store, result: WhatIf) -> None:
    """Serialize of the (deserialized) store against a never-deserialized copy; encrypt_into a buffer."""
    with store.lock:
        start = perf()
        image = store.db.serialize()
        result.serialize_memdb.append(perf() - start)
        fresh = sqlite3.connect(":memory:")
        store.db.raw().backup(fresh)
    start = perf()
    fresh.serialize()
    result.serialize_fresh.append(perf() - start)
    fresh.close()
    cipher = keys.payload_key(keys.new_data_key(), secrets.token_bytes(32))
    buf = bytearray(len(image) + 16)
    nonce = secrets.token_bytes(12)
    cipher.encrypt_into(nonce, image, b"header", buf)  # buffer pages touched once, as when reused
    start = perf()
    cipher.encrypt_into(nonce, image, b"header", buf)
    result.encrypt_into.append(perf() - start)
    result.encrypt_streamed.append(encrypt_streamed(image))


CHUNK = 1 << 20


def encrypt_streamed(image: bytes) -> float:
    """AES-256-GCM through the streaming encryptor, 1 MiB at a time into one reused 1 MiB buffer.

    The output is byte for byte AESGCM.encrypt's (ciphertext, then the tag), yet no image-sized buffer is
    allocated and the GIL is let go between chunks; in a save each chunk would go straight to os.write.
    """
    key, nonce = keys.new_data_key(), secrets.token_bytes(12)
    buf = bytearray(CHUNK + 15)
    view = memoryview(image)
    start = perf()
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(b"header")
    for offset in range(0, len(view), CHUNK):
        encryptor.update_into(view[offset : offset + CHUNK], buf)
    encryptor.finalize()
    assert len(encryptor.tag) == 16
    return perf() - start


# -- the run --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reps:
    changes: int
    opens: int
    stalls: int
    phases: int


def reps_for(n: int) -> Reps:
    return Reps(changes=30, opens=8, stalls=6, phases=8) if n >= 50_000 else Reps(60, 15, 10, 15)


DURABLE_BUDGET_MS = {1_000: 2.0, 10_000: 15.0}
OPEN_BUDGET_MS = {10_000: 10.0}
STALL_BUDGET_MS = {100_000: 16.0}


@dataclass
class SizeResult:
    n: int
    image_size: int
    file_sizes: dict[str, int]
    durable: dict[str, list[float]]
    flush: list[float]
    created_flush: list[float]
    paint: list[float]
    opens: dict[str, list[float]]
    waits: dict[str, list[float]]
    lates: dict[str, list[float]]
    idle_late: float
    holds: dict[str, list[float]]
    saves_per_change: float
    save_phases: list[list[float]]
    library_save: list[float]
    open_phases: list[list[float]]
    whatif: WhatIf


def run_size(n: int, folder: Path, log: Callable[[str], None]) -> SizeResult:
    reps = reps_for(n)
    rng = random.Random(n)
    t0 = perf()
    rows = referral_rows(n)
    vault = VaultEngine(folder, n, rows, rng, reps.stalls)
    engines: list[Any] = [vault, SqlEngine("sqlite", sqlite3, folder, n, rows)]
    if sqlcipher is not None:
        raw_key = f"x'{secrets.token_hex(32)}'"  # a raw key: SQLCipher runs no PBKDF2
        engines.append(SqlEngine("sqlcipher", sqlcipher, folder, n, rows, key=raw_key))
    del rows
    log(f"  {n:,} referrals: filled in {perf() - t0:.1f} s")
    names = [e.name for e in engines]
    os.sync()  # the fill's dirty pages must not ride along with the first fsyncs measured

    # one durable change, interleaved
    for _ in range(3):  # warm-up
        for engine in engines:
            engine.durable_change(update_args(rng, n))
    vault.saves_per_change.clear()
    durable: dict[str, list[float]] = {name: [] for name in names}
    flush: list[float] = []
    paint: list[float] = []
    gc.collect()
    for _ in range(reps.changes):
        for engine in engines:
            durable[engine.name].append(engine.durable_change(update_args(rng, n)))
        flush.append(vault.change_then_flush(update_args(rng, n)))
        paint.append(vault.key_paint(update_args(rng, n)))

    # a save (or commit) in flight, seen from the foreground
    waits: dict[str, list[float]] = {name: [] for name in names}
    lates: dict[str, list[float]] = {name: [] for name in names}
    waits["vault as created"] = [w for w, _ in vault.created_stalls]
    lates["vault as created"] = [late for _, late in vault.created_stalls]
    idle_late = max(measure_stall(vault.lock, lambda: True)[1] for _ in range(30))
    for _ in range(reps.stalls):
        for engine in engines:
            wait, late = measure_stall(engine.lock, engine.start_background(update_args(rng, n)))
            waits[engine.name].append(wait)
            lates[engine.name].append(late)
    vault.store.saver.flush()

    # open after the KDF, interleaved
    for engine in engines:
        engine.before_opens()
    opens: dict[str, list[float]] = {name: [] for name in names}
    for engine in engines:
        engine.open_once()  # warm-up
    gc.collect()
    for _ in range(reps.opens):
        for engine in engines:
            opens[engine.name].append(engine.open_once())

    # phases of one save and one open, on the same vault file and backups folder (the saver is idle)
    store = vault.store
    store.saver.flush()
    save_phases: list[list[float]] = []
    library_save: list[float] = []
    open_phases: list[list[float]] = []
    whatif = WhatIf()
    # Saves run in one worker thread, as the saver's do (a thread's malloc arena behaves differently).
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-save")

    def library() -> float:
        start = perf()
        store.vault.save(store.snapshot())
        return perf() - start

    worker.submit(timed_save, store, store.vault).result()  # warm-up
    for _ in range(reps.phases):
        save_phases.append(worker.submit(timed_save, store, store.vault).result())
        library_save.append(worker.submit(library).result())
        steps, no_copy = timed_open(vault.path)
        open_phases.append(steps)
        whatif.decrypt_no_copy.append(no_copy)
        what_if(store, whatif)
        whatif.floor.append(durable_floor(folder))
    reopened, image = Vault.open(vault.path, PASSPHRASE, lock=False)  # the re-done saves wrote a vault
    assert reopened.generation == store.vault.generation and len(image) == len(store.snapshot())
    reopened.close()
    worker.shutdown()

    file_sizes = {e.name: e.file_size() for e in engines}
    saves = vault.saves_per_change
    for engine in engines:
        engine.close()
    log(f"  {n:,} referrals: measured in {perf() - t0:.1f} s")
    return SizeResult(
        n=n,
        image_size=vault.image_size,
        file_sizes=file_sizes,
        durable=durable,
        flush=flush,
        created_flush=vault.created_durable,
        paint=paint,
        opens=opens,
        waits=waits,
        lates=lates,
        idle_late=idle_late,
        holds={"vault": vault.holds, "vault as created": vault.created_holds}
        | {e.name: e.holds for e in engines[1:]},
        saves_per_change=sum(saves) / len(saves),
        save_phases=save_phases,
        library_save=library_save,
        open_phases=open_phases,
        whatif=whatif,
    )


def _engine_cells(samples: dict[str, list[float]], names: Sequence[str]) -> list[str]:
    cells = []
    for name in names:
        got = samples.get(name)
        cells += [fmt(ms(median(got))), fmt(ms(p95(got)))] if got else ["n/a", "n/a"]
    return cells


def _ratios(samples: dict[str, list[float]], vault_samples: list[float], names: Sequence[str]) -> list[str]:
    v = median(vault_samples)
    return [ratio(v, median(samples[name]) if samples.get(name) else None) for name in names[1:]]


def stall_verdict(worst: dict[str, float], budget: float | None) -> str:
    if budget is None:
        return ""
    text = "ok" if ms(worst["vault"]) <= budget else "OVER"
    if ms(worst.get("vault as created", 0.0)) > budget:
        text += "; as created OVER"
    return text


def report(results: list[SizeResult], print_: Callable[[str], None]) -> None:
    names = ["vault", "sqlite", "sqlcipher"]
    headers = ["measure (ms)", "N", "vault med", "p95", "sqlite med", "p95", "sqlcipher med", "p95"]
    headers += ["vault/sqlite", "vault/sqlcipher", "budget", "verdict"]

    print_("\n== Sizes ==")
    rows = []
    for r in results:
        rows.append(
            [
                f"{r.n:,}",
                f"{r.image_size / 1e6:.2f}",
                f"{r.image_size / r.n:.0f}",
                f"{r.file_sizes['vault'] / 1e6:.2f}",
                f"{r.file_sizes['sqlite'] / 1e6:.2f}",
                f"{r.file_sizes['sqlcipher'] / 1e6:.2f}" if "sqlcipher" in r.file_sizes else "n/a",
            ]
        )
    print_(
        table(["N", "image MB", "bytes/row", "vault file MB", "sqlite file MB", "sqlcipher file MB"], rows)
    )

    print_("\n== Vault against SQLite (WAL, synchronous=FULL) and SQLCipher: median and p95 in ms ==")
    rows = []
    for r in results:
        budget = DURABLE_BUDGET_MS.get(r.n)
        v = [ms(x) for x in r.durable["vault"]]
        rows.append(
            ["durable change: atomic UPDATE + save_now", f"{r.n:,}", *_engine_cells(r.durable, names)]
            + _ratios(r.durable, r.durable["vault"], names)
            + [f"<= {budget:g}" if budget else "-", verdict(median(v), p95(v), budget)]
        )
        f = [ms(x) for x in r.flush]
        flush = {**r.durable, "vault": r.flush}
        rows.append(
            ["durable change: atomic UPDATE + flush", f"{r.n:,}", *_engine_cells(flush, names)]
            + _ratios(flush, r.flush, names)
            + [f"<= {budget:g}" if budget else "-", verdict(median(f), p95(f), budget)]
        )
        c = [ms(x) for x in r.created_flush]
        created = {**r.durable, "vault": r.created_flush}
        rows.append(
            ["  same, store as created (not reopened)", f"{r.n:,}", *_engine_cells(created, names)]
            + _ratios(created, r.created_flush, names)
            + [f"<= {budget:g}" if budget else "-", verdict(median(c), p95(c), budget)]
        )
        paint = {**r.durable, "vault": r.paint}
        rows.append(
            ["key paint: atomic UPDATE (UI waits)", f"{r.n:,}", *_engine_cells(paint, names)]
            + _ratios(paint, r.paint, names)
            + ["-", ""]
        )
        budget = OPEN_BUDGET_MS.get(r.n)
        o = [ms(x) for x in r.opens["vault"]]
        rows.append(
            ["open after the KDF", f"{r.n:,}", *_engine_cells(r.opens, names)]
            + _ratios(r.opens, r.opens["vault"], names)
            + [f"<= {budget:g}" if budget else "-", verdict(median(o), p95(o), budget)]
        )
    print_(table(headers, rows))
    print_(
        "  durable change: from the start of the UPDATE until the change is on disk. 'save_now' is the\n"
        "  brief's recipe (atomic asks for a save, save_now asks again and waits); 'flush' waits for the\n"
        "  save atomic already asked for. SQLite/SQLCipher: BEGIN; UPDATE; COMMIT (fsync of the WAL).\n"
        "  key paint: SQLite/SQLCipher have no background save, so their column is the same commit.\n"
        "  open: vault = Vault.open(lock=False) + Store.load_image (deserialize); SQLite = connect + "
        "count(*);\n  SQLCipher = connect + PRAGMA key (raw key, no PBKDF2) + count(*)."
    )
    for r in results:
        print_(f"  saves written per 'save_now' durable change at {r.n:,}: {r.saves_per_change:.2f}")

    print_("\n== A save (or commit) in flight, seen from a foreground thread waking every 0.5 ms ==")
    rows = []
    stall_names = ["vault", "vault as created", *names[1:]]
    for r in results:
        budget = STALL_BUDGET_MS.get(r.n)
        for label, samples in (
            ("longest lock hold by the save", r.holds),
            ("longest lock wait", r.waits),
            ("longest late (lock + GIL)", r.lates),
        ):
            worst = {name: max(samples[name]) for name in samples}
            cells = [fmt(ms(worst[name])) if name in worst else "n/a" for name in stall_names]
            rows.append(
                [label, f"{r.n:,}", *cells]
                + [ratio(worst["vault"], worst.get(name)) for name in names[1:]]
                + [
                    f"<= {budget:g}" if budget else "-",
                    stall_verdict(worst, budget),
                ]
            )
    print_(
        table(
            ["max over saves (ms)", "N", "vault", "vault as created", "sqlite", "sqlcipher", "vault/sqlite"]
            + ["vault/sqlcipher"]
            + ["budget", "verdict"],
            rows,
        )
    )
    idle = ", ".join(f"{ms(r.idle_late):.2f} ms at {r.n:,}" for r in results)
    print_(
        "  vault: a change is committed, its save runs in the saver thread; SQLite/SQLCipher: a thread\n"
        "  commits (BEGIN; UPDATE; COMMIT) holding the connection's lock. 'lock hold': the saver's snapshot\n"
        "  (over every background save of the run) or the background commit. 'late' = how much later than\n"
        "  asked the foreground held the lock. 'vault as created': the store Store.create returns, never\n"
        "  deserialized (as after `init` or `demo`), measured before it is closed and reopened.\n"
        f"  Idle noise (nothing in flight): {idle}."
    )

    print_("\n== Phases of one vault save (median ms; re-timed step by step around the same calls) ==")
    headers = ["phase", *(f"{r.n:,}" for r in results)]
    rows = []
    for i, label in enumerate(SAVE_PHASES):
        rows.append([label, *(fmt(ms(median([s[i] for s in r.save_phases]))) for r in results)])
    rows.append(["total of the phases", *(fmt(ms(median([sum(s) for s in r.save_phases]))) for r in results)])
    rows.append(["snapshot + Vault.save (the library)", *(fmt(ms(median(r.library_save))) for r in results)])
    rows.append(["image MB", *(f"{r.image_size / 1e6:.2f}" for r in results)])
    print_(table(headers, rows))

    print_("\n== Phases of one vault open (median ms) ==")
    rows = []
    for i, label in enumerate(OPEN_PHASES):
        rows.append([label, *(fmt(ms(median([s[i] for s in r.open_phases]))) for r in results)])
    rows.append(["total of the phases", *(fmt(ms(median([sum(s) for s in r.open_phases]))) for r in results)])
    print_(table(headers, rows))

    print_("\n== What if (median ms, same image) ==")
    rows = []
    for label, pick in (
        ("serialize, deserialized db (as opened)", lambda w: w.serialize_memdb),
        ("serialize, never-deserialized db (as created)", lambda w: w.serialize_fresh),
        ("encrypt_into a reused buffer (no new bytes)", lambda w: w.encrypt_into),
        ("encrypt streamed, 1 MiB chunks, one 1 MiB buffer", lambda w: w.encrypt_streamed),
        ("decrypt from the memoryview (no bytes(body))", lambda w: w.decrypt_no_copy),
        ("floor: 1-byte file, fsync, replace, fsync folder", lambda w: w.floor),
    ):
        rows.append([label, *(fmt(ms(median(pick(r.whatif)))) for r in results)])
    print_(table(headers, rows))


def run(sizes: Sequence[int], base_dir: str | None = None, print_: Callable[[str], None] = print) -> None:
    """Build, measure and report every size; temporary files go under `base_dir` (default: temp)."""
    if base_dir is not None:
        Path(base_dir).mkdir(parents=True, exist_ok=True)
    cipher_version = "not installed"
    if sqlcipher is not None:
        probe = sqlcipher.connect(":memory:")
        cipher_version = (
            f"{probe.execute('PRAGMA cipher_version').fetchone()[0]} (SQLite {sqlcipher.sqlite_version})"
        )
        probe.close()
    with tempfile.TemporaryDirectory(prefix="p2p-bench-", dir=base_dir) as tmp:
        folder = Path(tmp)
        print_(
            f"p2p-tui vault benchmarks: Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"SQLCipher {cipher_version}, cryptography {cryptography.__version__}, {os.cpu_count()} CPUs, "
            f"{sys.platform}; files in {folder}"
        )
        results = []
        for n in sizes:
            results.append(run_size(n, folder, print_))
            gc.collect()
    report(results, print_)
