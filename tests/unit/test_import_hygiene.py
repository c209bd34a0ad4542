"""The import contract (ARCHITECTURE.md §1), run in the suite: no Textual under services/, store/ and
vault/, no peewee under vault/, layers that point down only, and a console and command line that read
and write through the services, never through the models or peewee."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


def test_the_console_and_the_command_line_may_not_import_models_or_peewee() -> None:
    console = [c for c in contracts() if "p2p_tui.store.models" in c.get("forbidden_modules", [])]
    assert len(console) == 1
    assert console[0]["type"] == "forbidden"
    assert set(console[0]["source_modules"]) == {"p2p_tui.tui", "p2p_tui.commands", "p2p_tui.cli"}
    assert set(console[0]["forbidden_modules"]) == {"peewee", "playhouse", "p2p_tui.store.models"}


def test_core_layers_import_without_textual() -> None:
    code = (
        "import sys; import p2p_tui.services, p2p_tui.store, p2p_tui.vault; "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_vault_imports_without_peewee() -> None:
    code = "import sys, p2p_tui.vault; assert 'peewee' not in sys.modules, 'peewee imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_every_checkbox_and_checklist_shows_its_state_by_a_mark() -> None:
    """Textual's own Checkbox and SelectionList show ticked and not by colour alone (issue 11): the
    console builds its ticks from tui/widgets/marks.py (Check, Choices) everywhere."""
    import re

    bare = re.compile(r"\b(Checkbox|SelectionList)(\[[^\]]*\])?\(")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "p2p_tui" / "tui").rglob("*.py")
        if path.name != "marks.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bare.search(line)
    ]
    assert found == []
