"""`p2p-tui queue [--on YYYY-MM-DD] [--json]`: the table, the JSON, no names, and a read-only vault."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.commands.queue import KIND_WIDTH
from p2p_tui.services.cases import followups
from p2p_tui.store import Store, vocab
from p2p_tui.store.models import Physician
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.unit.test_followups import Program

D = date.fromisoformat


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": PASSPHRASE})


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A vault with a safety item, an overdue unmatched case, a case not yet due and a snoozed one."""
    path = tmp_path / "program.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        program = Program()
        safe = program.referral("2026-07-02")  # 1
        program.escalate(safe, "2026-07-06")
        program.referral("2026-07-03")  # 2: match due 2026-07-06
        fresh = program.referral("2026-07-08")  # 3
        program.match(fresh, "2026-07-09")  # first contact due 2026-07-13
        snoozed = program.referral("2026-07-08")  # 4
        followups.snooze(snoozed, "unmatched", "2026-07-15", "awaiting_reply", on=D("2026-07-08"))
    store.close()
    return path


def names(path: Path) -> list[str]:
    store = Store.open(path, PASSPHRASE)
    try:
        return [p.name for p in Physician.select()] + [p.email for p in Physician.select()]
    finally:
        store.close()


def test_the_table_ranks_items_with_their_terms_and_no_names(vault: Path) -> None:
    people = names(vault)
    before = vault.read_bytes()
    result = run("queue", "--vault", str(vault), "--on", "2026-07-09")
    assert result.exit_code == 0, result.output
    assert vault.read_bytes() == before  # read-only: byte for byte
    lines = result.output.splitlines()
    assert lines[0] == "Queue on 2026-07-09: 4 items (1 snoozed, not shown)"
    assert lines[1].split() == ["urgency", "kind", "referral", "due", "when", "terms"]
    kind = slice(9, 9 + KIND_WIDTH)  # the kind's column, in plain words
    rows = [(line[:7].strip(), line[kind].strip(), line[kind.stop :].split()[0]) for line in lines[2::2]]
    assert rows == [
        ("46.70", "safety follow-through", "1"),
        ("18.70", "match a supporter", "1"),
        ("16.60", "match a supporter", "2"),
        ("8.10", "first contact", "3"),
    ]
    assert lines[2][kind.stop :].split()[:4] == ["1", "2026-07-06", "OVERDUE", "3d"]
    assert lines[2].endswith("kind 40 + overdue 6 + age 0.7")
    assert lines[3].strip() == (
        "safety escalation not yet acknowledged; 3 working days overdue; 7 calendar days since received"
    )
    assert "due today" not in result.output and "in 2d" in result.output
    for value in people:
        assert value not in result.output


def test_json_lists_the_items(vault: Path) -> None:
    before = vault.read_bytes()
    result = run("queue", "--vault", str(vault), "--on", "2026-07-09", "--json")
    assert result.exit_code == 0, result.output
    assert vault.read_bytes() == before
    items = json.loads(result.stdout)
    assert [(i["referral_id"], i["kind"]) for i in items] == [
        (1, "safety"),
        (1, "unmatched"),
        (2, "unmatched"),
        (3, "no_first_contact"),
    ]
    assert items[0] == {
        "referral_id": 1,
        "kind": "safety",
        "due_on": "2026-07-06",
        "urgency": 46.7,
        "overdue_days": 3,
        "snoozed_until": None,
        "terms": [
            {"name": "kind", "value": 40.0, "detail": "safety escalation not yet acknowledged"},
            {"name": "overdue", "value": 6.0, "detail": "3 working days overdue"},
            {"name": "age", "value": 0.7, "detail": "7 calendar days since received"},
        ],
    }
    assert items[3]["overdue_days"] == 0 and items[3]["terms"][1]["detail"] == "due in 2 working days"


def test_the_on_date_moves_the_clocks(vault: Path) -> None:
    early = json.loads(run("queue", "--vault", str(vault), "--on", "2026-07-03", "--json").stdout)
    by_key = {(i["referral_id"], i["kind"]): i for i in early}
    assert by_key[(1, "unmatched")]["terms"][1]["detail"] == "due today"
    assert by_key[(1, "safety")]["terms"][1]["detail"] == "due in 1 working day"
    assert (4, "unmatched") not in by_key  # snoozed until 2026-07-15
    late = json.loads(run("queue", "--vault", str(vault), "--on", "2026-07-15", "--json").stdout)
    by_key = {(i["referral_id"], i["kind"]): i for i in late}
    assert by_key[(4, "unmatched")]["overdue_days"] == 4  # the snooze has ended: due 2026-07-09
    assert by_key[(3, "no_first_contact")]["overdue_days"] == 2


def test_an_empty_queue(tmp_path: Path) -> None:
    path = tmp_path / "empty.p2pvault"
    Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)[0].close()
    result = run("queue", "--vault", str(path), "--on", "2026-07-09")
    assert result.exit_code == 0, result.output
    assert result.output == "Queue on 2026-07-09: 0 items\n"
    assert json.loads(run("queue", "--vault", str(path), "--json").stdout) == []


@pytest.mark.parametrize("bad", ["2026-13-01", "9 July", "2026-07-09T10:00"])
def test_a_bad_on_date_is_a_usage_error_naming_on(vault: Path, bad: str) -> None:
    result = run("queue", "--vault", str(vault), "--on", bad)
    assert result.exit_code == 2
    assert "--on" in result.output


def test_a_wrong_passphrase_exits_3(vault: Path) -> None:
    result = CliRunner().invoke(
        main, ["queue", "--vault", str(vault)], env={"P2P_TUI_PASSPHRASE": "not the passphrase"}
    )
    assert result.exit_code == 3


def test_the_help_shows_the_real_weights() -> None:
    """The formula in `queue --help` is made from the weights the queue is ranked by."""
    from p2p_tui.commands.queue import kind_name

    result = run("queue", "--help")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"safety follow-through {followups.KIND_WEIGHTS['safety']:g}," in said  # 40, once written 20
    kinds = ", ".join(f"{kind_name(k)} {w:g}" for k, w in followups.KIND_WEIGHTS.items())
    assert f"kind {kinds} overdue" in said
    assert "first contact 8, follow-up check-in 6" in said
    overdue = f"{followups.OVERDUE_PER_DAY:g} a working day overdue (at most {followups.OVERDUE_CAP:g})"
    assert f"overdue  {overdue}, {followups.DUE_TODAY:g} when due today" in result.output
    assert f"age      {followups.AGE_PER_DAY:g} a calendar day" in result.output
    assert f"(at most {followups.AGE_CAP:g})" in result.output
    assert set(followups.KIND_WEIGHTS) == set(vocab.QUEUE_KINDS)  # every kind has its weight shown
