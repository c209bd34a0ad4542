"""Command-palette providers (Ctrl+P): go to a screen, new referral, find a physician by any part of
the name, whatever its case and accents.

Find-by-name honours privacy mode: with names masked it finds nothing (and says it is off), so a
shoulder-surfer sees nothing either. The lock screen offers no palette (`P2PApp.check_action`).
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from p2p_tui.services.common import printable
from p2p_tui.tui.console import Console, console_of
from p2p_tui.tui.messages import GoTo, OpenCase, OpenSupporter

AREA_TITLES: dict[str, str] = {
    "today": "Today: the follow-up queue",
    "cases": "Cases: every referral",
    "roster": "Roster: supporters",
    "training": "Training & Community of Practice",
    "settings": "Settings",
    "report": "Report: the quarterly utilization summary",
    "log": "Audit trail: every change, export and unlock",
}


def _app(provider: Provider) -> Console:
    return console_of(provider.app)


class GoToProvider(Provider):
    """Go to any area, or start a new referral."""

    def _commands(self) -> list[tuple[str, str, object]]:
        provider_app = self.app
        found: list[tuple[str, str, object]] = [
            (f"Go to {title}", f"F-key or palette: {name}", partial(provider_app.post_message, GoTo(name)))
            for name, title in AREA_TITLES.items()
        ]
        found.append(
            ("New referral", "Take a referral in (F7)", partial(provider_app.run_action, "new_referral"))
        )
        found.append(
            (
                "Privacy mode",
                "Mask every name and contact (F8)",
                partial(provider_app.run_action, "toggle_privacy"),
            )
        )
        found.append(
            (
                "Lock",
                "Close the vault until the passphrase is entered (Ctrl+L)",
                partial(provider_app.run_action, "lock"),
            )
        )
        return found

    async def discover(self) -> Hits:
        if _app(self).store is None:
            return
        for text, help_text, command in self._commands():
            yield DiscoveryHit(text, command, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        if _app(self).store is None:
            return
        matcher = self.matcher(query)
        for text, help_text, command in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)  # type: ignore[arg-type]


PRIVACY_NOTE = "Find by name is off while names are masked"


class FindProvider(Provider):
    """Find a physician (referred or supporter) by any part of the name and open their case or roster
    page. In privacy mode it finds nothing and says so."""

    async def search(self, query: str) -> Hits:
        app = _app(self)
        if app.store is None or len(query.strip()) < 2:
            return
        if app.privacy:
            yield Hit(
                0.1,
                PRIVACY_NOTE,
                partial(self.app.notify, f"{PRIVACY_NOTE}: F8 shows them again."),
                help="Privacy mode (F8) hides every name",
            )
            return
        from p2p_tui.services.cases import views

        with app.store.lock:
            people = views.find_people(query, limit=10)
        matcher = self.matcher(query)
        for person in people:
            if person.referral_id is not None:
                text = f"{printable(person.name)}: case #{person.referral_id}"
                yield Hit(
                    1.0,
                    matcher.highlight(text),
                    partial(self.app.post_message, OpenCase(person.referral_id)),
                    help="Open the case",
                )
            if person.supporter_id is not None:
                text = f"{printable(person.name)}: supporter #{person.supporter_id}"
                yield Hit(
                    0.9,
                    matcher.highlight(text),
                    partial(self.app.post_message, OpenSupporter(person.supporter_id)),
                    help="Open the roster page",
                )
