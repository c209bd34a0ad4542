"""CSV imports of the roster and of referrals: all or nothing, every bad row listed, with a dry run.

The headers are a stable contract (ARCHITECTURE.md §6):

- roster: ``name,email,phone,career_stage,county,specialty,interventional,status,max_active,evaluates``
- referrals: ``received,name,email,phone,career_stage,county,specialty,pathway,source,stressors,
  acute_interventional,consent``

Lists are separated by ``;``, flags are yes|no, dates YYYY-MM-DD; an empty roster `status` means
nominated and an empty `max_active` means 2.

`import_csv` reads the whole file, checks the header, validates every row (collecting every error with
its line number, the header being line 1), writes the rows through the services inside a transaction
of its own (a savepoint under the caller's `store.atomic()`), and raises `ValidationErrors` listing
everything that was wrong, so that nothing at all is changed. Error messages name the row, the field and
what is allowed, never the value that was given: names, emails and phones must not reach a terminal or a
CI log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ParamSpec, TypeVar

from p2p_tui.services import clock, common
from p2p_tui.services.admin import audit
from p2p_tui.services.cases import intake, same_person
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.errors import ValidationError, ValidationErrors
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.services.reporting import csv_text
from p2p_tui.store import query
from p2p_tui.store.models import Conflict, Physician, Referral, Supporter
from p2p_tui.store.vocab import (
    CONSENT_ANSWERS,
    PATHWAYS,
    SOURCES,
    STRESSORS,
    SUPPORTER_STATUSES,
)

ROSTER_HEADER = (
    "name",
    "email",
    "phone",
    "career_stage",
    "county",
    "specialty",
    "interventional",
    "status",
    "max_active",
    "evaluates",
)
REFERRALS_HEADER = (
    "received",
    "name",
    "email",
    "phone",
    "career_stage",
    "county",
    "specialty",
    "pathway",
    "source",
    "stressors",
    "acute_interventional",
    "consent",
)
HEADERS: dict[str, tuple[str, ...]] = {"roster": ROSTER_HEADER, "referrals": REFERRALS_HEADER}
KINDS = tuple(HEADERS)
SEPARATOR = ";"
# An unknown column is named only if it looks like a column name (a value may have been taken for one).
COLUMN_LIKE = re.compile(r"^[a-z][a-z_]{0,39}$")

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class ImportPlan:
    """What an import did (or, in a dry run, would do)."""

    kind: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0  # referrals already on file, left as they are
    conflicts: int = 0  # new `evaluates` conflicts recorded from the roster
    # rows whose physician may be a supporter (same name, email or phone): line numbers only
    same_person_rows: list[int] = field(default_factory=list)
    # rows with a consent answer on a pathway that asks for none (accepted, ignored): line numbers only
    consent_ignored_rows: list[int] = field(default_factory=list)
    dry_run: bool = False
    # Always empty in a returned plan: a file with any error raises ValidationErrors instead.
    errors: list[ValidationError] = field(default_factory=list)

    @property
    def summary(self) -> list[str]:
        """The lines to show the coordinator (counts only, nothing identifying)."""
        if self.dry_run:
            counts = f"{self.added} would be added, {self.updated} would be updated"
        else:
            counts = f"{self.added} added, {self.updated} updated"
        lines = [f"{self.kind}: {self.rows} rows, {counts}"]
        if self.unchanged:
            lines.append(
                f"{self.unchanged} already on file (same physician, date, pathway and source): left as is"
            )
        if self.conflicts:
            lines.append(f"{self.conflicts} new 'evaluates' conflicts")
        if self.same_person_rows:
            lines.append(
                f"{_rows(self.same_person_rows)}: the physician may be one of the supporters (same name, "
                "email or phone); that supporter is matched with the case only after you confirm they are "
                "two people"
            )
        if self.consent_ignored_rows:
            lines.append(
                f"{_rows(self.consent_ignored_rows)}: consent ignored (only a reach-out from leadership "
                "or a colleague asks for consent)"
            )
        if self.dry_run:
            lines.append("dry run: nothing was changed")
        return lines


def _rows(lines: list[int]) -> str:
    """Line numbers as the summary names them: "row 3" or "rows 3, 5"."""
    return ("row " if len(lines) == 1 else "rows ") + ", ".join(str(n) for n in lines)


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]


class _Checker:
    """Runs validators for one row, keeping every error (with the row's line) instead of the first."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[ValidationError] = []

    def __call__(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            self.fail(exc.field, exc.message)
            return None

    def fail(self, field_name: str, message: str) -> None:
        """Record an error on this row (once: a cell refused twice is listed once)."""
        if not any(e.field == field_name and e.message == message for e in self.errors):
            self.errors.append(ValidationError(field_name, message, row=self.line))

    def cells(self, values: dict[str, str]) -> None:
        """Refuse a control character in any cell (every cell is stored text or read as such)."""
        for column, value in values.items():
            self(common.no_controls, column, value)


def import_csv(kind: str, text: str, *, dry_run: bool, on: date | None = None) -> ImportPlan:
    """Import a roster or referrals CSV, all or nothing (call inside `store.atomic()`, or under
    `store.lock` for a dry run).

    Raises ValidationErrors listing every bad row, and then nothing is changed. With `dry_run` the
    writes are made and rolled back, and the plan tells what would have been added or updated.
    """
    kind = common.choice("kind", kind, KINDS)
    on = on or clock.today()
    rows, errors = read_rows(kind, text)
    if any(e.field == "header" for e in errors):
        raise ValidationErrors(errors)
    plan = ImportPlan(kind=kind, rows=len(rows), dry_run=dry_run)
    with query.atomic() as txn:
        if kind == "roster":
            _import_roster(rows, plan, on, errors)
        else:
            _import_referrals(rows, plan, on, errors)
        if errors:
            errors.sort(key=lambda e: e.row or 0)
            raise ValidationErrors(errors)  # leaving the block rolls every write back
        if dry_run:
            txn.rollback()
        else:
            audit.record("import", table="supporter" if kind == "roster" else "referral")
    return plan


def read_rows(kind: str, text: str) -> tuple[list[_Row], list[ValidationError]]:
    """The file's data rows (blank ones skipped), or the errors of its header and shape; each row and
    error names the line its record starts on (`csv_text.records`)."""
    expected = HEADERS[kind]
    found = csv_text.records(text)
    try:
        header = next(found, None)
    except csv_text.CsvError as exc:
        return [], [ValidationError("file", f"is not a readable CSV file: {exc.reason}", exc.line)]
    given = [name.strip().lower() for name in (header[1] if header else [])]
    if not any(given):
        return [], [ValidationError("header", f"the file is empty; line 1 must be: {','.join(expected)}", 1)]
    header_error = check_header(given, expected)
    if header_error is not None:
        return [], [header_error]
    rows: list[_Row] = []
    errors: list[ValidationError] = []
    try:
        for line, cells in found:
            if not cells:
                continue  # a blank line
            if len(cells) != len(given):
                wrong = (
                    "more values than the header's"
                    if len(cells) > len(given)
                    else f"{len(cells)} values; the header has"
                )
                errors.append(ValidationError("row", f"has {wrong} {len(expected)} columns", line))
                continue
            values = dict(zip(given, cells, strict=True))
            if any(value.strip() for value in values.values()):
                rows.append(_Row(line, values))
    except csv_text.CsvError as exc:
        errors.append(
            ValidationError("file", f"is not a readable CSV file from here on: {exc.reason}", exc.line)
        )
    return rows, errors


def check_header(given: list[str], expected: tuple[str, ...]) -> ValidationError | None:
    """One error naming the missing, unknown and repeated columns and the expected header, or None."""
    want = ",".join(expected)
    if not set(given) & set(expected):
        return ValidationError(
            "header", f"line 1 must be the header (none of its columns was recognised): {want}", 1
        )
    missing = [c for c in expected if c not in given]
    unknown = [c for c in given if c not in expected]
    repeated = sorted({c for c in given if given.count(c) > 1})
    if not (missing or unknown or repeated):
        return None
    parts = []
    if missing:
        parts.append(f"missing columns: {', '.join(missing)}")
    if unknown:
        shown = [c if c else "(blank)" for c in unknown if not c or COLUMN_LIKE.match(c)]
        hidden = len(unknown) - len(shown)
        described = ", ".join(shown + ([f"{hidden} more not shown"] if hidden else []))
        parts.append(f"unknown columns: {described}")
    if repeated:
        parts.append(f"repeated columns: {', '.join(repeated)}")
    return ValidationError("header", f"{'; '.join(parts)}; expected: {want}", 1)


def _physician(check: _Checker, values: dict[str, str]) -> PhysicianInput | None:
    """The identity fields of a row, each checked by intake's rule; None if any is wrong.

    A column the file does not have reads as empty (the referrals file has no `interventional`); the
    preferred contact has no column at all: what is on file is kept.
    """
    fields: dict[str, Any] = {
        name: check(clean, values.get(name, ""))
        for name, clean in intake.physician_cleaners().items()
        if name != "preferred_contact"
    }
    if any(value is None for value in fields.values()):
        return None
    found = intake.find_physician(fields["name"], fields["email"], fields["phone"])
    return PhysicianInput(
        **fields, preferred_contact=found.preferred_contact if found is not None else "email"
    )


def identity(p: PhysicianInput) -> tuple[str, str, str]:
    """How a row's person is recognised (as `intake.find_physician` does): name and email, or phone."""
    return (common.name_key(p.name), p.email, "" if p.email else common.phone_digits(p.phone))


# -- roster ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RosterRow:
    line: int
    supporter: SupporterInput
    evaluates: tuple[str, ...]


def _clean_roster_row(row: _Row) -> tuple[_RosterRow | None, list[ValidationError]]:
    check = _Checker(row.line)
    v = row.values
    check.cells(v)
    person = _physician(check, v)
    status = check(common.choice, "status", v["status"] or "nominated", SUPPORTER_STATUSES)
    max_active = check(roster.clean_max_active, v["max_active"] or "2")
    evaluates: list[str] = []
    for part in v["evaluates"].split(SEPARATOR):
        if part.strip():
            name = check(common.text, "evaluates", part)
            if name is not None and common.name_key(name) not in {common.name_key(n) for n in evaluates}:
                evaluates.append(name)
    if person is not None and common.name_key(person.name) in {common.name_key(n) for n in evaluates}:
        check.fail("evaluates", "lists the supporter themself (a supporter is never matched with themself)")
    if check.errors or person is None or status is None or max_active is None:
        return None, check.errors
    supporter = SupporterInput(person, status=status, max_active=max_active)
    return _RosterRow(row.line, supporter, tuple(evaluates)), []


def _import_roster(rows: list[_Row], plan: ImportPlan, on: date, errors: list[ValidationError]) -> None:
    """Validate every row (adding to `errors`); only if all are good, write them."""
    cleaned: list[_RosterRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        good, row_errors = _clean_roster_row(row)
        errors.extend(row_errors)
        if good is None:
            continue
        key = identity(good.supporter.physician)
        if key in seen:
            message = f"the same person as row {seen[key]} (same name and email or phone); list each once"
            errors.append(ValidationError("name", message, row.line))
            continue
        seen[key] = row.line
        cleaned.append(good)
    if errors:
        return
    for good in cleaned:
        try:
            _write_supporter(good, plan, on)
        except ValidationError as exc:
            errors.append(ValidationError(exc.field, exc.message, good.line))


def _write_supporter(good: _RosterRow, plan: ImportPlan, on: date) -> None:
    p = good.supporter.physician
    found = intake.find_physician(p.name, p.email, p.phone)
    existing = Supporter.get_or_none(Supporter.physician == found) if found is not None else None
    supporter = roster.add_supporter(good.supporter, on=on)
    if existing is None:
        plan.added += 1
    else:
        plan.updated += 1
    for name in good.evaluates:
        key = common.name_key(name)
        before = Conflict.get_or_none(
            Conflict.supporter == supporter, Conflict.name_key == key, Conflict.kind == "evaluates"
        )
        if before is not None:
            continue
        known = list(
            Physician.select(Physician.id)
            .where(Physician.name_key == key, Physician.purged_on.is_null())
            .limit(2)
        )
        physician_id = known[0].id if len(known) == 1 else None
        roster.add_conflict(supporter.id, name, "evaluates", on=on, physician_id=physician_id)
        plan.conflicts += 1


# -- referrals ------------------------------------------------------------------------------------


def _clean_referral_row(row: _Row, on: date) -> tuple[ReferralInput | None, list[ValidationError]]:
    check = _Checker(row.line)
    v = row.values
    check.cells(v)
    person = _physician(check, v)
    day = check(common.parse_date, "received", v["received"])
    if day is not None:
        day = check(common.past_date, "received", day, on)
    pathway = check(common.choice, "pathway", v["pathway"], PATHWAYS)
    source = check(common.choice, "source", v["source"], SOURCES)
    if pathway is not None and source is not None:
        pair = check(intake.clean_pathway_source, pathway, source)
        pathway, source = pair if pair is not None else (pathway, None)
    stressors = check(common.choices, "stressors", v["stressors"].split(SEPARATOR), STRESSORS)
    acute = check(common.yes_no, "acute_interventional", v["acute_interventional"])
    consent = v["consent"].strip().lower()
    if pathway is not None and source is not None:
        consent = check(intake.clean_consent, pathway, source, consent) or ""
    elif consent not in ("", *CONSENT_ANSWERS, *intake.CONSENT_YES_NO):  # read with the pathway
        allowed = ", ".join((*CONSENT_ANSWERS, *intake.CONSENT_YES_NO))
        check.fail("consent", f"must be empty or one of: {allowed}")
    if check.errors or person is None or day is None or pathway is None or source is None:
        return None, check.errors
    if stressors is None or acute is None:
        return None, check.errors
    found = intake.find_physician(person.name, person.email, person.phone)
    # The referrals file has no `interventional` column: keep what is on file; an acute
    # interventional event means the physician does interventional work.
    interventional = acute or (found is not None and bool(found.interventional))
    person = PhysicianInput(
        name=person.name,
        career_stage=person.career_stage,
        county=person.county,
        email=person.email,
        phone=person.phone,
        specialty=person.specialty,
        interventional=interventional,
        preferred_contact=person.preferred_contact,
    )
    return ReferralInput(person, day, pathway, source, stressors, acute, consent), []


def _import_referrals(rows: list[_Row], plan: ImportPlan, on: date, errors: list[ValidationError]) -> None:
    """Validate every row (adding to `errors`); only if all are good, write them."""
    cleaned: list[tuple[int, ReferralInput]] = []
    seen: dict[tuple[object, ...], int] = {}
    for row in rows:
        good, row_errors = _clean_referral_row(row, on)
        errors.extend(row_errors)
        if good is None:
            continue
        if intake.consent_ignored(good.pathway, good.source, row.values["consent"]):
            plan.consent_ignored_rows.append(row.line)
        key = (*identity(good.physician), good.received_on, good.pathway, good.source)
        if key in seen:
            message = f"the same referral as row {seen[key]} (same physician, date, pathway and source)"
            errors.append(ValidationError("received", message, row.line))
            continue
        seen[key] = row.line
        cleaned.append((row.line, good))
    if errors:
        return
    for line, good in cleaned:
        p = good.physician
        found = intake.find_physician(p.name, p.email, p.phone)
        if found is not None and _already_on_file(found, good):
            plan.unchanged += 1
            continue
        try:
            referral = intake.create_referral(good, on=on)
        except ValidationError as exc:
            errors.append(ValidationError(exc.field, exc.message, line))
            continue
        plan.added += 1
        if same_person.any_flagged(referral.id):
            plan.same_person_rows.append(line)


def _already_on_file(physician: Physician, data: ReferralInput) -> bool:
    """Whether this physician already has a referral received that day by that pathway and source."""
    found: bool = (
        Referral.select()
        .where(
            Referral.physician == physician,
            Referral.received_on == data.received_on,
            Referral.pathway == data.pathway,
            Referral.source == data.source,
        )
        .exists()
    )
    return found
