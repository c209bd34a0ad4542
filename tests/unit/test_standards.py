"""Standards met, in working days: golden figures worked out by hand on a small crafted quarter.

2026Q3 on the Prince Edward Island calendar: Canada Day (Wed 1 July), Labour Day (Mon 7 September) and
the National Day for Truth and Reconciliation (Wed 30 September) are holidays; the clocks are the
defaults (match 1, first contact 2, follow-up 7, survey 14 working days). Every date is written with
its weekday and the due date beside it. The summary is asked with threshold 1 (nothing suppressed) so
the counts can be compared; the suppressed view is checked apart.
"""

from __future__ import annotations

from datetime import date

import pytest

from p2p_tui.services.reporting import standards
from p2p_tui.services.reporting.quarterly import summarize
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store

Q3 = Quarter(2026, 3)
TODAY = date(2026, 11, 18)  # the frozen clock's day
# name: (received, status, consent, matched, first contact, follow-up, survey)
CASES = {
    # Fri received, Mon matched: due Mon (1 working day), took 1
    "A": ("2026-07-03", "closed", "not_needed", "2026-07-06", "2026-07-08", "2026-07-17", "2026-07-20"),
    # Sat received: the clock starts Mon, due Tue; matched Tue, took 1. Contact Fri: due Thu, took 3
    "B": ("2026-07-04", "followed_up", "not_needed", "2026-07-07", "2026-07-10", "2026-07-22", None),
    # Fri before Labour Day: due Tue 8 September (4 calendar days), matched then, took 1
    "C": ("2026-09-04", "closed", "not_needed", "2026-09-08", "2026-09-10", "2026-09-21", "2026-10-12"),
    # Mon received, Wed matched: due Tue, not met, took 2; no contact since: its clock ran out
    "D": ("2026-07-06", "matched", "not_needed", "2026-07-08", None, None, None),
    # never matched, still new: due Thu 9 July, long past: in the base, not met
    "E": ("2026-07-08", "new", "not_needed", None, None, None, None),
    # declined (no consent) before any match: left out of every standard
    "F": ("2026-07-09", "declined", "refused", None, None, None, None),
}


def craft(store: Store) -> None:
    """The six cases, with their dates, through the tables the triggers keep the records from."""
    with store.atomic():
        conn = store.db.raw()
        supporter_person = conn.execute(
            "INSERT INTO physician (name, name_key, career_stage, county, created_on) "
            "VALUES ('Sam Helper', 'sam helper', 'late', 'Prince', '2026-01-01')"
        ).lastrowid
        supporter = conn.execute(
            "INSERT INTO supporter (physician_id, status, max_active) VALUES (?, 'active', 5)",
            (supporter_person,),
        ).lastrowid
        for n, (name, (received, status, consent, matched, contacted, followed, surveyed)) in enumerate(
            CASES.items()
        ):
            person = conn.execute(
                "INSERT INTO physician (name, name_key, career_stage, county, created_on) "
                "VALUES (?, ?, 'mid', 'Kings', '2026-01-01')",
                (f"Case {name}", f"case {name.lower()}"),
            ).lastrowid
            rid = conn.execute(
                "INSERT INTO referral (physician_id, received_on, pathway, source, consent, status, "
                "status_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (person, received, "reach_out" if consent == "refused" else "reach_in",
                 "leadership" if consent == "refused" else "self", consent, status, received),
            ).lastrowid  # fmt: skip
            conn.execute("INSERT INTO referral_stressor VALUES (?, 'burnout')", (rid,))
            if matched:
                conn.execute(
                    'INSERT INTO "match" (referral_id, supporter_id, matched_on, score, explanation) '
                    "VALUES (?, ?, ?, 1, 'crafted')",
                    (rid, supporter, matched),
                )
            for kind, on in (("initial", contacted), ("follow_up", followed)):
                if on:
                    conn.execute(
                        "INSERT INTO contact (referral_id, supporter_id, contact_on, kind, mode) "
                        "VALUES (?, ?, ?, ?, 'phone')",
                        (rid, supporter, on, kind),
                    )
            if surveyed:
                conn.execute(
                    "INSERT INTO survey (referral_id, submitted_on, conversation_happened) VALUES (?, ?, 1)",
                    (rid, surveyed),
                )
            assert n < len(CASES)


@pytest.fixture
def crafted(store: Store) -> Store:
    craft(store)
    return store


