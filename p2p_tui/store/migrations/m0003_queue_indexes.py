"""Schema 3: indexes for the follow-up queue's set-based query (its 20 ms budget at 10,000 cases)."""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE INDEX contact_referral_on ON contact (referral_id, contact_on);
CREATE INDEX contact_kind_referral_on ON contact (kind, referral_id, contact_on);
CREATE INDEX survey_referral_on ON survey (referral_id, submitted_on);
CREATE INDEX referral_consent_pending ON referral (status) WHERE consent = 'pending'
"""


def apply(conn: sqlite3.Connection) -> None:
    """Create the indexes of schema 3."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
