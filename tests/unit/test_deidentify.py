"""The de-identified utilization record: created with the referral, follows every change (by trigger),
keeps a purged physician's stage and county, the back-fill of migration 4, and an export that carries no
identifying value and no referral id."""

from __future__ import annotations

import csv
import dataclasses
import io
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from p2p_tui.services.cases import intake, lifecycle, matching, safety, surveys
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.services.reporting import deidentify
from p2p_tui.services.reporting.deidentify import UtilizationRecord
from p2p_tui.store import Store, settings
from p2p_tui.store.database import MemoryDatabase
from p2p_tui.store.migrations import MIGRATIONS, current_version, migrate
from p2p_tui.store.models import Physician, ReferralStressor, Utilization
from p2p_tui.vault import Vault
from tests.conftest import CHEAP_KDF, PASSPHRASE

D = date.fromisoformat
ANSWERS = surveys.SurveyInput(True, "15_30", 4, True, 2, False)


def new_referral(
    name: str = "Ann Smith",
    received: str = "2026-08-03",
    *,
    stage: str = "mid",
    county: str = "Kings",
    stressors: tuple[str, ...] = ("burnout", "adverse_event"),
    email: str = "",
    phone: str = "",
    specialty: str = "",
    source: str = "self",
    acute: bool = False,
) -> int:
    person = PhysicianInput(
        name, stage, county, email=email or f"{name.split()[0].lower()}@example.org", phone=phone,
        specialty=specialty,
    )  # fmt: skip
    data = ReferralInput(person, received, "reach_in", source, stressors, acute_interventional=acute)
    return int(intake.create_referral(data, on=D("2026-12-31")).id)


def add_supporter(name: str = "Sam Supporter", county: str = "Prince") -> int:
    person = PhysicianInput(name, "late", county, email=f"{name.split()[0].lower()}@example.net")
    return int(roster.add_supporter(roster.SupporterInput(person, status="active"), on=D("2026-01-05")).id)


def record(referral_id: int) -> dict[str, object]:
    """The stored row, as the table holds it (flags 0/1)."""
    row = Utilization.select().where(Utilization.referral == referral_id).dicts().get()
    return {key: (int(v) if isinstance(v, bool) else v) for key, v in row.items() if key != "referral"}


def table_rows(store: Store) -> list[tuple[object, ...]]:
    return store.db.raw().execute("SELECT * FROM utilization ORDER BY referral_id").fetchall()


# -- the record follows the case ------------------------------------------------------------------


def test_the_record_is_created_with_the_referral_and_follows_every_change(store: Store) -> None:
    with store.atomic():
        helper = add_supporter()
        rid = new_referral(stressors=("burnout", "adverse_event"), acute=True, source="colleague")
        expected: dict[str, object] = {
            "month_received": "2026-08",
            "quarter": "2026Q3",
            "career_stage": "mid",
            "county": "Kings",
            "pathway": "reach_in",
            "source": "colleague",
            "stressors": "adverse_event;burnout",  # vocabulary order, not the order given
            "acute_interventional": 1,
            "outcome": "open",
            "days_to_match": None,
            "days_to_first_contact": None,
            "follow_up_done": 0,
            "survey_done": 0,
            "php_referred": 0,
            "safety_escalation": 0,
            "outside_resource": None,
        }

        def step(**changes: object) -> None:
            expected.update(changes)
            assert record(rid) == expected
            assert deidentify.check_consistency() == []

        step()
        matching.confirm_match(rid, helper, on=D("2026-08-05"), override_reason="only one free")
        step(days_to_match=2)
        lifecycle.record_contact(rid, "initial", "phone", D("2026-08-07"), today=D("2026-08-07"))
        step(days_to_first_contact=4)
        lifecycle.record_contact(rid, "follow_up", "video", D("2026-08-14"), today=D("2026-08-14"))
        step(follow_up_done=1)
        surveys.record_survey(rid, ANSWERS, on=D("2026-08-15"))
        step(survey_done=1)
        safety.escalate(rid, "crisis_line_988", on=D("2026-08-15"), at="10:30")
        step(safety_escalation=1)
        lifecycle.set_php_referred(rid, True)
        step(php_referred=1)
        ReferralStressor.create(referral=rid, stressor="complaint")
        step(stressors="adverse_event;complaint;burnout")
        ReferralStressor.delete().where(
            ReferralStressor.referral == rid, ReferralStressor.stressor == "adverse_event"
        ).execute()
        step(stressors="complaint;burnout")
        # the physician comes back with a new county and stage: the open record follows
        new_referral(stage="late", county="Queens", received="2026-09-01", stressors=("other",))
        step(career_stage="late", county="Queens")
        lifecycle.end_case(rid, "closed", D("2026-09-02"))
        step(outcome="closed")
        lifecycle.reopen(rid, D("2026-09-03"))
        step(outcome="open")
        lifecycle.end_case(rid, "declined", D("2026-09-04"))
        step(outcome="declined")
        lifecycle.reopen(rid, D("2026-09-05"))
        lifecycle.end_case(rid, "unreachable", D("2026-09-06"))
        step(outcome="unreachable")
        # the first match and first contact stay the first ones after a second match
        lifecycle.reopen(rid, D("2026-09-07"))
        matching.confirm_match(rid, helper, on=D("2026-09-08"), override_reason="only one free")
        step(outcome="open")
        lifecycle.set_logistics_note(rid, "evenings only")
        step()


