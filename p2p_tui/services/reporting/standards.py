"""Standards met, in working days (ARCHITECTURE.md §5, "Reports"): the board's view of the four clocks.

For the referrals received in a quarter (the `utilization` rows of that quarter), four standards:

- match: the first match within `clock_match_days` working days of the clock's start (the receipt,
  or the day consent was given when it was needed and given later);
- first contact: the first initial contact within `clock_first_contact_days` of the first match;
- follow-up: the first follow-up contact within `clock_follow_up_days` of the first contact;
- survey: the supporter survey returned within `clock_survey_days` of the first follow-up.

Working days are those of `services.cases.clocks` (weekdays, less Prince Edward Island's holidays),
counted as the clocks count them: a start on a non-working day rolls forward to the next working day,
so "within 1 working day" of a Saturday receipt is the Tuesday. A case is in a standard's base when the
step happened, or when its clock ran out without it (as of today); a step still within its clock is
"in progress" and left out, as is a declined case that never reached the step. The timings (median,
90th percentile) are in working days from each clock's own start, over the cases where the step
happened.

The de-identified record keeps days from receipt in calendar days and the month only, so the dates
are read beside it, by the record's referral id, from the case tables that keep them (referral
`received_on` and `consent_on`, the first `match.matched_on`, the first initial and follow-up
`contact.contact_on`, the first `survey.submitted_on`): dates only, never a name, and these rows
survive the retention purge. Nothing here leaves the figures below: no id, no date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from p2p_tui.services.cases.clocks import ClockLengths, add_working_days, working_days_between
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.services.reporting.suppression import (
    COMPLEMENT,
    MARKS,
    WHOLE,
    WITHHELD,
    Cell,
    Proportion,
    count_cell,
    part_cell,
    proportion,
    withheld,
)
from p2p_tui.store import query

STANDARDS = ("match", "first_contact", "follow_up", "survey")
STARTS = {
    "match": "receipt",
    "first_contact": "the match",
    "follow_up": "the first contact",
    "survey": "the follow-up",
}
LENGTH_OF = {"match": "match", "first_contact": "first_contact", "follow_up": "check_in", "survey": "survey"}

# One row per referral of the quarters asked: its quarter, outcome, clock dates (text, or NULL).
_SQL = """
SELECT u.quarter, u.outcome, r.received_on,
    CASE WHEN r.consent = 'given' AND r.consent_on > r.received_on THEN r.consent_on END,
    (SELECT min(m.matched_on) FROM "match" m WHERE m.referral_id = u.referral_id),
    (SELECT min(c.contact_on) FROM contact c
        WHERE c.kind = 'initial' AND c.referral_id = u.referral_id AND c.voided_on IS NULL),
    (SELECT min(c.contact_on) FROM contact c
        WHERE c.kind = 'follow_up' AND c.referral_id = u.referral_id AND c.voided_on IS NULL),
    (SELECT min(s.submitted_on) FROM survey s WHERE s.referral_id = u.referral_id AND s.voided_on IS NULL),
    r.consent = 'refused', u.days_to_first_contact IS NOT NULL,
    u.follow_up_done != 0 AND u.days_to_first_contact IS NOT NULL
