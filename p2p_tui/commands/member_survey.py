"""`p2p-tui member-survey add | list | remove`: the Member Survey's aggregate results, by year.

Numbers only (ARCHITECTURE.md §5, "Reports"): respondents, and how many of them were aware of the
program, had used it, and would use or recommend it; any further question as a short label with the
share who agreed (--question "LABEL=PERCENT"). Never a response. The annual report (`p2p-tui report
--year`) shows them beside utilization, small counts withheld as the summaries withhold them.
"""

from __future__ import annotations

import click

from p2p_tui.commands.base import InvalidInput, common_options, opened_store, vault_command
from p2p_tui.services import common
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting import member_survey
from p2p_tui.services.reporting.member_survey import SurveyResult

YEAR = click.IntRange(member_survey.MIN_YEAR, member_survey.MAX_YEAR)
COUNT = click.IntRange(0, member_survey.MAX_RESPONDENTS)


@click.group("member-survey")
def group() -> None:
    """The Member Survey's aggregate results by year: numbers only, never a response."""


def _questions(texts: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    try:
        return tuple(member_survey.parse_question(text) for text in texts)
    except ValidationError as exc:
        raise InvalidInput(f"--question: {exc.message}") from None


@group.command("add")
@common_options
@click.option(
    "--year", type=YEAR, required=True, help="The year of the survey (the fiscal year it reports in)."
)
@click.option(
    "--respondents",
    type=click.IntRange(1, member_survey.MAX_RESPONDENTS),
    required=True,
    help="How many members answered.",
)
@click.option("--aware", type=COUNT, required=True, help="Respondents aware of the program.")
@click.option("--used", type=COUNT, required=True, help="Respondents who have used it.")
@click.option("--recommend", type=COUNT, required=True, help="Respondents who would use or recommend it.")
@click.option(
    "--question",
    "questions",
    multiple=True,
    metavar="LABEL=PERCENT",
    help=f"A further question's short label (at most {member_survey.LABEL_MAX} characters) and the whole "
    'percentage who agreed, e.g. "Felt supported=62". Repeat for more.',
)
@click.option("--replace", is_flag=True, help="Replace the year's results if already recorded.")
@vault_command
def add(
    year: int,
    respondents: int,
    aware: int,
    used: int,
    recommend: int,
    questions: tuple[str, ...],
    replace: bool,
) -> None:
    """Record a year's Member Survey results.

    Counts of respondents, and a further question's share as a whole percentage.
    """
    result = SurveyResult(year, respondents, aware, used, recommend, _questions(questions))
    try:
        result = member_survey.clean(result)
    except ValidationError as exc:
        raise InvalidInput(f"--{exc.field}: {exc.message}") from None
    with opened_store() as store, store.atomic():
        member_survey.save(result, replace=replace)
    click.echo(f"Recorded the Member Survey results of {year} ({respondents} respondents).")


@group.command("list")
@common_options
@vault_command
def list_() -> None:
    """Every year's results, the latest first.

    As entered: the annual report applies the small-number rule.
    """
    with opened_store() as store, store.lock:
        found = member_survey.results()
    if not found:
        click.echo("No Member Survey results are recorded.")
        return
    for r in found:
        counts = ", ".join(
            f"{member_survey.FIGURES[name].lower()} {getattr(r, name)}" for name in member_survey.COUNTS
        )
        click.echo(f"{r.year}: {r.respondents} respondents; {counts}")
        for label, share in r.questions:
            click.echo(f"    {common.printable(label)}: {share}%")


@group.command("remove")
@common_options
@click.option("--year", type=YEAR, required=True, help="The year whose results to remove.")
@vault_command
def remove(year: int) -> None:
    """Remove a year's Member Survey results."""
    with opened_store() as store, store.atomic():
        removed = member_survey.remove(year)
    if not removed:
        raise InvalidInput(f"--year: no Member Survey results are recorded for {year}")
    click.echo(f"Removed the Member Survey results of {year}.")