def test_a_case_with_no_match_or_contact_has_no_days_and_quarters_follow_the_month(store: Store) -> None:
    with store.atomic():
        months = {
            "2026-01-31": "2026Q1",
            "2026-03-01": "2026Q1",
            "2026-04-01": "2026Q2",
            "2025-12-31": "2025Q4",
        }
        ids = {received: new_referral(f"Doc {i} Test", received) for i, received in enumerate(months)}
    for received, quarter in months.items():
        row = record(ids[received])
        assert (row["month_received"], row["quarter"]) == (received[:7], quarter)
        assert (row["days_to_match"], row["days_to_first_contact"]) == (None, None)
    assert deidentify.check_consistency() == []


def test_check_consistency_reports_a_missing_or_drifted_record(store: Store) -> None:
    with store.atomic():
        first = new_referral("Ann Smith")
        second = new_referral("Bob Jones")
        third = new_referral("Cat Lee")
    conn = store.db.raw()
    with store.lock:
        conn.execute("UPDATE utilization SET survey_done = 1 WHERE referral_id = ?", (first,))
        conn.execute("DELETE FROM utilization WHERE referral_id = ?", (second,))
        assert deidentify.check_consistency() == [first, second]
        # a missing trigger shows up too: without the contact trigger, a follow-up goes unrecorded
        conn.execute("DROP TRIGGER utilization_contact_insert")
        conn.execute(
            "INSERT INTO contact (referral_id, contact_on, kind, mode) "
            "VALUES (?, '2026-08-04', 'follow_up', 'phone')",
            (third,),
        )
        assert deidentify.check_consistency() == [first, second, third]


def test_a_purged_physicians_stage_and_county_never_reach_the_record(store: Store) -> None:
    with store.atomic():
        rid = new_referral(stage="early", county="Prince")
        lifecycle.end_case(rid, "closed", D("2026-08-10"))
        physician = lifecycle.get_referral(rid).physician_id
        Physician.update(purged_on=D("2026-11-10"), name="", specialty="").where(
            Physician.id == physician
        ).execute()
        before = record(rid)
        Physician.update(career_stage="retired", county="").where(Physician.id == physician).execute()
        lifecycle.set_php_referred(rid, True)  # a later change to the case still recomputes the rest
    after = record(rid)
    assert (after["career_stage"], after["county"]) == ("early", "Prince")
    assert after == before | {"php_referred": 1}
    assert deidentify.check_consistency() == []


def test_a_deleted_referral_takes_its_record_with_it(store: Store) -> None:
    with store.atomic():
        rid = new_referral()
        lifecycle.get_referral(rid).delete_instance(recursive=True)
    assert Utilization.select().count() == 0
    assert deidentify.check_consistency() == []


# -- reading and exporting ------------------------------------------------------------------------