FROM utilization u JOIN referral r ON r.id = u.referral_id
WHERE u.quarter IN ({marks})"""


@dataclass(frozen=True)
class Tally:
    """One standard over one quarter: cases that met it, cases in its base, still in progress, and the
    working days each case took ({days: cases}) where the step happened."""

    met: int
    base: int
    in_progress: int
    took: Counter[int]


@dataclass(frozen=True)
class QuarterTallies:
    """The four standards of one quarter, its declines (of which for no consent), and, as the
    de-identified record counts them, the cases with a first contact and of those with a follow-up."""

    referrals: int
    tallies: dict[str, Tally]
    declined: int
    no_consent: int
    contacted: int = 0
    followed: int = 0


class _Days:
    """Working-day arithmetic on ISO date text as whole numbers, each distinct date worked out once.

    For a date d: `inc` is the working days after an anchor up to and including d, and `at` is `inc`
    plus 1 when d is not a working day (the index of the first working day on or after d). A clock
    starting on s with length L is due on the working day of index at(s) + L; a day d is on or before
    it exactly when at(d) <= at(s) + L, and the step took inc(d) - at(s) working days (0 if before).
    """

    def __init__(self, anchor: date) -> None:
        self.anchor = anchor
        self._seen: dict[str, tuple[int, int]] = {}

    def of(self, text: str) -> tuple[int, int]:
        """(inc, at) of the date `text`."""
        found = self._seen.get(text)
        if found is None:
            day = date.fromisoformat(text[:10])
            inc = working_days_between(self.anchor, day)
            found = self._seen[text] = (inc, inc + (add_working_days(day, 0) != day))
        return found


def _tally(
    steps: Sequence[tuple[str | None, str | None, bool]], length: int, days: _Days, today: int
) -> Tally:
    """`steps`: (clock start, step done, declined) per case; `today`: today's `at` index."""
    met = base = in_progress = 0
    took: Counter[int] = Counter()
    of = days.of
    for start, done, declined in steps:
        if start is None:
            continue  # the clock never started (no match yet, say)
        due = of(start)[1] + length
        if done is not None:
            inc, at = of(done)
            took[max(0, inc - (due - length))] += 1
            base += 1
            met += at <= due  # on or before the day it was due, as the queue counts it
        elif declined:
            continue
        elif today > due:
            base += 1  # the clock ran out without the step
        else:
            in_progress += 1
    return Tally(met, base, in_progress, took)


def tallies(
    quarters: Sequence[Quarter], today: date, lengths: ClockLengths | None = None
) -> dict[str, QuarterTallies]:
    """Each quarter's standards, by quarter name (call under the store's lock)."""
    lengths = lengths or ClockLengths.from_settings()
    names = [str(q) for q in quarters]
    rows = query.rows(_SQL.format(marks=", ".join("?" * len(names))), *names)  # marks only: no values
    per: dict[str, list[tuple[str | None, ...]]] = {name: [] for name in names}
    declines: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    reached: Counter[str] = Counter()  # a first contact, as the de-identified record has it
    checked: Counter[str] = Counter()  # and a follow-up done
    for row in rows:
        quarter, outcome, received, consented, matched, contacted, followed, surveyed = row[:8]
        declined = outcome == "declined"
        declines[quarter] += declined
        refusals[quarter] += bool(declined and row[8])
        reached[quarter] += bool(row[9])
        checked[quarter] += bool(row[10])
        per[quarter].append(
            (consented or received, matched, contacted, followed, surveyed, "1" if declined else "")
        )
    days = _Days(min((q.start for q in quarters), default=today) - timedelta(days=1))
    now = days.of(today.isoformat())[1]
    found: dict[str, QuarterTallies] = {}
    for name in names:
        cases = per[name]
        made: dict[str, Tally] = {}
        for at, standard in enumerate(STANDARDS):
            length: int = getattr(lengths, LENGTH_OF[standard])
            made[standard] = _tally([(c[at], c[at + 1], bool(c[5])) for c in cases], length, days, now)
        found[name] = QuarterTallies(
            len(cases), made, declines[name], refusals[name], reached[name], checked[name]
        )
    return found


def standard_label(standard: str, lengths: ClockLengths, unit: Callable[[int], str]) -> str:
    """How a standard reads: "Matched within 1 working day of the receipt (or consent, ...)"."""
    length: int = getattr(lengths, LENGTH_OF[standard])
    within = f"within {unit(length)} of {STARTS[standard]}"
    return {
        "match": f"Matched {within}",
        "first_contact": f"First contact {within}",
        "follow_up": f"Follow-up check-in {within}",
        "survey": f"Survey returned {within}",
    }[standard]


def working_days(n: int) -> str:
    """ "1 working day", "2 working days"."""
    return f"{n} working day{'' if n == 1 else 's'}"


# -- as published ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The quarter's protected counts that the standards sit beside: one set, published once (the
    summary prints these very cells). Referrals stand alone; the cases with a first contact are a part
    of them; the follow-ups done a part of those."""

    referrals: Cell
    contacted: Cell
    follow_up: Proportion


def headline(found: QuarterTallies, threshold: int) -> Headline:
    """The quarter's referrals, cases with a first contact and follow-ups done, protected."""
    referrals = count_cell(found.referrals, threshold)
    contacted = part_cell(found.contacted, referrals, found.referrals, threshold)
    return Headline(referrals, contacted, proportion(found.followed, contacted, found.contacted, threshold))


