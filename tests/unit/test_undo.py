"""Undo of the console's last change: the database exactly as it was (compared by its dump), carried
audit rows, and no undo once something else changed the database."""

from __future__ import annotations

from datetime import date

import pytest

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.store import Store, audit
from p2p_tui.store.models import Referral
from p2p_tui.store.undo import NothingToUndo
from tests.conftest import data_dump

RECEIVED = date(2026, 11, 2)


def dump(store: Store) -> list[str]:
    with store.lock:
        return data_dump(store.db.raw())


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
        conn = store.db.raw()
        assert audit.verify(conn).ok  # the change's own entries kept, the undo chained after them
        kinds = [k for (k,) in conn.execute("SELECT kind FROM audit_entry ORDER BY id")]
        assert kinds[-1] == "undo" and "update" in kinds
    store.save_now()
    reopened_path = store.vault.path
    store.close()
    again = Store.open(reopened_path, "correct horse battery staple")
    try:
        assert [line for line in dump(again)] == before  # the undo was saved as any change
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


def test_the_audit_trail_keeps_the_change_and_records_its_undo(store: Store) -> None:
    rid = new_case(store)
    with store.lock:
        before = store.db.raw().execute("SELECT max(id) FROM audit_entry").fetchone()[0]
    with store.atomic(undo="Case closed"):
        lifecycle.end_case(rid, "closed")
    with store.lock:
        conn = store.db.raw()
        kept = conn.execute("SELECT * FROM audit_entry ORDER BY id").fetchall()
    store.undo_last()
    with store.lock:
        conn = store.db.raw()
        after = conn.execute("SELECT * FROM audit_entry ORDER BY id").fetchall()
        assert after[: len(kept)] == kept  # nothing of the trail is undone
        change = [row for row in kept if row[0] > before]  # the close's own entries
        reverts = after[len(kept) :]
        assert change and [row[2] for row in reverts] == ["undo"] * len(change)
        # each names what it reverted: the same table, records, fields and case (the case page shows it)
        assert [row[3:7] for row in reverts] == [row[3:7] for row in change]
        assert any(row[3] == "referral" and row[6] == rid for row in reverts)
        assert audit.verify(conn).ok and audit.head(conn) == audit.digest(tuple(after[-1]))
        assert Referral.get_by_id(rid).status == "new"


def test_a_close_that_purged_cannot_be_undone_and_says_why(store: Store) -> None:
    from p2p_tui.store import settings
    from p2p_tui.store.models import Physician
    from p2p_tui.store.undo import PURGED

    rid = new_case(store)
    with store.atomic():
        settings.put("retention_days", 0)
    with store.atomic(undo="Case closed"):
        lifecycle.end_case(rid, "closed")
    assert store.last_change_final() and store.undo_log.available() is None
    with pytest.raises(NothingToUndo, match="purge is final") as refused:
        store.undo_last()
    assert str(refused.value) == PURGED
    with store.lock:
        assert Physician.get_by_id(Referral.get_by_id(rid).physician_id).name == ""  # still purged
        assert Referral.get_by_id(rid).status == "closed"
    with store.atomic(undo="Note"):  # an ordinary change after it is undoable again
        lifecycle.set_logistics_note(rid, "after")
    assert not store.last_change_final() and store.undo_log.available() == "Note"
