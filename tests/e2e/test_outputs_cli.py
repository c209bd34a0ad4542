"""Every command that writes an output refuses the vault, its backups and its folder (issue 9, item 1):
exit 1, a message naming what was refused and what to do, and the vault byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.services.reporting import quarterly
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store
from p2p_tui.tui.screens.report import write_export
from p2p_tui.vault import RefusedOutput, backups
from tests.conftest import CHEAP_KDF, PASSPHRASE


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": PASSPHRASE})


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A vault in its own folder, with a backup (two saves)."""
    path = tmp_path / "home" / "program.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    store.save_now()
    store.close()
    assert backups.listing(path)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_refused(result: Result, vault: Path, before: dict[str, bytes]) -> None:
    assert result.exit_code == 1, result.output
    assert "Refusing to write" in result.output and "another folder" in result.output
    assert "Traceback" not in result.output
    assert snapshot(vault.parent) == before


def test_the_export_over_the_vault_with_force_is_refused(vault: Path) -> None:
    """The case the issue saw: the CSV used to replace the vault, exit 0."""
    before = snapshot(vault.parent)
    result = run("export-deidentified", "--vault", str(vault), "--output", str(vault), "--force")
    assert_refused(result, vault, before)
    assert "the vault itself" in result.output
    assert run("check", "--vault", str(vault)).exit_code == 0


@pytest.mark.parametrize("fmt", ["md", "csv", "pdf"])
def test_a_report_into_the_backups_folder_or_beside_the_vault_is_refused(vault: Path, fmt: str) -> None:
    before = snapshot(vault.parent)
    for target in (backups.folder(vault) / f"board.{fmt}", vault.parent / f"board.{fmt}"):
        result = run(
            "report", "--vault", str(vault), "--quarter", "2026Q3", "--format", fmt, "--output", str(target)
        )
        assert_refused(result, vault, before)


def test_an_export_through_a_link_to_the_vault_is_refused(vault: Path, tmp_path: Path) -> None:
    link = tmp_path / "records.csv"
    link.symlink_to(vault)
    before = snapshot(vault.parent)
    result = run("export-deidentified", "--vault", str(vault), "--output", str(link), "--force")
    assert_refused(result, vault, before)


@pytest.mark.parametrize("where", ["beside", "backups"])
def test_a_backup_copy_into_the_vaults_folders_is_refused(vault: Path, where: str) -> None:
    folder = vault.parent if where == "beside" else backups.folder(vault)
    before = snapshot(vault.parent)
    result = run("backup", "--vault", str(vault), "--to", str(folder / "copy.p2pvault"))
    assert_refused(result, vault, before)


def test_outputs_in_another_folder_are_still_written(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert run("backup", "--vault", str(vault), "--to", str(out / "copy.p2pvault")).exit_code == 0
    assert run("export-deidentified", "--vault", str(vault), "--output", str(out / "r.csv")).exit_code == 0
    result = run("report", "--vault", str(vault), "--quarter", "2026Q3", "--output", str(out / "s.md"))
    assert result.exit_code == 0, result.output


def test_the_consoles_export_refuses_the_vaults_folder_before_making_a_file(vault: Path) -> None:
    store = Store.open(vault, PASSPHRASE)
    try:
        with store.lock:
            summary = quarterly.summarize(Quarter.parse("2026Q3"))
        before = snapshot(vault.parent)
        for folder in (vault.parent, backups.folder(vault)):
            with pytest.raises(RefusedOutput):
                write_export(summary, "md", folder, store.vault.path)
            assert snapshot(vault.parent) == before
    finally:
        store.close()
