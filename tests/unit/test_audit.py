"""The audit trail (issue 13): triggers record every change by field name only, the chain finds a
removed or edited entry, a scripted day leaves no value of a person in the trail, and a table added
later is audited without anyone remembering to."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from p2p_tui.services.admin import audit, retention
from p2p_tui.services.cases import intake, lifecycle, matching
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.store import Store, settings
from p2p_tui.store import audit as chain
from p2p_tui.store.models import Physician
from tests.conftest import NOW, PASSPHRASE, TODAY

PERSON = PhysicianInput(
    "Zelda Quixotic",
    "mid",
    "Queens",
    email="zelda.q@secret.example.org",
    phone="902 555 0199",
    specialty="Otology",
)
SECRETS = (
    "Zelda",
    "Quixotic",
    "zelda",
    "secret.example",
    "555 0199",
    "Otology",
    "Queens",
    "Kings",
    "Helpful",
)


def referral(person: PhysicianInput = PERSON, received: date = TODAY) -> int:
    data = ReferralInput(person, received.isoformat(), "reach_in", "self", ("burnout",))
    return int(intake.create_referral(data, on=TODAY).id)


def trail(store: Store) -> list[tuple[object, ...]]:
    return store.db.raw().execute(f"SELECT {chain.COLUMNS} FROM audit_entry ORDER BY id").fetchall()  # noqa: S608


def test_changes_are_recorded_by_field_name_stamped_and_chained(store: Store) -> None:
    with store.atomic():
        rid = referral()
    with store.atomic():
        lifecycle.set_logistics_note(rid, "Zelda: after clinic")
        lifecycle.set_logistics_note(rid, "Zelda: after clinic")  # no change: no entry
    found = audit.entries(referral_id=rid)
    assert [(e.kind, e.table) for e in found][-1] == ("update", "referral")
    assert found[-1].fields == ("logistics_note",) and found[-1].record_ids == (str(rid),)
    assert sum(1 for e in found if e.fields == ("logistics_note",)) == 1
    assert {e.at for e in found} == {NOW}
    assert ("insert", "referral_stressor", (f"{rid}:burnout",)) in [
        (e.kind, e.table, e.record_ids) for e in found
    ]
    assert audit.verify().ok
    assert trail(store)[0][-1] == chain.GENESIS


def test_a_removed_or_edited_entry_breaks_the_chain_at_the_first_broken_one(store: Store) -> None:
    with store.atomic():
        referral()
    conn = store.db.raw()
    rows = trail(store)
    assert len(rows) == 4 and audit.verify().ok
    conn.execute("UPDATE audit_entry SET fields = 'email' WHERE id = 2")
    assert audit.verify().broken_at == 3
    conn.execute("UPDATE audit_entry SET fields = ? WHERE id = 2", (rows[1][5],))
    conn.execute("DELETE FROM audit_entry WHERE id = 3")
    assert audit.verify().broken_at == 4
    conn.execute(f"INSERT INTO audit_entry ({chain.COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows[2])  # noqa: S608
    assert audit.verify().ok
    conn.execute("DELETE FROM audit_entry WHERE id = ?", (rows[-1][0],))  # the last one: the head shows it
    verdict = audit.verify()
    assert verdict.broken_at == rows[-2][0] and "removed" in verdict.why


def test_record_takes_names_and_ids_only(store: Store) -> None:
    with store.atomic():
        audit.record("undo", table="referral", ids=(7,), fields=("status", "closed_on"), referral_id=7)
    (entry,) = audit.entries(referral_id=7)
    assert (entry.kind, entry.record_ids, entry.fields, entry.what) == (
        "undo",
        ("7",),
        ("status", "closed_on"),
        "undone case",
    )
    for bad in (
        {"kind": "note"},
        {"kind": "undo", "table": "Zelda Q"},
        {"kind": "undo", "fields": ("zelda.q@secret.example.org",)},
        {"kind": "undo", "ids": ("Zelda Quixotic",)},
        {"kind": "undo", "ids": ("zelda",)},
    ):
        with pytest.raises(ValidationError) as caught, store.atomic():
            audit.record(**bad)  # type: ignore[arg-type]
        assert "Zelda" not in str(caught.value)


def test_a_table_added_by_a_later_migration_is_audited_at_the_next_open(store: Store) -> None:
    conn = store.db.raw()
    with store.lock:
        conn.execute("CREATE TABLE later_thing (id INTEGER PRIMARY KEY, referral_id INTEGER, level TEXT)")
        assert chain.install(conn) == 3
        assert chain.install(conn) == 0  # idempotent
        conn.execute("ALTER TABLE later_thing ADD COLUMN extra TEXT")
        assert chain.install(conn) == 1  # the update trigger, made again with the new column
    with store.atomic():
        conn.execute("INSERT INTO later_thing (referral_id, level) VALUES (4, 'x')")
        conn.execute("UPDATE later_thing SET extra = 'secret value'")
    last = audit.entries()[-2:]
    assert [(e.kind, e.table, e.fields, e.referral_id) for e in last] == [
        ("insert", "later_thing", (), 4),
        ("update", "later_thing", ("extra",), 4),
    ]


def test_a_scripted_day_leaves_no_value_of_a_person_in_the_trail(store: Store) -> None:
    """Intake, match, contact, an edit, the close and the purge: the trail holds names and ids only."""
    helper = PhysicianInput("Hester Helpful", "late", "Kings", email="hester@secret.example.org")
    with store.atomic():
        supporter = roster.add_supporter(
            roster.SupporterInput(helper, status="active"), on=TODAY - timedelta(days=30)
        )
        roster.nominate(supporter.id, "Zelda Quixotic")
        rid = referral()
        matching.confirm_match(rid, supporter.id, on=TODAY)
        lifecycle.record_contact(rid, "initial", "phone", on=TODAY)
        intake.upsert_physician(
            PhysicianInput(PERSON.name, "mid", "Queens", email=PERSON.email, phone="902 555 0199 ext 12"),
            TODAY,
        )
        lifecycle.set_logistics_note(rid, "Zelda prefers Quixotic hours")
        lifecycle.end_case(rid, "closed", TODAY)
        settings.put("retention_days", 0)
        done = retention.purge(TODAY + timedelta(days=1), dry_run=False)
    assert done.physicians == 1
    kinds = {row[2] for row in trail(store)}
    assert {"insert", "update", "purge"} <= kinds
    image = "\n".join(repr(row) for row in trail(store))
    for secret in SECRETS:
        assert secret.casefold() not in image.casefold(), secret
    assert audit.verify().ok


def test_retention_zero_purges_a_case_when_it_ends_and_it_cannot_be_reopened(store: Store) -> None:
    with store.atomic():
        settings.put("retention_days", 0)
        rid = referral()
        lifecycle.end_case(rid, "declined", TODAY)
    physician = Physician.get_by_id(lifecycle.get_referral(rid).physician_id)
    assert (physician.name, physician.email, physician.purged_on) == ("", "", TODAY)
    assert retention.retention_days() == 0
    with pytest.raises(ValidationError) as caught, store.atomic():
        lifecycle.reopen(rid)
    assert caught.value.field == "status" and "new referral" in caught.value.message
    with pytest.raises(ValueError, match="retention_days"):
        settings.put("retention_days", -1)


def test_every_unit_of_the_trail_is_sealed_before_a_save(store: Store) -> None:
    """A write made outside `atomic()` (raw SQL under the lock) is sealed when the image is taken."""
    with store.lock:
        store.db.raw().execute("UPDATE setting SET value = value WHERE key = 'none'")
        chain.add(store.db.raw(), "unlock")
        assert chain.pending(store.db.raw())
        store.snapshot()
        assert not chain.pending(store.db.raw())
    assert audit.verify().ok


def test_a_passphrase_change_and_a_restore_are_recorded(store: Store, vault_path: Path) -> None:
    from p2p_tui.store import restore as restoring

    with store.atomic():
        referral()
    store.save_now()
    copy = vault_path.with_name("copy.p2pvault")
    copy.write_bytes(vault_path.read_bytes())
    store.change_passphrase("a new and much longer passphrase")
    with store.lock:
        assert audit.entries()[-1].kind == "passphrase"
    store.close()
    restoring.restore_from(vault_path, copy, PASSPHRASE)
    reopened = Store.open(vault_path, PASSPHRASE)
    try:
        with reopened.lock:
            assert [e.kind for e in audit.entries()][-2:] == ["insert", "restore"]  # the copy had no change
            assert audit.verify().ok
    finally:
        reopened.close()


def test_the_daily_check_honours_a_retention_of_zero(store: Store) -> None:
    with store.atomic():
        rid = referral()
        lifecycle.end_case(rid, "closed", TODAY)  # ended while the retention was 90 days: kept
        settings.put("retention_days", 0)
    assert Physician.get_by_id(lifecycle.get_referral(rid).physician_id).purged_on is None
    with store.atomic():
        done = retention.daily_check(TODAY)
    assert done is not None and done.physicians == 1


def test_settings_take_a_retention_of_zero() -> None:
    from p2p_tui.tui.screens.settings import RETENTION_NOTE, clean_setting

    assert clean_setting("retention_days", "0") == 0
    with pytest.raises(ValidationError, match="from 0 to 3650"):
        clean_setting("retention_days", "-1")
    assert "reopened" in RETENTION_NOTE
    assert "cannot be undone" in RETENTION_NOTE and "backups keep older copies until they rotate out" in (
        RETENTION_NOTE.replace("The backups", "backups")
    )


def test_saving_the_settings_records_only_the_key_that_changed(store: Store) -> None:
    with store.atomic():
        for key, value in settings.all_settings().items():
            settings.put(key, value)
    with store.lock:
        before = audit.count()
    with store.atomic():
        for key, value in settings.all_settings().items():  # the Settings screen saves every key
            settings.put(key, 30 if key == "retention_days" else value)
    with store.lock:
        added = audit.entries(limit=50, offset=before)
        assert settings.get("retention_days") == 30
    assert [(e.kind, e.table, e.record_ids, e.fields) for e in added] == [
        ("update", "setting", ("retention_days",), ("value",))
    ]


def _trail_of(path: Path) -> tuple[list[tuple[object, ...]], bool]:
    reopened = Store.open(path, PASSPHRASE)
    try:
        with reopened.lock:
            return trail(reopened), audit.verify().ok
    finally:
        reopened.close()


def test_a_restore_from_an_older_backup_keeps_every_later_entry(store: Store, vault_path: Path) -> None:
    from p2p_tui.store import restore as restoring
    from p2p_tui.vault import peek_generation

    with store.atomic():
        rid = referral()
    store.save_now()
    copy = vault_path.with_name("older.p2pvault")
    copy.write_bytes(vault_path.read_bytes())
    with store.atomic():
        lifecycle.set_logistics_note(rid, "Zelda: after clinic")
        lifecycle.end_case(rid, "closed", TODAY)
        settings.put("retention_days", 0)
        retention.purge(dry_run=False)
    with store.lock:
        before = trail(store)
    store.close()
    restoring.restore_from(vault_path, copy, PASSPHRASE)
    after, intact = _trail_of(vault_path)
    assert intact
    assert after[: len(before)] == before  # the close, the purge and the rest are all still there
    assert len(after) == len(before) + 1
    last = after[-1]
    assert last[2] == "restore" and last[4] == str(peek_generation(copy)) and last[5] == ""


def test_a_restore_of_another_vaults_backup_keeps_this_vaults_trail_whole(
    store: Store, vault_path: Path, tmp_path: Path
) -> None:
    from p2p_tui.store import restore as restoring
    from tests.conftest import CHEAP_KDF

    other_path = tmp_path / "other" / "other.p2pvault"
    other, _ = Store.create(other_path, PASSPHRASE, kdf=CHEAP_KDF)
    with other.atomic():
        settings.put("retention_days", 7)
    other.close()
    store.bind()  # the models point at this test's vault again
    with store.atomic():
        referral()
    with store.lock:
        before = trail(store)
    store.close()
    restoring.restore_from(vault_path, other_path, PASSPHRASE)
    after, intact = _trail_of(vault_path)
    assert intact and after[: len(before)] == before and len(after) == len(before) + 1
    assert after[-1][2] == "restore" and after[-1][5] == restoring.OTHER_VAULT


def test_a_restore_over_a_damaged_vault_says_its_trail_was_not_read(store: Store, vault_path: Path) -> None:
    from p2p_tui.store import restore as restoring

    with store.atomic():
        referral()
    store.close()
    copy = vault_path.with_name("copy.p2pvault")
    copy.write_bytes(vault_path.read_bytes())
    data = bytearray(vault_path.read_bytes())
    data[-40] ^= 0xFF  # the ciphertext no longer authenticates
    vault_path.write_bytes(bytes(data))
    restoring.restore_from(vault_path, copy, PASSPHRASE)
    after, intact = _trail_of(vault_path)
    assert intact and after[-1][2] == "restore" and after[-1][5] == restoring.CURRENT_UNREAD


def test_an_entry_says_its_record_ids_and_fields_in_plain_words() -> None:
    from p2p_tui.services.admin.audit import EntryView

    stressor = EntryView(1, None, "insert", "referral_stressor", ("6:adverse_event",), (), 6)
    assert (stressor.records, stressor.what) == ("6: adverse event", "added case stressor")
    edited = EntryView(2, None, "update", "physician", ("3",), ("preferred_contact", "career_stage"), None)
    assert (edited.records, edited.changed) == ("3", "preferred contact, career stage")
    assert stressor.as_json()["record_ids"] == ["6:adverse_event"]  # --json keeps the codes
