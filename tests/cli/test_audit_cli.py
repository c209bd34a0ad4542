"""`p2p-tui log`, `p2p-tui check` on the audit chain, and `p2p-tui dictionary` (issue 13): an entry
deleted or altered in the image is found by check (exit 4), and the log prints names and ids only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.services.cases import intake, lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.store import Store
from tests.conftest import CHEAP_KDF, PASSPHRASE, TODAY

NAME, EMAIL = "Ottoline Quarrie", "ottoline@secret.example.org"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": PASSPHRASE})


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    path = tmp_path / "vault" / "program.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        person = PhysicianInput(NAME, "mid", "Kings", email=EMAIL)
        rid = int(
            intake.create_referral(
                ReferralInput(person, TODAY.isoformat(), "reach_in", "self", ("burnout",))
            ).id
        )
        lifecycle.set_logistics_note(rid, "Ottoline: mornings")
    store.close()
    return path


def tamper(path: Path, sql: str) -> None:
    """Change the image behind the program's back (raw SQL, no trigger on the trail), and save it."""
    store = Store.open(path, PASSPHRASE)
    with store.lock:
        store.db.raw().execute(sql)
    store.save_now()
    store.close()


def test_log_lists_entries_with_field_names_and_never_a_value(vault: Path) -> None:
    result = run("log", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "5 entries" and lines[1].split()[:3] == ["#", "when", "(UTC)"]
    assert lines[-1].split() == ["5", "2026-11-18T10:30:00Z", "changed", "case", "1", "logistics", "note"]
    assert "_" not in "".join(lines[2:])  # plain words (issue 10 review F5); --json keeps the codes
    assert NAME.split()[0] not in result.output and EMAIL not in result.output
    listed = json.loads(run("log", "--vault", str(vault), "--json").output)
    assert [e["kind"] for e in listed] == ["insert"] * 4 + ["update"]
    assert listed[-1] == {
        "id": 5,
        "at": "2026-11-18T10:30:00Z",
        "kind": "update",
        "table": "referral",
        "record_ids": ["1"],
        "fields": ["logistics_note"],
        "referral_id": 1,
    }
    assert run("log", "--vault", str(vault), "--since", "2026-11-19").output == "0 entries since 2026-11-19\n"


def test_check_passes_an_intact_chain(vault: Path) -> None:
    result = run("check", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert "audit trail:  5 entries, chain intact" in result.output


@pytest.mark.parametrize(
    ("sql", "why"),
    [
        (
            "DELETE FROM audit_entry WHERE id = 2",
            "entry 3 does not follow entry 1: an entry between was removed",
        ),
        (
            "UPDATE audit_entry SET fields = 'email' WHERE id = 3",
            "entry 4 does not follow entry 3: one of the",
        ),
        ("DELETE FROM audit_entry WHERE id = 5", "the last entry, 4, is not the one the head names"),
        ("DELETE FROM audit_entry", "the trail is empty, but its head says it had entries"),
    ],
    ids=["deleted", "altered", "last-deleted", "all-deleted"],
)
def test_check_finds_an_entry_deleted_or_altered_in_the_image(vault: Path, sql: str, why: str) -> None:
    tamper(vault, sql)
    result = run("check", "--vault", str(vault))
    assert result.exit_code == 4, result.output
    assert result.stdout.splitlines()[-1].endswith("entries, BROKEN")
    assert result.stderr.startswith(f"Error: the audit trail is broken: {why}")
    assert "entry 0" not in result.stderr
    assert "\nError: the audit trail is broken" in result.output  # on a line of its own


def test_check_help_says_a_passphrase_holder_can_rechain(vault: Path) -> None:
    said = " ".join(run("check", "--help").output.split())
    assert "recompute the chain" in said and "passphrase" in said


def test_dictionary_prints_markdown_and_csv_without_a_vault(tmp_path: Path) -> None:
    md = run("dictionary")
    assert md.exit_code == 0 and "| `email` | email address | yes |" in md.output
    csv = run("dictionary", "--format", "csv")
    assert csv.output.splitlines()[0] == "table,field,meaning,identifies,purged"
    assert "physician,email,email address,yes," in csv.output
