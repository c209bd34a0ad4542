"""The annual report as Markdown, CSV (long format) and JSON; its PDF is `annual_pdf`.

Every format names the organisation, the program, the fiscal year and its months, when it was made,
each quarter's state ("to date (day N of M)", "not begun"), the suppression rule, the marks, and the
Member Survey of the year beside utilization.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from p2p_tui.services import common
from p2p_tui.services.reporting.annual import Annual, Row, Table
from p2p_tui.services.reporting.formats import DEIDENTIFIED, _md, md_table, table_csv
from p2p_tui.services.reporting.member_survey import FIGURES, PublishedSurvey
from p2p_tui.services.reporting.suppression import suppression_rule

TITLE = "Annual utilization report"
SURVEY_TITLE = "Member Survey"


def title(annual: Annual) -> str:
    """ "Annual utilization report: Fiscal year 2026–27 (April 2026 to March 2027), to date"."""
    return f"{TITLE}: {annual.heading}"


def byline(annual: Annual) -> str:
    head = annual.letterhead
    return f"{head.organisation} · {head.program} · made {head.made}"


def heads(annual: Annual) -> tuple[str, ...]:
    """The column heads: the figure, each quarter with its state, the year."""
    return ("Figure", *(c.heading for c in annual.columns), annual.year_head)


def cells(row: Row) -> tuple[str, ...]:
    return (row.label, *row.quarters, row.year)


def survey_rows(survey: PublishedSurvey) -> list[tuple[str, str, str]]:
    """The Member Survey as (figure, count, share) rows, withheld cells with their marks."""
    rows = [("Respondents", survey.respondents.text, "")]
    rows += [(FIGURES[name], p.part.text, p.share) for name, p in survey.figures]
    rows += [(common.printable(label), "", share) for label, share in survey.questions]
    return rows


def footnote_lines(annual: Annual) -> list[str]:
    return [f"{mark} {meaning}" for mark, meaning in annual.footnotes]


# -- Markdown -------------------------------------------------------------------------------------


def _md_section(annual: Annual, table: Table) -> list[str]:
    lines = [f"## {table.title}", ""]
    total = cells(table.total) if table.total else None
    lines += md_table(heads(annual), [cells(r) for r in table.rows], total)
    if table.note:
        lines += [f"_{_md(table.note)}_", ""]
    return lines


def to_markdown(annual: Annual) -> str:
    """The annual report as Markdown."""
    out = [f"# {title(annual)}", "", f"{byline(annual)}. {DEIDENTIFIED}", ""]
    out += [f"> **Small counts.** {_md(suppression_rule(annual.threshold))}", ""]
    out += _md_section(annual, annual.tables[0])
    out += [f"## {SURVEY_TITLE} {annual.fiscal_year.year} (beside utilization)", ""]
    if annual.member_survey is None:
        out += [f"No Member Survey results are recorded for {annual.fiscal_year.year}.", ""]
    else:
        out += md_table(("Question", "Count", "Share"), survey_rows(annual.member_survey))
    for table in annual.tables[1:]:
        out += _md_section(annual, table)
    out += ["## Notes", ""]
    out += [f"- {_md(note)}" for note in annual.notes]
    out += ["", "## Marks", ""]
    out += [f"- {_md(line)}" for line in footnote_lines(annual)]
    return "\n".join(out) + "\n"


# -- CSV (long format: section,label,period,value) -------------------------------------------------


def annual_rows(annual: Annual) -> Iterator[tuple[str, str, str, str]]:
    """Every figure as (section, label, period, value): the period is a quarter (2026Q2) or the year
    (FY2026); values as published, marks included."""
    head, fy = annual.letterhead, annual.fiscal_year
    yield from [
        ("report", "fiscal_year", fy.name, fy.label),
        ("report", "state", fy.name, annual.year_state),
        ("report", "organisation", "", head.organisation),
        ("report", "program", "", head.program),
        ("report", "made_at", "", head.made_at.isoformat(timespec="minutes")),
        ("report", "threshold", "", str(annual.threshold)),
        ("report", "suppression_rule", "", suppression_rule(annual.threshold)),
    ]
    yield from (("quarter", c.label, c.quarter, c.state) for c in annual.columns)
    for table in annual.tables:
        for row in [*table.rows, *([table.total] if table.total else [])]:
            yield from (
                (table.name, row.label, c.quarter, value)
                for c, value in zip(annual.columns, row.quarters, strict=True)
            )
            yield (table.name, row.label, fy.name, row.year)
    if annual.member_survey is not None:
        yield from (
            ("member_survey", f, fy.name, f"{n} ({s})" if s else n)
            for f, n, s in survey_rows(annual.member_survey)
        )
    yield from (("note", str(n), "", note) for n, note in enumerate(annual.notes, 1))
    yield from (("mark", mark, "", meaning) for mark, meaning in annual.footnotes)


def to_csv(annual: Annual) -> str:
    """The annual report in long format, `section,label,period,value`."""
    return table_csv(annual_rows(annual), ("section", "label", "period", "value"))


# -- JSON -----------------------------------------------------------------------------------------


def _row(annual: Annual, row: Row) -> dict[str, Any]:
    quarters = dict(zip((c.quarter for c in annual.columns), row.quarters, strict=True))
    return {"label": row.label, "quarters": quarters, "year": row.year}


def _survey(survey: PublishedSurvey) -> dict[str, Any]:
    return {
        "year": survey.year,
        "respondents": survey.respondents.text,
        "figures": {name: {"count": p.part.text, "share": p.share} for name, p in survey.figures},
        "questions": [{"label": label, "share": share} for label, share in survey.questions],
    }


def annual_dict(annual: Annual) -> dict[str, Any]:
    """The annual report as JSON-ready data (cells as published, marks included)."""
    head, fy = annual.letterhead, annual.fiscal_year
    return {
        "fiscal_year": fy.name,
        "label": fy.label,
        "start": fy.start.isoformat(),
        "end": fy.end.isoformat(),
        "state": annual.year_state or None,
        "organisation": head.organisation,
        "program": head.program,
        "made_at": head.made_at.isoformat(timespec="minutes"),
        "threshold": annual.threshold,
        "suppression_rule": suppression_rule(annual.threshold),
        "footnotes": dict(annual.footnotes),
        "quarters": [
            {"quarter": c.quarter, "label": c.label, "state": c.state or None} for c in annual.columns
        ],
        "tables": [
            {
                "name": t.name,
                "title": t.title,
                "rows": [_row(annual, r) for r in t.rows],
                "total": None if t.total is None else _row(annual, t.total),
            }
            for t in annual.tables
        ],
        "member_survey": None if annual.member_survey is None else _survey(annual.member_survey),
        "notes": list(annual.notes),
    }


def to_json(annual: Annual) -> str:
    """The annual report as JSON (controls escaped)."""
    return common.json_dumps(annual_dict(annual), indent=2) + "\n"
