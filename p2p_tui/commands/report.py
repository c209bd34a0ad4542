"""`p2p-tui report [--quarter 2026Q3 | --year 2026] [--format pdf|md|csv|json] [--output FILE] [--force]`.

The quarterly utilization summary, de-identified and with small counts suppressed (ARCHITECTURE.md §5);
without --quarter, the last complete quarter. With --year, the annual report of that fiscal year (its
four quarters side by side and the year; the start month from Settings). Markdown to standard output
by default; a file is written atomically with mode 0600 and never over an existing one unless --force.
The identifying honorarium statement is its own command (`p2p-tui honoraria`): `--honoraria` is
refused, saying so.
The vault's data is unchanged; the export is recorded in the audit trail (`p2p-tui log`).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from p2p_tui.commands.base import (
    InvalidInput,
    common_options,
    help_from,
    opened_store,
    shown,
    vault_command,
    vault_path,
)
from p2p_tui.services import clock
from p2p_tui.services.admin import audit
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting import annual, formats, quarterly, render
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.services.reporting.suppression import COMPLEMENT, MARKS, SMALL, WHOLE
from p2p_tui.store import settings

HONORARIA = "p2p-tui honoraria"


def contents(width: int = 98) -> str:
    """What the summary holds, as the help says it: the breakdowns, the trend's length, the threshold."""
    names = [name.replace("_", " ") for name in quarterly.BREAKDOWNS]
    t = settings.DEFAULTS["suppression_threshold"]
    small, complement, whole = (MARKS[reason] for reason in (SMALL, COMPLEMENT, WHOLE))
    dash = quarterly.WITHHELD
    text = (
        f"Referrals by {', '.join(names[:-1])} and {names[-1]}; the share of cases that met each standard "
        "(match, first contact, follow-up, survey) and the working days taken (median, 90th percentile); "
        "referrals per 100 physicians served; follow-up completion; PHP referrals; safety escalations; "
        "declines and no consent; supporter activity, "
        f"training hours and honoraria in total; survey aggregates; a {quarterly.TREND_QUARTERS + 1}-quarter "
        f'trend. Counts from 1 to {t - 1} (the threshold in Settings, less one) are shown "<{t}{small}", '
        f'others withheld ("{dash}{complement}") where a small count could be worked out from a total, '
        f'and a part of a whole that is small or withheld is withheld too ("{dash}{whole}"); the marks '
        "are explained under every report."
    )
    return "\n".join(textwrap.wrap(text, width))


def format_help() -> str:
    """The --format help, naming every format `render` makes."""
    named = [render.DESCRIPTIONS[fmt] for fmt in render.FORMATS if fmt != "pdf"]
    return f"{', '.join(named)}, or {render.DESCRIPTIONS['pdf']} (needs --output)."


def deliver(data: bytes, target: Path | None, vault: Path) -> bool:
    """`data` to standard output (no `target`: returns False) or written privately to `target`, never
    beside `vault` (returns True)."""
    if target is None:
        click.echo(data.decode("utf-8"), nl=False)
        return False
    try:
        formats.write_private(target, data, vault=vault)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InvalidInput(f"--output: {target} could not be written ({reason}); nothing was left") from None
    return True


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValidationError as exc:
        raise InvalidInput(f"--quarter: {exc.message}") from None


def begun(quarter: Quarter) -> Quarter:
    """`quarter`, refused when it has not begun (a report of it would be empty, not a zero)."""
    today = clock.today()
    if quarter.start > today:
        start = f"{quarter.start.day} {quarter.start:%B %Y}"
        raise InvalidInput(
            f"--quarter: {quarter} has not begun (it starts on {start}); the last complete quarter "
            f"is {Quarter.last_complete(today)}"
        )
    return quarter


def _target(output: Path | None, fmt: str, force: bool) -> Path | None:
    """Where to write (None: standard output), checked before the vault is opened."""
    if output is None:
        if fmt == "pdf":
            raise click.UsageError("--format pdf needs --output FILE (a PDF is not printed to the terminal)")
        return None
    output = output.expanduser()
    if output.is_dir():
        raise InvalidInput(f"--output: {output} is a folder; give a file name")
    if not output.parent.is_dir():
        raise InvalidInput(f"--output: the folder {output.parent} does not exist")
    if output.resolve() == vault_path().resolve():
        raise InvalidInput("--output: that is the vault itself; choose another file")
    if output.exists() and not force:
        raise InvalidInput(
            f"--output: {output} already exists; choose a new file or add --force to replace it"
        )
    return output


@click.command("report")
@common_options
@click.option(
    "--quarter",
    "quarter_text",
    metavar="YYYYQN",
    help="The quarter, e.g. 2026Q3 (default: the last complete quarter). A quarter still running is "
    'labelled "to date".',
)
@click.option(
    "--year",
    type=click.IntRange(1900, 9998),
    metavar="YYYY",
    help="The annual report of the fiscal year starting in YYYY (start month in Settings, default April: "
    "2026 is April 2026 to March 2027), its four quarters side by side. Not with --quarter.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(render.FORMATS),
    default="md",
    show_default=True,
    help=format_help(),
)
@click.option(
    "--output",
    type=click.Path(dir_okay=True, path_type=Path),
    metavar="FILE",
    help="Write to FILE (mode 0600) instead of printing.",
)
@click.option("--force", is_flag=True, help="Replace --output if it already exists.")
@click.option(
    "--honoraria",
    is_flag=True,
    hidden=False,
    help=f"removed: use {HONORARIA} (the statement is identifying, a document of its own).",
)
@vault_command
@help_from(contents=contents())
def command(
    quarter_text: str | None, year: int | None, fmt: str, output: Path | None, force: bool, honoraria: bool
) -> None:
    """The quarterly utilization summary, de-identified, for the program's board.

    \b
    {contents}

    With --year, the annual report of a fiscal year: the four quarters and the year side by side,
    with the Member Survey of the year (p2p-tui member-survey).

    The honorarium statement, which names supporters, is not part of it: p2p-tui honoraria.
    """
    if honoraria:
        raise click.UsageError(
            f"--honoraria was removed: use {HONORARIA} --quarter {quarter_text or 'YYYYQN'}"
        )
    if year is not None and quarter_text is not None:
        raise click.UsageError("--year and --quarter cannot be used together: give one or the other")
    if year is not None:
        _annual(year, fmt, output, force)
        return
    quarter = begun(_quarter(quarter_text)) if quarter_text else Quarter.last_complete(clock.today())
    target = _target(output, fmt, force)
    with opened_store() as store:
        with store.lock:
            summary = quarterly.summarize(quarter)
        data = render.render(summary, fmt)  # made before the file, so a failure leaves none
        written = deliver(data, target, store.vault.path)
        with store.atomic():
            audit.record("export", table="report")
    if written:
        click.echo(f"Wrote the {summary.heading} summary to {shown(target)}.", err=True)


def _annual(year: int, fmt: str, output: Path | None, force: bool) -> None:
    """The annual report of fiscal year `year`."""
    target = _target(output, fmt, force)
    with opened_store() as store:
        with store.lock:
            try:
                found = annual.summarize_year(year)
            except ValidationError as exc:
                raise InvalidInput(f"{exc.field}: {exc.message} (Settings)") from None
        data = render.render_annual(found, fmt)
        written = deliver(data, target, store.vault.path)
        with store.atomic():  # an export, as the quarterly summary's
            audit.record("export", table="report")
    if written:
        click.echo(f"Wrote the annual report of {found.heading} to {shown(target)}.", err=True)