# The headline counts each standard's counts are bounded by: the first contact's met are cases with a
# first contact; the follow-up's base are cases with a first contact and its met cases with a
# follow-up; the survey's base are cases with a follow-up. Published beside a withheld one, they
# would narrow it (26 in the base of a "—†" of 27 pins it), so such a row is withheld.
LINKED = {
    "match": (),
    "first_contact": ("contacted",),
    "follow_up": ("contacted", "followed"),
    "survey": ("followed",),
}


@dataclass(frozen=True)
class StandardFigure:
    """One standard as published: met of base (suppressed as counts are), the share as far as the
    published cells allow, and the median and 90th percentile of working days taken (None below the
    threshold). Cases still within their clock are in no count here."""

    name: str
    label: str
    met: Cell
    base: Cell
    share: str
    median: float | None
    p90: float | None
    timings_withheld: bool = False  # with the row, beside a withheld headline count (else: too few)


def _near(value: int | None, totals: Sequence[int], threshold: int) -> bool:
    """Whether a count is 1 to threshold - 1 away from a published total (the difference would be a
    small count: 26 cases in a standard's base beside 27 referrals shows that 1 was left out)."""
    return value is not None and any(0 < abs(total - value) < threshold for total in totals)


def _linked_hidden(name: str, top: Headline) -> bool:
    """Whether a headline count that bounds the standard's counts is withheld (the referrals, when
    fewer than the threshold, bound them all)."""
    cells = {"contacted": top.contacted, "followed": top.follow_up.part}
    return top.referrals.value is None or any(cells[link].value is None for link in LINKED[name])


def _guarded(
    name: str, met: Cell, base: Cell, share: str, top: Headline, threshold: int
) -> tuple[Cell, Cell, str]:
    """A standard's met, base and share, withheld where the headline's protection needs it: a row
    bounded by a withheld headline count, or whose base is 1 to threshold - 1 from a published
    headline count, is withheld (base "—†", met and share "—‡"); a met that near one, with its share.
    Beside fewer referrals than the threshold, every row is withheld ("—‡"), as every other count is."""
    shown = [top.referrals, top.contacted, top.follow_up.part]
    totals = [cell.value for cell in shown if cell.value is not None]
    if threshold <= 1:
        return met, base, share
    if top.referrals.value is None:  # fewer referrals than the threshold: every count withheld
        return withheld(WHOLE), withheld(WHOLE), WITHHELD + MARKS[WHOLE]
    if _linked_hidden(name, top) or _near(base.value, totals, threshold):
        return withheld(WHOLE), base if base.value is None else withheld(COMPLEMENT), WITHHELD + MARKS[WHOLE]
    if _near(met.value, totals, threshold):
        return withheld(COMPLEMENT), base, WITHHELD + MARKS[COMPLEMENT]
    return met, base, share


def figures(
    found: QuarterTallies,
    threshold: int,
    lengths: ClockLengths,
    times: Callable[[Counter[int], int], tuple[float | None, float | None]],
) -> tuple[StandardFigure, ...]:
    """The four standards of one quarter as published (`times`: median and p90 of a histogram), each
    protected together with the quarter's headline counts (`headline`)."""
    top = headline(found, threshold)
    made = []
    for name in STANDARDS:
        tally = found.tallies[name]
        base = count_cell(tally.base, threshold)
        share = proportion(tally.met, base, tally.base, threshold)
        met, base, shown = _guarded(name, share.part, base, share.share, top, threshold)
        # the timings need `threshold` cases where the step happened: shown, they would tell that the
        # withheld headline count bounding them (cases with a first contact, say) is that many or more
        hidden = threshold > 1 and _linked_hidden(name, top)
        median, p90 = (None, None) if hidden else times(tally.took, threshold)
        label = standard_label(name, lengths, working_days)
        made.append(StandardFigure(name, label, met, base, shown, median, p90, timings_withheld=hidden))
    return tuple(made)
