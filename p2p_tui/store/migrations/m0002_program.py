"""Schema 2: the program's data (ARCHITECTURE.md §4): people, roster, cases, matches, contacts, training,
surveys, safety escalations and snoozes. No column holds what was said in a conversation."""

from __future__ import annotations

import sqlite3

# Frozen copies of the vocabularies as they were in schema 2 (a migration never follows later edits).
STAGES = "('early', 'mid', 'late', 'retired')"
CONTACT_PREFS = "('email', 'phone', 'text')"
SUPPORTER_STATUSES = "('nominated', 'in_training', 'active', 'paused', 'retired')"
PATHWAYS = "('reach_in', 'reach_out')"
SOURCES = "('self', 'colleague', 'cpspei', 'mspei', 'php', 'cmpa', 'leadership', 'media', 'other')"
STRESSORS = "('adverse_event', 'complaint', 'conflict', 'life_stressor', 'burnout', 'other')"
CONSENT = "('not_needed', 'pending', 'given', 'refused')"
CASE_STATUSES = "('new', 'matched', 'contacted', 'followed_up', 'closed', 'declined', 'unreachable')"
CONTACT_KINDS = "('initial', 'follow_up')"
CONTACT_MODES = "('phone', 'video', 'in_person', 'email')"
MATCH_END = "('supporter_declined', 'reassigned', 'case_ended')"
CONFLICT_KINDS = "('evaluates', 'declared')"
TRAINING_KINDS = "('orientation', 'training', 'community_of_practice')"
DURATIONS = "('under_15', '15_30', '30_60', 'over_60')"
ESCALATED_TO = "('php', 'crisis_line_988', 'emergency_911', 'other')"
QUEUE_KINDS = "('safety', 'unmatched', 'no_first_contact', 'check_in', 'survey', 'consent_pending')"
SNOOZE_REASONS = "('awaiting_reply', 'scheduled', 'supporter_away', 'physician_away', 'other')"

