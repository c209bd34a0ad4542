"""Schema 9: the Member Survey's aggregate results, one row per survey year (issue 12, item 7).

Numbers only: how many answered, how many were aware of the program, had used it, would use or
recommend it, and any further question as a short label with the share who agreed (a JSON list of
[label, percent]). Never a response.
"""

from __future__ import annotations

import sqlite3

TABLES = """
CREATE TABLE member_survey (
    year INTEGER PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
    respondents INTEGER NOT NULL CHECK (respondents >= 1),
    aware INTEGER NOT NULL CHECK (aware BETWEEN 0 AND respondents),
    used INTEGER NOT NULL CHECK (used BETWEEN 0 AND respondents),
    recommend INTEGER NOT NULL CHECK (recommend BETWEEN 0 AND respondents),
    questions TEXT NOT NULL DEFAULT '[]'
)
"""


def apply(conn: sqlite3.Connection) -> None:
    """Create `member_survey`."""
    conn.execute(TABLES)
