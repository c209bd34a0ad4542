"""`p2p-tui match REFERRAL_ID [--json] [--on]`: the table, the JSON contract, errors, and no writes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.services.cases import intake
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.store import Store
from p2p_tui.store.models import Physician
from tests.conftest import CHEAP_KDF, PASSPHRASE, TODAY

ON = date(2026, 3, 2)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": PASSPHRASE})


def add_supporter(
    name: str, county: str, interventional: bool = False, unavailable_until: date | None = None
) -> int:
    email = name.split()[-1].lower() + "@example.org"
    physician = PhysicianInput(
        name=name, career_stage="mid", county=county, email=email, interventional=interventional
    )
    data = SupporterInput(physician=physician, status="active", unavailable_until=unavailable_until)
    return int(roster.add_supporter(data, on=ON - timedelta(days=100)).id)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A vault with one acute referral (Kings) and four supporters, one of them its evaluator."""
    path = tmp_path / "program.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        intake.create_referral(
            ReferralInput(
                physician=PhysicianInput(name="Dr Referred", career_stage="mid", county="Kings"),
                received_on=ON - timedelta(days=1),
                pathway="reach_in",
                source="self",
                stressors=("adverse_event",),
                acute_interventional=True,
            ),
            on=ON,
        )
        add_supporter("Dr Neighbour", "Kings")  # id 1: same county, eligible
        add_supporter("Dr Best", "Queens", interventional=True)  # id 2: the top candidate
        evaluator = add_supporter("Dr Evaluator", "Prince")  # id 3: evaluates the referred physician
        roster.add_conflict(evaluator, "dr referred", "evaluates", on=ON)
        add_supporter("Dr Away", "Prince", unavailable_until=ON + timedelta(days=5))  # id 4
    store.close()
    return path


def test_the_table_lists_every_supporter_eligible_first_with_every_term(vault: Path) -> None:
    before = vault.read_bytes()
    result = run("match", "1", "--vault", str(vault), "--on", ON.isoformat())
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Referral 1, ranked on 2026-03-02: 4 supporters, 2 eligible"
    rows = [line.split() for line in lines if line[:4].strip().isdigit()]
    assert [(row[0], row[1]) for row in rows] == [("1", "2"), ("2", "1"), ("3", "3"), ("4", "4")]
    assert rows[0][2:5] == ["Dr", "Best", "yes"] and rows[0][-1] == "90.0"
    assert "no: their evaluator" in next(x for x in lines if "Dr Evaluator" in x)
    assert "no: unavailable until 2026-03-07" in next(x for x in lines if "Dr Away" in x)
    assert "breaks the rule not their evaluator: evaluates this physician" in result.output
    best_terms = lines[lines.index(next(x for x in lines if "Dr Best" in x)) + 1].strip()
    assert best_terms == (
        "another county +30, interventional +30, similar career stage +10, same specialty +0, "
        "lighter load +10.0, rest since last case +10.0"
    )
    assert "another county +0 (same county of work)" in result.output
    assert "_" not in result.output.replace("2026", "")  # no code in the readable listing
    # the columns line up: every row's score ends in the same column
    assert len({len(line) for line in lines if line[:4].strip().isdigit()}) == 1
    assert vault.read_bytes() == before


def test_json_follows_the_contract(vault: Path) -> None:
    before = vault.read_bytes()
    result = run("--vault", str(vault), "match", "1", "--json", "--on", ON.isoformat())
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [c["supporter"] for c in data] == [
        {"id": 2, "name": "Dr Best"},
        {"id": 1, "name": "Dr Neighbour"},
        {"id": 3, "name": "Dr Evaluator"},
        {"id": 4, "name": "Dr Away"},
    ]
    assert [c["eligible"] for c in data] == [True, True, False, False]
    assert [c["score"] for c in data[:2]] == sorted((c["score"] for c in data[:2]), reverse=True)
    for candidate in data:
        assert set(candidate) == {"supporter", "eligible", "score", "reasons"}
        assert len(candidate["reasons"]) == 14
        for reason in candidate["reasons"]:
            assert {"rule", "passed", "detail"} <= set(reason)
            assert isinstance(reason["passed"], bool) and isinstance(reason["detail"], str)
        assert candidate["score"] == round(sum(r["points"] for r in candidate["reasons"]), 1)
    evaluator = next(r for r in data[2]["reasons"] if r["rule"] == "not_evaluator")
    assert evaluator == {
        "rule": "not_evaluator",
        "passed": False,
        "detail": "evaluates this physician",
        "points": 0.0,
        "hard": True,
    }
    assert vault.read_bytes() == before


def test_on_judges_availability_on_that_day(vault: Path) -> None:
    later = (ON + timedelta(days=6)).isoformat()
    data = json.loads(run("match", "1", "--json", "--on", later, "--vault", str(vault)).output)
    assert next(c for c in data if c["supporter"]["id"] == 4)["eligible"] is True


def test_an_unknown_referral_exits_1_and_names_the_field(vault: Path) -> None:
    before = vault.read_bytes()
    result = run("match", "99", "--vault", str(vault))
    assert result.exit_code == 1
    assert "referral: there is no referral 99" in result.output
    assert vault.read_bytes() == before


def test_a_bad_date_exits_1_and_a_missing_id_is_a_usage_error(vault: Path) -> None:
    bad = run("match", "1", "--on", "02/03/2026", "--vault", str(vault))
    assert bad.exit_code == 1 and "--on: must be a date written YYYY-MM-DD" in bad.output
    assert run("match", "--vault", str(vault)).exit_code == 2
    assert run("match", "one", "--vault", str(vault)).exit_code == 2


def test_match_prints_a_name_holding_escapes_neutralised(vault_path: Path) -> None:
    """Issue 9, item 3: an old vault's name with ESC/BEL/C1 reached the terminal raw (set the title)."""
    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        supporter = roster.add_supporter(
            SupporterInput(PhysicianInput("Ann Sup", "late", "Queens"), status="active")
        )
        # written as an old vault might hold it, past today's input refusal
        Physician.update(name="Ann\x1b]0;owned\x07\x9b2J Sup").where(
            Physician.id == supporter.physician_id
        ).execute()
        referral = intake.create_referral(
            ReferralInput(PhysicianInput("Bo Ref", "mid", "Kings"), TODAY, "reach_in", "self", ("burnout",)),
            on=TODAY,
        )
    store.close()
    for args in ((), ("--json",)):
        result = run("match", str(referral.id), "--vault", str(vault_path), *args)
        assert result.exit_code == 0, result.output
        assert not any(ch in result.output for ch in "\x1b\x07\x9b"), args


def test_match_on_an_ended_case_says_so_unless_forced(vault_path: Path) -> None:
    """Issue 10: `match` ranked supporters for a closed case without a word."""
    from p2p_tui.services.cases import lifecycle

    store, _ = Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        referral = intake.create_referral(
            ReferralInput(PhysicianInput("Cy Ref", "mid", "Kings"), TODAY, "reach_in", "self", ("burnout",)),
            on=TODAY,
        )
        lifecycle.end_case(referral.id, "declined", TODAY)
    store.close()
    refused = run("match", str(referral.id), "--vault", str(vault_path))
    assert refused.exit_code == 1 and "has ended (declined)" in refused.output and "--force" in refused.output
    assert run("match", str(referral.id), "--vault", str(vault_path), "--force").exit_code == 0
    assert run("match", "424242", "--vault", str(vault_path)).exit_code == 1
