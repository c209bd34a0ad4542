"""Undo of the console's last change: the database exactly as it was (compared by its dump), carried
audit rows, and no undo once something else changed the database."""

from __future__ import annotations

from datetime import date

import pytest

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.store import Store
from p2p_tui.store.models import Referral
from p2p_tui.store.undo import NothingToUndo

RECEIVED = date(2026, 11, 2)


def dump(store: Store) -> list[str]:
    with store.lock:
        return list(store.db.raw().iterdump())


def new_case(store: Store) -> int:
    with store.atomic():
        physician = PhysicianInput("Ann Smith", "mid", "Kings", email="ann@example.org")
        return create_referral(ReferralInput(physician, RECEIVED, "reach_in", "self", ("burnout",))).id


def test_undo_restores_the_database_exactly_and_saves(store: Store) -> None:
    rid = new_case(store)
    before = dump(store)
    with store.atomic(undo="Case closed"):
        lifecycle.end_case(rid, "closed")
    assert dump(store) != before
    assert store.undo_log.available() == "Case closed"
    assert store.undo_last() == "Case closed"
    assert dump(store) == before
    with store.lock:
        assert Referral.get_by_id(rid).status == "new"  # the models read the restored database
    store.save_now()
    reopened_path = store.vault.path
    store.close()
    again = Store.open(reopened_path, "correct horse battery staple")
    try:
        assert list(again.db.raw().iterdump()) == before  # the undo was saved as any change
    finally:
        again.close()


def test_only_the_last_change_and_only_while_nothing_else_changed(store: Store) -> None:
    rid = new_case(store)
    with pytest.raises(NothingToUndo):
        store.undo_last()  # the intake above was not marked undoable
    with store.atomic(undo="Note saved"):
        lifecycle.set_logistics_note(rid, "Tuesdays")
    with store.atomic():  # a change made another way (e.g. settings)
        lifecycle.set_php_referred(rid, True)
    assert store.undo_log.available() is None
    with pytest.raises(NothingToUndo, match="another change"):
        store.undo_last()


def test_a_refused_change_keeps_nothing_to_undo(store: Store) -> None:
    rid = new_case(store)
    with pytest.raises(Exception), store.atomic(undo="Contact recorded"):  # noqa: B017, PT011
        lifecycle.record_contact(rid, "initial", "phone")  # not matched: refused, rolled back
    assert store.undo_log.available() is None


def test_rows_of_a_preserved_table_survive_the_undo(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from p2p_tui.store import undo

    monkeypatch.setattr(undo, "PRESERVED_ON_UNDO", ("audit_entry", "not_there"))
    with store.atomic():
        store.db.raw().execute("CREATE TABLE audit_entry (id INTEGER PRIMARY KEY, what TEXT)")
        store.db.raw().execute("INSERT INTO audit_entry (what) VALUES ('before')")
    rid = new_case(store)
    with store.atomic(undo="Case closed"):
        lifecycle.end_case(rid, "closed")
        store.db.raw().execute("INSERT INTO audit_entry (what) VALUES ('closed')")
    store.undo_last()
    with store.lock:
        rows = store.db.raw().execute("SELECT what FROM audit_entry ORDER BY id").fetchall()
        assert Referral.get_by_id(rid).status == "new"
    assert rows == [("before",), ("closed",)]
