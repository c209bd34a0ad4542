"""One snapshot per screen and size (the scenes of `make screens`): synthetic demo data, a frozen date,
fixed terminal sizes (every scene at 80x24 and 120x36, the main ones at 200x50), no cursor blink. Each
scene is played once and the terminal resized between sizes, which keeps the set fast. Plain `def`
tests: the app runs in its own event loop.

After an intended change of a screen: `pytest tests/tui/test_snapshots.py --snapshot-update -k NAME`.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion

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
    scene: pictures.Scene, demo_vault: Path, tmp_path: Path, frozen: None, snapshot: SnapshotAssertion
) -> None:
    vault = tmp_path / "demo.p2pvault"
    shutil.copyfile(demo_vault, vault)
    drawn = asyncio.run(pictures.draw(scene, tmp_path, vault))
    svg = snapshot.use_extension(SVGImageExtension)
    differ = [size for size in scene.sizes if not svg(name=size) == drawn[size]]
    assert not differ, f"{scene.name} differs from its snapshot at {', '.join(differ)}"
