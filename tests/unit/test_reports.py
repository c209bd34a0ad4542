"""The quarterly summary's figures, checked by hand on a fixed set of utilization rows.

The rows are inserted directly into `utilization` (created here with the agreed DDL if migration m0004
has not made it yet), after stub referrals so foreign keys hold; the table is emptied first so that
whatever its triggers did with the stubs does not count. Every expected figure is written as a literal
with its arithmetic beside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pytest

from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import training
from p2p_tui.services.people.roster import SupporterInput, add_supporter
from p2p_tui.services.reporting import quarterly, statement
from p2p_tui.services.reporting.quarterly import Cell, Summary, summarize
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.services.reporting.suppression import Proportion
from p2p_tui.store import Store, settings

UTILIZATION_DDL = """
CREATE TABLE IF NOT EXISTS utilization (
    referral_id INTEGER PRIMARY KEY REFERENCES referral (id),
    month_received TEXT NOT NULL,            -- 'YYYY-MM'
    quarter TEXT NOT NULL,                   -- '2026Q3'
    career_stage TEXT NOT NULL, county TEXT NOT NULL, pathway TEXT NOT NULL, source TEXT NOT NULL,
    stressors TEXT NOT NULL,                 -- ';'-joined in vocabulary order
    acute_interventional INTEGER NOT NULL,
    outcome TEXT NOT NULL,                   -- 'open' | 'closed' | 'declined' | 'unreachable'
    days_to_match INTEGER, days_to_first_contact INTEGER,   -- calendar days from received, NULL if none
    follow_up_done INTEGER NOT NULL, survey_done INTEGER NOT NULL,
    php_referred INTEGER NOT NULL, safety_escalation INTEGER NOT NULL
)
"""
COLUMNS = (
    "referral_id, month_received, quarter, career_stage, county, pathway, source, stressors, "
    "acute_interventional, outcome, days_to_match, days_to_first_contact, follow_up_done, survey_done, "
    "php_referred, safety_escalation"
)
INSERT = f"INSERT INTO utilization ({COLUMNS}) VALUES ({', '.join('?' * 16)})"  # noqa: S608 - constants
Row = tuple[Any, ...]
DASH = "—"
TODAY = date(2026, 10, 15)


def ensure_utilization(conn: sqlite3.Connection) -> None:
    """Create `utilization` with exactly the agreed DDL, unless migration m0004 already did."""
    conn.execute(UTILIZATION_DDL)


def stub_referrals(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Minimal referral rows (and their physicians) so rows referring to these ids satisfy foreign keys."""
    for rid in ids:
        if conn.execute("SELECT 1 FROM referral WHERE id = ?", (rid,)).fetchone():
            continue
        cursor = conn.execute(
            "INSERT INTO physician (name, name_key, career_stage, county, created_on) "
            "VALUES ('Stub', 'stub', 'mid', 'Kings', '2025-01-01')"
        )
        conn.execute(
            "INSERT INTO referral (id, physician_id, received_on, pathway, source, status, status_on) "
            "VALUES (?, ?, '2025-01-01', 'reach_in', 'self', 'new', '2025-01-01')",
            (rid, cursor.lastrowid),
        )


def set_utilization(store: Store, rows: Sequence[Row]) -> None:
    """Make `utilization` hold exactly `rows` (stub referrals first), committed and saved."""
    with store.atomic():
        conn = store.db.raw()
        ensure_utilization(conn)
        stub_referrals(conn, [row[0] for row in rows])
        conn.execute("DELETE FROM utilization")
        conn.executemany(INSERT, rows)


def row(rid: int, month: str, **values: Any) -> Row:
    """One utilization row; the quarter is worked out from the month; defaults for the rest."""
    year, number = int(month[:4]), int(month[5:7])
    quarter = str(Quarter.of(date(year, number, 1)))
    v: dict[str, Any] = {
        "career_stage": "mid",
        "county": "Kings",
        "pathway": "reach_in",
        "source": "self",
        "stressors": "burnout",
        "acute": 0,
        "outcome": "closed",
        "dtm": None,
        "dtfc": None,
        "fu": 0,
        "survey": 0,
        "php": 0,
        "safety": 0,
    } | values
    return (
        rid, month, quarter, v["career_stage"], v["county"], v["pathway"], v["source"], v["stressors"],
        v["acute"], v["outcome"], v["dtm"], v["dtfc"], v["fu"], v["survey"], v["php"], v["safety"],
    )  # fmt: skip


