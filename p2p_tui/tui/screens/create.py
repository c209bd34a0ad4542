"""Create a new vault: a passphrase entered twice, then the recovery code shown once."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from p2p_tui.services.admin import passphrase
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import Store
from p2p_tui.tui.messages import Unlocked
from p2p_tui.vault import KdfParams, VaultError


def passphrase_problem(first: str, second: str) -> str | None:
    """What is wrong with a new passphrase pair, or None."""
    try:
        passphrase.check_new(first, second)
    except ValidationError as exc:
        return exc.message[0].upper() + exc.message[1:]
    return None


def meter(value: str) -> str:
    """The strength meter shown under the passphrase as it is typed."""
    verdict = passphrase.strength(value)
    bar = "█" * (verdict.score + 1) + "░" * (4 - verdict.score)
    tail = "accepted" if verdict.acceptable else verdict.advice
    return f"Strength: {bar} {verdict.label}. {tail}".strip()


class CreateScreen(Screen[None]):
    """Shown when no vault exists at the path."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", id="create.quit")]

    def __init__(self, path: Path, kdf: KdfParams | None = None) -> None:
        super().__init__()
        self.path = path
        self.kdf = kdf

    def compose(self) -> ComposeResult:
        with Vertical(id="create-box", classes="dialog-box"):
            yield Static("Create the program's vault", classes="title")
            yield Label(f"A new encrypted vault will be created: {self.path.name}")
            yield Label("Passphrase (12 characters or more; a few unrelated words work well)")
            yield Input(password=True, id="first", placeholder="passphrase")
            yield Static(meter(""), id="meter", markup=False)
            yield Label("The same passphrase again")
            yield Input(password=True, id="second", placeholder="again")
            yield Static("", id="create-error", classes="error")
            yield Button("Create vault", id="create", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#first", Input).focus()

    @on(Input.Changed, "#first")
    def measure(self, event: Input.Changed) -> None:
        self.query_one("#meter", Static).update(meter(event.value))

    @on(Input.Submitted, "#first")
    def next_field(self) -> None:
        self.query_one("#second", Input).focus()

    @on(Input.Submitted, "#second")
    @on(Button.Pressed, "#create")
    def create_pressed(self) -> None:
        first = self.query_one("#first", Input).value
        second = self.query_one("#second", Input).value
        problem = passphrase_problem(first, second)
        if problem:
            self.query_one("#create-error", Static).update(problem)
            return
        self.query_one("#create-error", Static).update("Creating the vault…")
        self.query_one("#create", Button).disabled = True
        self.create(first)

    @work(thread=True, group="create", exclusive=True, exit_on_error=False)
    def create(self, passphrase: str) -> None:
        """Create the vault off the event loop (key derivation is calibrated to ~0.5 s)."""
        try:
            store, code = Store.create(self.path, passphrase, kdf=self.kdf)
        except VaultError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.post_message(Unlocked(store, recovery_code=code))

    def _failed(self, exc: VaultError) -> None:
        self.query_one("#create-error", Static).update(str(exc))
        self.query_one("#create", Button).disabled = False
