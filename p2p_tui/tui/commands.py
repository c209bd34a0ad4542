"""Command-palette providers (Ctrl+P): go to a screen, new referral, find a physician by name.

Find-by-name honours privacy mode: with names masked it finds nothing, so a shoulder-surfer sees
nothing either.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from p2p_tui.tui.app import P2PApp

AREA_TITLES: dict[str, str] = {
    "today": "Today: the follow-up queue",
    "cases": "Cases: every referral",
    "roster": "Roster: supporters",
    "training": "Training & Community of Practice",
    "settings": "Settings",
    "report": "Report: the quarterly utilization summary",
}


def _app(provider: Provider) -> P2PApp:
    from p2p_tui.tui.app import P2PApp

    app = provider.app
    assert isinstance(app, P2PApp)  # noqa: S101 - narrows the type
    return app


class GoToProvider(Provider):
    """Go to any area, or start a new referral."""

    def _commands(self) -> list[tuple[str, str, object]]:
        app = _app(self)
        found: list[tuple[str, str, object]] = [
            (f"Go to {title}", f"F-key or palette: {name}", partial(app.action_go, name))
            for name, title in AREA_TITLES.items()
        ]
        found.append(("New referral", "Take a referral in (F7)", app.action_new_referral))
        found.append(("Privacy mode", "Mask every name and contact (F8)", app.action_toggle_privacy))
        found.append(("Lock", "Close the vault until the passphrase is entered (Ctrl+L)", app.action_lock))
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


class FindProvider(Provider):
    """Find a physician (referred or supporter) by name and open their case or roster page."""

    async def search(self, query: str) -> Hits:
        app = _app(self)
        if app.store is None or app.privacy or len(query.strip()) < 2:
            return
        from p2p_tui.services import common
        from p2p_tui.services.cases import intake
        from p2p_tui.store.models import Referral, Supporter

        with app.store.lock:
            people = intake.suggest_physicians(query, limit=10)
            rows = []
            for person in people:
                supporter = Supporter.get_or_none(Supporter.physician == person)
                latest = (
                    Referral.select(Referral.id)
                    .where(Referral.physician == person)
                    .order_by(Referral.id.desc())
                    .first()
                )
                name = common.printable(person.name)
                rows.append((name, supporter.id if supporter else None, latest.id if latest else None))
        matcher = self.matcher(query)
        for name, supporter_id, referral_id in rows:
            if referral_id is not None:
                text = f"{name}: case #{referral_id}"  # matcher.highlight treats text as plain
                yield Hit(
                    1.0, matcher.highlight(text), partial(app.open_case, referral_id), help="Open the case"
                )
            if supporter_id is not None:
                text = f"{name}: supporter #{supporter_id}"
                yield Hit(
                    0.9,
                    matcher.highlight(text),
                    partial(app.open_supporter, supporter_id),
                    help="Open the roster page",
                )
