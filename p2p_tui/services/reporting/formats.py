"""The quarterly summary as JSON, Markdown and CSV (long format), and the private file writer.

Every format names the organisation, the program, the period ("to date (day N of M)" while it runs)
and when it was made; states the suppression rule; and prints each withheld cell as published ("<5",
"—") with the mark of why, explained in the footnotes. The identifying honorarium statement is never
here: it is a document of its own (`statement`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from p2p_tui.services import common
from p2p_tui.services.reporting.csv_text import csv_text
from p2p_tui.services.reporting.quarterly import (
    STRESSOR_NOTE,
    Breakdown,
    Cell,
    Summary,
    suppression_rule,
)
from p2p_tui.services.reporting.standards import StandardFigure
from p2p_tui.services.reporting.suppression import MARKS, WHOLE, WITHHELD
from p2p_tui.vault import private_file

TITLE = "Quarterly utilization summary"
DEIDENTIFIED = "De-identified: computed from the utilization records and aggregates only."
TITLES = {
    "pathway": "Referrals by pathway",
    "source": "Referrals by source (who referred)",
    "stressor": "Referrals by stressor",
    "career_stage": "Referrals by career stage",
    "county": "Referrals by county of work",
    "outcome": "Referrals by outcome",
    "survey_duration": "Surveys by length of conversation",
    "encounters": "Encounters",
    "matched_to": "Referrals matched to",
    "check_in_result": "Wellbeing check-ins",
}
TOTALS = {  # what each breakdown's total counts
    "survey_duration": "Total surveys",
    "stressor": "Referrals (cases; rows count mentions)",
    "encounters": "Formal and informal together",
    "check_in_result": "Check-ins done",
}
TOTAL = "Total referrals (cases)"
LABELS = {
    "reach_in": "Reach-in",
    "reach_out": "Reach-out",
    "cpspei": "CPSPEI",
    "mspei": "MSPEI",
    "php": "Physician Health Program",
    "cmpa": "CMPA",
    "early": "Early career",
    "mid": "Mid career",
    "late": "Late career",
    "under_15": "Under 15 minutes",
    "15_30": "15 to 30 minutes",
    "30_60": "30 to 60 minutes",
    "over_60": "Over 60 minutes",
    "not_answered": "Length not answered",
    "no_conversation": "Conversation did not happen",
    "community_of_practice": "Community of Practice",
    "encounters": "Kind",
    "check_in_result": "Result",
    "formal": "Formal (referrals)",
    "informal": "Informal encounters",
    "program": "A program supporter",
    "other_province": "Outside: another province's program",
    "not_matched": "Not matched",
    "ok": "Doing well",
    "wants_break": "Wants a break",
    "wants_debrief": "Wants a debrief",
    "stepping_back": "Stepping back",
}
TIMING_HEAD = "Working days taken: median · 90th percentile"
STANDARD_HEADS = {
    "match": "Match",
    "first_contact": "First contact",
    "follow_up": "Follow-up",
    "survey": "Survey",
}


def label(value: str) -> str:
    """A reader's label for a vocabulary value (county names are kept as spelled, made printable)."""
    found = LABELS.get(value)
    if found is not None:
        return found
    text = common.printable(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def days(value: float | None) -> str:
    """Days as printed: "2", "2.5", or "—" (too few cases)."""
    return "—" if value is None else f"{value:g}"


def mean(value: float | None) -> str:
    """A mean on a 1 to 5 scale, one decimal, or "n/a"."""
    return "n/a" if value is None else f"{value:.1f}"


def money(value: float | Decimal) -> str:
    """Dollars and cents with thousands separators."""
    return f"${Decimal(str(value)):,.2f}"


def hours(value: float | Decimal) -> str:
    """Hours without needless decimals."""
    return f"{Decimal(str(value)).normalize():f}"


def title(summary: Summary) -> str:
    """ "Quarterly utilization summary: Oct–Dec 2026, to date (day 49 of 92) (2026Q4)"."""
    return f"{TITLE}: {summary.heading} ({summary.quarter})"


def byline(summary: Summary) -> str:
    """The organisation, the program, and when the summary was made."""
    head = summary.letterhead
    return f"{head.organisation} · {head.program} · made {head.made}"


def met_text(figure: StandardFigure) -> str:
    """ "26 of 30 (87%)", withheld cells with their marks."""
    return f"{figure.met.text} of {figure.base.text} ({figure.share})"


def timing_text(figure: StandardFigure) -> str:
    """ "1 · 2": the median and 90th percentile of working days taken, or "—" (too few cases; "—‡"
    when withheld with the row)."""
    if figure.timings_withheld:
        return WITHHELD + MARKS[WHOLE]
    if figure.median is None:
        return "— (too few cases)"
    return f"{days(figure.median)} · {days(figure.p90)}"


def follow_up_text(summary: Summary) -> str:
    """Follow-up check-ins done, "12 of 15 (80%)"."""
    return summary.follow_up_completion.text


def key_figures(summary: Summary) -> list[tuple[str, str]]:
    """The headline figures as (label, shown value), shared by Markdown and PDF."""
    return [
        ("Referrals received", summary.referrals.text),
        (f"Referrals per 100 physicians served ({summary.physicians_served:,})", summary.per_100),
        ("Follow-up check-ins done, of cases with a first contact", follow_up_text(summary)),
        ("Referred on to the Physician Health Program", summary.php_referrals.text),
        ("Safety escalations", summary.safety_escalations.text),
        ("Declined by the physician", summary.declined.text),
        ("of which: no consent to be contacted", summary.no_consent.text),
    ]


def standard_figures(summary: Summary) -> list[tuple[str, str, str]]:
    """Each standard as (what it is, met of base with the share, the working days taken)."""
    return [(f.label, met_text(f), timing_text(f)) for f in summary.standards]


def supporter_figures(summary: Summary) -> list[tuple[str, str]]:
    """Supporter activity in aggregate (not about the referred physicians: not suppressed)."""
    return [
        ("Supporters who had a conversation", str(summary.supporters_active)),
        ("Supporters holding a case", str(summary.supporters_with_cases)),
        ("Conversations recorded", str(summary.contacts)),
    ]


def training_figures(summary: Summary) -> list[tuple[str, str]]:
    """Attended training hours by kind and the honoraria total."""
    rows = [(f"{label(kind)} hours", hours(value)) for kind, value in summary.training_hours.items()]
    return [*rows, ("Honoraria in total", money(summary.honoraria_total))]


def survey_figures(summary: Summary) -> list[tuple[str, str]]:
    """The survey aggregates."""
    s = summary.survey
    return [
        ("Surveys submitted in the quarter", s.count.text),
        ("Conversation happened", s.conversation_share),
        ("Mean peer helpfulness (1 to 5)", mean(s.mean_helpfulness)),
        ("Mean supporter distress (1 to 5)", mean(s.mean_distress)),
        ("Supporters wanting a debrief", s.debriefs_wanted.text),
    ]


def tables(summary: Summary) -> list[Breakdown]:
    """Every breakdown, the survey's and the encounters', outside matches' and check-ins' included."""
    return [*summary.breakdowns, summary.survey.durations, *peer_tables(summary)]


def peer_tables(summary: Summary) -> tuple[Breakdown, ...]:
    """Encounters, matches by whom, check-ins (none for a summary made without them)."""
    return summary.peers.tables if summary.peers is not None else ()


def total_label(table: Breakdown) -> str:
    """What a breakdown's total counts: referrals (cases), or surveys."""
    return TOTALS.get(table.name, TOTAL)


def footnote_lines(summary: Summary) -> list[str]:
    """ "* fewer than 5 (a count from 1 to 4)", one per mark."""
    return [f"{mark} {meaning}" for mark, meaning in summary.footnotes]


# -- JSON -----------------------------------------------------------------------------------------


def _cell(cell: Cell) -> dict[str, Any]:
    return {"value": cell.value, "shown": cell.shown, "withheld_because": cell.reason or None}


def _breakdown(table: Breakdown) -> dict[str, Any]:
    return {
        "name": table.name,
        "rows": [{"label": name, **_cell(cell)} for name, cell in table.rows],
        "total": _cell(table.total),
        "total_counts": "mentions" if table.overlapping else "cases",
    }


def _standard(f: StandardFigure) -> dict[str, Any]:
    return {
        "name": f.name,
        "label": f.label,
        "met": _cell(f.met),
        "of": _cell(f.base),
        "percent": f.share,
        "working_days_taken": {"median": f.median, "p90": f.p90, "withheld": f.timings_withheld},
    }


def summary_dict(summary: Summary) -> dict[str, Any]:
    """The summary as plain JSON-ready data."""
    follow = summary.follow_up_completion
    s = summary.survey
    head = summary.letterhead
    return {
        "quarter": summary.quarter,
        "label": summary.label,
        "to_date": summary.to_date,
        "heading": summary.heading,
        "organisation": head.organisation,
        "program": head.program,
        "made_at": head.made_at.isoformat(timespec="minutes"),
        "threshold": summary.threshold,
        "suppression_rule": suppression_rule(summary.threshold),
        "footnotes": {mark: meaning for mark, meaning in summary.footnotes},
        "empty": summary.empty,
        "referrals": _cell(summary.referrals),
        "referrals_per_100_physicians": summary.per_100,
        "physicians_served": summary.physicians_served,
        "breakdowns": [_breakdown(table) for table in summary.breakdowns],
        "standards": [_standard(f) for f in summary.standards],
        "follow_up_completion": {
            "done": _cell(follow.part),
            "of": _cell(follow.whole),
            "percent": follow.share,
        },  # fmt: skip
        "php_referrals": _cell(summary.php_referrals),
        "safety_escalations": _cell(summary.safety_escalations),
        "declined": _cell(summary.declined),
        "no_consent": _cell(summary.no_consent),
        "supporter_activity": {
            "supporters_active": summary.supporters_active,
            "supporters_with_cases": summary.supporters_with_cases,
            "contacts": summary.contacts,
        },
        "training_hours": summary.training_hours,
        "honoraria_total": summary.honoraria_total,
        "survey": {
            "count": _cell(s.count),
            "conversation_share": s.conversation_share,
            "durations": _breakdown(s.durations),
            "mean_helpfulness": None if s.mean_helpfulness is None else round(s.mean_helpfulness, 2),
            "mean_distress": None if s.mean_distress is None else round(s.mean_distress, 2),
            "debriefs_wanted": _cell(s.debriefs_wanted),
        },
        "trend": [
            {
                "quarter": p.quarter,
                "label": p.label,
                "to_date": p.to_date,
                "referrals": _cell(p.referrals),
                "median_working_days_to_match": p.median_days_to_match,
                "standards_met": dict(
                    zip([f.name for f in summary.standards], p.standards_met, strict=False)
                ),
            }
            for p in summary.trend
        ],
        "notes": list(summary.notes),
        "encounters_matches_check_ins": [_breakdown(table) for table in peer_tables(summary)],
    }


def to_json(summary: Summary) -> str:
    """The summary as JSON (controls escaped: `common.json_dumps`)."""
    return common.json_dumps(summary_dict(summary), indent=2) + "\n"


# -- Markdown -------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell (and printable: no control character reaches a terminal)."""
    return common.printable(text).replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")


def md_table(
    head: Sequence[str], rows: Sequence[Sequence[str]], total: Sequence[str] | None = None
) -> list[str]:
    """A Markdown table: the first column left, the others right-aligned; `total` in bold."""
    lines = ["| " + " | ".join(_md(h) for h in head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    if total is not None:
        lines.append("| " + " | ".join(f"**{_md(c)}**" if c else "" for c in total) + " |")
    return [*lines, ""]


UNITS = {"survey_duration": "Surveys", "encounters": "Encounters", "check_in_result": "Check-ins"}


def _md_breakdown(table: Breakdown) -> list[str]:
    unit = UNITS.get(table.name, "Referrals")
    rows = [(label(name), cell.text) for name, cell in table.rows]
    lines = [f"### {TITLES.get(table.name, label(table.name))}", ""]
    lines += md_table((label(table.name), unit), rows, (total_label(table), table.total.text))
    if table.overlapping:
        lines += [f"_{STRESSOR_NOTE}_", ""]
    return lines


def trend_rows(summary: Summary) -> list[tuple[str, ...]]:
    """The trend as rows: quarter, referrals, median working days to match, each standard's share
    ("none" for a quarter without referrals, so it does not read as withheld)."""
    return [
        (
            f"{p.heading} ({p.quarter})",
            p.referrals.text,
            "none" if p.referrals.value == 0 else days(p.median_days_to_match),
            *p.standards_met,
        )
        for p in summary.trend
    ]


def trend_head(summary: Summary) -> tuple[str, ...]:
    """The trend's column heads."""
    heads = [f"{STANDARD_HEADS.get(f.name, f.name)} met" for f in summary.standards]
    return ("Quarter", "Referrals", "Median working days to match", *heads)


TREND_NOTE = "Each standard's column is the share of cases that met it."


def to_markdown(summary: Summary) -> str:
    """The summary as Markdown."""
    out = [f"# {title(summary)}", "", f"{byline(summary)}. {DEIDENTIFIED}", ""]
    out += [f"> **Small counts.** {_md(suppression_rule(summary.threshold))}", ""]
    if summary.empty:
        out += ["**No referrals this quarter.**", ""]
    out += ["## Referrals and outcomes", ""]
    out += md_table(("Figure", "Value"), key_figures(summary))
    out += ["## Standards met (working days)", ""]
    out += md_table(("Standard", "Met", TIMING_HEAD), standard_figures(summary))
    for table in summary.breakdowns:
        out += _md_breakdown(table)
    out += ["## Supporter activity (in aggregate)", ""]
    out += md_table(("Figure", "Count"), supporter_figures(summary))
    out += ["## Training and honoraria (totals)", ""]
    out += md_table(("Figure", "Value"), training_figures(summary))
    out += ["## Supporter survey", ""]
    out += md_table(("Figure", "Value"), survey_figures(summary))
    out += _md_breakdown(summary.survey.durations)
    if summary.peers is not None:
        out += ["## Encounters, outside matches and supporters' check-ins (in aggregate)", ""]
        for table in summary.peers.tables:
            out += _md_breakdown(table)
    out += ["## Trend", ""]
    out += md_table(trend_head(summary), trend_rows(summary))
    out += ["## Notes", ""]
    out += [f"- {_md(note)}" for note in summary.notes]
    out += ["", "## Marks", ""]
    out += [f"- {_md(line)}" for line in footnote_lines(summary)]
    return "\n".join(out) + "\n"


# -- CSV (long format: section,label,value) ------------------------------------------------------


def summary_rows(summary: Summary) -> Iterator[tuple[str, str, str]]:
    """Every figure as (section, label, value), values as published, marks included."""
    head = summary.letterhead
    yield from [("summary", "quarter", summary.quarter), ("summary", "label", summary.label)]
    yield ("summary", "to_date", summary.to_date or "")
    yield from [("summary", "organisation", head.organisation), ("summary", "program", head.program)]
    yield ("summary", "made_at", head.made_at.isoformat(timespec="minutes"))
    yield ("summary", "threshold", str(summary.threshold))
    yield ("summary", "suppression_rule", suppression_rule(summary.threshold))
    yield ("summary", "empty", "yes" if summary.empty else "no")
    yield ("referrals", "total", summary.referrals.text)
    yield ("referrals", "per_100_physicians", summary.per_100)
    yield ("referrals", "physicians_served", str(summary.physicians_served))
    for table in tables(summary):
        yield from ((table.name, name, cell.text) for name, cell in table.rows)
        yield (table.name, "total_mentions_not_shown" if table.overlapping else "total", table.total.text)
    for f in summary.standards:
        yield from [(f"standard_{f.name}", "met", f.met.text), (f"standard_{f.name}", "of", f.base.text)]
        yield (f"standard_{f.name}", "percent", f.share)
        withheld = WITHHELD + MARKS[WHOLE] if f.timings_withheld else None
        yield (f"standard_{f.name}", "median_working_days", withheld or days(f.median))
        yield (f"standard_{f.name}", "p90_working_days", withheld or days(f.p90))
    follow = summary.follow_up_completion
    yield from [
        ("follow_up", "done", follow.part.text),
        ("follow_up", "with_first_contact", follow.whole.text),
    ]
    yield ("follow_up", "percent", follow.share)
    yield ("php", "referrals", summary.php_referrals.text)
    yield ("safety", "escalations", summary.safety_escalations.text)
    yield from [
        ("declined", "total", summary.declined.text),
        ("declined", "no_consent", summary.no_consent.text),
    ]
    yield ("supporters", "active", str(summary.supporters_active))
    yield ("supporters", "with_cases", str(summary.supporters_with_cases))
    yield ("supporters", "contacts", str(summary.contacts))
    yield from (("training_hours", kind, hours(v)) for kind, v in summary.training_hours.items())
    yield ("honoraria", "total", f"{Decimal(str(summary.honoraria_total)):.2f}")
    s = summary.survey
    yield from [("survey", "count", s.count.text), ("survey", "conversation_share", s.conversation_share)]
    yield from [("survey", "mean_helpfulness", mean(s.mean_helpfulness))]
    yield from [("survey", "mean_distress", mean(s.mean_distress))]
    yield ("survey", "debriefs_wanted", s.debriefs_wanted.text)
    names = [f.name for f in summary.standards]
    for p in summary.trend:
        yield ("trend_referrals", p.quarter, p.referrals.text)
        yield ("trend_median_working_days_to_match", p.quarter, days(p.median_days_to_match))
        yield from (
            (f"trend_{name}_met", p.quarter, met) for name, met in zip(names, p.standards_met, strict=False)
        )
        if p.to_date:
            yield ("trend_to_date", p.quarter, p.to_date)
    yield from (("note", str(n), note) for n, note in enumerate(summary.notes, 1))
    yield from (("mark", mark, meaning) for mark, meaning in summary.footnotes)


# A spreadsheet reads a cell starting with one of these as a formula: such a cell is prefixed with "'".


def table_csv(rows: Iterator[tuple[str, ...]], head: tuple[str, ...] = ("section", "label", "value")) -> str:
    """Rows as CSV text under `head`, through the one CSV writer (`reporting/csv_text.py`)."""
    return csv_text(head, rows)


def to_csv(summary: Summary) -> str:
    """The summary in long format, `section,label,value`."""
    return table_csv(summary_rows(summary))


# -- files ----------------------------------------------------------------------------------------


def write_private(path: Path, data: bytes, *, vault: Path | None) -> None:
    """Write `data` to `path` atomically, mode 0600 (the caller decided it may be replaced); never over
    or beside `vault`, the vault the command works on (private_file.check_output)."""
    private_file.write_private(path, data, overwrite=True, vault=vault)
