"""The summary's formats: Markdown, CSV (long), JSON and PDF say the same, state the rule and the marks,
and carry no identifying value; the honorarium statement is a document of its own, identifying on
every page."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import quarterly, statement
from p2p_tui.services.reporting import render as reporting
from p2p_tui.services.reporting.formats import to_csv, to_json, to_markdown, write_private
from p2p_tui.services.reporting.formats import trend_rows as fmt_trend_rows
from p2p_tui.services.reporting.letterhead import Letterhead
from p2p_tui.services.reporting.pdf import render, render_statement
from p2p_tui.services.reporting.quarterly import Summary, summarize
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.services.reporting.statement import IDENTIFYING, Statement
from p2p_tui.store import Store, settings
from tests.unit.test_reports import (
    add_activity,
    ensure_utilization,
    other_rows,
    q3_rows,
    row,
    set_utilization,
)

INSERT_IF_MISSING = f"INSERT OR IGNORE INTO utilization VALUES ({', '.join('?' * 16)}, NULL)"  # noqa: S608
RULE = 'Counts from 1 to 4 are shown as "<5"'
SUPPORTERS = ("Ada Quillfeather", "Benedikt Marrowgate", "ada.quill@example.org")


@pytest.fixture
def golden(store: Store) -> tuple[Summary, Statement]:
    add_activity(store)
    set_utilization(store, q3_rows() + other_rows())
    with store.lock:
        return summarize("2026Q3"), statement.statement(Quarter(2026, 3))


@contextmanager
def drawn() -> Iterator[list[str]]:
    """Every text the PDF writer is asked to draw (cells and wrapped paragraphs), in order."""
    texts: list[str] = []
    cell, multi = FPDF.cell, FPDF.multi_cell

    def record_cell(self: FPDF, w: Any = None, h: Any = None, text: str = "", *a: Any, **k: Any) -> Any:
        texts.append(str(text))
        return cell(self, w, h, text, *a, **k)

    def record_multi(self: FPDF, w: Any, h: Any = None, text: str = "", *a: Any, **k: Any) -> Any:
        texts.append(str(text))
        return multi(self, w, h, text, *a, **k)

    FPDF.cell, FPDF.multi_cell = record_cell, record_multi  # type: ignore[method-assign]
    try:
        yield texts
    finally:
        FPDF.cell, FPDF.multi_cell = cell, multi  # type: ignore[method-assign]


def csv_rows(text: str) -> list[tuple[str, str, str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "label", "value"]
    assert all(len(r) == 3 for r in rows)
    return [(a, b, c) for a, b, c in rows[1:]]


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def test_markdown_states_the_rule_and_every_figure(golden: tuple[Summary, Statement]) -> None:
    summary, _ = golden
    text = to_markdown(summary)
    assert text.startswith("# Quarterly utilization summary: Jul–Sep 2026 (2026Q3)\n")
    assert "Medical Society of Prince Edward Island · Physician Peer-to-Peer Support Program · made " in text
    assert "## Standards met (working days)" in text and "| Jan–Mar 2026 (2026Q1) | <5\\* |" in text
    assert RULE in text
    for line in (
        "| Referrals received | 30 |",
        "| Referrals per 100 physicians served (400) | 7.5 |",
        "| Follow-up check-ins done, of cases with a first contact | 18 of 24 (75%) |",
        "| Referred on to the Physician Health Program | <5\\* |",
        "| Physician Health Program | <5\\* |",
        "| Leadership | —† |",
        "| Prince | —† |",
        "| **Referrals (cases; rows count mentions)** | **30** |",
        "| **Total referrals (cases)** | **30** |",
        "| Honoraria in total | $690.00 |",
        "| Conversation happened | 67% |",
        "- \\* fewer than 5 (a count from 1 to 4)",
        "- † withheld so that a small count cannot be worked out from a total",
    ):
        assert line in text.splitlines(), line
    assert "counts once for each of its stressors" in text
    assert reporting.render(summary, "md") == text.encode()  # the one entry point gives the same
    assert IDENTIFYING not in text and not any(name in text for name in SUPPORTERS)


def test_csv_is_long_format_with_the_published_values(golden: tuple[Summary, Statement]) -> None:
    summary, _ = golden
    rows = csv_rows(to_csv(summary))
    found = {(section, label): value for section, label, value in rows}
    assert found[("summary", "quarter")] == "2026Q3"
    assert found[("summary", "suppression_rule")].startswith(RULE)
    assert found[("referrals", "total")] == "30"
    assert found[("source", "php")] == "<5*" and found[("source", "leadership")] == "—†"
    assert found[("stressor", "total_mentions_not_shown")] == "30"
    assert found[("mark", "†")] == "withheld so that a small count cannot be worked out from a total"
    assert ("standard_match", "percent") in found
    assert found[("follow_up", "percent")] == "75%"
    assert found[("honoraria", "total")] == "690.00"
    assert found[("survey_duration", "no_conversation")] == "5"
    assert found[("trend_referrals", "2026Q1")] == "<5*"
    assert len(rows) == len(found)  # no (section, label) twice
    assert reporting.render(summary, "csv") == to_csv(summary).encode()


def test_json_carries_values_and_marks(golden: tuple[Summary, Statement]) -> None:
    summary, _ = golden
    data = json.loads(to_json(summary))
    assert (data["quarter"], data["threshold"], data["empty"]) == ("2026Q3", 5, False)
    assert data["suppression_rule"].startswith(RULE)
    assert data["referrals"] == {"value": 30, "shown": "30", "withheld_because": None}
    source = next(b for b in data["breakdowns"] if b["name"] == "source")
    assert {"label": "php", "value": None, "shown": "<5", "withheld_because": "small"} in source["rows"]
    assert {"label": "leadership", "value": None, "shown": "—", "withheld_because": "complement"} in source[
        "rows"
    ]
    assert [b["total_counts"] for b in data["breakdowns"]].count("mentions") == 1
    assert [f["name"] for f in data["standards"]] == ["match", "first_contact", "follow_up", "survey"]
    assert data["made_at"].startswith("2026-11-18T") and data["to_date"] is None
    assert data["follow_up_completion"]["percent"] == "75%"
    assert data["supporter_activity"] == {"supporters_active": 3, "supporters_with_cases": 3, "contacts": 7}
    assert data["survey"]["mean_helpfulness"] == 4.3
    assert [p["quarter"] for p in data["trend"]] == ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert "honorarium_statement" not in data
    assert json.loads(reporting.render(summary, "json")) == data


def test_the_pdf_is_a_short_board_report(golden: tuple[Summary, Statement], tmp_path: Path) -> None:
    summary, _ = golden
    with drawn() as texts:
        data = render(summary, compress=False)
    assert data.startswith(b"%PDF")
    assert 1 <= pdf_pages(data) <= 3
    text = "\n".join(texts)
    for part in (
        "Quarterly utilization summary",
        "Medical Society of Prince Edward Island · Physician Peer-to-Peer Support Program",
        "Jul–Sep 2026 (2026Q3)",  # a real en dash: the font is embedded
        "Made 18 November 2026 at 10:30",
        'are shown as "<5"',
        "Standards met (working days)",
        "Referrals by source (who referred)",
        "Trend: referrals per quarter",
        "Referrals by county of work",
        "$690.00",
        "—†",  # a withheld cell, with its mark
        "† withheld so that a small count cannot be worked out from a total",
        "De-identified quarterly utilization summary — 2026Q3 — page 1 of {nb}",
    ):
        assert part in text, part
    assert b"/FontFile2" in data  # DejaVu Sans embedded (subset)
    assert b"/MediaBox [0 0 612.00 792.00]" in data  # Letter, the default
    assert b"D:20261118103" in data and b"D:20000101" not in data  # made now (the frozen clock)
    assert IDENTIFYING not in text and IDENTIFYING.upper() not in text
    out = tmp_path / "out"
    out.mkdir()
    write_private(out / "summary.pdf", reporting.render(summary, "pdf"), vault=None)
    assert (out / "summary.pdf").read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE((out / "summary.pdf").stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == ["summary.pdf"]  # no temp file left


def test_a4_when_the_setting_says_so(store: Store) -> None:
    with store.atomic():
        settings.put("paper_size", "A4")
        ensure_utilization(store.db.raw())
    with store.lock:
        summary = summarize("2026Q3")
    assert summary.letterhead.paper == "A4"
    assert b"/MediaBox [0 0 595.28 841.89]" in render(summary, compress=False)
    with pytest.raises(ValueError, match="paper_size"):
        settings.put("paper_size", "Legal")


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
    with drawn() as texts:
        pdf = render(summary, compress=False)
    assert pdf.startswith(b"%PDF") and "No referrals this quarter." in texts and pdf_pages(pdf) <= 3


def test_no_identifying_value_in_any_export(store: Store, tmp_path: Path) -> None:
    """Referred physicians and supporters with known names, emails and phones: none of them in any
    format of the summary; supporters appear only in the honorarium statement (the positive control),
    referred physicians never."""
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
        found = statement.statement(Quarter(2026, 3))
    assert summary.referrals.value is not None and summary.referrals.value >= 6
    identifying = [value for person in people for value in person] + [*SUPPORTERS]
    with drawn() as texts:
        pdf = render(summary, compress=False)
    exports = {
        "md": to_markdown(summary).encode(),
        "csv": to_csv(summary).encode(),
        "json": to_json(summary).encode(),
        "pdf": pdf + "\n".join(texts).encode(),
    }
    for fmt, data in exports.items():
        for value in identifying:
            assert value.encode() not in data, (fmt, value)
    with drawn() as texts:
        statement_pdf = render_statement(found, compress=False)
    for fmt, data in {"csv": statement.to_csv(found).encode(), "pdf": "\n".join(texts).encode()}.items():
        assert b"Ada Quillfeather" in data and b"Benedikt Marrowgate" in data, fmt
        assert IDENTIFYING.upper().encode() in data, fmt
        for name, email, phone in people:  # referred physicians: never, even then
            assert name.encode() not in data and email.encode() not in data and phone.encode() not in data
    assert statement_pdf.startswith(b"%PDF")


def test_the_statement_is_identifying_on_every_page_and_prints_names_as_typed() -> None:
    lines = [HonorariumLine(1, "Zoë Ñúñez 李", 5.0, 540.0), HonorariumLine(2, "=Ben | Pipe", 1.25, 125.1)]
    lines += [HonorariumLine(3 + n, f"Supporter {n}", 1.0, 100.0) for n in range(60)]  # two pages
    head = Letterhead(
        "Medical Society of Prince Edward Island",
        "Peer support",
        "Letter",
        datetime(2026, 11, 18, 10, tzinfo=UTC),
    )
    found = Statement("2026Q3", "Jul–Sep 2026", None, tuple(lines), head)
    with drawn() as texts:
        data = render_statement(found, compress=False)
    pages = pdf_pages(data)
    assert pages >= 2
    assert [t for t in texts if t == IDENTIFYING.upper()] == [IDENTIFYING.upper()] * pages  # each header
    assert (
        sum("IDENTIFYING: FOR PAYMENT ONLY — honorarium statement 2026Q3 — page" in t for t in texts) == pages
    )
    assert "Zoë Ñúñez □" in texts  # Latin letters as typed; a character the font lacks shown as □
    assert any(
        "the CSV statement (p2p-tui honoraria --format csv) holds every name exactly" in t for t in texts
    )
    assert "$540.00" in texts and "$6,665.10" in texts  # the total: 540 + 125.10 + 60 x 100
    rows = [row[:3] for row in csv.reader(io.StringIO(statement.to_csv(found)))]
    assert rows[1] == ["Zoë Ñúñez 李", "5", "540.00"]  # the CSV holds every name exactly
    assert rows[2] == ["'=Ben | Pipe", "1.25", "125.10"]  # never a spreadsheet formula
    assert rows[-1] == ["Total", "66.25", "6665.10"]


def test_private_files_replace_atomically_with_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")
    os.chmod(target, 0o644)
    write_private(target, b"new", vault=None)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]
    with pytest.raises(FileNotFoundError):
        write_private(tmp_path / "no-such-folder" / "x.md", b"x", vault=None)
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_the_pdf_writer_leaves_nothing_when_the_folder_is_missing(
    golden: tuple[Summary, Statement], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError):
        write_private(out / "missing" / "summary.pdf", reporting.render(golden[0], "pdf"), vault=None)
    assert list(out.iterdir()) == []


def test_one_render_for_every_format(golden: tuple[Summary, Statement]) -> None:
    summary, found = golden
    assert set(reporting.FORMATS) == {"pdf", "md", "csv", "json"} == set(reporting.DESCRIPTIONS)
    for fmt in ("md", "csv", "json"):
        assert b"Ada Quillfeather" not in reporting.render(summary, fmt), fmt
    assert reporting.render(summary, "md") == to_markdown(summary).encode()
    assert reporting.render(summary, "pdf") == render(summary)  # (compressed, as written)
    assert statement.render(found, "csv") == statement.to_csv(found).encode()
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
    helpers = {"letterhead", "peers", "quarters", "standards", "suppression"}  # none imports a format either
    expected = {f"p2p_tui.services.reporting.{m}" for m in helpers} | {"p2p_tui.services.reporting"}
    assert reporting_modules == expected  # (the package itself: `from ... import letterhead`)
    assert not any(hasattr(quarterly, name) for name in ("to_markdown", "to_csv", "to_json", "to_pdf"))


HOSTILE_PDF = "\x1b]0;t\x07Ann\tL\x1cee\x85\u2028\u00a0\u200b\x9b1m\u202e李"


def test_every_string_drawn_in_a_pdf_is_made_drawable_and_fpdf_never_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from p2p_tui.services import common
    from p2p_tui.services.reporting.pdf import pdf_text

    assert pdf_text(HOSTILE_PDF, {ord(c) for c in "]0;tAnnLee1m"}) == (
        "\ufffd]0;t\ufffdAnn\ufffdL\ufffdee\ufffd\ufffd \ufffd1m\ufffd□"
    )
    head = Letterhead(HOSTILE_PDF, HOSTILE_PDF, "Letter", datetime(2026, 11, 18, 10, tzinfo=UTC))
    found = Statement("2026Q3", "Jul–Sep 2026", None, (HonorariumLine(1, HOSTILE_PDF, 1.0, 100.0),), head)
    seen: list[str] = []
    normalize = FPDF.normalize_text

    def record(self: FPDF, text: str) -> str:
        seen.append(text)
        return normalize(self, text)

    FPDF.normalize_text = record  # type: ignore[method-assign]
    try:
        with caplog.at_level("DEBUG"):
            render_statement(found, compress=False)
    finally:
        FPDF.normalize_text = normalize  # type: ignore[method-assign]
    assert any("Ann" in t for t in seen)
    for text in seen:
        assert not common.CONTROL.search(text) and all(c == " " or not c.isspace() for c in text)
        assert "\u200b" not in text and "李" not in text
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]


@contextmanager
def overflowing() -> Iterator[list[str]]:
    """The single-line texts drawn wider than their cell, or past the page's right margin."""
    found: list[str] = []
    cell = FPDF.cell

    def check_cell(self: FPDF, w: Any = None, h: Any = None, text: str = "", *a: Any, **k: Any) -> Any:
        room = (self.w - self.r_margin - self.x) if not w else w
        if text and self.get_string_width(str(text)) > room + 0.01:
            found.append(str(text))
        return cell(self, w, h, text, *a, **k)

    FPDF.cell = check_cell  # type: ignore[method-assign]
    try:
        yield found
    finally:
        FPDF.cell = cell  # type: ignore[method-assign]


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_a_long_organisation_name_stays_on_the_page(store: Store, paper: str) -> None:
    name = (
        "The Very Long Name of a Provincial Medical Association and Its Affiliated Physician Health "
        "Services Inc"
    )
    assert len(name) == 103
    with store.atomic():
        settings.put("organisation_name", name)
        settings.put("paper_size", paper)
    add_activity(store)
    set_utilization(store, q3_rows())
    with store.lock:
        summary, found = summarize("2026Q3"), statement.statement(Quarter(2026, 3))
    with overflowing() as wide, drawn() as texts:
        render(summary, compress=False)
        render_statement(found, compress=False)
    assert not wide, wide
    assert sum(name in text for text in texts) == 2  # every word of it printed, on each document


def test_the_trend_says_none_for_a_quarter_without_referrals(golden: tuple[Summary, Statement]) -> None:
    summary, _ = golden
    first = fmt_trend_rows(summary)[0]  # 2025Q3: no referral, so no median (not a withheld one)
    assert first[:3] == ("Jul–Sep 2025 (2025Q3)", "0", "none")
