"""Retention (ARCHITECTURE.md §4): purge the identifying fields of cases ended long enough ago.

A case is past retention when it ended (closed, declined or unreachable) at least `retention_days`
(a setting, default 90) before the day of the purge. Purging it clears its logistics note. A
physician is purged when every one of their cases is past retention (so none is open) and they are
not a supporter (supporters are roster members: their identity stays): name, email, phone and
specialty are cleared, the name key becomes `purged-<id>` and `purged_on` is set, so intake and
matching never find them again; the conflicts and nominations that named them lose the name too
(`_clear_mentions`), so nothing identifying about them is left in the live database. The
de-identified utilization records stay as they were (the triggers keep a purged physician's career
stage and county).

The purge log records the date and the counts only, never an id or a name. The purge runs with
SQLite's `secure_delete` on, so the cleared values are overwritten in the database image too, not
left in free space for the next save to carry. Backups made before the purge still hold them until
they rotate out (the backup policy).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from p2p_tui.services import clock, common
from p2p_tui.services.admin import audit
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import query, settings
from p2p_tui.store.models import Conflict, Match, Meta, Nomination, Physician, PurgeLog, Referral
from p2p_tui.store.vocab import ENDED_STATUSES

LAST_CHECK_KEY = "last_purge_check"
CHUNK = 500  # ids per UPDATE (well under SQLite's limit on bound parameters)

# Physicians to purge: not yet purged, not on the roster, with at least one case and every case ended
# on or before the cutoff. Cases to purge: those past retention that still hold a note, and every case
# of a physician purged now.
_PHYSICIANS_SQL = f"""
SELECT p.id FROM physician p
WHERE p.purged_on IS NULL
  AND NOT EXISTS (SELECT 1 FROM supporter s WHERE s.physician_id = p.id)
  AND EXISTS (SELECT 1 FROM referral r WHERE r.physician_id = p.id)
  AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.physician_id = p.id
                  AND NOT (r.status IN {ENDED_STATUSES} AND r.closed_on IS NOT NULL AND r.closed_on <= ?))
ORDER BY p.id"""  # noqa: S608 - fixed vocabulary only
_CASES_SQL = f"""
SELECT r.id, r.physician_id, r.logistics_note <> '' FROM referral r
WHERE r.status IN {ENDED_STATUSES} AND r.closed_on IS NOT NULL AND r.closed_on <= ?
ORDER BY r.id"""  # noqa: S608 - fixed vocabulary only


@dataclass(frozen=True)
class PurgePlan:
    """What a purge removes (or removed) on a day. The ids stay in memory: never log or print them."""

    on: date
    cutoff: date  # cases that ended on or before this day are past retention
    case_ids: tuple[int, ...]
    physician_ids: tuple[int, ...]
    dry_run: bool

    @property
    def cases(self) -> int:
        """How many cases have their identifying fields cleared."""
        return len(self.case_ids)

    @property
    def physicians(self) -> int:
        """How many physicians are purged."""
        return len(self.physician_ids)

    @property
    def empty(self) -> bool:
        """Whether there is nothing to purge."""
        return not self.case_ids and not self.physician_ids

    def summary(self) -> str:
        """`would purge N cases and M physicians` (dry run) or `purged N cases and M physicians`."""
        verb = "would purge" if self.dry_run else "purged"
        return f"{verb} {self.cases} cases and {self.physicians} physicians"


def retention_days() -> int:
    """The retention setting, in days after a case ended (0: the day it ends, at its close)."""
    value = settings.get("retention_days")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError("retention_days", "must be a whole number of days, 0 or more (see Settings)")
    return value


def purges_at_close() -> bool:
    """Whether ending a case purges its physician's identifying fields at once (a retention of 0)."""
    return retention_days() == 0


def plan(on: date | None = None) -> PurgePlan:
    """What a purge on `on` (default today) would remove; changes nothing."""
    on = on or clock.today()
    cutoff = on - timedelta(days=retention_days())
    physicians = tuple(pid for (pid,) in query.rows(_PHYSICIANS_SQL, cutoff.isoformat()))
    purged_now = set(physicians)
    cases = tuple(
        rid
        for rid, pid, has_note in query.rows(_CASES_SQL, cutoff.isoformat())
        if has_note or pid in purged_now
    )
    return PurgePlan(on=on, cutoff=cutoff, case_ids=cases, physician_ids=physicians, dry_run=True)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@contextmanager
