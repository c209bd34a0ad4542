"""The Member Survey's aggregate results, by year (issue 12, item 7): entered, listed, removed, and
published with the small-number rule.

MSPEI's regular Member Survey asks members about the peer-support program. The coordinator enters only
the aggregates of each year's survey: how many answered (respondents), how many were aware of the
program, had used it, and would use or recommend it (counts of respondents), and any further question as
a short label with the share who agreed (a whole percentage). Never a response: the one text is a
question's label (printable, one line, at most `LABEL_MAX` characters).

Published (`publish`), the counts follow the reports' rule: a respondent count from 1 to threshold - 1
is shown "<5" with its mark, and each part is protected against the whole as the summary protects a
part (`suppression.proportion`); a further question's share is withheld when the respondents are fewer
than the threshold, or when the count behind the share (or the rest of it) would be a small count.
Call everything here under `store.lock`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from p2p_tui.services import common
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting.suppression import (
    WHOLE,
    WITHHELD,
    Cell,
    Proportion,
    count_cell,
    proportion,
    protect,
    small,
)
from p2p_tui.store import query
from p2p_tui.store.models import MemberSurvey

LABEL_MAX = 60
MAX_QUESTIONS = 10
MAX_RESPONDENTS = 100_000
MIN_YEAR, MAX_YEAR = 1900, 9999
COUNTS = ("aware", "used", "recommend")
FIGURES = {
    "aware": "Aware of the program",
    "used": "Have used the program",
    "recommend": "Would use or recommend it",
}


@dataclass(frozen=True)
class SurveyResult:
    """One year's Member Survey as entered: counts of respondents, and (label, percent) questions."""

    year: int
    respondents: int
    aware: int
    used: int
    recommend: int
    questions: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class PublishedSurvey:
    """A year's Member Survey as a report prints it: the respondents, each count as a part of them
    with its share, and each further question's share (or "—" with its mark)."""

    year: int
    respondents: Cell
    figures: tuple[tuple[str, Proportion], ...]  # (name in COUNTS, part of respondents)
    questions: tuple[tuple[str, str], ...]  # (label, "62%" or "—‡")


# -- validation -------------------------------------------------------------------------------------


def _whole(field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"must be a whole number from {low} to {high:,}")
    return value


def clean_label(value: str) -> str:
    """A further question's label: one printable line, 1 to `LABEL_MAX` characters, no '='."""
    text = common.no_controls("question", value).strip()
    if not text or len(text) > LABEL_MAX or not text.isprintable() or "=" in text:
        raise ValidationError(
            "question", f"label must be 1 to {LABEL_MAX} printable characters on one line, without '='"
        )
    return text


def parse_question(text: str) -> tuple[str, int]:
    """ "Felt supported=62" (or "...=62%") as (label, 62)."""
    label, sep, share = text.rpartition("=")
    if not sep:
        raise ValidationError("question", 'must be written LABEL=PERCENT, like "Felt supported=62"')
    share = share.strip().removesuffix("%").strip()
    if not share.isdigit() or not share.isascii():
        raise ValidationError("question", "percent must be a whole number from 0 to 100")
    return clean_label(label), _whole("question", int(share), 0, 100)


def clean(result: SurveyResult) -> SurveyResult:
    """`result` checked: a year, at least one respondent, counts no more than the respondents, at most
    `MAX_QUESTIONS` questions with distinct labels and shares from 0 to 100."""
    _whole("year", result.year, MIN_YEAR, MAX_YEAR)
    n = _whole("respondents", result.respondents, 1, MAX_RESPONDENTS)
    for name in COUNTS:
        _whole(name, getattr(result, name), 0, n)
    if len(result.questions) > MAX_QUESTIONS:
        raise ValidationError("question", f"at most {MAX_QUESTIONS} further questions a year")
    labels = [clean_label(label) for label, _ in result.questions]
    if len({label.casefold() for label in labels}) < len(labels):
        raise ValidationError("question", "each further question needs a label of its own")
    shares = [_whole("question", share, 0, 100) for _, share in result.questions]
    return SurveyResult(
        result.year, n, result.aware, result.used, result.recommend, tuple(zip(labels, shares, strict=True))
    )


# -- storage ----------------------------------------------------------------------------------------


def _result(row: MemberSurvey) -> SurveyResult:
    questions = tuple((str(label), int(share)) for label, share in json.loads(str(row.questions)))
    return SurveyResult(
        int(row.year), int(row.respondents), int(row.aware), int(row.used), int(row.recommend), questions
    )


def save(result: SurveyResult, *, replace: bool = False) -> SurveyResult:
    """Record a year's results (checked first); a year already recorded only with `replace`."""
    found = clean(result)
    with query.atomic():
        exists = MemberSurvey.get_or_none(MemberSurvey.year == found.year) is not None
        if exists and not replace:
            raise ValidationError("year", "already has Member Survey results: remove them first, or replace")
        MemberSurvey.insert(
            year=found.year,
            respondents=found.respondents,
            aware=found.aware,
            used=found.used,
            recommend=found.recommend,
            questions=json.dumps([list(q) for q in found.questions], ensure_ascii=False),
        ).on_conflict_replace().execute()
    return found


def remove(year: int) -> bool:
    """Remove a year's results; whether there were any."""
    _whole("year", year, MIN_YEAR, MAX_YEAR)
    return bool(MemberSurvey.delete().where(MemberSurvey.year == year).execute())


def results() -> list[SurveyResult]:
    """Every year's results, the latest first."""
    return [_result(row) for row in MemberSurvey.select().order_by(MemberSurvey.year.desc())]


def of_year(year: int) -> SurveyResult | None:
    """The results of `year`, or None."""
    row = MemberSurvey.get_or_none(MemberSurvey.year == year)
    return None if row is None else _result(row)


# -- as published -----------------------------------------------------------------------------------


def question_share(share: int, respondents: Cell, n: int, threshold: int) -> str:
    """A further question's share as published: withheld ("—‡") when the respondents are withheld, or
    when the count behind it (share of n, rounded) or the rest of it is a small count ("—*")."""
    if respondents.value is None:
        return WITHHELD + Cell(None, WITHHELD, WHOLE).mark
    count = (share * n + 50) // 100
    if small(count, threshold) or small(n - count, threshold):
        return WITHHELD + protect([count, n - count], n, threshold)[0].mark
    return f"{share}%"


def _part(part: int, whole: Cell, n: int, threshold: int) -> Proportion:
    """A count of respondents with its share; a withheld count's share is withheld too (no bound)."""
    found = proportion(part, whole, n, threshold)
    if found.part.value is None:
        return Proportion(found.part, whole, WITHHELD + found.part.mark)
    return found


def publish(result: SurveyResult, threshold: int) -> PublishedSurvey:
    """`result` with the small-number rule applied (`threshold` from the reports' Settings)."""
    n = result.respondents
    whole = count_cell(n, threshold)
    figures = tuple((name, _part(getattr(result, name), whole, n, threshold)) for name in COUNTS)
    questions = tuple(
        (label, question_share(share, whole, n, threshold)) for label, share in result.questions
    )
    return PublishedSurvey(result.year, whole, figures, questions)
