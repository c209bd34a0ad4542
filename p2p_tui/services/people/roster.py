"""The roster: supporters, their nominations, status, availability and conflicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import cast

import peewee as pw

from p2p_tui.services import clock, common
from p2p_tui.services.cases import corrections
from p2p_tui.services.cases.intake import PhysicianInput, clean_physician, upsert_physician
from p2p_tui.services.errors import ValidationError
from p2p_tui.store.models import Conflict, Nomination, Physician, Supporter
from p2p_tui.store.vocab import CONFLICT_KINDS, SUPPORTER_STATUSES

# Legal status steps. A supporter may always retire; a retired one may be nominated again.
STATUS_STEPS: dict[str, tuple[str, ...]] = {
    "nominated": ("in_training", "retired"),
    "in_training": ("active", "nominated", "retired"),
    "active": ("paused", "retired"),
    "paused": ("active", "retired"),
    "retired": ("nominated",),
}
MAX_ACTIVE_LIMIT = 20
NAME_SEPARATOR = ";"


@dataclass(frozen=True)
class SupporterInput:
    """A supporter as typed or imported (validated by `add_supporter`)."""

    physician: PhysicianInput
    status: str = "nominated"
    max_active: int | str = 2
    nominated_by: str = ""
    nominated_on: date | str | None = None
    training_completed_on: date | str | None = None
    unavailable_until: date | str | None = None
    evaluates: str = ""  # physicians the supporter evaluates, names separated by ';' (as the roster CSV)


def get_supporter(supporter_id: int) -> Supporter:
    """The supporter with this id, or a ValidationError naming the id."""
    found: Supporter | None = Supporter.get_or_none(Supporter.id == supporter_id)
    if found is None:
        raise ValidationError("supporter", f"there is no supporter {supporter_id}")
    return found


def clean_max_active(value: int | str) -> int:
    """Capacity: a whole number of open cases from 0 to 20."""
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError("max_active", f"must be a whole number from 0 to {MAX_ACTIVE_LIMIT}") from None
    if not 0 <= number <= MAX_ACTIVE_LIMIT:
        raise ValidationError("max_active", f"must be a whole number from 0 to {MAX_ACTIVE_LIMIT}")
    return number


def _optional_date(field: str, value: date | str | None) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return common.parse_date(field, value)


def add_supporter(data: SupporterInput, on: date | None = None) -> Supporter:
    """Add a supporter to the roster (or update the one this physician already is)."""
    on = on or clock.today()
    person = clean_physician(data.physician)
    status = common.choice("status", data.status, SUPPORTER_STATUSES)
    max_active = clean_max_active(data.max_active)
    trained = _optional_date("training_completed_on", data.training_completed_on)
    if trained is None and status == "active":
        trained = on  # active means trained: as set_status does
    away = _optional_date("unavailable_until", data.unavailable_until)
    nominated_on = _optional_date("nominated_on", data.nominated_on) or on
    nominated_by = common.text("nominated_by", data.nominated_by, required=False)
    physician = upsert_physician(person, on)
    supporter: Supporter | None = Supporter.get_or_none(Supporter.physician == physician)
    if supporter is None:
        supporter = Supporter.create(
            physician=physician,
            status=status,
            max_active=max_active,
            training_completed_on=trained,
            unavailable_until=away,
        )
    else:
        supporter.status, supporter.max_active = status, max_active
        supporter.training_completed_on = trained or supporter.training_completed_on
        supporter.unavailable_until = away or supporter.unavailable_until
        supporter.save()
    if nominated_by:
        nominate(supporter.id, nominated_by, nominated_on)
    for name in split_names("evaluates", data.evaluates):
        add_conflict(supporter.id, name, "evaluates", on, physician_id=known_physician_id(name))
    return supporter


def known_physician_id(name: str) -> int | None:
    """The one physician on file (not purged) with this name key, if there is exactly one."""
    known = list(
        Physician.select(Physician.id)
        .where(Physician.name_key == common.name_key(name), Physician.purged_on.is_null())
        .limit(2)
    )
    return known[0].id if len(known) == 1 else None


def split_names(field: str, names: str) -> list[str]:
    """Names separated by ';' (as the roster CSV's `evaluates`), each checked, repeats dropped."""
    found: list[str] = []
    for part in names.split(NAME_SEPARATOR):
        if part.strip():
            name = common.text(field, part)
            if common.name_key(name) not in {common.name_key(n) for n in found}:
                found.append(name)
    return found


def edit_supporter(
    supporter_id: int, person: PhysicianInput, evaluates: str, declared: str, on: date | None = None
) -> Supporter:
    """Correct a supporter's identity fields (as `corrections.edit_physician`) and set their conflicts
    to the names given (`;`-separated): those no longer named are removed, new ones added from `on`.

    Every name is checked before anything changes. A conflict added with a physician already matched
    to this supporter shows on that case and in the queue (reassign).
    """
    on = on or clock.today()
    supporter = get_supporter(supporter_id)
    wanted = {"evaluates": split_names("evaluates", evaluates), "declared": split_names("conflict", declared)}
    corrections.edit_physician(supporter.physician_id, person)
    for kind, names in wanted.items():
        keys = {common.name_key(n) for n in names}
        kept: set[str] = set()
        for existing in Conflict.select().where(Conflict.supporter == supporter, Conflict.kind == kind):
            named = {existing.name_key} | ({existing.physician.name_key} if existing.physician else set())
            if named & keys:
                kept |= named
            else:
                existing.delete_instance()
        for name in names:
            if common.name_key(name) not in kept:
                add_conflict(supporter.id, name, kind, on, physician_id=known_physician_id(name))
    return get_supporter(supporter_id)


def conflict_names(supporter_id: int, kind: str) -> str:
    """A supporter's conflicts of one kind as the form shows them: names separated by '; '."""
    names = []
    for c in (
        Conflict.select()
        .where(Conflict.supporter == supporter_id, Conflict.kind == kind)
        .order_by(Conflict.id)
    ):
        if c.name_key.startswith("purged-"):
            continue
        names.append(c.physician.name if c.physician is not None else c.name_key)
    return "; ".join(names)


def nominate(supporter_id: int, nominated_by: str, on: date | None = None) -> Nomination:
    """Record a colleague's nomination (the same colleague counts once)."""
    on = on or clock.today()
    supporter = get_supporter(supporter_id)
    by = common.text("nominated_by", nominated_by)
    for existing in Nomination.select().where(Nomination.supporter == supporter):
        if common.name_key(existing.nominated_by) == common.name_key(by):
            return existing
    created: Nomination = Nomination.create(supporter=supporter, nominated_by=by, nominated_on=on)
    return created


def nomination_counts() -> dict[int, int]:
    """How many colleagues nominated each supporter."""
    query = (
        Nomination.select(Nomination.supporter, pw.fn.COUNT(Nomination.id))
        .group_by(Nomination.supporter)
        .tuples()
    )
    rows = cast(Iterable[tuple[int, int]], query)
    return dict(rows)


def set_status(supporter_id: int, status: str, on: date | None = None) -> Supporter:
    """Move a supporter to a new status, refusing illegal steps with the legal ones named."""
    on = on or clock.today()
    supporter = get_supporter(supporter_id)
    status = common.choice("status", status, SUPPORTER_STATUSES)
    legal = STATUS_STEPS[supporter.status]
    if status not in legal:
        raise ValidationError(
            "status",
            f"a {supporter.status} supporter cannot become {status}; they can become: {', '.join(legal)}",
        )
    if status == "active" and supporter.training_completed_on is None:
        supporter.training_completed_on = on
    supporter.status = status
    if status == "active":
        supporter.unavailable_until = None
    supporter.save()
    return supporter


def pause_until(supporter_id: int, until: date | str, on: date | None = None) -> Supporter:
    """Make a supporter unavailable for new cases until a date (after a hard case, leave, ...)."""
    on = on or clock.today()
    supporter = get_supporter(supporter_id)
    day = common.parse_date("unavailable_until", until)
    if day <= on:
        raise ValidationError("unavailable_until", "must be after today")
    supporter.unavailable_until = day
    supporter.save()
    return supporter


def set_capacity(supporter_id: int, max_active: int | str) -> Supporter:
    """How many open cases a supporter takes at once."""
    supporter = get_supporter(supporter_id)
    supporter.max_active = clean_max_active(max_active)
    supporter.save()
    return supporter


def add_conflict(
    supporter_id: int,
    physician_name: str,
    kind: str = "evaluates",
    on: date | None = None,
    physician_id: int | None = None,
) -> Conflict:
    """Never match this supporter with the named physician (known now or added later)."""
    on = on or clock.today()
    supporter = get_supporter(supporter_id)
    kind = common.choice("kind", kind, CONFLICT_KINDS)
    name = common.text("evaluates" if kind == "evaluates" else "conflict", physician_name)
    key = common.name_key(name)
    if supporter.physician.name_key == key or physician_id == supporter.physician_id:
        raise ValidationError("conflict", "a supporter is never matched with themself already")
    physician = Physician.get_or_none(Physician.id == physician_id) if physician_id else None
    existing: Conflict | None = Conflict.get_or_none(
        Conflict.supporter == supporter, Conflict.name_key == key, Conflict.kind == kind
    )
    if existing is not None:
        return existing
    created: Conflict = Conflict.create(
        supporter=supporter, physician=physician, name_key=key, kind=kind, added_on=on
    )
    return created


def remove_conflict(conflict_id: int) -> None:
    """Delete a declared conflict."""
    Conflict.delete().where(Conflict.id == conflict_id).execute()


def conflicts_between(supporter: Supporter, physician: Physician) -> list[Conflict]:
    """The conflicts that forbid matching this supporter with this physician."""
    return list(
        Conflict.select().where(
            Conflict.supporter == supporter,
            (Conflict.physician == physician) | (Conflict.name_key == physician.name_key),
        )
    )