def _secure_delete() -> Iterator[None]:
    """SQLite overwrites what it deletes or replaces with zeros, for the duration."""
    before = int(query.scalar("PRAGMA secure_delete"))
    query.execute("PRAGMA secure_delete = 1")
    try:
        yield
    finally:
        query.execute(f"PRAGMA secure_delete = {before}")


def _clear_mentions(ids: Sequence[int]) -> None:
    """Clear what other rows still say of these physicians, about to be purged (before their own
    name keys are).

    A conflict with one of them (by id, or by a name key no physician left on file holds) keeps its
    row, linked to the purged physician, its name key `purged-<id>` like theirs; a nomination made
    under such a name keeps its row and loses the name.
    """
    keys: dict[str, int] = {}
    for physician in Physician.select(Physician.id, Physician.name_key).where(Physician.id.in_(ids)):
        keys.setdefault(physician.name_key, physician.id)
    living = {
        p.name_key
        for p in Physician.select(Physician.name_key).where(
            Physician.name_key.in_(list(keys)), Physician.purged_on.is_null(), Physician.id.not_in(ids)
        )
    }
    Conflict.update(name_key=pw.fn.printf("purged-%d", Conflict.physician)).where(
        Conflict.physician.in_(ids)
    ).execute()
    for key, physician_id in keys.items():
        if key in living:
            continue  # a namesake still on file: the conflict may be about them
        Conflict.update(physician=physician_id, name_key=f"purged-{physician_id}").where(
            Conflict.physician.is_null(), Conflict.name_key == key
        ).execute()
    gone = set(keys) - living
    for nomination in Nomination.select(Nomination.id, Nomination.nominated_by):
        if nomination.nominated_by and common.name_key(nomination.nominated_by) in gone:
            Nomination.update(nominated_by="").where(Nomination.id == nomination.id).execute()


def purge(on: date | None = None, *, dry_run: bool) -> PurgePlan:
    """Purge what `plan(on)` names (call inside `store.atomic()`); a dry run changes nothing.

    Returns the plan, marked as done unless `dry_run`.
    """
    found = plan(on)
    if dry_run or found.empty:
        return PurgePlan(found.on, found.cutoff, found.case_ids, found.physician_ids, dry_run)
    with _secure_delete():
        for ids in _chunks(found.case_ids):
            Referral.update(logistics_note="").where(Referral.id.in_(ids)).execute()
            # an override reason is free text too: it goes with the case's other notes
            Match.update(override_reason="").where(Match.referral.in_(ids)).execute()
        for ids in _chunks(found.physician_ids):
            _clear_mentions(ids)
            Physician.update(
                name="",
                name_key=pw.fn.printf("purged-%d", Physician.id),
                search_key="",
                email="",
                phone="",
                specialty="",
                purged_on=found.on,
            ).where(Physician.id.in_(ids)).execute()
    PurgeLog.create(purged_on=found.on, cases=found.cases, physicians=found.physicians)
    audit.record("purge")  # the cleared rows were recorded by the triggers: field names, no values
    return PurgePlan(found.on, found.cutoff, found.case_ids, found.physician_ids, dry_run=False)


def last_check() -> date | None:
    """The day `daily_check` last ran, if ever."""
    row: Meta | None = Meta.get_or_none(Meta.key == LAST_CHECK_KEY)
    return None if row is None else date.fromisoformat(row.value)


def daily_check(on: date | None = None) -> PurgePlan | None:
    """Run the purge once a day (call inside `store.atomic()`): what it did, or None if it already ran.

    The day of the last run is kept in the meta table under `last_purge_check`.
    """
    on = on or clock.today()
    if last_check() == on:
        return None
    done = purge(on, dry_run=False)
    Meta.insert(key=LAST_CHECK_KEY, value=on.isoformat()).on_conflict_replace().execute()
    return done