def q3_rows() -> list[Row]:
    """30 referrals received in 2026Q3, built column by column (index i = referral i + 1)."""
    pathway = ["reach_in"] * 22 + ["reach_out"] * 8
    source = ["self"] * 12 + ["colleague"] * 8 + ["php"] * 3 + ["leadership"] * 7
    career = ["early"] * 4 + ["mid"] * 4 + ["late"] * 20 + ["retired"] * 2
    county = ["Kings"] * 4 + ["Queens"] * 4 + ["Prince"] * 22
    outcome = ["open"] * 9 + ["closed"] * 17 + ["unreachable"] * 4
    # one stressor each: adverse_event 0-9, complaint 10-18, burnout 19-29; then a second one for
    # 0-2 (burnout), 3-4 (conflict), 10-15 (life_stressor)
    stressors = ["adverse_event"] * 10 + ["complaint"] * 9 + ["burnout"] * 11
    stressors[0:3] = ["adverse_event;burnout"] * 3
    stressors[3:5] = ["adverse_event;conflict"] * 2
    stressors[10:16] = ["complaint;life_stressor"] * 6
    dtm = [None] * 3 + [0] * 6 + [1] * 10 + [2] * 5 + [3] * 3 + [5] * 2 + [8]
    dtfc = [None] * 6 + [1] * 4 + [2] * 8 + [3] * 6 + [4] * 4 + [7] * 2
    follow_up = [0] * 12 + [1] * 18
    php = [1] * 3 + [0] * 27
    months = ["2026-07", "2026-08", "2026-09"]
    return [
        row(
            i + 1,
            months[i % 3],
            pathway=pathway[i],
            source=source[i],
            career_stage=career[i],
            county=county[i],
            outcome=outcome[i],
            stressors=stressors[i],
            dtm=dtm[i],
            dtfc=dtfc[i],
            fu=follow_up[i],
            survey=follow_up[i],
            php=php[i],
        )
        for i in range(30)
    ]


def other_rows() -> list[Row]:
    """Referrals in other quarters: 2026Q2 (6), 2026Q1 (3), 2025Q4 (7), 2025Q2 (5), 2026Q4 (1)."""
    rows = [row(100 + i, "2026-05", dtm=d) for i, d in enumerate([1, 2, 2, 3, 4, 6])]
    rows += [row(110 + i, "2026-02", dtm=d, php=1) for i, d in enumerate([1, 1, 2])]
    months = ["2025-10", "2025-12", "2025-12", "2025-12", "2025-11", "2025-12", "2025-12"]
    rows += [
        row(120 + i, m, dtm=d) for i, (m, d) in enumerate(zip(months, [0, 1, 1, 2, 2, 3, 9], strict=True))
    ]
    rows += [row(130 + i, "2025-05", dtm=1) for i in range(5)]
    rows.append(row(140, "2026-10", dtm=1))
    return rows


def supporter(name: str, email: str) -> int:
    physician = PhysicianInput(name=name, career_stage="mid", county="Kings", email=email)
    return int(add_supporter(SupporterInput(physician, status="active"), on=TODAY).id)


