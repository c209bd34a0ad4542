"""`p2p-tui export-deidentified` and `p2p-tui purge`: CSV to stdout or to a private file, never over an
existing file without --force, no identifying value printed, a dry run that leaves the vault file byte
for byte as it was, and an export whose one change to the vault is its audit entry."""

from __future__ import annotations

import csv
import io
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.services.admin import audit
from p2p_tui.services.cases import intake, lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.reporting import deidentify
from p2p_tui.store import Store, settings
from p2p_tui.store.models import Physician, PurgeLog, Referral
from tests.conftest import CHEAP_KDF, PASSPHRASE, TODAY

OLD = TODAY - timedelta(days=200)  # a case received then and closed a week later is past retention
RECENT = TODAY - timedelta(days=10)
HEADER = (
    "month_received,quarter,career_stage,county,pathway,source,stressors,acute_interventional,outcome,"
    "days_to_match,days_to_first_contact,follow_up_done,survey_done,php_referred,safety_escalation,"
    "outside_resource"
)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": PASSPHRASE} | (env or {}))


def referral(name: str, received: str, email: str) -> int:
    person = PhysicianInput(name, "mid", "Kings", email=email, phone="902 555 0147", specialty="Nephrology")
    data = ReferralInput(person, received, "reach_in", "self", ("burnout",))
    return int(intake.create_referral(data, on=TODAY).id)


def exports(vault: Path, before: bytes) -> list[str]:
    """What the audit trail says was exported since the file held `before` (and nothing else changed)."""
    tmp = vault.parent.parent / "before.p2pvault"  # not beside the vault
    tmp.write_bytes(before)
    store = Store.open(tmp, PASSPHRASE)
    try:
        seen = {e.id for e in audit.entries()}
    finally:
        store.close()
    tmp.unlink()
    store = Store.open(vault, PASSPHRASE)
    try:
        new = [e for e in audit.entries() if e.id not in seen]
    finally:
        store.close()
    assert {e.kind for e in new} == {"export"}
    return [e.table for e in new]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """One case past retention (with a logistics note) and one recent open case."""
    path = tmp_path / "vault" / "program.p2pvault"  # in a folder of its own: no output may go there
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        old = referral("Olga Oldcase", OLD.isoformat(), "olga@private.example.org")
        lifecycle.set_logistics_note(old, "mornings, back entrance")
        lifecycle.end_case(old, "closed", OLD + timedelta(days=7))
        referral("Rita Recent", RECENT.isoformat(), "rita@private.example.org")
    store.close()
    return path


@pytest.fixture
def records_vault(tmp_path: Path) -> Path:
    """Five cases received on the old day (ended) and five recent ones, alike in every quasi-identifier,
    so the export keeps every row as it is (k = 5 holds without generalising)."""
    path = tmp_path / "vault" / "records.p2pvault"  # in a folder of its own: no output may go there
    path.parent.mkdir()
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        for n in range(5):
            old = referral(f"Olga Oldcase{n}", OLD.isoformat(), f"olga{n}@private.example.org")
            lifecycle.end_case(old, "closed", OLD + timedelta(days=7))
            referral(f"Rita Recent{n}", RECENT.isoformat(), f"rita{n}@private.example.org")
    store.close()
    return path


def identifying(path: Path) -> list[str]:
    store = Store.open(path, PASSPHRASE)
    try:
        values = [v for p in Physician.select() for v in (p.name, p.email, p.phone, p.specialty) if v]
        return values + [r.logistics_note for r in Referral.select() if r.logistics_note]
    finally:
        store.close()


def test_export_to_stdout_prints_the_records_and_nothing_identifying(records_vault: Path) -> None:
    vault = records_vault
    secrets = identifying(vault)
    before = vault.read_bytes()
    result = run("export-deidentified", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert exports(vault, before) == ["deidentified"]  # the one change: the export, in the audit trail
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0] == HEADER
    assert sorted(row[0] for row in rows[1:]) == sorted([OLD.strftime("%Y-%m"), RECENT.strftime("%Y-%m")] * 5)
    assert sorted(row[8] for row in rows[1:]) == ["closed"] * 5 + ["open"] * 5
    assert "k-anonymity with k = 5" in result.stderr and "nothing generalised" in result.stderr
    for value in secrets:
        assert value not in result.output


