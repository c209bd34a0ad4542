"""Who a report is from and when it was made: the organisation and program (Settings), the paper size
of its PDF (Settings: Letter or A4), and the date and time it was made (the one clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from p2p_tui.services import clock, common
from p2p_tui.store import settings


@dataclass(frozen=True)
class Letterhead:
    """The organisation and program a document is from, its paper size, and when it was made."""

    organisation: str
    program: str
    paper: str  # Letter | A4
    made_at: datetime

    @property
    def made(self) -> str:
        """When it was made, as printed: "18 November 2026 at 10:00"."""
        return f"{self.made_at.day} {self.made_at:%B %Y} at {self.made_at:%H:%M}"


def current() -> Letterhead:
    """The letterhead from Settings, made now (call under the store's lock).

    The names pass `common.printable` here, once, for every report that prints them (Markdown, PDF,
    the console): a vault whose settings were written before they refused control characters is safe.
    """
    return Letterhead(
        organisation=common.printable(str(settings.get("organisation_name"))),
        program=common.printable(str(settings.get("program_name"))),
        paper=str(settings.get("paper_size")),
        made_at=clock.now(),
    )
