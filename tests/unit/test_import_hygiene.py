"""The import contract (DESIGN section 1), run in the suite: no Textual under services/, store/ and
vault/, no peewee under vault/, and layers that point down only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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
    assert "0 broken" in result.stdout


def test_core_layers_import_without_textual() -> None:
    code = (
        "import sys; import p2p_tui.services, p2p_tui.store, p2p_tui.vault; "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_vault_imports_without_peewee() -> None:
    code = "import sys, p2p_tui.vault; assert 'peewee' not in sys.modules, 'peewee imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