def add_activity(store: Store) -> tuple[int, int]:
    """Supporters, training, matches, contacts and surveys; returns the two supporters' ids."""
    with store.atomic():
        ada = supporter("Ada Quillfeather", "ada.quill@example.org")
        ben = supporter("Benedikt Marrowgate", "ben.marrow@example.org")
        extra = [supporter(f"Support Person {n}", f"person{n}@example.org") for n in range(3, 6)]
        ids = [ada, ben, *extra]  # supporters 1 to 5
        orientation = training.add_event("orientation", "2026-07-10", 3, rate=100, on=TODAY)
        practice = training.add_event("community_of_practice", "2026-09-30", 2, rate=120, on=TODAY)
        earlier = training.add_event("training", "2026-06-30", 4, rate=100, on=TODAY)
        training.record_attendance(orientation.id, ada)
        training.record_attendance(orientation.id, ben, 1.5)
        training.record_attendance(practice.id, ada)
        training.record_attendance(earlier.id, ben)
        conn = store.db.raw()
        stub_referrals(conn, [1, 2, 3])
        matches = [  # (supporter, matched_on, ended_on)
            (ids[0], "2026-07-02", None),  # in the quarter, still active
            (ids[0], "2026-08-02", None),  # the same supporter again: counted once
            (ids[1], "2026-05-01", "2026-07-01"),  # ended on the quarter's first day: counted
            (ids[3], "2026-03-01", "2026-06-30"),  # ended before the quarter
            (ids[4], "2026-10-01", None),  # after the quarter
            (ids[2], "2026-09-30", None),  # on its last day: counted
        ]
        conn.executemany(
            'INSERT INTO "match" (referral_id, supporter_id, matched_on, score, explanation, active, '
            "ended_on) VALUES (1, ?, ?, 1, 'test', ?, ?)",
            [(s, on, 1 if end is None else 0, end) for s, on, end in matches],
        )
        contacts = [(ids[0], "2026-07-03")] * 3 + [(ids[1], "2026-08-01")] * 2 + [(ids[2], "2026-09-30")]
        contacts += [(None, "2026-08-15"), (ids[3], "2026-06-30"), (ids[4], "2026-10-01")]
        conn.executemany(
            "INSERT INTO contact (referral_id, supporter_id, contact_on, kind, mode) "
            "VALUES (2, ?, ?, 'initial', 'phone')",
            contacts,
        )
        # 15 surveys in the quarter: 5 of 15-30 min, 5 of 30-60 min, 5 with no conversation
        surveys = [(1, "15_30", h, d, 0) for h, d in zip([5, 4, 4, 5, 3], [1, 2, 1, 1, 3], strict=True)]
        surveys += [(1, "30_60", h, d, 0) for h, d in zip([4, 5, 4, 4, 5], [2, 1, 1, 2, 1], strict=True)]
        surveys += [(0, None, None, d, w) for d, w in zip([1, 1, 2, 1, 1], [1, 1, 1, 0, 0], strict=True)]
        dated = [(*s, "2026-08-20") for s in surveys]
        dated += [(1, "over_60", 1, 5, 1, "2026-06-30"), (1, "over_60", 1, 5, 1, "2026-10-01")]  # outside
        conn.executemany(
            "INSERT INTO survey (referral_id, conversation_happened, duration, peer_helpfulness, "
            "supporter_distress, wants_debrief, submitted_on) VALUES (3, ?, ?, ?, ?, ?, ?)",
            dated,
        )
    return ada, ben


@pytest.fixture
def golden(store: Store) -> Store:
    add_activity(store)
    set_utilization(store, q3_rows() + other_rows())
    return store


def figures(summary: Summary, name: str) -> dict[str, str]:
    """A breakdown as {label: shown}, the total under "total"."""
    table = summary.breakdown(name)
    return {label: cell.shown for label, cell in table.rows} | {"total": table.total.shown}


def summary_of(store: Store, quarter: str, **kwargs: Any) -> Summary:
    with store.lock:
        return summarize(quarter, **kwargs)


# -- golden figures -------------------------------------------------------------------------------


def test_golden_breakdowns_with_primary_and_complementary_suppression(golden: Store) -> None:
    s = summary_of(golden, "2026Q3")
    assert (s.quarter, s.label, s.threshold, s.empty) == ("2026Q3", "Jul–Sep 2026", 5, False)
    assert s.referrals == Cell(30, "30")
    # 22 + 8 = 30, nothing small
    assert figures(s, "pathway") == {"reach_in": "22", "reach_out": "8", "total": "30"}
    # php 3 is small; alone it would be 30 - 12 - 8 - 7 = 3, so the next-smallest non-zero cell,
    # leadership 7, is withheld too: the hidden pair sums to 10, php in 2..4, leadership in 6..8
    assert figures(s, "source") == {
        "self": "12", "colleague": "8", "cpspei": "0", "mspei": "0", "php": "<5", "cmpa": "0",
        "leadership": DASH, "media": "0", "other": "0", "total": "30",
    }  # fmt: skip
    # conflict 2 is small; the rows overlap (they add to 41, not 30) and the others already cover
    # more than the 30 referrals, so nothing pins it: no other stressor is withheld
    assert figures(s, "stressor") == {
        "adverse_event": "10", "complaint": "9", "conflict": "<5", "life_stressor": "6",
        "burnout": "14", "other": "0", "total": "30",
    }  # fmt: skip
    # early 4, mid 4, retired 2 all small: they hide each other (sum 10, each then 2..4)
    assert figures(s, "career_stage") == {
        "early": "<5", "mid": "<5", "late": "20", "retired": "<5", "total": "30"
    }  # fmt: skip
    # Kings 4 + Queens 4 = 30 - 22 = 8 would pin both at 4, so Prince 22 is withheld as well
    assert figures(s, "county") == {"Kings": "<5", "Queens": "<5", "Prince": DASH, "total": "30"}
    # unreachable 4 small, open 9 withheld: hidden sum 13, open in 9..12
    assert figures(s, "outcome") == {
        "open": DASH, "closed": "17", "declined": "0", "unreachable": "<5", "total": "30"
    }  # fmt: skip
    assert [b.name for b in s.breakdowns] == [
        "pathway", "source", "stressor", "career_stage", "county", "outcome"
    ]  # fmt: skip
    assert all(b.total == s.referrals for b in s.breakdowns)


