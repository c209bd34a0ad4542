"""One snapshot per screen (the scenes of `make screens`): synthetic demo data, a frozen date, a fixed
terminal size, no cursor blink. Plain `def` tests: snap_compare cannot run inside `async def`.

After an intended change of a screen: `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from p2p_tui.tui import pictures


@pytest.fixture(scope="session")
def demo_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo vault, made once per worker (copied for each test: opening it takes its lock)."""
    folder = tmp_path_factory.mktemp("demo")
    with pictures.frozen_clock():
        return pictures.make_demo_vault(folder)


@pytest.fixture
def frozen() -> Iterator[None]:
    with pictures.frozen_clock():
        yield


@pytest.mark.parametrize("scene", pictures.SCENES, ids=lambda s: s.name)
def test_screen(
    scene: pictures.Scene, demo_vault: Path, tmp_path: Path, frozen: None, snap_compare: Callable[..., Any]
) -> None:
    vault = tmp_path / "demo.p2pvault"
    shutil.copyfile(demo_vault, vault)
    app = pictures.app_for(scene, tmp_path, vault)

    async def run_before(pilot: Any) -> None:
        await pictures.play(scene, pilot)

    assert snap_compare(app, terminal_size=pictures.SIZE, run_before=run_before)
