"""The summary's formats: Markdown, CSV (long), JSON and PDF say the same, state the rule, and carry
no identifying value; the honorarium statement appears, titled as identifying, only when asked."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import quarterly
from p2p_tui.services.reporting import render as reporting
from p2p_tui.services.reporting.formats import (
    IDENTIFYING,
    statement_rows,
    statement_to_markdown,
    to_csv,
    to_json,
    to_markdown,
    write_private,
)
from p2p_tui.services.reporting.pdf import latin1, render
from p2p_tui.services.reporting.quarterly import Summary, summarize
from p2p_tui.store import Store
from tests.unit.test_reports import (
    add_activity,
    ensure_utilization,
    other_rows,
    q3_rows,
    row,
    set_utilization,
)

INSERT_IF_MISSING = f"INSERT OR IGNORE INTO utilization VALUES ({', '.join('?' * 16)})"  # noqa: S608
RULE = 'Counts from 1 to 4 are shown as "<5"'
SUPPORTERS = ("Ada Quillfeather", "Benedikt Marrowgate", "ada.quill@example.org")


@pytest.fixture
def golden(store: Store) -> tuple[Summary, list[HonorariumLine]]:
    add_activity(store)
    set_utilization(store, q3_rows() + other_rows())
    with store.lock:
        return summarize("2026Q3"), quarterly.honorarium_statement("2026Q3")


def csv_rows(text: str) -> list[tuple[str, str, str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "label", "value"]
    assert all(len(r) == 3 for r in rows)
    return [(a, b, c) for a, b, c in rows[1:]]


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def test_markdown_states_the_rule_and_every_figure(golden: tuple[Summary, list[HonorariumLine]]) -> None:
    summary, _ = golden
    text = to_markdown(summary)
    assert text.startswith("# Quarterly utilization summary: Jul–Sep 2026 (2026Q3)\n")
    assert RULE in text
    for line in (
        "| Referrals received | 30 |",
        "| Days to match: median / 90th percentile | 1 / 5 |",
        "| Days to first contact: median / 90th percentile | 2.5 / 4 |",
        "| Follow-up check-ins done, of cases with a first contact | 18 of 24 (75%) |",
        "| Referred to the Physician Health Program | <5 |",
        "| PHP | <5 |",
        "| Leadership | — |",
        "| Prince | — |",
        "| Honoraria in total | $690.00 |",
        "| Conversation happened | 67% |",
        "| Jan–Mar 2026 (2026Q1) | <5 | n/a |",
        "| Jul–Sep 2026 (2026Q3) | 30 | 1 |",
    ):
        assert line in text.splitlines(), line
    assert "counts once for each of its stressors" in text
    assert reporting.render(summary, "md") == text.encode()  # the one entry point gives the same
    assert IDENTIFYING not in text and not any(name in text for name in SUPPORTERS)


def test_csv_is_long_format_with_the_published_values(golden: tuple[Summary, list[HonorariumLine]]) -> None:
    summary, _ = golden
    rows = csv_rows(to_csv(summary))
    found = {(section, label): value for section, label, value in rows}
    assert found[("summary", "quarter")] == "2026Q3"
    assert found[("summary", "suppression_rule")].startswith(RULE)
    assert found[("referrals", "total")] == "30"
    assert found[("source", "php")] == "<5" and found[("source", "leadership")] == "—"
    assert found[("stressor", "total")] == "30"
    assert found[("days_to_first_contact", "median")] == "2.5"
    assert found[("follow_up", "percent")] == "75%"
    assert found[("honoraria", "total")] == "690.00"
    assert found[("survey_duration", "no_conversation")] == "5"
    assert found[("trend_referrals", "2026Q1")] == "<5"
    assert found[("trend_median_days_to_match", "2026Q2")] == "2.5"
    assert len(rows) == len(found)  # no (section, label) twice
    assert reporting.render(summary, "csv") == to_csv(summary).encode()


def test_json_carries_values_and_marks(golden: tuple[Summary, list[HonorariumLine]]) -> None:
    summary, _ = golden
    data = json.loads(to_json(summary))
    assert (data["quarter"], data["threshold"], data["empty"]) == ("2026Q3", 5, False)
    assert data["suppression_rule"].startswith(RULE)
    assert data["referrals"] == {"value": 30, "shown": "30"}
    source = next(b for b in data["breakdowns"] if b["name"] == "source")
    assert {"label": "php", "value": None, "shown": "<5"} in source["rows"]
    assert data["days_to_match"] == {"median": 1.0, "p90": 5.0}
    assert data["follow_up_completion"]["percent"] == "75%"
    assert data["supporter_activity"] == {"supporters_active": 3, "supporters_with_cases": 3, "contacts": 7}
    assert data["survey"]["mean_helpfulness"] == 4.3
    assert [p["quarter"] for p in data["trend"]] == ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert "honorarium_statement" not in data
    assert json.loads(reporting.render(summary, "json")) == data


def test_the_pdf_is_a_short_board_report(
    golden: tuple[Summary, list[HonorariumLine]], tmp_path: Path
) -> None:
    summary, _ = golden
    data = render(summary, compress=False)
    assert data.startswith(b"%PDF")
    assert 1 <= pdf_pages(data) <= 3
    for text in (
        b"Quarterly utilization summary",
        b"Jul-Sep 2026",  # "–" made latin-1
        b'are shown as "<5"',
        b"Referrals by source",  # (parentheses are escaped in PDF strings)
        b"Trend: referrals per quarter",
        b"Referrals by county of work",
        b"$690.00",
    ):
        assert text in data, text
    assert "—".encode() not in data
    out = tmp_path / "out"
    out.mkdir()
    write_private(out / "summary.pdf", reporting.render(summary, "pdf"))
    assert (out / "summary.pdf").read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE((out / "summary.pdf").stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == ["summary.pdf"]  # no temp file left


def test_an_empty_quarter_says_so_in_every_format(store: Store) -> None:
    with store.atomic():
        ensure_utilization(store.db.raw())
    with store.lock:
        summary = summarize("2026Q3")
    assert summary.empty
    assert "**No referrals this quarter.**" in to_markdown(summary)
    rows = csv_rows(to_csv(summary))
    assert ("summary", "empty", "yes") in rows and any(v == "No referrals this quarter." for *_, v in rows)
    data = json.loads(to_json(summary))
    assert data["empty"] is True and "No referrals this quarter." in data["notes"]
    pdf = render(summary, compress=False)
    assert pdf.startswith(b"%PDF") and b"No referrals this quarter." in pdf and pdf_pages(pdf) <= 3


def test_no_identifying_value_in_any_export(store: Store, tmp_path: Path) -> None:
    """Referred physicians and supporters with known names, emails and phones: none of them in any
    format; supporters appear only in the honorarium statement, asked for (the positive control)."""
    people = [
        ("Zebulon Quartermaine", "zq.secret@example.org", "902-555-0199"),
        ("Philippa Oddington", "p.oddington@example.org", "902-555-0142"),
        ("Marguerite Vanterpool", "mvp@example.org", "902-555-0117"),
    ]
    with store.atomic():
        add_activity(store)
        ids = []
        for n, (name, email, phone) in enumerate(people * 2):
            physician = PhysicianInput(
                name=name, career_stage="late", county="Queens", email=email, phone=phone
            )
            referral = create_referral(
                ReferralInput(physician, f"2026-07-0{n + 1}", "reach_in", "self", ("burnout",)),
                on=date(2026, 10, 1),
            )
            ids.append(referral.id)
        lifecycle.set_php_referred(ids[0], True)
        conn = store.db.raw()
        ensure_utilization(conn)  # (made and kept by m0004's triggers where it has landed)
        for rid in ids:
            values = row(rid, "2026-07", career_stage="late", county="Queens")
            conn.execute(INSERT_IF_MISSING, values)
    with store.lock:
        summary = summarize("2026Q3")
        lines = quarterly.honorarium_statement("2026Q3")
    assert summary.referrals.value is not None and summary.referrals.value >= 6
    identifying = [value for person in people for value in person] + [*SUPPORTERS]
    exports = {
        "md": to_markdown(summary).encode(),
        "csv": to_csv(summary).encode(),
        "json": to_json(summary).encode(),
        "pdf": render(summary, compress=False),
    }
    for fmt, data in exports.items():
        for value in identifying:
            assert value.encode() not in data, (fmt, value)
    asked = {
        "md": to_markdown(summary, lines).encode(),
        "csv": to_csv(summary, lines).encode(),
        "json": to_json(summary, lines).encode(),
        "pdf": render(summary, lines, compress=False),
    }
    for fmt, data in asked.items():
        assert b"Ada Quillfeather" in data and b"Benedikt Marrowgate" in data, fmt
        assert IDENTIFYING.encode() in data or IDENTIFYING.upper().encode() in data, fmt
        for name, email, phone in people:  # referred physicians: never, even then
            assert name.encode() not in data and email.encode() not in data and phone.encode() not in data


def test_the_honorarium_statement_alone() -> None:
    lines = [HonorariumLine(1, "Ada Quillfeather", 5.0, 540.0), HonorariumLine(2, "Ben | Pipe", 1.25, 125.1)]
    text = statement_to_markdown(lines, "2026Q3", "Jul–Sep 2026")
    assert text.startswith(f"# {IDENTIFYING} — honorarium statement, Jul–Sep 2026 (2026Q3)\n")
    assert "| Ada Quillfeather | 5 | $540.00 |" in text and "| Ben \\| Pipe | 1.25 | $125.10 |" in text
    assert "| **Total** | **6.25** | **$665.10** |" in text
    assert list(statement_rows(lines)) == [  # the rows to_csv writes after the summary
        ("honorarium_statement", "notice", IDENTIFYING),
        ("honorarium_hours", "Ada Quillfeather", "5"),
        ("honorarium_amount", "Ada Quillfeather", "540.00"),
        ("honorarium_hours", "Ben | Pipe", "1.25"),
        ("honorarium_amount", "Ben | Pipe", "125.10"),
        ("honorarium_hours", "total", "6.25"),
        ("honorarium_amount", "total", "665.10"),
    ]
    assert "No training attendance this quarter." in statement_to_markdown([], "2026Q3", "Jul–Sep 2026")


def test_pdf_text_is_latin1_safe() -> None:
    assert latin1("Jul–Sep — “quoted” …") == 'Jul-Sep - "quoted" ...'
    assert latin1("Nguyễn Thị Ánh") == "Nguyen Thi Ánh"  # accents kept where latin-1 has them
    assert latin1("李") == "?"


def test_private_files_replace_atomically_with_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")
    os.chmod(target, 0o644)
    write_private(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]
    with pytest.raises(FileNotFoundError):
        write_private(tmp_path / "no-such-folder" / "x.md", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_the_pdf_writer_leaves_nothing_when_the_folder_is_missing(
    golden: tuple[Summary, list[HonorariumLine]], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError):
        write_private(out / "missing" / "summary.pdf", reporting.render(golden[0], "pdf"))
    assert list(out.iterdir()) == []


def test_one_render_for_every_format(golden: tuple[Summary, list[HonorariumLine]]) -> None:
    summary, lines = golden
    assert set(reporting.FORMATS) == {"pdf", "md", "csv", "json"} == set(reporting.DESCRIPTIONS)
    for fmt in ("md", "csv", "json"):
        plain, asked = reporting.render(summary, fmt), reporting.render(summary, fmt, lines)
        assert b"Ada Quillfeather" not in plain and b"Ada Quillfeather" in asked, fmt
    assert reporting.render(summary, "md", lines) == to_markdown(summary, lines).encode()
    plain, asked = reporting.render(summary, "pdf"), reporting.render(summary, "pdf", lines)
    assert plain == render(summary) and asked == render(summary, lines)  # (compressed, as written)
    assert pdf_pages(asked) > pdf_pages(plain)  # the statement's pages of its own
    with pytest.raises(ValueError, match="unknown format"):
        reporting.render(summary, "docx")


def test_the_summary_imports_no_format() -> None:
    """The formats import the summary, never the other way round (no import cycle)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(quarterly))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    reporting_modules = {m for m in imported if m and m.startswith("p2p_tui.services.reporting")}
    helpers = {"quarters", "standards", "suppression"}  # none of them imports a format either
    assert reporting_modules == {f"p2p_tui.services.reporting.{m}" for m in helpers}
    assert not any(hasattr(quarterly, name) for name in ("to_markdown", "to_csv", "to_json", "to_pdf"))
