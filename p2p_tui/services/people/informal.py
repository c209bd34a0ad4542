"""Informal encounters (issue 13 item 2): a supporter's unplanned conversation, recorded as a count.

What is kept: the date, the supporter, and optionally the peer's career stage, county of work and
stressors. Never a name, and nothing said: there is no field for either. An encounter recorded by
mistake is removed (the screens and the command line ask first). Reports count these beside the
formal referrals (`reporting/peers.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from p2p_tui.services import clock, common
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.store import query, settings
from p2p_tui.store.models import InformalEncounter
from p2p_tui.store.vocab import CAREER_STAGES, STRESSORS


@dataclass(frozen=True, slots=True)
class Encounter:
    """An informal encounter as listed: no name, ever."""

    id: int
    supporter_id: int
    met_on: date
    career_stage: str | None
    county: str | None
    stressors: tuple[str, ...]


@dataclass(frozen=True)
class EncounterInput:
    """An encounter as typed (validated by `clean`)."""

    supporter_id: int
    met_on: date | str
    career_stage: str = ""
    county: str = ""
    stressors: tuple[str, ...] = ()


def _stressors(values: Iterable[str]) -> tuple[str, ...]:
    picked = {common.choice("stressor", v, STRESSORS) for v in values if v.strip()}
    return tuple(s for s in STRESSORS if s in picked)  # vocabulary order


def clean(data: EncounterInput, on: date | None = None) -> EncounterInput:
    """The same encounter, validated (the date not in the future; stage, county, stressors known)."""
    on = on or clock.today()
    roster.get_supporter(data.supporter_id)
    met = common.past_date("met_on", common.parse_date("met_on", data.met_on), on)
    stage = (
        common.choice("career_stage", data.career_stage, CAREER_STAGES) if data.career_stage.strip() else ""
    )
    county = common.county("county", data.county, settings.get("counties")) if data.county.strip() else ""
    return EncounterInput(data.supporter_id, met, stage, county, _stressors(data.stressors))


def add(data: EncounterInput, on: date | None = None) -> Encounter:
    """Record an informal encounter (call inside `store.atomic()`)."""
    cleaned = clean(data, on)
    row: InformalEncounter = InformalEncounter.create(
        supporter=cleaned.supporter_id,
        met_on=cleaned.met_on,
        career_stage=cleaned.career_stage or None,
        county=cleaned.county or None,
        stressors=";".join(cleaned.stressors),
    )
    return get(row.id)


def remove(encounter_id: int) -> None:
    """Remove an encounter recorded by mistake."""
    if not InformalEncounter.delete().where(InformalEncounter.id == encounter_id).execute():
        raise ValidationError("encounter", f"there is no informal encounter {encounter_id}")


_SELECT = "SELECT id, supporter_id, met_on, career_stage, county, stressors FROM informal_encounter"


def _view(row: tuple[int, int, str, str | None, str | None, str]) -> Encounter:
    eid, sid, met, stage, county, stressors = row
    return Encounter(
        eid, sid, date.fromisoformat(met), stage, county, tuple(s for s in stressors.split(";") if s)
    )


def get(encounter_id: int) -> Encounter:
    """One encounter, or a ValidationError naming the id."""
    found = query.rows(_SELECT + " WHERE id = ?", encounter_id)
    if not found:
        raise ValidationError("encounter", f"there is no informal encounter {encounter_id}")
    return _view(found[0])


def listed(supporter_id: int | None = None) -> list[Encounter]:
    """The encounters (one supporter's, if given), newest first."""
    where, params = (" WHERE supporter_id = ?", (supporter_id,)) if supporter_id is not None else ("", ())
    return [_view(r) for r in query.rows(_SELECT + where + " ORDER BY met_on DESC, id DESC", *params)]
