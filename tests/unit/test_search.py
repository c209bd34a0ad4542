"""Search by any part of a name, whatever its case and accents, in the database (issue 10, item 8)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from p2p_tui.services import common
from p2p_tui.services.admin import retention
from p2p_tui.services.cases import case_list, intake, views
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.store import Store
from p2p_tui.store.migrations import m0008_search_keys
from p2p_tui.store.models import Physician

ON = date(2026, 7, 1)
NAMES = ("Amber Smith", "José Álvarez", "Zoë Smithers", "Ann 100%_Lee", "Bo Kim")


@pytest.fixture
def people(store: Store) -> Store:
    with store.atomic():
        for n, name in enumerate(NAMES):
            person = PhysicianInput(name, "mid", "Kings", email=f"p{n}@example.org")
            intake.create_referral(ReferralInput(person, ON, "reach_in", "self", ("burnout",)), on=ON)
    return store


def names(typed: str) -> list[str]:
    return sorted(row.name for row in case_list.search("all", name=typed).rows)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("smith", ["Amber Smith", "Zoë Smithers"]),
        ("SMITH", ["Amber Smith", "Zoë Smithers"]),
        ("jose", ["José Álvarez"]),
        ("alvarez", ["José Álvarez"]),
        ("ÁLV", ["José Álvarez"]),
        ("zoe", ["Zoë Smithers"]),
        ("r s", ["Amber Smith"]),
        ("%", ["Ann 100%_Lee"]),  # % and _ are letters, not wildcards
        ("_", ["Ann 100%_Lee"]),
        ("0%_l", ["Ann 100%_Lee"]),
        ("nobody", []),
    ],
)
def test_cases_are_found_by_any_part_of_the_name(people: Store, typed: str, found: list[str]) -> None:
    with people.lock:
        assert names(typed) == found


def test_find_as_you_type_and_the_palette_find_any_part_names_that_start_with_it_first(people: Store) -> None:
    with people.lock:
        assert [p.name for p in views.physician_suggestions("smith")] == ["Amber Smith", "Zoë Smithers"]
        starts_first = ["Amber Smith", "Ann 100%_Lee", "José Álvarez"]
        assert [p.name for p in views.physician_suggestions("a")] == starts_first
        assert [p.name for p in views.find_people("jos")] == ["José Álvarez"]
        assert views.find_people("  ") == []


def test_a_purged_physician_loses_the_search_key_and_is_never_found(people: Store) -> None:
    with people.atomic():
        bo = Physician.get(Physician.name == "Bo Kim")
        referral = bo.referrals.get()
        referral.status, referral.closed_on = "closed", date(2026, 1, 1)
        referral.save()
        retention.purge(date(2026, 11, 18), dry_run=False)
        assert Physician.get_by_id(bo.id).search_key == ""
        assert names("kim") == []


def test_the_frozen_key_of_schema_8_agrees_with_the_services() -> None:
    for name in (*NAMES, "ANN\u200bLEE", "Ｍａｒｉｅ  Curie", "Ñandú", "ǅemal", "o\u0308"):
        assert m0008_search_keys.search_key(name) == common.search_key(name)
    assert common.like_any_part("50%_x\\") == "%50\\%\\_x\\\\%"


def test_an_older_vault_gets_its_search_keys_at_open(tmp_path: Path) -> None:
    path = tmp_path / "copy.p2pvault"
    shutil.copyfile(Path(__file__).parent.parent / "fixtures" / "schema-v4.p2pvault", path)
    store = Store.open(path, "frozen fixture passphrase v4")
    try:
        living = Physician.select().where(Physician.purged_on.is_null())
        assert all(p.search_key == common.search_key(p.name) for p in living)
        some = next(p for p in living if " " in p.name)
        surname = some.name.split()[-1].lower()
        assert case_list.search("all", name=surname).total >= 1
    finally:
        store.close()


def test_a_case_recorded_before_the_pathway_rule_still_opens_and_shows(people: Store) -> None:
    """An old vault may hold a reach-out from CMPA (the demo once did): it is read, never refused."""
    from p2p_tui.services import labels
    from p2p_tui.store import query

    with people.atomic():
        query.execute("UPDATE referral SET pathway = 'reach_out', source = 'cmpa' WHERE id = 1")
    with people.lock:
        shown = views.case_view(1)
        assert (shown.pathway, shown.source) == ("reach_out", "cmpa")
        assert labels.label("source", shown.source) == "CMPA"
        assert case_list.search("all", name="amber").rows[0].source == "cmpa"