def test_golden_standards_met_across_weekends_and_holidays(crafted: Store) -> None:
    with crafted.lock:
        found = standards.tallies([Q3], TODAY)["2026Q3"]
    t = found.tallies
    # match: A met (1), B met (1: Sat rolls to Mon), C met (1: over Labour Day), D late (2), E overdue;
    # F declined: out. 3 of 5
    assert (t["match"].met, t["match"].base) == (3, 5)
    assert t["match"].took == {1: 3, 2: 1}
    # first contact (2 after the match): A Mon->Wed met (2), B Tue->Fri late (3), C Tue->Thu met (2),
    # D Wed, none since: due Fri 10 July, ran out. 2 of 4
    assert (t["first_contact"].met, t["first_contact"].base) == (2, 4)
    assert t["first_contact"].took == {2: 2, 3: 1}
    # follow-up (7 after the first contact): A Wed 8 -> Fri 17 July met (7); B Fri 10 -> Wed 22 July,
    # due Tue 21, late (8); C Thu 10 -> Mon 21 September met (7). 2 of 3
    assert (t["follow_up"].met, t["follow_up"].base) == (2, 3)
    assert t["follow_up"].took == {7: 2, 8: 1}
    # survey (14 after the follow-up): A Fri 17 -> Mon 20 July met (1); B none, due Tue 11 August, ran
    # out; C Mon 21 September -> Mon 12 October: 14 working days only because 30 September is a
    # holiday (without it the due date would be Fri 9 October): met. 2 of 3
    assert (t["survey"].met, t["survey"].base) == (2, 3)
    assert t["survey"].took == {1: 1, 14: 1}
    assert (found.referrals, found.declined, found.no_consent) == (6, 1, 1)


def test_the_summary_publishes_the_standards_with_their_timings(crafted: Store) -> None:
    with crafted.lock:
        s = summarize(Q3, threshold=1, on=TODAY)
    got = {f.name: (f.met.shown, f.base.shown, f.share, f.median, f.p90) for f in s.standards}
    assert got == {
        # took 1, 1, 1, 2: median (1 + 1) / 2; p90 = ceil(3.6) = 4th = 2
        "match": ("3", "5", "60%", 1.0, 2.0),
        "first_contact": ("2", "4", "50%", 2.0, 3.0),  # 2, 2, 3
        "follow_up": ("2", "3", "67%", 7.0, 8.0),  # 7, 7, 8
        "survey": ("2", "3", "67%", 7.5, 14.0),  # 1, 14
    }
    assert s.standard("match").label == "Matched within 1 working day of receipt"
    assert (s.declined.shown, s.no_consent.shown) == ("1", "1")
    assert s.per_100 == "1.5"  # 6 referrals per 400 physicians
    assert s.to_date is None and s.heading == "Jul–Sep 2026"


def test_suppressed_standards_say_why(crafted: Store) -> None:
    with crafted.lock:
        s = summarize(Q3, on=TODAY)  # threshold 5: 6 referrals, every base below 5
    match = s.standard("match")
    # 5 in the base beside 6 referrals would show that 1 case (F, declined) was left out: withheld
    assert (match.met.text, match.base.text, match.share) == ("—‡", "—†", "—‡")
    first = s.standard("first_contact")  # bounded by the cases with a first contact, "<5" here
    assert (first.met.text, first.base.text, first.share) == ("—‡", "<5*", "—‡")
    assert first.median is None  # fewer than 5 cases: no median
    assert s.per_100 == "1.5"


def test_a_running_quarter_is_labelled_to_date(crafted: Store) -> None:
    with crafted.lock:
        s = summarize(Q3, on=date(2026, 8, 18))
    assert s.to_date == "to date (day 49 of 92)"  # 31 days of July + 18 of August; Jul-Sep is 92 days
    assert s.heading == "Jul–Sep 2026, to date (day 49 of 92)"
    assert s.trend[-1].to_date == "to date (day 49 of 92)" and s.trend[-2].to_date is None
    assert any("still running" in note for note in s.notes)
    # as of 7 July, E's match clock (due 9 July) has not run out: in progress, in no base
    with crafted.lock:
        early = standards.tallies([Q3], date(2026, 7, 7))["2026Q3"].tallies
    assert early["match"].in_progress == 1 and early["match"].base == 4


def test_the_last_complete_quarter() -> None:
    assert Quarter.last_complete(date(2026, 12, 2)) == Quarter(2026, 3)
    assert Quarter.last_complete(date(2027, 1, 1)) == Quarter(2026, 4)
    assert Quarter(2026, 4).to_date(date(2026, 12, 2)) == "to date (day 63 of 92)"
    assert Quarter(2026, 3).to_date(date(2026, 12, 2)) is None
