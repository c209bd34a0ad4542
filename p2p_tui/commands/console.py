"""The full-screen console: what `p2p-tui` runs with no command, and what `p2p-tui demo` opens."""

from __future__ import annotations

import sys
from pathlib import Path

from p2p_tui.commands.base import given_passphrase, vault_path


def open_console(path: Path, passphrase: str | None, hint: str = "") -> None:
    """Run the full-screen console on the vault at `path` (unlocked at once when `passphrase` is given,
    created when there is no vault there); `hint` is shown on the unlock screen."""
    from p2p_tui.tui.app import P2PApp  # Textual loads only when the console opens

    app = P2PApp(path, passphrase=passphrase, hint=hint)
    app.run()
    if app.return_code:  # a crash (its report already shown) is not a success
        sys.exit(app.return_code)


def open_default() -> None:
    """The console on this invocation's vault (`--vault` or the default), with a passphrase if given."""
    open_console(vault_path(), given_passphrase())
