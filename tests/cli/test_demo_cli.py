"""`p2p-tui demo` asks before it replaces a demo vault changed since it was made (`--fresh` does not ask;
without a terminal it refuses, exit 2). Cheap: the vaults are made with the test KDF, the data stubbed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.commands import demo as demo_command
from p2p_tui.services import demo as demo_data
from p2p_tui.services import demo_state
from p2p_tui.store import Store, settings
from tests.conftest import CHEAP_KDF, PASSPHRASE


class CheapStore(Store):
    """The command's Store, creating vaults at the test KDF (the real one costs half a second)."""

    @classmethod
    def create(cls, path: Path, passphrase: str, **kw: object) -> tuple[Store, str]:  # type: ignore[override]
        return Store.create(path, passphrase, kdf=CHEAP_KDF)


@pytest.fixture
def demo_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo vault as `demo` makes it (with no people: the data is not what is tested here)."""
    monkeypatch.setattr(demo_command, "Store", CheapStore)
    monkeypatch.setattr(demo_data, "populate", lambda on: {"supporter": 0, "referral": 0})
    path = tmp_path / "demo.p2pvault"
    assert run("--no-open", path=path).exit_code == 0
    return path


def run(*args: str, path: Path, stdin: str | None = None) -> Result:
    env = {"P2P_TUI_PASSPHRASE": PASSPHRASE}
    return CliRunner().invoke(main, ["demo", "--vault", str(path), *args], env=env, input=stdin)


def practise(path: Path) -> None:
    """A change made in the demo (a county added in Settings)."""
    store = Store.open(path, PASSPHRASE)
    with store.atomic():
        settings.put("counties", [*settings.get("counties"), "Practice"])
    store.close()


def counties(path: Path) -> list[str]:
    store = Store.open(path, PASSPHRASE)
    try:
        return list(settings.get("counties"))
    finally:
        store.close()


def test_an_unchanged_demo_is_replaced_without_a_question(demo_vault: Path) -> None:
    store = Store.open(demo_vault, PASSPHRASE)
    with store.lock:
        assert not demo_state.changed_since_made()
    store.close()
    again = run("--no-open", path=demo_vault)
    assert again.exit_code == 0, again.output
    assert "Synthetic data" in again.output


def test_a_changed_demo_without_a_terminal_is_kept_and_the_command_says_to_pass_fresh(
    demo_vault: Path,
) -> None:
    practise(demo_vault)
    refused = run("--no-open", path=demo_vault)
    assert refused.exit_code == 2
    assert "changed since it was made" in refused.output and "--fresh" in refused.output
    assert counties(demo_vault)[-1] == "Practice"
    fresh = run("--no-open", "--fresh", path=demo_vault)
    assert fresh.exit_code == 0, fresh.output
    assert "Practice" not in counties(demo_vault)


def test_at_a_terminal_the_demo_asks_and_no_keeps_it(
    demo_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    practise(demo_vault)
    monkeypatch.setattr(demo_command, "interactive", lambda: True)
    kept = run("--no-open", path=demo_vault, stdin="n\n")
    assert kept.exit_code == 0, kept.output
    assert "Replace it with a fresh demo?" in kept.output and "Kept the demo vault" in kept.output
    assert counties(demo_vault)[-1] == "Practice"
    replaced = run("--no-open", path=demo_vault, stdin="y\n")
    assert replaced.exit_code == 0, replaced.output
    assert "Practice" not in counties(demo_vault)
