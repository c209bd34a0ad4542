"""Today: the follow-up queue, most urgent first, overdue items marked; the coordinator's morning.

Enter (or d) acts on the item under the cursor: each kind opens its form pre-filled and records
nothing until Enter there (a contact: today, the physician's preferred mode; consent: given or
refused with the date; a safety follow-through: what will be recorded), a match opens the match
screen, a survey the survey form (naming the case and the supporter) and a reassignment the case,
saying what to do. o opens the case, space shows the urgency terms, z snoozes with
a reason and a date, s shows or hides what is snoozed (the header counts it).
The queue names no physician: referral ids, kinds and dates only, so it can stay on screen; an item
about a supporter names them (masked in privacy mode). On a terminal of
160 columns or more the urgency terms of the highlighted item stay shown beside the queue.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widgets import DataTable, Static

from p2p_tui.services import clock, labels
from p2p_tui.services.cases import followups, safety, surveys, views
from p2p_tui.services.people import views as people_views
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.snooze import SnoozeDialog, SnoozeInput
from p2p_tui.tui.dialogs.survey import SurveyDialog
from p2p_tui.tui.messages import OpenCase, OpenSupporter
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table

SHOWN = 100  # rows in the table: the most urgent items
WIDE = 160  # columns from which the urgency terms sit beside the queue


def kind_label(kind: str) -> str:
    """A queue item's kind in plain words (the safety item in capitals: it is always first)."""
    text = labels.label("queue_kind", kind)
    return text.upper() if kind == "safety" else text


def summary(today: date, items: list[followups.QueueItem], show_snoozed: bool) -> str:
    """The header: how many to do, overdue, and snoozed (shown or not: s toggles)."""
    snoozed = sum(1 for i in items if i.snoozed_until is not None)
    waiting = len(items) - snoozed
    overdue = sum(1 for i in items if i.overdue_days > 0 and i.snoozed_until is None)
    text = f"{today:%A %d %B %Y}: {waiting} to do, {overdue} overdue"
    if snoozed:
        text += f", {snoozed} snoozed, " + ("shown" if show_snoozed else "not shown")
    text += "."
    if not waiting:
        text += "  Nothing waiting: the queue is empty."
    return text


SUPPORTER_KEYS = {"wellbeing": "w records the check-in", "debrief": "b records the debrief as offered"}


