"""`p2p-tui import`: the examples import, a bad file exits 1 listing its rows, and a rejected import or a
dry run leaves the vault file byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.services.people import roster
from p2p_tui.store import Store
from p2p_tui.store.models import Physician, Referral, Supporter
from tests.conftest import CHEAP_KDF, PASSPHRASE

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROSTER_HEADER = "name,email,phone,career_stage,county,specialty,interventional,status,max_active,evaluates"
NOTHING = "Nothing was imported: fix the rows above and import again."


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": PASSPHRASE})


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    path = tmp_path / "program.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    store.close()
    return path


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_examples_import_and_are_saved(vault: Path) -> None:
    first = run("import", "roster", str(EXAMPLES / "roster.csv"), "--vault", str(vault))
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0] == "roster: 8 rows, 8 added, 0 updated"
    second = run("--vault", str(vault), "import", "referrals", str(EXAMPLES / "referrals.csv"))
    assert second.exit_code == 0, second.output
    assert second.stdout.splitlines()[0] == "referrals: 8 rows, 8 added, 0 updated"
    store = Store.open(vault, PASSPHRASE)
    try:
        assert Supporter.select().count() == 8
        assert Referral.select().count() == 8
        evaluator = Supporter.select().join(Physician).where(Physician.name == "Blake Fictionson").get()
        peer = Physician.get(Physician.name == "Harper Makebelieve")
        assert [c.kind for c in roster.conflicts_between(evaluator, peer)] == ["evaluates"]
    finally:
        store.close()


def test_a_bad_file_exits_1_lists_every_row_and_leaves_the_vault_untouched(
    vault: Path, tmp_path: Path
) -> None:
    before = vault.read_bytes()
    bad = write(
        tmp_path,
        "\n".join(
            [
                ROSTER_HEADER,
                "Rowan Secretname,rowan@private.test,902-555-0199,mid,Queens,,no,active,2,",
                "Sky Hiddenname,sky@private.test,,junior,Queens,,no,active,2,",
                "Tal Quietname,tal@private.test,,mid,Atlantis,,sometimes,active,2,",
            ]
        )
        + "\n",
    )
    result = run("import", "roster", str(bad), "--vault", str(vault))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 3, career_stage: must be one of: early, mid, late, retired",
        "row 4, county: must be one of the counties in Settings: Kings, Queens, Prince",
        "row 4, interventional: must be yes or no",
        NOTHING,
    ]
    assert result.stdout == ""
    for identifying in ("Rowan", "Secretname", "Hiddenname", "Quietname", "private.test", "0199"):
        assert identifying not in result.output
    assert vault.read_bytes() == before


def test_a_wrong_header_exits_1_and_names_the_expected_one(vault: Path, tmp_path: Path) -> None:
    before = vault.read_bytes()
    result = run("import", "referrals", str(EXAMPLES / "roster.csv"), "--vault", str(vault))
    assert result.exit_code == 1
    assert result.stderr.startswith("row 1, header: missing columns: received,")
    assert "expected: received,name,email,phone," in result.stderr
    assert result.stderr.splitlines()[-1] == NOTHING
    assert vault.read_bytes() == before


def test_a_dry_run_shows_the_plan_and_leaves_the_vault_untouched(vault: Path) -> None:
    before = vault.read_bytes()
    result = run("import", "roster", str(EXAMPLES / "roster.csv"), "--dry-run", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "roster: 8 rows, 8 would be added, 0 would be updated"
    assert lines[-1] == "dry run: nothing was changed"
    assert vault.read_bytes() == before
    store = Store.open(vault, PASSPHRASE)
    try:
        assert Supporter.select().count() == 0
    finally:
        store.close()


def test_a_file_that_is_not_utf8_exits_1(vault: Path, tmp_path: Path) -> None:
    before = vault.read_bytes()
    latin = tmp_path / "latin1.csv"
    latin.write_bytes((ROSTER_HEADER + "\nRené Côté,,,mid,Kings,,no,active,2,\n").encode("latin-1"))
    result = run("import", "roster", str(latin), "--vault", str(vault))
    assert result.exit_code == 1
    assert "UTF-8" in result.output and "Ren" not in result.output
    assert vault.read_bytes() == before


def test_excels_byte_order_mark_is_accepted(vault: Path, tmp_path: Path) -> None:
    text = (EXAMPLES / "roster.csv").read_text(encoding="utf-8")
    bom = tmp_path / "excel.csv"
    bom.write_bytes(text.replace("\n", "\r\n").encode("utf-8-sig"))
    result = run("import", "roster", str(bom), "--vault", str(vault))
    assert result.exit_code == 0, result.output


def test_usage_errors_exit_2(vault: Path, tmp_path: Path) -> None:
    assert run("import", "people", str(EXAMPLES / "roster.csv"), "--vault", str(vault)).exit_code == 2
    assert run("import", "roster", str(tmp_path / "missing.csv"), "--vault", str(vault)).exit_code == 2


def test_the_import_help_shows_the_headers_and_the_separator() -> None:
    from p2p_tui.services.admin.importing import HEADERS, SEPARATOR

    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0, result.output
    for kind, header in HEADERS.items():
        assert f"{kind}:".ljust(11) + ",".join(header) in result.output
    assert f"separated by '{SEPARATOR}'" in result.output
