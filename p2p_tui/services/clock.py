"""The one clock: every service that needs today's date or the time of day reads it here.

The console and the command line use the coordinator's local time. Tests (and the screen pictures)
freeze it through `frozen()`, so nothing depends on the day the suite happens to run; the console can
also be handed a clock of its own (`P2PApp(now=...)`), which it installs here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from p2p_tui.store import audit

Now = Callable[[], datetime]


def local_now() -> datetime:
    """The coordinator's local date and time (aware)."""
    return datetime.now(UTC).astimezone()


_source: Now = local_now


def now() -> datetime:
    """The current local date and time, from the installed clock."""
    return _source()


def today() -> date:
    """The coordinator's local date, from the installed clock."""
    return _source().date()


audit.use_clock(now)  # the audit trail's entries are stamped by this clock too


def install(source: Now) -> Now:
    """Make `source` the clock every service reads; returns the one it replaced."""
    global _source
    previous, _source = _source, source
    return previous


@contextlib.contextmanager
def frozen(at: datetime | date) -> Iterator[datetime]:
    """Within the block, the clock stands still at `at` (a date means 10:00 local that day)."""
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 10, 0, tzinfo=UTC)
    fixed = at
    previous = install(lambda: fixed)
    try:
        yield fixed
    finally:
        install(previous)
