"""The in-memory store: round trips, pragmas, migrations, the sentinel guard, the frozen schema-1 file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from p2p_tui.store import Store, settings
from p2p_tui.store.database import MemoryDatabase
from p2p_tui.store.migrations import LATEST, current_version, migrate
from p2p_tui.vault import RefusedImage, SaveState, UnsupportedVersion, Vault, VaultDamaged
from tests.conftest import CHEAP_KDF, PASSPHRASE

FIXTURES = Path(__file__).parent.parent / "fixtures"
FIXTURE_PASSPHRASE = "frozen fixture passphrase v1"
FIXTURE_RECOVERY = "94TE-FCYA-0HM7-GG9C-0HTE-5JYS-M81D"


def test_round_trip_of_a_populated_database(store: Store, vault_path: Path) -> None:
    with store.atomic():
        store.db.raw().execute("CREATE TABLE extra (id INTEGER PRIMARY KEY, name TEXT)")
        store.db.raw().executemany("INSERT INTO extra(name) VALUES (?)", [(f"name {i}",) for i in range(500)])
        settings.put("counties", ["Kings", "Queens"])
    store.close()
    reopened = Store.open(vault_path, PASSPHRASE)
    try:
        assert reopened.db.scalar("SELECT count(*) FROM extra") == 500
        assert reopened.db.scalar("SELECT name FROM extra WHERE id = 500") == "name 499"
        assert settings.get("counties") == ["Kings", "Queens"]
    finally:
        reopened.close()


def test_generation_increases_with_every_save(store: Store, vault_path: Path) -> None:
    seen = [store.vault.generation]
    for i in range(5):
        with store.atomic():
            settings.put("retention_days", 90 + i)
        store.saver.flush()
        seen.append(store.vault.generation)
    assert seen == sorted(set(seen)), seen
    store.close()
    reopened = Store.open(vault_path, PASSPHRASE)
    assert reopened.vault.generation == seen[-1]
    reopened.close()


def test_pragmas_keep_temp_data_in_memory(store: Store) -> None:
    assert store.db.scalar("PRAGMA temp_store") == 2
    assert store.db.scalar("PRAGMA foreign_keys") == 1


def test_pragmas_survive_reopening(store: Store, vault_path: Path) -> None:
    store.close()
    reopened = Store.open(vault_path, PASSPHRASE)
    try:
        assert reopened.db.scalar("PRAGMA temp_store") == 2
        assert reopened.db.scalar("PRAGMA foreign_keys") == 1
    finally:
        reopened.close()


def test_database_never_autoconnects() -> None:
    db = MemoryDatabase()
    with pytest.raises(Exception, match="not open|closed|connect"):
        db.execute_sql("SELECT 1")


def test_an_image_without_the_sentinel_is_never_saved(store: Store, vault_path: Path) -> None:
    before = vault_path.read_bytes()
    with store.lock:
        store.db.raw().execute("DELETE FROM meta WHERE key = 'sentinel'")
    store.saver.request()
    with pytest.raises(RefusedImage):
        store.saver.flush()
    assert store.saver.state is SaveState.FAILED
    assert vault_path.read_bytes() == before
    store.abandon()


def test_an_empty_database_is_never_saved(store: Store, vault_path: Path) -> None:
    before = vault_path.read_bytes()
    with store.lock:
        for table in ("meta", "setting"):
            store.db.raw().execute(f"DROP TABLE {table}")
    with pytest.raises(RefusedImage):
        store.save_now()
    assert vault_path.read_bytes() == before
    store.abandon()


def test_saves_coalesce(store: Store) -> None:
    start = store.vault.generation
    with store.lock:  # hold the lock: the worker cannot snapshot until every change is in
        for i in range(50):
            with store.atomic():
                settings.put("retention_days", i)
    store.saver.flush()
    assert 1 <= store.vault.generation - start < 50


def test_migrations_are_numbered_and_applied_once() -> None:
    conn = sqlite3.connect(":memory:")
    assert current_version(conn) == 0
    assert migrate(conn) == LATEST
    assert migrate(conn) == LATEST
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_a_vault_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = MemoryDatabase()
    db.load(None)
    migrate(db.raw())
    db.raw().execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    path = tmp_path / "newer.p2pvault"
    vault, _ = Vault.create(path, PASSPHRASE, db.serialize(), kdf=CHEAP_KDF)
    vault.close()
    with pytest.raises(UnsupportedVersion, match="newer"):
        Store.open(path, PASSPHRASE)


def test_a_vault_holding_something_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.p2pvault"
    vault, _ = Vault.create(path, PASSPHRASE, b"not a database at all" * 10, kdf=CHEAP_KDF)
    vault.close()
    with pytest.raises(VaultDamaged):
        Store.open(path, PASSPHRASE)


def test_settings_have_defaults_and_refuse_unknown_keys(store: Store) -> None:
    assert settings.get("counties") == ["Kings", "Queens", "Prince"]
    assert settings.all_settings()["autolock_minutes"] == 5
    with pytest.raises(KeyError):
        settings.get("no_such_setting")


def test_frozen_schema_1_vault_still_opens(tmp_path: Path) -> None:
    """A vault written by the first release (schema 1) opens and keeps its data, forever."""
    path = tmp_path / "copy.p2pvault"
    shutil.copyfile(FIXTURES / "schema-v1.p2pvault", path)
    store = Store.open(path, FIXTURE_PASSPHRASE)
    try:
        assert settings.get("counties") == ["Kings", "Queens", "Prince", "Fixture County"]
        assert settings.get("honorarium_rate") == 125.5
        assert current_version(store.db.raw()) == LATEST
        assert store.db.scalar("PRAGMA integrity_check") == "ok"
    finally:
        store.close()
    again = Store.open(path, FIXTURE_RECOVERY, recovery=True)
    again.close()


def test_an_old_schema_is_migrated_in_memory_and_written_by_the_first_real_change(tmp_path: Path) -> None:
    path = tmp_path / "copy.p2pvault"
    shutil.copyfile(FIXTURES / "schema-v1.p2pvault", path)
    before = path.read_bytes()
    Store.open(path, FIXTURE_PASSPHRASE).close()  # a read-only use: nothing to write
    assert path.read_bytes() == before
    store = Store.open(path, FIXTURE_PASSPHRASE)
    with store.atomic():
        settings.put("autolock_minutes", 7)
    store.close()
    vault, image = Vault.open(path, FIXTURE_PASSPHRASE)
    vault.close()
    on_disk = Store.load_image(image, path)
    try:
        assert current_version(on_disk.raw()) == LATEST
    finally:
        on_disk.close()


def test_frozen_schema_4_vault_still_opens_with_its_program_data(tmp_path: Path) -> None:
    """The vault this release writes (schema 4, the demo's synthetic data) opens in every later one."""
    from p2p_tui.services.reporting import deidentify
    from p2p_tui.store.models import Referral, Supporter, Utilization

    path = tmp_path / "copy.p2pvault"
    shutil.copyfile(FIXTURES / "schema-v4.p2pvault", path)
    store = Store.open(path, "frozen fixture passphrase v4")
    try:
        assert current_version(store.db.raw()) == LATEST
        assert store.db.scalar("PRAGMA integrity_check") == "ok"
        assert store.db.raw().execute("PRAGMA foreign_key_check").fetchall() == []
        assert Referral.select().count() == 150
        assert Supporter.select().count() == 40
        assert Utilization.select().count() == 150
        assert deidentify.check_consistency() == []
    finally:
        store.close()
    Store.open(path, "N1J1-EFBF-Z41K-H2P0-98MC-78SS-03Y3", recovery=True).close()


def test_frozen_schema_12_vault_opens_with_its_trail_intact(tmp_path: Path) -> None:
    """The vault this release writes (schema 12: corrections, search keys, the Member Survey, the audit
    trail, supporters' wellbeing and outside matches, the look-alike name key; the demo's synthetic
    data) opens in every later one, its audit chain whole."""
    from p2p_tui.services.reporting import deidentify
    from p2p_tui.store import audit
    from p2p_tui.store.models import Referral, Supporter, Utilization

    path = tmp_path / "copy.p2pvault"
    shutil.copyfile(FIXTURES / "schema-v12.p2pvault", path)
    store = Store.open(path, "frozen fixture passphrase v12")
    try:
        assert current_version(store.db.raw()) == LATEST
        assert store.db.scalar("PRAGMA integrity_check") == "ok"
        assert store.db.raw().execute("PRAGMA foreign_key_check").fetchall() == []
        assert (Referral.select().count(), Supporter.select().count(), Utilization.select().count()) == (
            150,
            40,
            150,
        )
        assert deidentify.check_consistency() == []
        verdict = audit.verify(store.db.raw())
        assert verdict.ok and verdict.entries > 1000
    finally:
        store.close()
    Store.open(path, "2A4E-MQN4-ZBM1-ACWK-PT75-E4YX-QRN7", recovery=True).close()