class TodayScreen(AreaScreen):
    """The follow-up queue for today."""

    AREA = "today"
    BINDINGS = [
        Binding("d", "done", "Do it", id="today.done"),
        Binding("o", "open_case", "Open case", id="today.open"),
        Binding("space", "terms", "Why urgent", id="today.terms"),
        Binding("z", "snooze", "Snooze", id="today.snooze"),
        Binding("s", "toggle_snoozed", "Snoozed", id="today.snoozed"),
        Binding("n", "app.new_referral", "New referral", show=False, id="today.new"),
        Binding("r", "reload", "Refresh", show=False, id="today.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, followups.QueueItem] = {}
        self.show_snoozed = False
        self.supporter_names: dict[int, str] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="today-summary")
        with Container(id="today-main"):
            yield Table(id="queue", stretch=1)
            yield Static("", id="terms", classes="terms", markup=False)

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        main = self.query_one("#today-main")
        if main.has_class("-wide") != (event.size.width >= WIDE):
            main.set_class(event.size.width >= WIDE, "-wide")
            self.show_terms()

    def terms_shown(self) -> bool:
        """Whether the urgency terms are on screen (always, beside the queue, on a wide terminal)."""
        return self.query_one("#terms").has_class("-shown") or self.query_one("#today-main").has_class(
            "-wide"
        )

    def on_mount(self) -> None:
        # At a narrow width the due date goes first, then the urgency: what to do, the case and whether it
        # is overdue (or snoozed, and why) stay.
        self.query_one("#queue", Table).add_columns(
            "urgency", "to do", "case", "due", "", priorities=(2, 5, 4, 1, 3)
        )
        self.query_one("#queue", Table).focus()

    def reload(self) -> None:
        today = clock.today()
        items = self.read(lambda: followups.full_queue(today, include_snoozed=True))
        shown = items if self.show_snoozed else [i for i in items if i.snoozed_until is None]
        # The most urgent first; a table of thousands would take seconds to fill (0.15 ms a row).
        self.items = {item_key(i): i for i in shown[:SHOWN]}
        ids = {i.supporter_id for i in self.items.values() if isinstance(i, followups.SupporterItem)}
        self.supporter_names = self.read(lambda: people_views.supporter_names(ids))
        why = self.read(lambda: views.snooze_reasons(today)) if self.show_snoozed else {}
        table = self.query_one("#queue", Table)
        kept, row = table.selected_key(), table.cursor_row  # the cursor stays on its item
        table.clear()
        for key, item in self.items.items():
            late = f"OVERDUE {item.overdue_days}d" if item.overdue_days > 0 else ""
            if item.snoozed_until is not None:
                reason = why.get((item.referral_id, item.kind))
                late = f"snoozed to {item.snoozed_until.isoformat()}"
                late += f": {labels.label('snooze_reason', reason)}" if reason else ""
            table.add_row(
                f"{item.urgency:5.1f}",
                Text(self.to_do(item)),
                "supporter" if isinstance(item, followups.SupporterItem) else f"#{item.referral_id}",
                item.due_on.isoformat(),
                late,
                key=key,
            )
        table.put_cursor(kept, row)
        text = summary(today, items, self.show_snoozed)
        if len(shown) > SHOWN:
            text += f"  The {SHOWN} most urgent are shown."
        self.query_one("#today-summary", Static).update(text)
        self.show_terms()

    def to_do(self, item: followups.QueueItem) -> str:
        """What to do, in words; an item about a supporter names them (masked in privacy mode)."""
        words = kind_label(item.kind)
        if isinstance(item, followups.SupporterItem):
            to = "to" if item.kind == "debrief" else "with"
            return f"{words} {to} {self.shown(self.supporter_names.get(item.supporter_id, '?'))}"
        return words

    def selected(self) -> followups.QueueItem | None:
        """The item under the cursor."""
        key = self.query_one("#queue", Table).selected_key()
        return self.items.get(key) if key else None

    @on(DataTable.RowHighlighted, "#queue")
    def highlighted(self) -> None:
        if self.terms_shown():
            self.show_terms()

    def show_terms(self) -> None:
        """The urgency terms of the item under the cursor (when shown)."""
        panel = self.query_one("#terms", Static)
        item = self.selected()
        if not self.terms_shown() or item is None:
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

    def action_toggle_snoozed(self) -> None:
        """Show or hide the snoozed items (marked with the date they wake)."""
        self.show_snoozed = not self.show_snoozed
        self.reload()

    def action_open_case(self) -> None:
        """Open the case of the item under the cursor."""
        item = self.selected()
        if isinstance(item, followups.SupporterItem):
            self.post_message(OpenSupporter(item.supporter_id))
        elif item is not None:
            self.post_message(OpenCase(item.referral_id))

    @on(DataTable.RowSelected, "#queue")
    def row_chosen(self) -> None:
        self.action_done()

    # -- acting on an item: a form pre-filled, recorded only on Enter there ------------------------

    def action_done(self) -> None:
        """Act on the item under the cursor: its form, pre-filled; nothing is recorded until Enter."""
        item = self.selected()
        if item is None:
            return
        if isinstance(item, followups.SupporterItem):  # recorded on their page, by its form
            self.post_message(OpenSupporter(item.supporter_id))
            self.notify(f"On the supporter's page, {SUPPORTER_KEYS[item.kind]}.")
            return
        today = clock.today()
        rid = item.referral_id
        if item.kind == "unmatched":
            from p2p_tui.tui.screens.match import MatchScreen

            self.app.push_screen(MatchScreen(rid))
        elif item.kind == "survey":
            supported = self.read(lambda: views.case_view(rid)).supported
            name = self.shown(supported.name) if supported is not None else ""
            self.app.push_screen(
                SurveyDialog(name, case=f"case #{rid}"), lambda answers: self._survey(rid, answers)
            )
        elif item.kind in ("no_first_contact", "check_in"):
            self.contact_form(rid, "initial" if item.kind == "no_first_contact" else "follow_up", today)
        elif item.kind == "consent_pending":
            self.consent_form(rid, today)
        elif item.kind == "safety":
            self._safety(rid, today)
        elif item.kind == "reassign":
            self.post_message(OpenCase(rid))
            self.notify(
                f"Case #{rid}: its supporter evaluates this physician or retired. Press d to end "
                "the match (the supporter hands the case back), then m to match someone else.",
                timeout=12,
            )

    def _survey(self, rid: int, answers: surveys.SurveyInput | None) -> None:
        if answers is not None:
            self.act(lambda: surveys.record_survey(rid, answers), f"Case #{rid}: survey recorded.")

    def _safety(self, rid: int, today: date) -> None:
        lines = self.read(lambda: safety.open_escalations(rid))

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: safety.acknowledge_case(rid, today),
                    f"Case #{rid}: safety escalation followed through.",
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Safety follow-through, case #{rid}",
                [
                    "Escalations not yet followed through:",
                    *(f"  {line}" for line in lines),
                    "",
                    f"Record them as followed through on {today.isoformat()}; the safety item leaves Today.",
                ],
            ),
            answered,
        )

    def action_snooze(self) -> None:
        """Put the item off until a date (a week unless changed), with a reason from the list."""
        item = self.selected()
        if item is None:
            return
        if isinstance(item, followups.SupporterItem):
            self.notify("An item about a supporter is not snoozed: record it on their page.")
            return
        if item.kind == "safety":
            self.notify("A safety item is never snoozed: follow it through (d).", severity="warning")
            return
        rid, kind = item.referral_id, item.kind

        def submit(got: SnoozeInput) -> None:
            self.apply(
                lambda: followups.snooze(rid, kind, got.until, got.reason),
                f"Case #{rid}: {labels.label('queue_kind', kind)} snoozed until {got.until.isoformat()}.",
            )

        what = f"case #{rid}, {labels.label('queue_kind', kind)}"
        self.app.push_screen(SnoozeDialog(clock.today(), what=what, submit=submit))


def item_key(item: followups.QueueItem) -> str:
    """A row's key: the case and kind, or the supporter and kind for an item about a supporter."""
    if isinstance(item, followups.SupporterItem):
        return f"s{item.supporter_id}:{item.kind}"
    return f"{item.referral_id}:{item.kind}"
