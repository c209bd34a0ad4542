"""Retention: which cases and physicians a purge takes, a dry run that changes nothing, a purge that
clears exactly the identifying fields (and leaves them nowhere in the image), the purge log's counts,
the daily check, and purged physicians that intake never finds again."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from p2p_tui.services.admin import retention
from p2p_tui.services.cases import intake, lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.people import roster
from p2p_tui.services.reporting import deidentify
from p2p_tui.store import Store, settings
from p2p_tui.store.models import Match, Physician, PurgeLog, Referral

D = date.fromisoformat
ON = D("2026-10-01")  # the day of the purge: the default 90 days reach back to 2026-07-03


class People:
    """Named physicians, each with distinctive identifying values, and their lifecycle."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}

    def person(self, name: str, stage: str = "mid", county: str = "Kings") -> PhysicianInput:
        slug = name.split()[0].lower()
        email = f"{slug}.secret@hospital-{slug}.example.org"
        phone = f"+1 902 555 {abs(hash(name)) % 9000 + 1000}"
        specialty = f"Specialty{slug.title()}ology"
        self.values[name] = [name, intake.common.name_key(name), email, phone, specialty]
        return PhysicianInput(name, stage, county, email=email, phone=phone, specialty=specialty)

    def case(self, name: str, received: str, ended: str | None = None, outcome: str = "closed") -> int:
        data = ReferralInput(self.person(name), received, "reach_in", "self", ("burnout", "conflict"))
        rid = int(intake.create_referral(data, on=D("2026-12-31")).id)
        lifecycle.set_logistics_note(rid, f"call {name.split()[0]} after clinic, room {rid}")
        if ended is not None:
            lifecycle.end_case(rid, outcome, D(ended))
        return rid


@pytest.fixture
def world(store: Store) -> dict[str, Any]:
    """Cases on both sides of the cutoff (2026-07-03), open ones, a supporter who was also referred."""
    people = People()
    with store.atomic():
        helper = roster.add_supporter(
            roster.SupporterInput(people.person("Sam Helper", "late", "Prince"), status="active"),
            on=D("2026-01-02"),
        )
        ids = {
            "ann": people.case("Ann Old", "2026-03-02", "2026-04-01"),  # purged with her physician
            "bob_old": people.case("Bob Mixed", "2026-03-02", "2026-03-20", "declined"),  # note only
            "bob_open": people.case("Bob Mixed", "2026-08-03"),  # open: Bob stays
            "cat": people.case("Cat Recent", "2026-06-01", "2026-07-04"),  # one day short of retention
            "sam": people.case("Sam Helper", "2026-02-02", "2026-02-20"),  # a supporter's own case
            "dee_1": people.case("Dee Twice", "2026-01-05", "2026-01-30", "unreachable"),
            "dee_2": people.case("Dee Twice", "2026-05-04", "2026-07-03"),  # exactly 90 days: due
        }
        Match.create(
            referral=ids["bob_open"],
            supporter=helper,
            matched_on=D("2026-08-04"),
            score=1,
            explanation="[]",
            override_reason="Bob asked for late calls",
        )
        Match.create(  # an ended case's match, with a free-text override reason
            referral=ids["ann"],
            supporter=helper,
            matched_on=D("2026-03-03"),
            score=1,
            explanation="[]",
            override_reason="Ann knows the Kings team",
            active=False,
        )
        lifecycle.transition(lifecycle.get_referral(ids["bob_open"]), "matched", D("2026-08-04"))
    return {"ids": ids, "people": people, "helper": helper}


def physician_of(referral_id: int) -> int:
    return int(lifecycle.get_referral(referral_id).physician_id)


