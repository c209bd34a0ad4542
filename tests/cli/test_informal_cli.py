"""`p2p-tui informal add | list | remove`: a count, never a name; removal asks first."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.services.cases.intake import PhysicianInput
from p2p_tui.services.people import roster
from p2p_tui.store import Store
from tests.conftest import CHEAP_KDF, PASSPHRASE


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": PASSPHRASE}, input=stdin)


def test_informal_add_list_and_remove(tmp_path: Path) -> None:
    path = tmp_path / "v" / "program.p2pvault"
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        sid = roster.add_supporter(
            roster.SupporterInput(PhysicianInput("Sam Supporter", "mid", "Kings"), "active")
        ).id
    store.close()
    vault = ("--vault", str(path))
    added = run("informal", "add", *vault, "--supporter", str(sid), "--on", "2026-11-02", "--stage", "late",
                "--county", "queens", "--stressor", "complaint", "--stressor", "burnout")  # fmt: skip
    assert added.exit_code == 0, added.output
    future = run("informal", "add", *vault, "--supporter", str(sid), "--on", "2026-12-25")
    assert future.exit_code == 1 and "--on" in future.output, future.output
    listed = run("informal", "list", *vault)
    assert (
        "2026-11-02  supporter #1  late career  Queens  complaint, burnout or moral injury" in listed.output
    )
    kept = run("informal", "remove", *vault, "1", stdin="n\n")
    assert "Nothing removed." in kept.output
    gone = run("informal", "remove", *vault, "1", stdin="y\n")
    assert gone.exit_code == 0 and "Removed informal encounter #1." in gone.output
    assert "No informal encounters" in run("informal", "list", *vault).output


def test_a_supporter_id_too_large_for_the_database_is_a_usage_error() -> None:
    """Atk 9 (second round): a 20-digit id gave an OverflowError traceback."""
    from click.testing import CliRunner

    from p2p_tui.cli import main

    result = CliRunner().invoke(main, ["informal", "add", "--supporter", "9" * 20, "--on", "2026-01-05"])
    assert result.exit_code == 2 and "Traceback" not in result.output and "--supporter" in result.output