SCHEMA = f"""
CREATE TABLE physician (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    preferred_contact TEXT NOT NULL DEFAULT 'email' CHECK (preferred_contact IN {CONTACT_PREFS}),
    career_stage TEXT NOT NULL CHECK (career_stage IN {STAGES}),
    county TEXT NOT NULL,
    specialty TEXT NOT NULL DEFAULT '',
    interventional INTEGER NOT NULL DEFAULT 0 CHECK (interventional IN (0, 1)),
    created_on DATE NOT NULL,
    purged_on DATE
);
CREATE INDEX physician_name_key ON physician (name_key);

CREATE TABLE supporter (
    id INTEGER PRIMARY KEY,
    physician_id INTEGER NOT NULL UNIQUE REFERENCES physician (id),
    status TEXT NOT NULL DEFAULT 'nominated' CHECK (status IN {SUPPORTER_STATUSES}),
    training_completed_on DATE,
    max_active INTEGER NOT NULL DEFAULT 2 CHECK (max_active BETWEEN 0 AND 20),
    unavailable_until DATE
);

CREATE TABLE nomination (
    id INTEGER PRIMARY KEY,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id) ON DELETE CASCADE,
    nominated_by TEXT NOT NULL,
    nominated_on DATE NOT NULL
);
CREATE INDEX nomination_supporter ON nomination (supporter_id);

CREATE TABLE conflict (
    id INTEGER PRIMARY KEY,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id) ON DELETE CASCADE,
    physician_id INTEGER REFERENCES physician (id),
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN {CONFLICT_KINDS}),
    added_on DATE NOT NULL
);
CREATE INDEX conflict_supporter ON conflict (supporter_id);
CREATE INDEX conflict_name_key ON conflict (name_key);

CREATE TABLE referral (
    id INTEGER PRIMARY KEY,
    physician_id INTEGER NOT NULL REFERENCES physician (id),
    received_on DATE NOT NULL,
    pathway TEXT NOT NULL CHECK (pathway IN {PATHWAYS}),
    source TEXT NOT NULL CHECK (source IN {SOURCES}),
    acute_interventional INTEGER NOT NULL DEFAULT 0 CHECK (acute_interventional IN (0, 1)),
    consent TEXT NOT NULL DEFAULT 'not_needed' CHECK (consent IN {CONSENT}),
    consent_on DATE,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN {CASE_STATUSES}),
    status_on DATE NOT NULL,
    closed_on DATE,
    php_referred INTEGER NOT NULL DEFAULT 0 CHECK (php_referred IN (0, 1)),
    logistics_note TEXT NOT NULL DEFAULT '' CHECK (length(logistics_note) <= 140)
);
CREATE INDEX referral_status ON referral (status);
CREATE INDEX referral_received ON referral (received_on);
CREATE INDEX referral_physician ON referral (physician_id);

CREATE TABLE referral_stressor (
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    stressor TEXT NOT NULL CHECK (stressor IN {STRESSORS}),
    PRIMARY KEY (referral_id, stressor)
) WITHOUT ROWID;

CREATE TABLE status_change (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    changed_on DATE NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL CHECK (to_status IN {CASE_STATUSES})
);
CREATE INDEX status_change_referral ON status_change (referral_id);

CREATE TABLE "match" (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id),
    matched_on DATE NOT NULL,
    score REAL NOT NULL,
    explanation TEXT NOT NULL,
    override_reason TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    ended_on DATE,
    ended_reason TEXT CHECK (ended_reason IS NULL OR ended_reason IN {MATCH_END})
);
CREATE INDEX match_referral ON "match" (referral_id);
CREATE INDEX match_supporter_active ON "match" (supporter_id, active);

CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    supporter_id INTEGER REFERENCES supporter (id),
    contact_on DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN {CONTACT_KINDS}),
    mode TEXT NOT NULL CHECK (mode IN {CONTACT_MODES})
);
CREATE INDEX contact_referral ON contact (referral_id);

CREATE TABLE training_event (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN {TRAINING_KINDS}),
    held_on DATE NOT NULL,
    hours REAL NOT NULL CHECK (hours > 0 AND hours <= 24),
    rate REAL NOT NULL CHECK (rate >= 0),
    title TEXT NOT NULL DEFAULT ''
);
CREATE INDEX training_event_held ON training_event (held_on);

CREATE TABLE attendance (
    event_id INTEGER NOT NULL REFERENCES training_event (id) ON DELETE CASCADE,
    supporter_id INTEGER NOT NULL REFERENCES supporter (id),
    hours REAL NOT NULL CHECK (hours >= 0 AND hours <= 24),
    PRIMARY KEY (event_id, supporter_id)
) WITHOUT ROWID;

CREATE TABLE survey (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    submitted_on DATE NOT NULL,
    conversation_happened INTEGER NOT NULL CHECK (conversation_happened IN (0, 1)),
    duration TEXT CHECK (duration IS NULL OR duration IN {DURATIONS}),
    peer_helpfulness INTEGER CHECK (peer_helpfulness IS NULL OR peer_helpfulness BETWEEN 1 AND 5),
    resources_offered INTEGER NOT NULL DEFAULT 0 CHECK (resources_offered IN (0, 1)),
    supporter_distress INTEGER CHECK (supporter_distress IS NULL OR supporter_distress BETWEEN 1 AND 5),
    wants_debrief INTEGER NOT NULL DEFAULT 0 CHECK (wants_debrief IN (0, 1))
);
CREATE INDEX survey_referral ON survey (referral_id);

CREATE TABLE escalation (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    escalated_on DATE NOT NULL,
    escalated_at TEXT NOT NULL,
    escalated_to TEXT NOT NULL CHECK (escalated_to IN {ESCALATED_TO}),
    acknowledged_on DATE
);
CREATE INDEX escalation_referral ON escalation (referral_id);

CREATE TABLE snooze (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id) ON DELETE CASCADE,
    item TEXT NOT NULL CHECK (item IN {QUEUE_KINDS}),
    until DATE NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN {SNOOZE_REASONS}),
    created_on DATE NOT NULL
);
CREATE INDEX snooze_referral ON snooze (referral_id);
"""


def apply(conn: sqlite3.Connection) -> None:
    """Create the tables of schema 2."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
