"""`p2p-tui informal add | list | remove`: informal encounters, counted (issue 13 item 2).

A supporter's unplanned conversation with a peer: the date, the supporter and, optionally, the peer's
career stage, county of work and stressors. Never a name, nothing said. The quarterly report counts
them beside the referrals, apart and together.
"""

from __future__ import annotations

import click

from p2p_tui.commands.base import RECORD_ID, InvalidInput, common_options, opened_store, vault_command
from p2p_tui.services import common, labels
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import informal
from p2p_tui.services.people.informal import Encounter, EncounterInput
from p2p_tui.store.vocab import CAREER_STAGES, STRESSORS


@click.group("informal")
def group() -> None:
    """Informal encounters: counted by date, supporter, and optionally stage, county and stressors."""


def _line(e: Encounter) -> str:
    stage = labels.label("career_stage", e.career_stage) if e.career_stage else "-"
    county = common.printable(e.county) if e.county else "-"
    stressors = labels.labels("stressor", e.stressors) or "-"
    return f"#{e.id}  {e.met_on.isoformat()}  supporter #{e.supporter_id}  {stage}  {county}  {stressors}"


@group.command("add")
@common_options
@click.option(
    "--supporter",
    "supporter_id",
    type=RECORD_ID,
    required=True,
    help="The supporter's id.",
)
@click.option("--on", "met_on", required=True, metavar="YYYY-MM-DD", help="The day of the encounter.")
@click.option("--stage", type=click.Choice(CAREER_STAGES), help="The peer's career stage.")
@click.option("--county", help="The peer's county of work (one of Settings' counties).")
@click.option(
    "--stressor",
    "stressors",
    multiple=True,
    type=click.Choice(STRESSORS),
    help="A stressor; repeat for more.",
)
@vault_command
def add(
    supporter_id: int, met_on: str, stage: str | None, county: str | None, stressors: tuple[str, ...]
) -> None:
    """Count an informal encounter (no name is ever recorded)."""
    data = EncounterInput(supporter_id, met_on, stage or "", county or "", stressors)
    with opened_store() as store:
        try:
            with store.atomic():
                found = informal.add(data)
        except ValidationError as exc:
            option = {"met_on": "on", "career_stage": "stage"}.get(exc.field, exc.field)
            raise InvalidInput(f"--{option}: {exc.message}") from None
    click.echo(f"Counted informal encounter #{found.id} of {found.met_on.isoformat()}.")


@group.command("list")
@common_options
@click.option("--supporter", "supporter_id", type=RECORD_ID, help="Only this supporter's.")
@vault_command
def list_(supporter_id: int | None) -> None:
    """The informal encounters, newest first."""
    with opened_store() as store, store.lock:
        found = informal.listed(supporter_id)
    if not found:
        click.echo("No informal encounters are recorded.")
        return
    for e in found:
        click.echo(_line(e))


@group.command("remove")
@common_options
@click.argument("encounter_id", type=RECORD_ID)
@click.option("--yes", is_flag=True, help="Remove without asking.")
@vault_command
def remove(encounter_id: int, yes: bool) -> None:
    """Remove an informal encounter recorded by mistake (asks first unless --yes)."""
    with opened_store() as store:
        try:
            with store.lock:
                found = informal.get(encounter_id)
        except ValidationError as exc:
            raise InvalidInput(f"ENCOUNTER_ID: {exc.message}") from None
        if not yes:
            click.echo(_line(found))
            if not click.confirm("Remove this informal encounter?", default=False):
                click.echo("Nothing removed.")
                return
        with store.atomic():
            informal.remove(encounter_id)
    click.echo(f"Removed informal encounter #{encounter_id}.")
