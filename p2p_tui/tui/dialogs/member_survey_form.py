"""Enter a year's Member Survey results: numbers only (counts of respondents, shares as %), never a
response; a further question is a short label with the share who agreed ("Felt supported=62")."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting import member_survey
from p2p_tui.services.reporting.member_survey import SurveyResult
from p2p_tui.tui.dialogs.form import FormDialog, field, service_rule

COUNT_FIELDS = (("respondents", "Respondents"), *member_survey.FIGURES.items())


def questions_text(result: SurveyResult | None) -> str:
    """The further questions as the form writes them: "Felt supported=62; Knew how=80"."""
    return "" if result is None else "; ".join(f"{label}={share}" for label, share in result.questions)


def parse_questions(text: str) -> tuple[tuple[str, int], ...]:
    """ "A=62; B=80" as ((A, 62), (B, 80)); empty parts are skipped."""
    return tuple(member_survey.parse_question(part) for part in text.split(";") if part.strip())


def _count(value: str) -> int:
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise ValidationError("count", "must be a whole number")
    return int(text)


class MemberSurveyDialog(FormDialog[SurveyResult]):
    """A year's Member Survey: respondents, aware, used, would use or recommend, further questions."""

    NOTE = (
        "Numbers only: how many answered, and how many of them said each thing. A further question is a "
        'short label and the percentage who agreed, e.g. "Felt supported=62; Knew how to reach it=80". '
        "The annual report withholds counts under the suppression threshold."
    )

    def __init__(self, year: int, found: SurveyResult | None = None) -> None:
        super().__init__()
        self.year = year
        self.found = found
        self.title_text = f"Member Survey results of {year}"

    def compose_fields(self) -> ComposeResult:
        for name, label in COUNT_FIELDS:
            value = "" if self.found is None else str(getattr(self.found, name))
            rule = service_rule(_count, "a whole number")
            yield from field(label, Input(value, id=name, placeholder="a count", validators=[rule]))
        yield from field(
            "Further questions",
            Input(
                questions_text(self.found),
                id="questions",
                placeholder="optional: Label=62; Label=80",
                validators=[service_rule(parse_questions, "Label=percent, separated by ;")],
            ),
        )

    def cross_problems(self) -> dict[str, str]:
        try:
            self.result()
        except ValidationError as exc:
            found = exc.field if exc.field in dict(COUNT_FIELDS) else "questions"
            return {found: exc.message}
        except ValueError:
            return {}  # a count not yet a number: its own validator says so
        return {}

    def result(self) -> SurveyResult:
        def count(name: str) -> int:
            return _count(self.query_one(f"#{name}", Input).value)

        try:
            counts = [count(name) for name, _ in COUNT_FIELDS]
        except ValidationError as exc:
            raise ValueError(exc.message) from None
        questions = parse_questions(self.query_one("#questions", Input).value)
        respondents, aware, used, recommend = counts
        return member_survey.clean(SurveyResult(self.year, respondents, aware, used, recommend, questions))
