"""The quarterly summary as JSON, Markdown and CSV (long format), and the private file writer.

Every format states the suppression rule and prints suppressed cells as published ("<5", "—"). The
identifying honorarium statement is printed only when passed in, under its own heading: "Identifying:
for payment only".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from p2p_tui.services import common
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting.csv_text import csv_text
from p2p_tui.services.reporting.quarterly import (
    STRESSOR_NOTE,
    Breakdown,
    Cell,
    Summary,
    suppression_rule,
)
from p2p_tui.vault import private_file

IDENTIFYING = "Identifying: for payment only"
TITLE = "Quarterly utilization summary"
PROGRAM = "Physician Peer-to-Peer Support Program"
DEIDENTIFIED = "De-identified: computed from the utilization records and aggregates only."
TITLES = {
    "pathway": "Referrals by pathway",
    "source": "Referrals by source",
    "stressor": "Referrals by stressor",
    "career_stage": "Referrals by career stage",
    "county": "Referrals by county of work",
    "outcome": "Referrals by outcome",
    "survey_duration": "Surveys by length of conversation",
}
LABELS = {
    "reach_in": "Reach-in",
    "reach_out": "Reach-out",
    "cpspei": "CPSPEI",
    "mspei": "MSPEI",
    "php": "PHP",
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
}


def label(value: str) -> str:
    """A reader's label for a vocabulary value (county names are kept as spelled, made printable)."""
    found = LABELS.get(value)
    if found is not None:
        return found
    text = common.printable(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def days(value: float | None) -> str:
    """Days as printed: "2", "2.5", or "n/a"."""
    return "n/a" if value is None else f"{value:g}"


def mean(value: float | None) -> str:
    """A mean on a 1 to 5 scale, one decimal, or "n/a"."""
    return "n/a" if value is None else f"{value:.1f}"


def money(value: float | Decimal) -> str:
    """Dollars and cents with thousands separators."""
    return f"${Decimal(str(value)):,.2f}"


def hours(value: float | Decimal) -> str:
    """Hours without needless decimals."""
    return f"{Decimal(str(value)).normalize():f}"


def follow_up_text(summary: Summary) -> str:
    """Follow-up check-ins done, "12 of 15 (80%)"."""
    done, base, share = summary.follow_up_completion
    return f"{done.shown} of {base.shown} ({share})"


def key_figures(summary: Summary) -> list[tuple[str, str]]:
    """The headline figures as (label, shown value), shared by Markdown and PDF."""
    return [
        ("Referrals received", summary.referrals.shown),
        ("Days to match: median / 90th percentile", " / ".join(days(v) for v in summary.days_to_match)),
        (
            "Days to first contact: median / 90th percentile",
            " / ".join(days(v) for v in summary.days_to_first_contact),
        ),
        ("Follow-up check-ins done, of cases with a first contact", follow_up_text(summary)),
        ("Referred to the Physician Health Program", summary.php_referrals.shown),
        ("Safety escalations", summary.safety_escalations.shown),
    ]


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
        ("Surveys submitted in the quarter", s.count.shown),
        ("Conversation happened", s.conversation_share),
        ("Mean peer helpfulness (1 to 5)", mean(s.mean_helpfulness)),
        ("Mean supporter distress (1 to 5)", mean(s.mean_distress)),
        ("Supporters wanting a debrief", s.debriefs_wanted.shown),
    ]


def tables(summary: Summary) -> list[Breakdown]:
    """Every breakdown, the survey's included."""
    return [*summary.breakdowns, summary.survey.durations]


def statement_totals(lines: Sequence[HonorariumLine]) -> tuple[Decimal, Decimal]:
    """Total hours and amount of a statement, exactly."""
    total_hours = sum((Decimal(str(line.hours)) for line in lines), Decimal(0))
    total_amount = sum((Decimal(str(line.amount)) for line in lines), Decimal(0))
    return total_hours, total_amount


# -- JSON -----------------------------------------------------------------------------------------


def _cell(cell: Cell) -> dict[str, Any]:
    return {"value": cell.value, "shown": cell.shown}


def _breakdown(table: Breakdown) -> dict[str, Any]:
    return {
        "name": table.name,
        "rows": [{"label": name, **_cell(cell)} for name, cell in table.rows],
        "total": _cell(table.total),
    }


