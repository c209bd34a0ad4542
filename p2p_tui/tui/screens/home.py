"""Home: the unlocked vault at a glance (the full console's screens build on this)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from p2p_tui.tui.widgets.save_indicator import SaveIndicator


class HomeScreen(Screen[None]):
    """What the coordinator sees once the vault is open."""

    BINDINGS = [
        Binding("ctrl+l", "app.lock", "Lock", id="home.lock"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("", id="vault-facts")
        with Horizontal(id="status-bar"):
            yield SaveIndicator(id="save")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_facts()

    def refresh_facts(self) -> None:
        """Show the vault's generation and schema."""
        store = self.app.store  # type: ignore[attr-defined]
        if store is None:
            return
        schema = store.db.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        self.query_one("#vault-facts", Static).update(
            f"Vault unlocked: {store.vault.path.name}\n"
            f"Saved generation {store.vault.generation}, schema {schema}.\n\n"
            "Ctrl+L locks the console; q saves and quits."
        )
