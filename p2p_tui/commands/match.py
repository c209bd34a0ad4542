"""`p2p-tui match REFERRAL_ID [--json] [--on YYYY-MM-DD]`: the roster ranked for one referral (read-only).

Every supporter is listed, eligible ones first by score, each with every term of the score; an
ineligible one names the hard rule it breaks, all in plain words (`services/labels.py`); the JSON keeps
the rules' codes. `--json` prints the list of candidates (ARCHITECTURE.md §6:
each with `supporter`, `eligible`, `score` and `reasons`, each reason with `rule`, `passed`, `detail`).
Nothing is written: the vault file is left byte for byte as it was.
"""

from __future__ import annotations

from datetime import date

import click

from p2p_tui.commands.base import InvalidInput, common_options, opened_store, vault_command
from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases import matching, views
from p2p_tui.services.cases.matching import Candidate
from p2p_tui.services.common import printable
from p2p_tui.store.vocab import ENDED_STATUSES

GRADED = ("load", "rest")  # soft terms scored on a scale, shown with one decimal


def soft_terms(candidate: Candidate) -> str:
    """The candidate's score term by term, in words: "another county +30, ..., lighter load +5.0 (2 of
    4 cases open)"."""
    terms = []
    for reason in candidate.reasons:
        if reason.hard:
            continue
        points = f"{reason.points:.1f}" if reason.rule in GRADED else f"{reason.points:g}"
        term = f"{labels.label('rule', reason.rule)} +{points}"
        if not reason.passed:
            term += f" ({reason.detail})"
        terms.append(term)
    return ", ".join(terms)


def eligibility(candidate: Candidate) -> str:
    """`yes`, or `no: ` and what breaks the hard rules ("no: paused")."""
    if candidate.eligible:
        return "yes"
    return "no: " + ", ".join(r.finding for r in candidate.failing(hard=True))


def table(referral_id: int, on: date, ranked: list[Candidate]) -> list[str]:
    """The readable listing: one aligned row per candidate, its terms (and broken rules) beneath."""
    eligible = sum(1 for c in ranked if c.eligible)
    lines = [
        f"Referral {referral_id}, ranked on {on.isoformat()}: {len(ranked)} supporters, {eligible} eligible"
    ]
    if not ranked:
        lines.append("The roster is empty: add supporters first.")
        return lines
    id_width = max(2, *(len(str(c.supporter_id)) for c in ranked))
    name_width = max(4, *(len(printable(c.name)) for c in ranked))
    verdicts = [eligibility(c) for c in ranked]
    verdict_width = max(8, *(len(v) for v in verdicts))
    lines.append("")
    lines.append(
        f"{'rank':>4}  {'id':>{id_width}}  {'name':<{name_width}}  {'eligible':<{verdict_width}}  score"
    )
    indent = " " * 6
    for position, (candidate, verdict) in enumerate(zip(ranked, verdicts, strict=True), 1):
        name = printable(candidate.name)
        lines.append(
            f"{position:>4}  {candidate.supporter_id:>{id_width}}  {name:<{name_width}}  "
            f"{verdict:<{verdict_width}}  {candidate.score:5.1f}"
        )
        for reason in candidate.failing(hard=True):
            lines.append(f"{indent}breaks the rule {labels.label('rule', reason.rule)}: {reason.detail}")
        lines.append(f"{indent}{soft_terms(candidate)}")
    return lines


@click.command("match")
@common_options
@click.argument("referral_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@click.option("--on", "on_text", metavar="YYYY-MM-DD", help="Rank as of this day (default: today).")
@click.option(
    "--force",
    is_flag=True,
    help="Rank even for a case that has ended (closed, declined, unreachable).",
)
@vault_command
def command(referral_id: int, as_json: bool, on_text: str | None, force: bool) -> None:
    """Rank every supporter for referral REFERRAL_ID by the program's rules (changes nothing)."""
    common.record_id("referral_id", referral_id)
    on = common.within_calendar("--on", common.parse_date("--on", on_text)) if on_text else clock.today()
    with opened_store() as store, store.lock:
        status = views.case_status(referral_id)
        if status in ENDED_STATUSES and not force:
            ended = labels.label("case_status", status)
            raise InvalidInput(
                f"case {referral_id} has ended ({ended}): reopen it before matching, "
                "or pass --force to see the ranking anyway"
            )
        ranked = matching.rank(referral_id, on)
    if as_json:
        click.echo(common.json_dumps([c.to_json() for c in ranked], indent=2))
    else:
        click.echo("\n".join(table(referral_id, on, ranked)))