def summary_dict(summary: Summary) -> dict[str, Any]:
    """The summary as plain JSON-ready data."""
    done, base, share = summary.follow_up_completion
    s = summary.survey
    return {
        "quarter": summary.quarter,
        "label": summary.label,
        "threshold": summary.threshold,
        "suppression_rule": suppression_rule(summary.threshold),
        "empty": summary.empty,
        "referrals": _cell(summary.referrals),
        "breakdowns": [_breakdown(table) for table in summary.breakdowns],
        "days_to_match": dict(zip(("median", "p90"), summary.days_to_match, strict=True)),
        "days_to_first_contact": dict(zip(("median", "p90"), summary.days_to_first_contact, strict=True)),
        "follow_up_completion": {"done": _cell(done), "of": _cell(base), "percent": share},
        "php_referrals": _cell(summary.php_referrals),
        "safety_escalations": _cell(summary.safety_escalations),
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
                "referrals": _cell(p.referrals),
                "median_days_to_match": p.median_days_to_match,
            }
            for p in summary.trend
        ],
        "notes": list(summary.notes),
    }


def statement_dict(lines: Sequence[HonorariumLine]) -> dict[str, Any]:
    """The honorarium statement as JSON-ready data, marked identifying."""
    total_hours, total_amount = statement_totals(lines)
    return {
        "notice": IDENTIFYING,
        "lines": [{"name": line.name, "hours": line.hours, "amount": line.amount} for line in lines],
        "total_hours": float(total_hours),
        "total_amount": float(total_amount),
    }


def to_json(summary: Summary, honoraria: Sequence[HonorariumLine] | None = None) -> str:
    """The summary as JSON (with the identifying statement under its own key only when given)."""
    data = summary_dict(summary)
    if honoraria is not None:
        data["honorarium_statement"] = statement_dict(honoraria)
    return common.json_dumps(data, indent=2) + "\n"


# -- Markdown -------------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell (and printable: no control character reaches a terminal)."""
    return common.printable(text).replace("\\", "\\\\").replace("|", "\\|")


def _md_table(
    head: tuple[str, str], rows: list[tuple[str, str]], total: tuple[str, str] | None = None
) -> list[str]:
    lines = [f"| {head[0]} | {head[1]} |", "|---|---:|"]
    lines += [f"| {_md(a)} | {_md(b)} |" for a, b in rows]
    if total is not None:
        lines.append(f"| **{_md(total[0])}** | **{_md(total[1])}** |")
    return [*lines, ""]


def _md_breakdown(table: Breakdown) -> list[str]:
    unit = "Surveys" if table.name == "survey_duration" else "Referrals"
    rows = [(label(name), cell.shown) for name, cell in table.rows]
    lines = [f"### {TITLES.get(table.name, label(table.name))}", ""]
    lines += _md_table((label(table.name), unit), rows, ("Total", table.total.shown))
    if table.name == "stressor":
        lines += [f"_{STRESSOR_NOTE}_", ""]
    return lines


def to_markdown(summary: Summary, honoraria: Sequence[HonorariumLine] | None = None) -> str:
    """The summary as Markdown (the identifying statement follows, apart, only when given)."""
    out = [f"# {TITLE}: {summary.label} ({summary.quarter})", "", f"{PROGRAM}. {DEIDENTIFIED}", ""]
    out += [f"> **Small counts.** {_md(suppression_rule(summary.threshold))}", ""]
    if summary.empty:
        out += ["**No referrals this quarter.**", ""]
    out += ["## Referrals and times", ""]
    out += _md_table(("Figure", "Value"), key_figures(summary))
    for table in summary.breakdowns:
        out += _md_breakdown(table)
    out += ["## Supporter activity (in aggregate)", ""]
    out += _md_table(("Figure", "Count"), supporter_figures(summary))
    out += ["## Training and honoraria (totals)", ""]
    out += _md_table(("Figure", "Value"), training_figures(summary))
    out += ["## Supporter survey", ""]
    out += _md_table(("Figure", "Value"), survey_figures(summary))
    out += _md_breakdown(summary.survey.durations)
    out += ["## Trend", "", "| Quarter | Referrals | Median days to match |", "|---|---:|---:|"]
    for p in summary.trend:
        out.append(f"| {p.label} ({p.quarter}) | {_md(p.referrals.shown)} | {days(p.median_days_to_match)} |")
    out += ["", "## Notes", ""]
    out += [f"- {_md(note)}" for note in summary.notes]
    text = "\n".join(out) + "\n"
    if honoraria is not None:
        text += "\n---\n\n" + statement_to_markdown(honoraria, summary.quarter, summary.label)
    return text


