"""Match: every supporter ranked for one referral, each rule shown; ineligible ones greyed with the
rule they break. Enter confirms; a choice against a soft rule (or below the top) asks for a reason.
o matches the case outside the program instead (a resource and a reason, then what will be recorded).

A supporter who may be the physician themself (same name, email or phone: services/cases/same_person)
is greyed with that reason; on them, 2 asks whether they are two people and, on Enter, records it and
ranks again."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from p2p_tui.services import labels
from p2p_tui.services.cases import lifecycle, matching, outside, same_person
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.peers import OutsideDialog, OutsideInput
from p2p_tui.tui.dialogs.text_entry import TextDialog
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table

SOFT_RULES = matching.SOFT_RULES
SHORT = {  # column headings (the explanation below the table names each rule in full)
    "other_county": "county",
    "interventional": "interv.",
    "career_stage_similar": "stage",
    "specialty": "spec.",
    "load": "load",
    "rest": "rest",
}

# The columns a narrow terminal keeps (the highest): who, whether eligible, the score, then the rules.
MATCH_PRIORITIES = (5, 9, 8, 9, *range(len(SOFT_RULES), 0, -1))


RULE_WIDTH = max(len(labels.label("rule", rule)) for rule in matching.HARD_RULES + matching.SOFT_RULES)


def eligibility(candidate: matching.Candidate) -> str:
    """The eligible column: "yes", or "no:" and the first rule broken, short ("no: paused +1"); the
    explanation below the table lists every one."""
    broken = candidate.failing(hard=True)
    if not broken:
        return "yes"
    more = f" +{len(broken) - 1}" if len(broken) > 1 else ""
    return f"no: {broken[0].finding}{more}"


class MatchScreen(AreaScreen):
    """The ranked candidates for a referral."""

    BINDINGS = [
        Binding("enter", "confirm", "Confirm match", id="match.confirm", priority=True),
        Binding("space", "why", "Explain", id="match.why"),
        Binding("2", "two_people", "They are two people", id="match.two_people"),
        Binding("o", "outside", "Match outside", id="match.outside"),
        Binding("escape", "back", "Cancel", id="match.cancel"),
    ]

    def __init__(self, referral_id: int) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.ranked: list[matching.Candidate] = []

    def compose_body(self) -> ComposeResult:
        yield Static(f"Match case #{self.referral_id}: eligible supporters first, by score", id="match-title")
        yield Table(id="candidates")
        yield Static("", id="explain", classes="terms -shown", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#candidates", Table)
        table.add_columns(
            "#",
            "supporter",
            "eligible",
            "score",
            *(SHORT[r] for r in SOFT_RULES),
            priorities=MATCH_PRIORITIES,
        )
        table.focus()

    def reload(self) -> None:
        self.ranked = self.read(lambda: matching.rank(self.referral_id))
        table = self.query_one("#candidates", Table)
        table.clear()
        for c in self.ranked:
            soft = {r.rule: r for r in c.reasons if not r.hard}
            style = "" if c.eligible else "dim"
            broken = eligibility(c)
            cells = [
                str(c.supporter_id),
                self.shown(c.name),
                broken,
                f"{c.score:g}",
                *(f"{soft[r].points:+g}" if r in soft else "" for r in SOFT_RULES),
            ]
            table.add_row(*(Text(cell, style=style) for cell in cells), key=str(c.supporter_id))
        self.explain()

    def selected(self) -> matching.Candidate | None:
        """The candidate under the cursor."""
        key = self.query_one("#candidates", Table).selected_key()
        return next((c for c in self.ranked if str(c.supporter_id) == key), None)

    @on(DataTable.RowHighlighted, "#candidates")
    def explain(self) -> None:
        self.refresh_bindings()  # 2 shows only on a supporter who may be the physician
        candidate = self.selected()
        if candidate is None:
            self.query_one("#explain", Static).update("No supporters on the roster yet.")
            return
        lines = [f"{self.shown(candidate.name)}: score {candidate.score:g}"]
        for r in candidate.reasons:
            mark = "ok " if r.passed else ("no " if r.hard else "-  ")
            points = "" if r.hard else f"{r.points:+g}"
            lines.append(f"  {mark} {labels.label('rule', r.rule):<{RULE_WIDTH}} {points:>5}  {r.detail}")
        if candidate.may_be_self:
            lines.append("  Press 2 if they are two people (the physician is not this supporter).")
        self.query_one("#explain", Static).update("\n".join(lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "two_people":
            candidate = self.selected()
            return candidate is not None and candidate.may_be_self
        return True

    def action_two_people(self) -> None:
        """The supporter under the cursor may be the physician: ask, then record that they are not."""
        candidate = self.selected()
        if candidate is None or not candidate.may_be_self:
            return
        physician = self.read(lambda: lifecycle.get_referral(self.referral_id).physician.name)

        def answered(yes: bool | None) -> None:
            if yes:
                self.act(
                    lambda: same_person.clear_same_person(self.referral_id, candidate.supporter_id),
                    "Recorded: two people. Ranked again.",
                )

        self.app.push_screen(
            ConfirmDialog(
                "Are they two people?",
                [
                    f"The physician of case #{self.referral_id}:  {self.shown(physician)}",
                    f"Supporter #{candidate.supporter_id}:  {self.shown(candidate.name)}",
                    "",
                    "They share a name, an email or a phone. Record that they are two different people,",
                    "so this supporter may be matched with this case?",
                ],
                "Enter: they are two people    Escape: cancel",
            ),
            answered,
        )

    def action_why(self) -> None:
        """Explain the candidate under the cursor (shown below the table)."""
        self.explain()

    def action_confirm(self) -> None:
        """Match the case to the candidate under the cursor."""
        candidate = self.selected()
        if candidate is None:
            return
        if not candidate.eligible:
            broken = "; ".join(r.detail for r in candidate.failing(hard=True))
            self.notify(f"Cannot be chosen: {broken}.", severity="error")
            return
        why = matching.override_needed(candidate, self.ranked)
        if not why:
            self.confirm(candidate, "")
            return

        def with_reason(reason: str | None) -> None:
            if reason is not None:
                self.confirm(candidate, reason)

        self.app.push_screen(
            TextDialog(
                "Override: why this supporter?",
                warning="This choice overrides: "
                + "; ".join(why)
                + ". Logistics only, e.g. 'only one free this week'.",
                minimum=5,
            ),
            with_reason,
        )

    def confirm(self, candidate: matching.Candidate, reason: str) -> None:
        """Record the match and go back to the case."""
        done = self.act(
            lambda: matching.confirm_match(self.referral_id, candidate.supporter_id, override_reason=reason),
            f"Case #{self.referral_id} matched.",
        )
        if done is not None:
            self.app.pop_screen()

    # -- peers13: an outside match ------------------------------------------------------------------

    def action_outside(self) -> None:
        """Match the case to a resource outside the program: the form, then what will be recorded."""
        no_eligible = not any(c.eligible for c in self.ranked)
        self.app.push_screen(OutsideDialog(no_eligible), self.confirm_outside)

    def confirm_outside(self, chosen: OutsideInput | None) -> None:
        """Show what the outside match records; Enter records it and goes back to the case."""
        if chosen is None:
            return
        lines = [
            f"Case #{self.referral_id} is matched outside the program:",
            f"  to:      {labels.label('outside_resource', chosen.resource)}",
            f"  because: {labels.label('outside_reason', chosen.reason)}",
            "The first-contact and follow-up clocks run as for any match; no supporter's load changes.",
        ]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            done = self.act(
                lambda: outside.confirm_outside(self.referral_id, chosen.resource, chosen.reason),
                f"Case #{self.referral_id} matched outside the program.",
            )
            if done is not None:
                self.app.pop_screen()

        self.app.push_screen(ConfirmDialog("Match outside the program", lines), answered)