def test_golden_follow_up_and_outcome_flags(golden: Store) -> None:
    s = summary_of(golden, "2026Q3")
    # 24 had a first contact (6 did not: not small), 18 of them followed up (6 not): 18/24 = 75%
    assert s.follow_up_completion == Proportion(Cell(18, "18"), Cell(24, "24"), "75%")
    # 30 referrals per 400 physicians served (the default): 7.5 per 100
    assert (s.per_100, s.physicians_served) == ("7.5", 400)
    assert s.declined == Cell(0, "0") and s.no_consent == Cell(0, "0")
    assert s.php_referrals == Cell(None, "<5")  # 3
    assert s.safety_escalations == Cell(0, "0")


def test_golden_supporters_training_and_survey(golden: Store) -> None:
    s = summary_of(golden, "2026Q3")
    # contacts in Jul-Sep: supporter 1 x3, 2 x2, 3 x1, one with no supporter = 7; 3 distinct supporters
    assert (s.supporters_active, s.contacts) == (3, 7)
    # matches overlapping Jul-Sep: supporters 1 (twice), 2 (ended 2026-07-01), 3 (from 2026-09-30)
    assert s.supporters_with_cases == 3
    # orientation 3 h (Ada) + 1.5 h (Benedikt); Community of Practice 2 h (Ada); June's training excluded
    assert s.training_hours == {"orientation": 4.5, "training": 0.0, "community_of_practice": 2.0}
    # Ada 3 x 100 + 2 x 120 = 540, Benedikt 1.5 x 100 = 150
    assert s.honoraria_total == 690.0
    v = s.survey
    assert v.count == Cell(15, "15")
    assert v.conversation_share == "67%"  # 10 of 15 = 66.7%
    assert {label: cell.shown for label, cell in v.durations.rows} == {
        "under_15": "0", "15_30": "5", "30_60": "5", "over_60": "0", "not_answered": "0",
        "no_conversation": "5",
    }  # fmt: skip
    assert v.durations.total == Cell(15, "15")
    assert v.mean_helpfulness == pytest.approx(4.3)  # (5+4+4+5+3 + 4+5+4+4+5) / 10 = 43 / 10
    assert v.mean_distress == pytest.approx(1.4)  # (8 + 7 + 6) / 15 = 21 / 15
    assert v.debriefs_wanted == Cell(None, "<5")  # 3


def test_golden_trend_over_five_quarters(golden: Store) -> None:
    s = summary_of(golden, "2026Q3")
    assert [(p.quarter, p.label, p.referrals.shown, p.to_date) for p in s.trend] == [
        ("2025Q3", "Jul–Sep 2025", "0", None),
        ("2025Q4", "Oct–Dec 2025", "7", None),
        ("2026Q1", "Jan–Mar 2026", "<5", None),  # 3 referrals
        ("2026Q2", "Apr–Jun 2026", "6", None),
        ("2026Q3", "Jul–Sep 2026", "30", None),  # complete on the frozen day, 2026-11-18
    ]
    assert all(len(p.standards_met) == 4 for p in s.trend)
    assert len(summary_of(golden, "2026Q3", trend_quarters=0).trend) == 1
    assert len(s.trend) == quarterly.TREND_QUARTERS + 1  # the default, as `p2p-tui report --help` says
    assert tuple(b.name for b in s.breakdowns) == quarterly.BREAKDOWNS  # so does the list of breakdowns


def test_quarters_at_the_year_boundary(golden: Store) -> None:
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter.of(date(2025, 12, 31)) == Quarter(2025, 4)
    q4 = summary_of(golden, "2025Q4")
    assert q4.referrals == Cell(7, "7")  # October 1, November 1, December 5
    q1 = summary_of(golden, "2026Q1")
    assert [p.quarter for p in q1.trend] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1"]
    assert [p.referrals.shown for p in q1.trend] == ["0", "5", "0", "7", "<5"]


