"""Calendar quarters (2026Q3 = July to September 2026): parsing, dates, labels, previous quarters."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from p2p_tui.services.errors import ValidationError

PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MIN_YEAR, MAX_YEAR = 1900, 9999


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: `year` and `number` (1 = Jan–Mar ... 4 = Oct–Dec). Ordered by time."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValidationError("quarter", "must be written like 2026Q3 (quarter number 1 to 4)")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValidationError("quarter", f"must be written like 2026Q3 (year {MIN_YEAR} to {MAX_YEAR})")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """A quarter written like 2026Q3 (also 2026-Q3 or 2026q3)."""
        found = PATTERN.match(text)
        if found is None:
            raise ValidationError("quarter", "must be written like 2026Q3")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a date falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        """The quarter's first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day (inclusive)."""
        last_month = 3 * self.number
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    def previous(self, n: int = 1) -> Quarter:
        """The quarter `n` quarters before this one (n = 0 is this quarter)."""
        if n < 0:
            raise ValueError("n must be 0 or more")
        index = self.year * 4 + (self.number - 1) - n
        return Quarter(index // 4, index % 4 + 1)

    def next(self) -> Quarter:
        """The quarter after this one."""
        index = self.year * 4 + self.number
        return Quarter(index // 4, index % 4 + 1)

    @property
    def length(self) -> int:
        """The quarter's days."""
        return (self.end - self.start).days + 1

    def day_of(self, on: date) -> int | None:
        """Which day of the quarter `on` is (1 = its first), or None when `on` is outside it."""
        return (on - self.start).days + 1 if self.start <= on <= self.end else None

    def to_date(self, on: date) -> str | None:
        """ "to date (day 49 of 92)" while the quarter runs on `on`; None once it is complete (or not
        begun)."""
        day = self.day_of(on)
        return None if day is None else f"to date (day {day} of {self.length})"

    @classmethod
    def last_complete(cls, on: date) -> Quarter:
        """The last quarter that ended before `on`."""
        return cls.of(on).previous()

    @property
    def label(self) -> str:
        """A reader's label, like "Jul–Sep 2026"."""
        first = 3 * self.number - 3
        return f"{MONTHS[first]}–{MONTHS[first + 2]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"
