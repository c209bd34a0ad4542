"""The footer, redrawn only when the keys it shows change.

Textual's Footer rebuilds all its keys (a dozen widgets, each styled) on every change of the screen's
bindings, which a screen change or a focus move signals several times: about a third of what showing a
kept screen cost at 10,000 referrals (bench/tui_bench.py). Here it rebuilds only when the keys it would
show (key, description, action, enabled) differ from those it shows.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """A Footer that skips rebuilding to show the same keys again."""

    shown_keys: tuple[tuple[str, str, str, bool], ...] | None = None

    async def recompose(self) -> None:
        """Rebuild, unless the keys to show are those shown (read when Textual would read them)."""
        if self.is_attached:
            keys = tuple(
                (binding.key, binding.description, binding.action, enabled)
                for (_node, binding, enabled, _tooltip) in self.screen.active_bindings.values()
                if binding.show
            )
            if keys == self.shown_keys:
                return
            self.shown_keys = keys
        await super().recompose()
