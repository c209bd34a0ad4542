"""One factory for the app under test (harlequin's `app` fixture, posting's `make_posting`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from p2p_tui.tui.app import P2PApp
from tests.conftest import CHEAP_KDF

AppFactory = Callable[..., P2PApp]


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """An unstarted app over `tmp_path/program.p2pvault` (cheap KDF for vaults it creates)."""

    def factory(path: Path | None = None, passphrase: str | None = None) -> P2PApp:
        return P2PApp(path or tmp_path / "program.p2pvault", passphrase=passphrase, kdf=CHEAP_KDF)

    return factory
