"""`p2p-tui report [--quarter 2026Q3] [--format pdf|md|csv|json] [--output FILE] [--force]` and
`p2p-tui honoraria [--quarter 2026Q3] [--format pdf|csv] [--output FILE]`."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.services.admin import audit
from p2p_tui.store import Store
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.unit.test_reports import add_activity, other_rows, q3_rows, set_utilization

SUPPORTERS = ("Ada Quillfeather", "Benedikt Marrowgate")


def run(*args: str, passphrase: str = PASSPHRASE) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": passphrase})


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A vault holding the golden rows of tests/unit/test_reports.py (the table made if m0004 has not)."""
    path = tmp_path / "program.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    add_activity(store)
    set_utilization(store, q3_rows() + other_rows())
    store.close()
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_markdown_to_stdout_by_default_and_the_vault_untouched(vault: Path) -> None:
    result = run("report", "--vault", str(vault), "--quarter", "2026Q3")
    assert result.exit_code == 0, result.output
    store = Store.open(vault, PASSPHRASE)  # the vault's one change: the export's audit entry
    try:
        with store.lock:
            last = audit.entries()[-1]
    finally:
        store.close()
    assert (last.kind, last.table, last.fields) == ("export", "report", ())
    assert result.stdout.startswith("# Quarterly utilization summary: Jul–Sep 2026 (2026Q3)\n")
    assert "| Referrals received | 30 |" in result.stdout
    assert "| Physician Health Program | <5\\* |" in result.stdout  # the mark: fewer than 5
    assert 'Counts from 1 to 4 are shown as "<5"' in result.stdout
    assert not any(name in result.output for name in SUPPORTERS)


