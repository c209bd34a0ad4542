"""`p2p-tui queue [--on YYYY-MM-DD] [--json]`: the follow-up queue, most urgent first, with its terms.

Read-only: the vault file is left byte for byte as it was. Items name referral ids, never people (the
queue is shown on screens and printed in terminals).
"""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from p2p_tui.commands.base import DATE, common_options, help_from, opened_store, vault_command
from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases import followups
from p2p_tui.services.cases.followups import QueueItem

KIND_WIDTH = max(len(labels.label("queue_kind", kind)) for kind in followups.KIND_WEIGHTS)
HEADER = f"{'urgency':>7}  {'kind':<{KIND_WIDTH}}  {'referral':>8}  {'due':<10}  {'when':<11}  terms"
INDENT = " " * 7 + "  "


def when(item: QueueItem, on: date) -> str:
    """The overdue marker: `OVERDUE 3d`, `due today`, or `in 2d` (working days)."""
    if item.overdue_days > 0:
        return f"OVERDUE {item.overdue_days}d"
    if item.due_on == on:
        return "due today"
    lateness = followups.lateness(item.due_on, on)
    return f"in {-lateness}d"


def _number(value: float) -> str:
    return f"{value:g}"


def _lines(parts: list[str], width: int = 60, indent: str = " " * 11) -> str:
    """Parts joined by commas, a new (indented) line before one that would pass `width`."""
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + len(part) + 2 > width:
            lines[-1] += ","
            lines.append(indent + part)
        else:
            lines[-1] += ", " + part
    return "\n".join(lines)


def kind_name(kind: str) -> str:
    """A queue kind in plain words, as the table and the help name it: "first contact"."""
    return labels.label("queue_kind", kind)


URGENCY_TERMS = {  # the --help's formula, from the weights the queue is ranked by
    "kinds": _lines([f"{kind_name(kind)} {_number(w)}" for kind, w in followups.KIND_WEIGHTS.items()]),
    "overdue": (
        f"{_number(followups.OVERDUE_PER_DAY)} a working day overdue"
        f" (at most {_number(followups.OVERDUE_CAP)}),"
        f" {_number(followups.DUE_TODAY)} when due today, 0 before"
    ),
    "age": (
        f"{_number(followups.AGE_PER_DAY)} a calendar day since the referral was received"
        f" (at most {_number(followups.AGE_CAP)})"
    ),
}


def table(items: list[QueueItem], on: date, hidden: int) -> list[str]:
    """The queue as lines of text: one row per item, then its terms' reasons, indented."""
    snoozed = f" ({hidden} snoozed, not shown)" if hidden else ""
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    lines = [f"Queue on {on.isoformat()}: {count}{snoozed}"]
    if not items:
        return lines
    lines.append(HEADER)
    for item in items:
        values = " + ".join(f"{t.name} {_number(t.value)}" for t in item.terms)
        lines.append(
            f"{item.urgency:>7.2f}  {kind_name(item.kind):<{KIND_WIDTH}}  {item.referral_id:>8}  "
            f"{item.due_on.isoformat():<10}"
            f"  {when(item, on):<11}  {values}"
        )
        lines.append(INDENT + "; ".join(t.detail for t in item.terms))
    return lines


@click.command("queue")
@common_options
@click.option(
    "--on",
    "on",
    type=DATE,
    metavar="YYYY-MM-DD",
    help="Show the queue as it stands on this day, YYYY-MM-DD (default: today).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the items as a JSON list.")
@vault_command
@help_from(**URGENCY_TERMS)
def command(on: datetime | None, as_json: bool) -> None:
    """Show the follow-up queue: every open item ranked by urgency, with the terms of its score.

    \b
    urgency = kind + overdue + age:
      kind     {kinds}
      overdue  {overdue}
      age      {age}

    Snoozed items are left out. Referral ids only, never names.
    """
    day = common.within_calendar("--on", on.date()) if on is not None else clock.today()
    with opened_store() as store, store.lock:
        everything = followups.queue(day, include_snoozed=True)
    shown = [item for item in everything if item.snoozed_until is None]
    if as_json:
        click.echo(json.dumps([item.to_json() for item in shown], indent=2))
        return
    for line in table(shown, day, len(everything) - len(shown)):
        click.echo(line)