def test_records_mirror_the_table_without_the_referral_id_and_filter_by_quarter(store: Store) -> None:
    with store.atomic():
        new_referral("Ann Smith", "2026-07-02", stressors=("conflict",))
        new_referral("Bob Jones", "2026-10-01", county="Queens")
    names = [f.name for f in dataclasses.fields(UtilizationRecord)]
    columns = [row[1] for row in store.db.raw().execute("PRAGMA table_info(utilization)")]
    assert names == columns[1:] and columns[0] == "referral_id"
    assert [r.month_received for r in deidentify.records()] == ["2026-07", "2026-10"]
    (only,) = deidentify.records("2026q4")
    assert only == UtilizationRecord(
        "2026-10", "2026Q4", "mid", "Queens", "reach_in", "self", "adverse_event;burnout",
        False, "open", None, None, False, False, False, False,
    )  # fmt: skip
    assert deidentify.records("2025Q1") == []
    with pytest.raises(ValidationError) as caught:
        deidentify.records("Q3 2026")
    assert caught.value.field == "quarter"


def test_the_rows_are_sorted_by_value_not_by_arrival(store: Store) -> None:
    with store.atomic():
        settings.put("counties", ["Kings", "Queens", "Prince"])
        for i, county in enumerate(["Queens", "Kings", "Prince", "Kings"]):
            new_referral(f"Doc {i} Test", "2026-07-02", county=county)
    assert [r.county for r in deidentify.records()] == ["Kings", "Kings", "Prince", "Queens"]


def test_the_export_holds_no_identifying_value_and_no_referral_id(store: Store) -> None:
    people = []
    with store.atomic():
        helper = add_supporter("Zelda Quixote-Supporter")
        roster.set_capacity(helper, 20)
        for i in range(30):
            name = f"Physician{i:02d} Xylander{i:02d}"
            email = f"x{i:02d}.private@hospital{i:02d}.example.org"
            phone = f"+1 902 555 {1000 + i}"
            rid = new_referral(
                name, f"2026-0{7 + i % 3}-1{i % 10}", email=email, phone=phone, specialty=f"Zyxology{i:02d}"
            )
            if i % 2:
                matching.confirm_match(rid, helper, on=D("2026-09-30"), override_reason="testing the export")
            people.append(rid)
        lifecycle.set_logistics_note(people[0], "ring after 6, side door")
    text = deidentify.export_csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(deidentify.FIELDS)
    assert "referral_id" not in rows[0] and len(rows) == 31
    assert all(len(row) == len(deidentify.FIELDS) for row in rows)
    identifying = []
    for p in Physician.select():
        identifying += [p.name, p.name_key, p.email, p.phone, p.specialty]
        identifying += p.name.split() + [p.phone.replace(" ", "")]
    identifying.append("side door")
    for value in filter(None, identifying):
        assert value.casefold() not in text.casefold(), "an identifying value reached the export"
    assert deidentify.export_csv("2026Q3") == text  # every one of them falls in July to September


def test_export_cells_never_start_a_spreadsheet_formula(store: Store) -> None:
    with store.atomic():
        settings.put("counties", ["=HYPERLINK(1)", "Kings"])
        new_referral(county="=hyperlink(1)")
    (row,) = list(csv.DictReader(io.StringIO(deidentify.export_csv(k=1))))  # (alone: k=1 keeps it)
    assert row["county"] == "'=HYPERLINK(1)"
    assert row["days_to_match"] == "" and row["acute_interventional"] == "0"


# -- migration 4 ----------------------------------------------------------------------------------

