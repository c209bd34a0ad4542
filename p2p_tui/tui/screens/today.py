"""Today: the follow-up queue, most urgent first, overdue items marked; the coordinator's morning.

Enter opens the case, space shows the urgency terms, d marks the item done, z snoozes it with a reason.
The queue names no one: referral ids, kinds and dates only, so it can stay on screen.
"""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from p2p_tui.services import clock
from p2p_tui.services.cases import followups
from p2p_tui.services.people import views as people_views
from p2p_tui.store.vocab import SNOOZE_REASONS
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.messages import OpenCase, OpenSupporter
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table

SHOWN = 100  # rows in the table: the most urgent items

KIND_LABELS = {
    "safety": "SAFETY follow-through",
    "unmatched": "match a supporter",
    "no_first_contact": "first contact",
    "check_in": "follow-up check-in",
    "survey": "supporter survey",
    "consent_pending": "consent pending",
    "wellbeing": "wellbeing check-in with",
    "debrief": "offer a debrief to",
}
SUPPORTER_KEYS = {"wellbeing": "w records the check-in", "debrief": "b records the debrief as offered"}
DONE_MEANS = {
    "no_first_contact": "first contact made (by phone)",
    "check_in": "follow-up check-in made (by phone)",
    "safety": "safety escalation followed through",
    "consent_pending": "consent given",
}


class TodayScreen(AreaScreen):
    """The follow-up queue for today."""

    AREA = "today"
    BINDINGS = [
        Binding("space", "terms", "Why urgent", id="today.terms"),
        Binding("d", "done", "Done", id="today.done"),
        Binding("z", "snooze", "Snooze", id="today.snooze"),
        Binding("n", "app.new_referral", "New referral", id="today.new"),
        Binding("r", "reload", "Refresh", show=False, id="today.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, followups.QueueItem] = {}
        self.supporter_names: dict[int, str] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="today-summary")
        yield Table(id="queue")
        yield Static("", id="terms", classes="terms", markup=False)

    def on_mount(self) -> None:
        self.query_one("#queue", Table).add_columns("urgency", "to do", "case", "due", "")
        self.query_one("#queue", Table).focus()

    def reload(self) -> None:
        today = clock.today()
        items = self.read(lambda: followups.full_queue(today))
        # The most urgent first; a table of thousands would take seconds to fill (0.15 ms a row).
        self.items = {item_key(i): i for i in items[:SHOWN]}
        ids = {i.supporter_id for i in self.items.values() if isinstance(i, followups.SupporterItem)}
        self.supporter_names = self.read(lambda: people_views.supporter_names(ids))
        table = self.query_one("#queue", Table)
        table.clear()
        for key, item in self.items.items():
            late = f"OVERDUE {item.overdue_days}d" if item.overdue_days > 0 else ""
            table.add_row(
                f"{item.urgency:5.1f}",
                Text(self.to_do(item)),
                "supporter" if isinstance(item, followups.SupporterItem) else f"#{item.referral_id}",
                item.due_on.isoformat(),
                late,
                key=key,
            )
        overdue = sum(1 for i in items if i.overdue_days > 0)
        summary = f"{today:%A %d %B %Y}: {len(items)} to do, {overdue} overdue."
        if len(items) > SHOWN:
            summary += f"  The {SHOWN} most urgent are shown."
        if not items:
            summary += "  Nothing waiting: the queue is empty."
        self.query_one("#today-summary", Static).update(summary)
        self.show_terms()

    def to_do(self, item: followups.QueueItem) -> str:
        """What to do, in words; an item about a supporter names them (masked in privacy mode)."""
        words = KIND_LABELS.get(item.kind, item.kind)
        if isinstance(item, followups.SupporterItem):
            return f"{words} {self.shown(self.supporter_names.get(item.supporter_id, '?'))}"
        return words

    def selected(self) -> followups.QueueItem | None:
        """The item under the cursor."""
        key = self.query_one("#queue", Table).selected_key()
        return self.items.get(key) if key else None

    @on(DataTable.RowHighlighted, "#queue")
    def highlighted(self) -> None:
        if self.query_one("#terms", Static).has_class("-shown"):
            self.show_terms()

    def show_terms(self) -> None:
        """The urgency terms of the item under the cursor (when shown)."""
        panel = self.query_one("#terms", Static)
        item = self.selected()
        if not panel.has_class("-shown") or item is None:
            panel.update("")
            return
        where = "" if isinstance(item, followups.SupporterItem) else f"Case #{item.referral_id}, "
        lines = [f"{where}{self.to_do(item)}: urgency {item.urgency:.1f} ="]
        lines += [f"  {t.value:+5.1f}  {t.name:<8} {t.detail}" for t in item.terms]
        panel.update("\n".join(lines))

    def action_terms(self) -> None:
        """Show or hide why the item under the cursor is as urgent as it is."""
        self.query_one("#terms", Static).toggle_class("-shown")
        self.show_terms()

    def action_reload(self) -> None:
        """Refresh the queue."""
        self.reload()

    @on(DataTable.RowSelected, "#queue")
    def open_case(self) -> None:
        item = self.selected()
        if isinstance(item, followups.SupporterItem):
            self.post_message(OpenSupporter(item.supporter_id))
        elif item is not None:
            self.post_message(OpenCase(item.referral_id))

    def action_done(self) -> None:
        """Mark the item done with one key (what "done" records depends on the kind)."""
        item = self.selected()
        if item is None:
            return
        if isinstance(item, followups.SupporterItem):  # recorded on their page, by its form
            self.post_message(OpenSupporter(item.supporter_id))
            self.notify(f"On the supporter's page, {SUPPORTER_KEYS[item.kind]}.")
            return
        if item.kind == "unmatched":
            from p2p_tui.tui.screens.match import MatchScreen

            self.app.push_screen(MatchScreen(item.referral_id))
            return
        if item.kind == "survey":
            self.post_message(OpenCase(item.referral_id))
            self.notify("Record the survey with v on the case.")
            return
        result = self.act(lambda: followups.done(item.referral_id, item.kind), "")
        if result is not None:
            self.notify(f"Case #{item.referral_id}: {DONE_MEANS.get(item.kind, result)}.")

    def action_snooze(self) -> None:
        """Put the item off for a week, with a reason from the list."""
        item = self.selected()
        if item is None:
            return
        if isinstance(item, followups.SupporterItem):
            self.notify("An item about a supporter is not snoozed: record it on their page.")
            return
        until = clock.today() + timedelta(days=7)

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self.act(
                    lambda: followups.snooze(item.referral_id, item.kind, until, reason),
                    f"Snoozed until {until.isoformat()}.",
                )

        options = [(r, r.replace("_", " ")) for r in SNOOZE_REASONS]
        self.app.push_screen(ChoiceDialog(f"Snooze until {until.isoformat()}: why?", options), chosen)


def item_key(item: followups.QueueItem) -> str:
    """A row's key: the case and kind, or the supporter and kind for an item about a supporter."""
    if isinstance(item, followups.SupporterItem):
        return f"s{item.supporter_id}:{item.kind}"
    return f"{item.referral_id}:{item.kind}"