def test_a_quarter_of_fewer_than_five_referrals_withholds_every_count(golden: Store) -> None:
    s = summary_of(golden, "2026Q1")
    assert s.referrals == Cell(None, "<5") and not s.empty
    for table in s.breakdowns:
        assert all(cell == Cell(None, DASH) for _, cell in table.rows), table.name
        assert table.total == Cell(None, "<5")
    assert s.php_referrals == Cell(None, DASH)  # all 3 were referred: not even "<5"
    assert s.follow_up_completion == Proportion(Cell(None, DASH), Cell(None, DASH), DASH + "‡")
    assert s.follow_up_completion.part.reason == "whole"  # marked: its whole is withheld
    assert all(f.median is None for f in s.standards)
    assert any("every count about referred physicians is withheld" in note for note in s.notes)


def test_an_empty_quarter_says_so(golden: Store) -> None:
    s = summary_of(golden, "2024Q1")
    assert s.empty and s.referrals == Cell(0, "0")
    assert "No referrals this quarter." in s.notes
    assert all(cell == Cell(0, "0") for table in s.breakdowns for _, cell in table.rows)
    assert all(f.median is None for f in s.standards) and s.follow_up_completion.share == "n/a"
    assert s.survey.count == Cell(0, "0") and s.survey.mean_helpfulness is None


def test_the_threshold_comes_from_settings_or_the_argument(golden: Store) -> None:
    with golden.atomic():
        settings.put("suppression_threshold", 10)
    s = summary_of(golden, "2026Q3")
    assert s.threshold == 10
    # reach_out 8 < 10, so its complement, reach_in 22, is withheld with it
    assert figures(s, "pathway") == {"reach_in": DASH, "reach_out": "<10", "total": "30"}
    assert summary_of(golden, "2026Q3", threshold=5).breakdown("pathway").rows[1][1] == Cell(8, "8")
    assert summary_of(golden, "2026Q3", threshold=1).php_referrals == Cell(3, "3")  # 1: none suppressed
    with pytest.raises(ValidationError) as caught:
        summary_of(golden, "2026Q3", threshold=0)
    assert caught.value.field == "suppression_threshold"


def test_a_county_no_longer_in_settings_keeps_its_referrals_in_the_total(golden: Store) -> None:
    with golden.atomic():
        settings.put("counties", ["Kings", "Queens"])
    s = summary_of(golden, "2026Q3")
    assert [label for label, _ in s.breakdown("county").rows] == ["Kings", "Queens", "Prince"]


def test_a_bad_quarter_names_the_field(store: Store) -> None:
    with pytest.raises(ValidationError) as caught:
        summary_of(store, "2026Q5")
    assert caught.value.field == "quarter"


def test_the_honorarium_statement_names_each_supporter(golden: Store) -> None:
    with golden.lock:
        lines = statement.statement(Quarter(2026, 3)).lines
    assert [(line.name, line.hours, line.amount) for line in lines] == [
        ("Ada Quillfeather", 5.0, 540.0),
        ("Benedikt Marrowgate", 1.5, 150.0),
    ]


def test_a_referral_received_on_new_years_eve_counts_in_q4(store: Store) -> None:
    """Through intake and migration m0004's triggers (skipped where they have not landed yet)."""
    with store.lock:
        trigger = store.db.scalar("SELECT 1 FROM sqlite_master WHERE name = 'utilization_referral_insert'")
    if trigger is None:
        pytest.skip("the utilization triggers (migration m0004) are not here yet")
    with store.atomic():
        for day in ("2025-12-31", "2026-01-01"):
            physician = PhysicianInput(name=f"Doctor {day}", career_stage="mid", county="Kings")
            create_referral(ReferralInput(physician, day, "reach_in", "self", ("burnout",)), on=TODAY)
    assert summary_of(store, "2025Q4", threshold=1).referrals == Cell(1, "1")
    assert summary_of(store, "2026Q1", threshold=1).referrals == Cell(1, "1")
    assert summary_of(store, "2026Q1").trend[-2].quarter == "2025Q4"
    with store.lock:
        quarters = (
            store.db.raw().execute("SELECT month_received, quarter FROM utilization ORDER BY 1").fetchall()
        )
    assert quarters == [("2025-12", "2025Q4"), ("2026-01", "2026Q1")]