def dump(store: Store) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every table, every row, by primary key (the rowid where there is none)."""
    conn = store.db.raw()
    tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    everything: dict[str, dict[Any, dict[str, Any]]] = {}
    for table in tables:
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        names = [row[1] for row in info]
        keys = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608 - names from the schema
        everything[table] = {
            tuple(row[names.index(k)] for k in keys): dict(zip(names, row, strict=True)) for row in rows
        }
    return everything


def test_the_plan_takes_ended_cases_past_retention_and_physicians_with_nothing_left(
    store: Store, world: dict[str, Any]
) -> None:
    ids = world["ids"]
    with store.lock:
        found = retention.plan(ON)
    assert found.cutoff == D("2026-07-03") and found.dry_run
    assert set(found.case_ids) == {ids[k] for k in ("ann", "bob_old", "sam", "dee_1", "dee_2")}
    assert set(found.physician_ids) == {physician_of(ids["ann"]), physician_of(ids["dee_1"])}
    assert found.summary() == "would purge 5 cases and 2 physicians"
    with store.lock:
        settings.put("retention_days", 30)
        assert retention.plan(ON).cases == 6  # now Cat's case too
        assert physician_of(ids["cat"]) in retention.plan(ON).physician_ids
        settings.put("retention_days", 0)  # at the close: every ended case
        assert retention.plan(ON).cases >= 6
        with pytest.raises(ValueError, match="from 0 to 3650"):
            settings.put("retention_days", -1)


def test_a_dry_run_changes_nothing(store: Store, world: dict[str, Any]) -> None:
    before = dump(store)
    image = store.snapshot()
    with store.lock:
        found = retention.purge(ON, dry_run=True)
    assert (found.cases, found.physicians, found.dry_run) == (5, 2, True)
    assert dump(store) == before
    assert store.snapshot() == image


def test_the_purge_clears_exactly_the_identifying_fields(store: Store, world: dict[str, Any]) -> None:
    ids, people = world["ids"], world["people"]
    purged_people = {physician_of(ids["ann"]), physician_of(ids["dee_1"])}
    purged_cases = {ids[k] for k in ("ann", "bob_old", "sam", "dee_1", "dee_2")}
    before = dump(store)
    records = deidentify.records()
    # as where SQLite's default leaves freed space as it was (Debian builds zero it, others do not)
    store.db.raw().execute("PRAGMA secure_delete = 0")
    with store.atomic():
        done = retention.purge(ON, dry_run=False)
    assert store.db.scalar("PRAGMA secure_delete") == 0  # put back as it was
    assert (done.cases, done.physicians, done.dry_run) == (5, 2, False)
    assert done.summary() == "purged 5 cases and 2 physicians"
    after = dump(store)

    # the de-identified records are exactly as they were, and still right
    assert after.pop("utilization") == before.pop("utilization")
    assert deidentify.records() == records
    assert deidentify.check_consistency() == []
    # the purge log: one row, the date and the counts, nothing else
    assert after.pop("purge_log") == {(1,): {"id": 1, "purged_on": "2026-10-01", "cases": 5, "physicians": 2}}
    assert before.pop("purge_log") == {}
    # physicians: the purged ones lose exactly their identifying fields; everyone else is untouched
    cleared = {
        "name": "",
        "search_key": "",
        "email": "",
        "phone": "",
        "specialty": "",
        "purged_on": "2026-10-01",
    }
    for (pid,), row in before["physician"].items():
        if pid in purged_people:
            row = row | cleared | {"name_key": f"purged-{pid}"}
        assert after["physician"][(pid,)] == row
    # cases: the notes of the purged cases are cleared, open and recent cases keep theirs
    for (rid,), row in before["referral"].items():
        if rid in purged_cases:
            assert row["logistics_note"]
            row = row | {"logistics_note": ""}
        assert after["referral"][(rid,)] == row
    assert after["referral"][(ids["bob_open"],)]["logistics_note"].startswith("call Bob")
    # override reasons (free text) go with the purged cases' notes; open cases keep theirs
    for (mid,), row in before["match"].items():
        if row["referral_id"] in purged_cases:
            assert row["override_reason"]
            row = row | {"override_reason": ""}
        assert after["match"][(mid,)] == row
    assert any(r["override_reason"] == "Bob asked for late calls" for r in after["match"].values())
    # the audit trail gained the purge's entries, field names only (issue 13)
    old = before.pop("audit_entry")
    new = [e for key, e in after.pop("audit_entry").items() if key not in old]
    assert [e["kind"] for e in new][-2:] == ["insert", "purge"]  # the purge log's row, then the purge
    assert {e["kind"] for e in new[:-2]} == {"update"}
    assert {e["fields"] for e in new if e["table_name"] == "physician"} == {
        "name,name_key,email,phone,specialty,purged_on,search_key"
    }
    values = {row[f] for row in before["physician"].values() for f in ("name", "email", "phone") if row[f]}
    for entry in new:
        assert not any(value in str(cell) for value in values for cell in entry.values())
    after.pop("meta"), before.pop("meta")  # the chain's head moved on
    # nothing else changed anywhere
    for table in ("physician", "referral", "match"):
        after.pop(table), before.pop(table)
    assert after == before
    # the supporter is untouched: name, contact, roster status
    helper = Physician.get_by_id(world["helper"].physician_id)
    assert (helper.name, helper.purged_on) == ("Sam Helper", None)
    # and the cleared values are gone from the image the vault will save, not left in free space
    image = store.snapshot()
    for name in ("Ann Old", "Dee Twice"):
        for value in people.values[name]:
            assert value.encode() not in image, "a purged value is still in the database image"
    assert b"Bob Mixed" in image and b"Sam Helper" in image  # kept people are still there


def test_a_second_purge_finds_nothing_and_logs_nothing(store: Store, world: dict[str, Any]) -> None:
    with store.atomic():
        retention.purge(ON, dry_run=False)
    with store.atomic():
        again = retention.purge(ON, dry_run=False)
    assert (again.cases, again.physicians) == (0, 0)
    assert PurgeLog.select().count() == 1


def test_a_physician_is_purged_once_their_last_case_is_past_retention(
    store: Store, world: dict[str, Any]
) -> None:
    ids = world["ids"]
    bob = physician_of(ids["bob_open"])
    with store.atomic():
        retention.purge(ON, dry_run=False)
        lifecycle.end_case(ids["bob_open"], "closed", D("2026-10-05"))
    with store.atomic():
        assert bob not in retention.purge(D("2027-01-02"), dry_run=False).physician_ids  # 89 days
    with store.atomic():
        later = retention.purge(D("2027-01-03"), dry_run=False)
    assert later.physician_ids == (bob,)
    assert set(later.case_ids) == {ids["bob_old"], ids["bob_open"]}  # the old one's physician now too
    assert Physician.get_by_id(bob).name == ""


def test_intake_never_finds_a_purged_physician(store: Store, world: dict[str, Any]) -> None:
    ids, people = world["ids"], world["people"]
    ann = physician_of(ids["ann"])
    name, key, email, phone, _specialty = people.values["Ann Old"]
    with store.atomic():
        assert intake.find_physician(name, email) is not None
        retention.purge(ON, dry_run=False)
    with store.lock:
        assert intake.find_physician(name, email) is None
        assert intake.find_physician(name, "", phone) is None
        assert intake.find_physician("", "") is None
        assert ann not in {p.id for p in intake.suggest_physicians("Ann")}
        assert intake.suggest_physicians("purged") == []
    with store.atomic():  # referred again: a new physician record, the purged one stays empty
        data = ReferralInput(people.person("Ann Old"), "2026-10-01", "reach_in", "self", ("other",))
        again = intake.create_referral(data, on=ON)
    assert again.physician_id != ann
    assert Physician.get_by_id(ann).name == ""


def test_the_daily_check_runs_once_a_day(store: Store, world: dict[str, Any]) -> None:
    with store.atomic():
        first = retention.daily_check(ON)
        assert first is not None and (first.cases, first.physicians, first.dry_run) == (5, 2, False)
        assert retention.daily_check(ON) is None
    assert retention.last_check() == ON
    assert store.db.scalar("SELECT value FROM meta WHERE key = 'last_purge_check'") == "2026-10-01"
    with store.atomic():
        lifecycle.set_logistics_note(world["ids"]["ann"], "a note typed after the purge")
        assert retention.daily_check(ON) is None  # already ran today
        nxt = retention.daily_check(ON + timedelta(days=1))
    assert nxt is not None and nxt.case_ids == (world["ids"]["ann"], world["ids"]["cat"])  # Cat due today
    assert Referral.get_by_id(world["ids"]["ann"]).logistics_note == ""
    assert [(row.cases, row.physicians) for row in PurgeLog.select().order_by(PurgeLog.id)] == [
        (5, 2),
        (2, 1),
    ]


def text_cells(store: Store) -> list[tuple[str, str, str]]:
    """Every TEXT value of every table of the live database, as (table, column, value)."""
    raw = store.db.raw()
    found = []
    for (table,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')]
        for column in columns:
            query = f'SELECT "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\''  # noqa: S608
            found += [(table, column, value) for (value,) in raw.execute(query)]
    return found


def test_nothing_identifying_about_a_purged_physician_survives_in_any_text_column(
    store: Store, world: dict[str, Any]
) -> None:
    """Issue 9, item 10: the supporter's conflict rows and nominations named the purged physician."""
    ids, people, helper = world["ids"], world["people"], world["helper"]
    with store.atomic():
        other = roster.add_supporter(
            roster.SupporterInput(people.person("Kim Other", "mid", "Queens"), status="active"), on=ON
        )
        # by the physician's id, by name only (as a roster import writes it when the name is ambiguous
        # or not yet on file), spelled otherwise, and a nomination made by the purged physician
        roster.add_conflict(helper.id, "Ann Old", "evaluates", on=ON, physician_id=physician_of(ids["ann"]))
        roster.add_conflict(other.id, "ANN\u200b OLD", "declared", on=ON)
        roster.add_conflict(other.id, "Dee Twice", "evaluates", on=ON)
        roster.add_conflict(other.id, "Bob Mixed", "evaluates", on=ON)  # Bob stays: so does this
        roster.nominate(other.id, "Dee Twice", on=ON)
        roster.nominate(other.id, "Bob Mixed", on=ON)
    with store.atomic():
        done = retention.purge(ON, dry_run=False)
    assert done.physicians == 2
    cells = text_cells(store)
    for name in ("Ann Old", "Dee Twice"):
        for value in people.values[name]:
            key = intake.common.name_key(value)
            for table, column, cell in cells:
                assert value not in cell, f"a purged value survives in {table}.{column}"
                assert key not in intake.common.name_key(cell), f"a purged value survives in {table}.{column}"
    kept = {(t, c) for t, c, v in cells if intake.common.name_key(v) == "bob mixed"}
    assert {("conflict", "name_key"), ("nomination", "nominated_by")} <= kept
    # the rows stay, linked to the purged physician: the supporter still never meets them
    assert roster.conflicts_between(helper, Physician.get_by_id(physician_of(ids["ann"])))