def test_export_by_quarter_and_a_bad_quarter(records_vault: Path) -> None:
    vault = records_vault
    quarter = f"{RECENT.year}Q{(RECENT.month - 1) // 3 + 1}"
    result = run("export-deidentified", "--vault", str(vault), "--quarter", quarter)
    assert result.exit_code == 0, result.output
    assert [row[1] for row in csv.reader(io.StringIO(result.stdout))][1:] == [quarter] * 5
    bad = run("export-deidentified", "--vault", str(vault), "--quarter", "third")
    assert bad.exit_code == 1
    assert "quarter: must be written like 2026Q3" in bad.output


def test_export_to_a_file_is_private_and_never_overwrites_without_force(
    records_vault: Path, tmp_path: Path
) -> None:
    vault = records_vault
    out = tmp_path / "records.csv"
    stdout = run("export-deidentified", "--vault", str(vault)).stdout
    before = vault.read_bytes()
    result = run("export-deidentified", "--vault", str(vault), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Wrote 10 records to" in result.stderr
    assert out.read_text(encoding="utf-8") == stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert exports(vault, before) == ["deidentified"]

    out.write_text("keep me", encoding="utf-8")
    out.chmod(0o644)
    refused = run("export-deidentified", "--vault", str(vault), "--output", str(out))
    assert refused.exit_code == 1
    assert "already exists" in refused.output and "--force" in refused.output
    assert out.read_text(encoding="utf-8") == "keep me"

    forced = run("export-deidentified", "--vault", str(vault), "--output", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8") == stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".records")) == []  # no temp left


def test_export_refuses_a_wrong_passphrase(vault: Path, tmp_path: Path) -> None:
    result = run(
        "export-deidentified", "--vault", str(vault), env={"P2P_TUI_PASSPHRASE": "not the passphrase at all"}
    )
    assert result.exit_code == 3
    assert result.stdout == ""


def test_purge_dry_run_leaves_the_vault_byte_identical(vault: Path) -> None:
    before = vault.read_bytes()
    result = run("purge", "--vault", str(vault), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "would purge 1 cases and 1 physicians"
    assert vault.read_bytes() == before
    for value in identifying(vault):
        assert value not in result.output


def test_purge_clears_the_old_case_and_keeps_the_recent_one(vault: Path) -> None:
    records_before = run("export-deidentified", "--vault", str(vault)).stdout
    result = run("purge", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "purged 1 cases and 1 physicians"
    assert "Olga" not in result.output
    left = identifying(vault)
    assert "Olga Oldcase" not in left and "olga@private.example.org" not in left
    assert "mornings, back entrance" not in left
    assert "Rita Recent" in left and "rita@private.example.org" in left
    store = Store.open(vault, PASSPHRASE)
    try:
        assert [(p.purged_on, p.cases, p.physicians) for p in PurgeLog.select()] == [(TODAY, 1, 1)]
        assert deidentify.check_consistency() == []
    finally:
        store.close()
    assert run("export-deidentified", "--vault", str(vault)).stdout == records_before
    again = run("purge", "--vault", str(vault), "--dry-run")
    assert again.stdout.splitlines()[0] == "would purge 0 cases and 0 physicians"


def test_the_private_writer_refuses_an_existing_file_even_past_the_early_check(tmp_path: Path) -> None:
    """The early check can race with another writer: the link that names the file refuses too."""
    from p2p_tui.commands.base import InvalidInput
    from p2p_tui.commands.export import write_private

    target = tmp_path / "exists.csv"
    target.write_text("theirs", encoding="utf-8")
    with pytest.raises(InvalidInput, match="already exists"):
        write_private(target, "ours", force=False, vault=None)
    assert target.read_text(encoding="utf-8") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["exists.csv"]


def test_the_export_help_lists_every_column() -> None:
    result = run("export-deidentified", "--help")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    columns = ", ".join(f"{n} (';'-joined)" if n == "stressors" else n for n in deidentify.FIELDS)
    assert f"Columns: {columns} (flags 1/0;" in text


def test_a_lone_case_is_withheld_and_the_check_reports_the_smallest_group(
    records_vault: Path, tmp_path: Path
) -> None:
    store = Store.open(records_vault, PASSPHRASE)
    with store.atomic():  # one case unlike every other: alone even once generalised
        person = PhysicianInput("Lone Case", "early", "Prince", email="lone@private.example.org")
        data = ReferralInput(person, RECENT.isoformat(), "reach_out", "media", ("complaint", "conflict"))
        intake.create_referral(data, on=TODAY)
    store.close()
    out = tmp_path / "records.csv"
    result = run("export-deidentified", "--vault", str(records_vault), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 10 records" in result.stderr and "1 withheld" in result.stderr  # 1 of 11: under 5%
    checked = run("export-deidentified", "--check", str(out))
    assert checked.exit_code == 0, checked.output
    # 1 of 11 rows alone is more than 5%: every step taken (the two groups of 5 merge by year)
    assert "the smallest group of quasi-identifiers has 10 rows: k = 5 holds" in checked.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        out.read_text(encoding="utf-8").splitlines()[0] + "\n" + out.read_text().splitlines()[1] + "\n"
    )
    refused = run("export-deidentified", "--check", str(bad))
    assert refused.exit_code == 1 and "does NOT hold" in refused.output
    assert (
        run(
            "export-deidentified", "--check", str(tmp_path / "records.csv").replace("records", "none")
        ).exit_code
        == 2
    )


@pytest.mark.parametrize(
    ("last", "said"),
    [
        ("2026-08,Kings", "line 3: has 2 values; the header has"),  # a short row
        ('"' + "k" * 200_000 + '"', "line 3: a value is longer than 131,072 characters"),
        ('"2026-08,Kings', "line 3: a quoted value is never closed"),
    ],
)
def test_check_names_the_line_of_a_short_or_unreadable_row(tmp_path: Path, last: str, said: str) -> None:
    """Atk 9, F5: a message naming the row and exit 1, never a traceback."""
    head = ",".join(deidentify.FIELDS)
    good = ",".join("x" for _ in deidentify.FIELDS)
    path = tmp_path / "hand-made.csv"
    path.write_text(f"{head}\n{good}\n{last}\n", encoding="utf-8")
    result = run("export-deidentified", "--check", str(path))
    assert result.exit_code == 1 and said in result.output, result.output
    assert "Traceback" not in result.output and "kkkk" not in result.output


def _rows(quarters: list[str]) -> str:
    body = [f"2026-08,{q},mid,Kings,reach_in,self,burnout,0,closed,1,2,1,1,0,0," for q in quarters]
    return "\n".join([HEADER, *body]) + "\n"


def test_the_check_counts_every_quasi_identifier_the_export_writes(tmp_path: Path) -> None:
    same = tmp_path / "same.csv"
    same.write_text(_rows(["2026Q3"] * 6), encoding="utf-8")
    assert "6 rows; the smallest group of quasi-identifiers has 6 rows: k = 5 holds" in (
        run("export-deidentified", "--check", str(same)).output
    )
    apart = tmp_path / "apart.csv"  # alike but for the quarter, a distinct one on every row
    apart.write_text(_rows([f"202{n}Q3" for n in range(6)]), encoding="utf-8")
    refused = run("export-deidentified", "--check", str(apart))
    assert refused.exit_code == 1
    assert "6 rows; the smallest group of quasi-identifiers has 1 row: k = 5 does NOT hold" in refused.output


def test_the_check_uses_the_vault_k_or_the_k_given(tmp_path: Path) -> None:
    six = tmp_path / "six.csv"
    six.write_text(_rows(["2026Q3"] * 6), encoding="utf-8")
    assert "k = 7 does NOT hold" in run("export-deidentified", "--check", str(six), "--k", "7").output
    assert run("export-deidentified", "--check", str(six), "--k", "2").exit_code == 2  # never below 3
    path = tmp_path / "vault" / "program.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        settings.put("export_k", 8)
    store.close()
    checked = run("export-deidentified", "--vault", str(path), "--check", str(six))
    assert checked.exit_code == 1 and "k = 8 does NOT hold" in checked.output
    assert "--k N" in " ".join(run("export-deidentified", "--help").output.split())
