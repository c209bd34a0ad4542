"""What every area screen shares: a header, its body, a status bar (save state, privacy), a footer,
and a `reload()` that re-reads its data whenever it is shown again or privacy mode changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases import lifecycle
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import Store
from p2p_tui.tui.console import Console, console_of
from p2p_tui.tui.messages import GoTo
from p2p_tui.tui.widgets.footer import KeysFooter
from p2p_tui.tui.widgets.save_indicator import SaveIndicator

MASK = "••••••"
T = TypeVar("T")
COMPACT_BELOW = 120  # columns: a narrower terminal gets the compact footer
# The footer's order (a narrow one drops from the right): the screen's keys, then Lock, then the rest.
FOOTER_SOON = ("app.lock",)


def update_if_changed(static: Static, text: str) -> None:
    """Show `text` unless it is shown already: any update lays the whole screen out again (~30 ms on a
    form the size of Intake at 10,000 referrals), even from "" to ""."""
    if static.content != text:
        static.update(text)


class KeptStyles(Screen[Any]):
    """A screen made once and shown many times, restyled only when the theme changed meanwhile."""

    styled_theme: str | None = None

    def post_message(self, message: Message) -> bool:
        """Shown again under the theme it was styled in, a kept screen is not restyled: Textual restyles
        every widget of a screen each time it is shown (most of what showing Intake cost), which only a
        theme change while it was hidden makes necessary (Textual restyles the screens in view)."""
        if isinstance(message, events.ScreenResume) and message.refresh_styles:
            if self.styled_theme == self.app.theme:
                message = events.ScreenResume(refresh_styles=False)
            self.styled_theme = self.app.theme
        return super().post_message(message)


class AreaScreen(KeptStyles, Screen[None]):
    """A screen of the unlocked console. Subclasses implement `compose_body` and `reload`."""

    AREA: ClassVar[str] = ""
    BINDINGS = [Binding("escape", "back", "Back", id="area.back", show=False)]

    @property
    def p2p(self) -> Console:
        """The console's shared state (store, privacy, save state), typed."""
        return console_of(self.app)

    @property
    def store(self) -> Store:
        """The open store (screens exist only while the vault is unlocked)."""
        store = self.p2p.store
        if store is None:
            raise RuntimeError("the vault is locked")
        return store

    def shown(self, value: str) -> str:
        """A name or contact as it may be shown now: masked in privacy mode, and never with a control
        character (`common.printable`: a vault written before they were refused may hold one)."""
        return MASK if self.p2p.privacy else common.printable(value)

    def shown_numbered(self, value: str, number: int) -> str:
        """A supporter's name as a row shows it: in privacy mode the mask and their number (#12), so
        masked rows stay told apart; otherwise the name, printable."""
        return f"{MASK} #{number}" if self.p2p.privacy else common.printable(value)

    def act(self, change: Callable[[], T], done: str = "") -> T | None:
        """Run a service call as one transaction (saved in the background), then redraw.

        Bad input becomes an error toast naming the field; nothing is changed then.
        """
        try:
            return self.apply(change, done)
        except ValidationError as exc:
            self.notify(labels.error(exc), title="Not changed", severity="error", timeout=10)
            return None

    def apply(self, change: Callable[[], T], done: str = "") -> T:
        """Like `act`, but a refusal is raised (a dialog shows it beside its field and stays open).

        Every change made here is the one Ctrl+Z undoes (`store/undo.py`), but one that purged (a close
        under a retention of 0 days); its toast says which.
        """
        with self.store.atomic(undo=done.rstrip(".") or "the last change"):
            result = change()
        final = (
            "  It cannot be undone: names and contacts were purged." if self.store.last_change_final() else ""
        )
        undo = final or "  Ctrl+Z undoes it."
        self.notify(f"{done or 'Recorded.'}{undo}")
        self.reload()
        return result

    def contact_form(self, rid: int, kind: str, on: date) -> None:
        """The contact form of case `rid`, pre-filled (`on`, the physician's preferred mode): nothing is
        recorded until Enter there, and a refusal stays beside its field (Today and the case page)."""
        from p2p_tui.tui.dialogs.contact import ContactDialog, ContactInput

        def submit(got: ContactInput) -> None:
            said = f"{labels.label('contact_kind', got.kind)} {labels.label('contact_mode', got.mode)}"
            self.apply(
                lambda: lifecycle.record_contact(rid, got.kind, got.mode, got.on),
                f"Case #{rid}: {said} recorded for {got.on.isoformat()}.",
            )

        mode = self.read(lambda: lifecycle.preferred_mode(rid))
        self.app.push_screen(ContactDialog(kind, on, mode=mode, case=f"case #{rid}", submit=submit))

    def consent_form(self, rid: int, on: date) -> None:
        """The consent form of case `rid`: given or refused (never pre-chosen), with the date; a refusal
        declines the case and frees any supporter (Today and the case page)."""
        from p2p_tui.tui.dialogs.consent import ConsentDialog, ConsentInput

        def submit(got: ConsentInput) -> None:
            ends = ": the case is declined and any supporter freed" if got.answer == "refused" else ""
            said = labels.label("consent", got.answer)
            self.apply(
                lambda: lifecycle.set_consent(rid, got.answer, got.on),
                f"Case #{rid}: consent {said} on {got.on.isoformat()}{ends}.",
            )

        self.app.push_screen(ConsentDialog(on, case=f"case #{rid}", submit=submit))

    def read(self, query: Callable[[], T]) -> T:
        """Run a read under the store's lock."""
        with self.store.lock:
            return query()

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        with Horizontal(id="status-bar"):
            yield Static("", id="privacy-flag")
            yield Static("", classes="spacer")
            yield SaveIndicator(id="save")
        yield KeysFooter()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets."""
        yield from ()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, ordered for the footer: this screen's own keys first, then Lock, then the focused
        widget's and the app's (at 80 columns the footer shows the first few only)."""
        bindings = super().active_bindings

        def rank(item: tuple[str, ActiveBinding]) -> int:
            node, binding = item[1].node, item[1].binding
            if node is self:
                return 0
            return 1 if binding.id in FOOTER_SOON else 2 if node is not self.app else 3

        return dict(sorted(bindings.items(), key=rank))

    def on_resize(self, event: events.Resize) -> None:
        """A compact footer below 120 columns (more keys fit)."""
        self.query_one(KeysFooter).compact = event.size.width < COMPACT_BELOW

    def on_screen_resume(self) -> None:
        if self.p2p.store is None:  # resumed on the way out at lock: about to be removed
            return
        self.query_one(SaveIndicator).state = self.p2p.save_state
        update_if_changed(self.query_one("#privacy-flag", Static), "PRIVACY MODE" if self.p2p.privacy else "")
        token = self.data_token()
        if token != self.shown_token:  # shown again with nothing changed: what it drew still holds
            self.shown_token = token
            self.reload()

    shown_token: tuple[int, object, bool] | None = None

    def data_token(self) -> tuple[int, object, bool]:
        """What the screen's contents depend on: every change to the database (SQLite counts them on
        the connection), the date (the queue's clocks move at midnight), and privacy mode."""
        return (self.store.db.raw().total_changes, clock.today(), self.p2p.privacy)

    def reload(self) -> None:
        """Re-read this screen's data from the store and redraw (called on every resume)."""

    async def action_back(self) -> None:
        """Escape: back to the previous screen, or to Today from an area."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        elif self.AREA != "today":
            self.post_message(GoTo("today"))