def statement_to_markdown(lines: Sequence[HonorariumLine], quarter: str, period: str) -> str:
    """The honorarium statement (IDENTIFYING) as Markdown, titled as such."""
    out = [f"# {IDENTIFYING} — honorarium statement, {period} ({quarter})", ""]
    out += [f"> **{IDENTIFYING}.** It names supporters; keep it apart from the summary.", ""]
    if not lines:
        return "\n".join([*out, "No training attendance this quarter.", ""])
    out += ["| Supporter | Hours | Amount |", "|---|---:|---:|"]
    out += [f"| {_md(line.name)} | {hours(line.hours)} | {money(line.amount)} |" for line in lines]
    total_hours, total_amount = statement_totals(lines)
    out.append(f"| **Total** | **{hours(total_hours)}** | **{money(total_amount)}** |")
    return "\n".join(out) + "\n"


# -- CSV (long format: section,label,value) ------------------------------------------------------


def summary_rows(summary: Summary) -> Iterator[tuple[str, str, str]]:
    """Every figure as (section, label, value), values as published."""
    yield from [("summary", "quarter", summary.quarter), ("summary", "label", summary.label)]
    yield ("summary", "threshold", str(summary.threshold))
    yield ("summary", "suppression_rule", suppression_rule(summary.threshold))
    yield ("summary", "empty", "yes" if summary.empty else "no")
    yield ("referrals", "total", summary.referrals.shown)
    for table in tables(summary):
        yield from ((table.name, name, cell.shown) for name, cell in table.rows)
        yield (table.name, "total", table.total.shown)
    for section, pair in (
        ("days_to_match", summary.days_to_match),
        ("days_to_first_contact", summary.days_to_first_contact),
    ):
        yield from [(section, "median", days(pair[0])), (section, "p90", days(pair[1]))]
    done, base, share = summary.follow_up_completion
    yield from [("follow_up", "done", done.shown), ("follow_up", "with_first_contact", base.shown)]
    yield ("follow_up", "percent", share)
    yield ("php", "referrals", summary.php_referrals.shown)
    yield ("safety", "escalations", summary.safety_escalations.shown)
    yield ("supporters", "active", str(summary.supporters_active))
    yield ("supporters", "with_cases", str(summary.supporters_with_cases))
    yield ("supporters", "contacts", str(summary.contacts))
    yield from (("training_hours", kind, hours(v)) for kind, v in summary.training_hours.items())
    yield ("honoraria", "total", f"{Decimal(str(summary.honoraria_total)):.2f}")
    s = summary.survey
    yield from [("survey", "count", s.count.shown), ("survey", "conversation_share", s.conversation_share)]
    yield from [("survey", "mean_helpfulness", mean(s.mean_helpfulness))]
    yield from [("survey", "mean_distress", mean(s.mean_distress))]
    yield ("survey", "debriefs_wanted", s.debriefs_wanted.shown)
    for p in summary.trend:
        yield ("trend_referrals", p.quarter, p.referrals.shown)
        yield ("trend_median_days_to_match", p.quarter, days(p.median_days_to_match))
    yield from (("note", str(n), note) for n, note in enumerate(summary.notes, 1))


def statement_rows(lines: Sequence[HonorariumLine]) -> Iterator[tuple[str, str, str]]:
    """The honorarium statement (IDENTIFYING) as (section, label, value) rows."""
    yield ("honorarium_statement", "notice", IDENTIFYING)
    for line in lines:
        yield ("honorarium_hours", line.name, hours(line.hours))
        yield ("honorarium_amount", line.name, f"{Decimal(str(line.amount)):.2f}")
    total_hours, total_amount = statement_totals(lines)
    yield from [("honorarium_hours", "total", hours(total_hours))]
    yield ("honorarium_amount", "total", f"{total_amount:.2f}")


def _csv(rows: Iterator[tuple[str, str, str]]) -> str:
    return csv_text(("section", "label", "value"), rows)


def to_csv(summary: Summary, honoraria: Sequence[HonorariumLine] | None = None) -> str:
    """The summary in long format, `section,label,value` (statement rows last, only when given)."""
    if honoraria is None:
        return _csv(summary_rows(summary))
    return _csv(iter([*summary_rows(summary), *statement_rows(honoraria)]))


# -- files ----------------------------------------------------------------------------------------


def write_private(path: Path, data: bytes, *, vault: Path | None) -> None:
    """Write `data` to `path` atomically, mode 0600 (the caller decided it may be replaced); never over
    or beside `vault`, the vault the command works on (private_file.check_output)."""
    private_file.write_private(path, data, overwrite=True, vault=vault)