SCHEMA_3_ROWS = """
INSERT INTO physician (id, name, name_key, email, career_stage, county, created_on, purged_on) VALUES
    (1, 'Ann Smith', 'ann smith', 'ann@example.org', 'mid', 'Kings', '2025-12-01', NULL),
    (2, 'Sam Supporter', 'sam supporter', 'sam@example.org', 'late', 'Prince', '2025-01-01', NULL),
    (3, '', 'purged-3', '', 'early', 'Queens', '2025-01-01', '2026-05-01');
INSERT INTO supporter (id, physician_id, status) VALUES (1, 2, 'active');
INSERT INTO referral (id, physician_id, received_on, pathway, source, acute_interventional, status,
                      status_on, closed_on, php_referred) VALUES
    (1, 1, '2026-02-27', 'reach_out', 'leadership', 1, 'followed_up', '2026-03-20', NULL, 1),
    (2, 1, '2026-04-02', 'reach_in', 'self', 0, 'new', '2026-04-02', NULL, 0),
    (3, 3, '2026-01-05', 'reach_in', 'php', 0, 'declined', '2026-01-06', '2026-01-06', 0);
INSERT INTO referral_stressor (referral_id, stressor) VALUES (1, 'other'), (1, 'complaint'), (3, 'burnout');
INSERT INTO "match" (referral_id, supporter_id, matched_on, score, explanation, active, ended_on,
                     ended_reason) VALUES
    (1, 1, '2026-03-02', 40, '[]', 0, '2026-03-03', 'reassigned'),
    (1, 1, '2026-03-04', 40, '[]', 1, NULL, NULL);
INSERT INTO contact (referral_id, supporter_id, contact_on, kind, mode) VALUES
    (1, 1, '2026-03-09', 'initial', 'phone'), (1, 1, '2026-03-05', 'initial', 'video'),
    (1, 1, '2026-03-20', 'follow_up', 'phone');
INSERT INTO survey (referral_id, submitted_on, conversation_happened) VALUES (1, '2026-03-21', 1);
INSERT INTO escalation (referral_id, escalated_on, escalated_at, escalated_to) VALUES
    (1, '2026-03-10', '09:15', 'php');
"""


def schema_3_image() -> bytes:
    """A database as schema 3 left it (m0001..m0003 from the MIGRATIONS list), with a few lifecycle."""
    db = MemoryDatabase()
    db.load(None)
    conn = db.raw()
    conn.execute("PRAGMA foreign_keys = 1")
    for number, step in MIGRATIONS:
        if number <= 3:
            step(conn)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '3')")
    conn.executescript(SCHEMA_3_ROWS)
    conn.commit()
    assert current_version(conn) == 3
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'utilization'").fetchone() is None
    image = db.serialize()
    db.close()
    return image


def test_migration_4_back_fills_a_record_for_every_existing_referral(tmp_path: Path) -> None:
    path = tmp_path / "schema3.p2pvault"
    vault, _ = Vault.create(path, PASSPHRASE, schema_3_image(), kdf=CHEAP_KDF)
    vault.close()
    store = Store.open(path, PASSPHRASE)  # migrates to the latest schema and saves
    try:
        assert current_version(store.db.raw()) >= 4
        assert deidentify.check_consistency() == []
        assert table_rows(store) == [
            (1, "2026-02", "2026Q1", "mid", "Kings", "reach_out", "leadership", "complaint;other",
             1, "open", 3, 6, 1, 1, 1, 1, None),  # 2026 is no leap year: Feb 27 + 3 = Mar 2
            (2, "2026-04", "2026Q2", "mid", "Kings", "reach_in", "self", "",
             0, "open", None, None, 0, 0, 0, 0, None),
            (3, "2026-01", "2026Q1", "early", "Queens", "reach_in", "php", "burnout",
             0, "declined", None, None, 0, 0, 0, 0, None),
        ]  # fmt: skip
        # and the triggers run from then on
        with store.atomic():
            lifecycle.set_php_referred(2, True)
        assert record(2)["php_referred"] == 1
        assert deidentify.check_consistency() == []
    finally:
        store.close()


def test_the_triggers_use_the_shared_select_and_stay_cheap() -> None:
    """Every trigger but the delete one recomputes with the one statement (the latest schema's, 7),
    by primary key lookups only."""
    from p2p_tui.store.migrations import m0007_corrections as m4

    conn = sqlite3.connect(":memory:")
    migrate(conn)
    triggers = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    # schema 11 keeps the outside resource by triggers of its own (a plain UPDATE of that column)
    outside = {name for name in triggers if name.startswith("utilization_outside_")}
    assert len(outside) == 3
    triggers = {name: sql for name, sql in triggers.items() if name not in outside}
    assert set(triggers) == {t.split()[2] for t in m4.TRIGGERS} | {"utilization_referral_delete"}
    recomputing = [sql for name, sql in triggers.items() if name != "utilization_referral_delete"]
    assert all(m4.RECOMPUTE in sql and "ON CONFLICT (referral_id) DO UPDATE" in sql for sql in recomputing)
    plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + m4.upsert("r.id = 1")))
    assert "SCAN" not in plan, plan