@pytest.mark.parametrize("fmt", ["md", "csv", "json", "pdf"])
def test_every_format_to_a_private_file(vault: Path, out: Path, fmt: str) -> None:
    target = out / f"summary.{fmt}"
    result = run(
        "report", "--vault", str(vault), "--quarter", "2026q3", "--format", fmt, "--output", str(target)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == [target.name]  # no temp file left beside it
    data = target.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
    elif fmt == "json":
        assert json.loads(data)["referrals"] == {"value": 30, "shown": "30", "withheld_because": None}
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode())))
        assert rows[0] == ["section", "label", "value"] and ["source", "php", "<5*"] in rows
    else:
        assert data.decode().startswith("# Quarterly utilization summary")
    assert all(name.encode() not in data for name in SUPPORTERS)


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_formats_to_stdout(vault: Path, fmt: str) -> None:
    result = run("report", "--vault", str(vault), "--quarter", "2026Q3", "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.stdout)["quarter"] == "2026Q3"
    elif fmt == "csv":
        assert result.stdout.startswith("section,label,value\nsummary,quarter,2026Q3\n")


def test_pdf_needs_an_output(vault: Path) -> None:
    result = run("report", "--vault", str(vault), "--quarter", "2026Q3", "--format", "pdf")
    assert result.exit_code == 2
    assert "--output" in result.output


def test_an_existing_output_is_kept_unless_forced(vault: Path, out: Path) -> None:
    target = out / "summary.md"
    target.write_text("keep me")
    refused = run("report", "--vault", str(vault), "--quarter", "2026Q3", "--output", str(target))
    assert refused.exit_code == 1
    assert "--output" in refused.output and "--force" in refused.output
    assert target.read_text() == "keep me"
    forced = run("report", "--vault", str(vault), "--quarter", "2026Q3", "--output", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_text().startswith("# Quarterly utilization summary")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_vault_itself_is_never_an_output(vault: Path) -> None:
    before = vault.read_bytes()
    result = run("report", "--vault", str(vault), "--quarter", "2026Q3", "--output", str(vault), "--force")
    assert result.exit_code == 1 and "--output" in result.output
    assert vault.read_bytes() == before


def test_an_output_in_a_missing_folder_is_refused(vault: Path, out: Path) -> None:
    result = run("report", "--vault", str(vault), "--quarter", "2026Q3", "--output", str(out / "no" / "x.md"))
    assert result.exit_code == 1 and "--output" in result.output


@pytest.mark.parametrize("bad", ["2026Q5", "Q3 2026", "2026", "26Q3"])
def test_a_bad_quarter_exits_1_naming_quarter(vault: Path, bad: str) -> None:
    result = run("report", "--vault", str(vault), "--quarter", bad)
    assert result.exit_code == 1
    assert "--quarter" in result.output and "2026Q3" in result.output


def test_without_a_quarter_the_last_complete_one(vault: Path) -> None:
    result = run("report", "--vault", str(vault))  # the frozen day, 2026-11-18, is in 2026Q4
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Quarterly utilization summary: Jul–Sep 2026 (2026Q3)\n")


def test_a_quarter_not_begun_says_so(vault: Path) -> None:
    for command in ("report", "honoraria"):
        result = run(command, "--vault", str(vault), "--quarter", "2027Q1")
        assert result.exit_code == 1, result.output
        assert "2027Q1 has not begun (it starts on 1 January 2027)" in result.output
        assert "the last complete quarter is 2026Q3" in result.output


def test_a_running_quarter_is_labelled_to_date(vault: Path) -> None:
    result = run("report", "--vault", str(vault), "--quarter", "2026Q4", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["to_date"] == "to date (day 49 of 92)"  # 18 November: 31 + 17 + 1
    assert data["heading"] == "Oct–Dec 2026, to date (day 49 of 92)"


def test_honoraria_is_removed_from_report_and_says_where_it_went(vault: Path) -> None:
    result = run("report", "--vault", str(vault), "--quarter", "2026Q3", "--honoraria")
    assert result.exit_code == 2
    assert "--honoraria was removed: use p2p-tui honoraria" in result.output
    assert not any(name in result.output for name in SUPPORTERS)
    assert "removed: use p2p-tui honoraria" in " ".join(run("report", "--help").output.split())


def test_the_honorarium_statement_is_its_own_identifying_document(vault: Path, out: Path) -> None:
    found = run("honoraria", "--vault", str(vault), "--quarter", "2026Q3")
    assert found.exit_code == 0, found.output
    rows = list(csv.reader(io.StringIO(found.stdout)))
    assert rows[0] == ["supporter", "hours", "amount", "document"]  # the header first, for a reader
    mark = "IDENTIFYING: FOR PAYMENT ONLY — honorarium statement 2026Q3"  # on every row, no row of its own
    assert rows[1:] == [["Ada Quillfeather", "5", "540.00", mark],
                        ["Benedikt Marrowgate", "1.5", "150.00", mark],
                        ["Total", "6.5", "690.00", mark]]  # fmt: skip
    target = out / "statement.pdf"
    pdf = run(
        "honoraria", "--vault", str(vault), "--quarter", "2026Q3", "--format", "pdf", "--output", str(target)
    )
    assert pdf.exit_code == 0, pdf.output
    assert "IDENTIFYING" in pdf.output  # the coordinator is told what the file holds
    assert target.read_bytes().startswith(b"%PDF") and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert run("honoraria", "--vault", str(vault), "--format", "pdf").exit_code == 2  # needs --output


def test_an_empty_quarter_in_every_format(vault: Path, out: Path) -> None:
    for fmt in ("md", "csv", "json"):
        result = run("report", "--vault", str(vault), "--quarter", "2020Q1", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "No referrals this quarter." in result.stdout
    result = run(
        "report",
        "--vault",
        str(vault),
        "--quarter",
        "2020Q1",
        "--format",
        "pdf",
        "--output",
        str(out / "e.pdf"),
    )
    assert result.exit_code == 0 and (out / "e.pdf").read_bytes().startswith(b"%PDF")


def test_a_wrong_passphrase_exits_3(vault: Path) -> None:
    result = run("report", "--vault", str(vault), "--quarter", "2026Q3", passphrase="not the passphrase")
    assert result.exit_code == 3


def test_a_fresh_vault_reports_an_empty_quarter(tmp_path: Path) -> None:
    path = tmp_path / "fresh.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    set_utilization(store, [])  # creates the table if migration m0004 has not
    store.close()
    result = run("report", "--vault", str(path), "--quarter", "2026Q3", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["empty"] is True


def test_the_help_says_what_the_code_does() -> None:
    """Formats, breakdowns, the trend's length and the threshold in `report --help` come from the code."""
    from p2p_tui.services.reporting import quarterly, render
    from p2p_tui.store import settings

    result = run("report", "--help")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # (click wraps the options' help)
    assert f"--format [{'|'.join(render.FORMATS)}]" in text
    for fmt in render.FORMATS:
        assert render.DESCRIPTIONS[fmt] in text
    names = [name.replace("_", " ") for name in quarterly.BREAKDOWNS]
    assert f"Referrals by {', '.join(names[:-1])} and {names[-1]};" in text
    assert f"a {quarterly.TREND_QUARTERS + 1}-quarter trend" in text
    t = settings.DEFAULTS["suppression_threshold"]
    assert f'Counts from 1 to {t - 1} (the threshold in Settings, less one) are shown "<{t}*"' in text
    assert '("—†")' in text and '("—‡")' in text  # the marks, as the README shows them


# -- the annual report and the Member Survey (board12) -------------------------------------------


def test_year_and_quarter_are_mutually_exclusive(vault: Path) -> None:
    result = run("report", "--vault", str(vault), "--year", "2026", "--quarter", "2026Q3")
    assert result.exit_code == 2
    assert "--year and --quarter cannot be used together" in result.output


def test_the_annual_report_with_the_member_survey(vault: Path, out: Path) -> None:
    added = run(
        "member-survey", "add", "--vault", str(vault), "--year", "2026", "--respondents", "40",
        "--aware", "30", "--used", "3", "--recommend", "20", "--question", "Felt supported=50",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = run("member-survey", "list", "--vault", str(vault))
    assert "2026: 40 respondents; aware of the program 30" in listed.stdout
    assert "Felt supported: 50%" in listed.stdout
    result = run("report", "--vault", str(vault), "--year", "2026")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "# Annual utilization report: Fiscal year 2026–27 (April 2026 to March 2027), to date\n"
    )
    assert "| Have used the program | <5\\* | —\\* |" in result.stdout  # 3 of 40: withheld
    assert "| Felt supported |  | 50% |" in result.stdout
    target = out / "annual.pdf"
    written = run(
        "report", "--vault", str(vault), "--year", "2026", "--format", "pdf", "--output", str(target)
    )
    assert written.exit_code == 0, written.output
    assert target.read_bytes().startswith(b"%PDF")
    assert run("member-survey", "remove", "--vault", str(vault), "--year", "2026").exit_code == 0
    again = run("member-survey", "remove", "--vault", str(vault), "--year", "2026")
    assert again.exit_code == 1 and "no Member Survey results are recorded for 2026" in again.output


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (("--aware", "41"), "--aware: must be a whole number from 0 to 40"),
        (("--question", "Felt supported"), "--question: must be written LABEL=PERCENT"),
        (("--question", "x" * 61 + "=5"), "--question: label must be 1 to 60 printable characters"),
    ],
)
def test_member_survey_add_refuses_bad_input(vault: Path, extra: tuple[str, ...], problem: str) -> None:
    base = {"--respondents": "40", "--aware": "30", "--used": "3", "--recommend": "20"}
    args = [a for k, v in base.items() if k not in extra[:1] for a in (k, v)]
    result = run("member-survey", "add", "--vault", str(vault), "--year", "2026", *args, *extra)
    assert result.exit_code == 1, result.output
    assert problem in result.output
