"""peewee models: one BaseModel; the database is bound when a Store opens.

They mirror the tables the migrations create (a test compares the two). No field holds what was said
in a conversation: the only free text on a case is a 140-character logistics note.
"""

from __future__ import annotations

import peewee as pw


class BaseModel(pw.Model):
    """Every model; bound to the open Store's database by `Store.bind`."""

    class Meta:
        legacy_table_names = False


class Meta(BaseModel):
    """Key/value facts about the vault itself: schema version, sentinel, purge records."""

    key = pw.TextField(primary_key=True)
    value = pw.TextField()


class Setting(BaseModel):
    """The coordinator's settings, JSON-encoded values (see `store.settings`)."""

    key = pw.TextField(primary_key=True)
    value = pw.TextField()


class Physician(BaseModel):
    """A physician: a referred peer, a supporter, or both. Identifying: purged by retention."""

    id = pw.AutoField()
    name = pw.TextField()
    name_key = pw.TextField(index=True)
    search_key = pw.TextField(default="")  # words10: the name folded for search (common.search_key)
    email = pw.TextField(default="")
    phone = pw.TextField(default="")
    preferred_contact = pw.TextField(default="email")
    career_stage = pw.TextField()
    county = pw.TextField()
    specialty = pw.TextField(default="")
    interventional = pw.BooleanField(default=False)
    created_on = pw.DateField()
    purged_on = pw.DateField(null=True)


class Supporter(BaseModel):
    """A nominated or trained peer supporter (a physician)."""

    id = pw.AutoField()
    physician = pw.ForeignKeyField(Physician, unique=True, backref="supporter_roles")
    physician_id: int
    status = pw.TextField(default="nominated")
    training_completed_on = pw.DateField(null=True)
    max_active = pw.IntegerField(default=2)
    unavailable_until = pw.DateField(null=True)


class Nomination(BaseModel):
    """A colleague's nomination of a supporter."""

    id = pw.AutoField()
    supporter = pw.ForeignKeyField(Supporter, backref="nominations", on_delete="CASCADE")
    nominated_by = pw.TextField()
    nominated_on = pw.DateField()


class Conflict(BaseModel):
    """A physician the supporter must never be matched with (evaluates them, or declared)."""

    id = pw.AutoField()
    supporter = pw.ForeignKeyField(Supporter, backref="conflicts", on_delete="CASCADE")
    physician = pw.ForeignKeyField(Physician, null=True, backref="conflicted_with")
    name_key = pw.TextField(index=True)
    kind = pw.TextField()
    added_on = pw.DateField()


class Referral(BaseModel):
    """A case: one physician's referral to the program."""

    id = pw.AutoField()
    physician = pw.ForeignKeyField(Physician, backref="referrals")
    received_on = pw.DateField()
    pathway = pw.TextField()
    source = pw.TextField()
    acute_interventional = pw.BooleanField(default=False)
    consent = pw.TextField(default="not_needed")
    consent_on = pw.DateField(null=True)
    status = pw.TextField(default="new")
    status_on = pw.DateField()
    closed_on = pw.DateField(null=True)
    php_referred = pw.BooleanField(default=False)
    logistics_note = pw.TextField(default="")


class ReferralStressor(BaseModel):
    """One of a referral's stressors (several allowed)."""

    referral = pw.ForeignKeyField(Referral, backref="stressor_rows", on_delete="CASCADE")
    stressor = pw.TextField()

    class Meta:
        primary_key = pw.CompositeKey("referral", "stressor")
        without_rowid = True


class StatusChange(BaseModel):
    """A case's move from one status to another (its timeline)."""

    id = pw.AutoField()
    referral = pw.ForeignKeyField(Referral, backref="status_changes", on_delete="CASCADE")
    changed_on = pw.DateField()
    from_status = pw.TextField()
    to_status = pw.TextField()


class Match(BaseModel):
    """A referral matched to a supporter, with the rule explanation as it stood."""

    id = pw.AutoField()
    referral = pw.ForeignKeyField(Referral, backref="matches", on_delete="CASCADE")
    supporter = pw.ForeignKeyField(Supporter, null=True, backref="matches")
    # peewee's accessors for the foreign keys' raw ids (no query), declared for the type checker
    supporter_id: int | None
    referral_id: int
    matched_on = pw.DateField()
    score = pw.FloatField()
    explanation = pw.TextField()
    override_reason = pw.TextField(default="")
    active = pw.BooleanField(default=True)
    ended_on = pw.DateField(null=True)
    ended_reason = pw.TextField(null=True)
    # schema 11 (peers13): a match to an outside resource instead of a supporter, with its reason
    outside_resource = pw.TextField(null=True)
    outside_reason = pw.TextField(null=True)


class Contact(BaseModel):
    """That a conversation happened: date, kind and mode. Logistics only."""

    id = pw.AutoField()
    referral = pw.ForeignKeyField(Referral, backref="contacts", on_delete="CASCADE")
    supporter = pw.ForeignKeyField(Supporter, null=True, backref="contacts")
    contact_on = pw.DateField()
    kind = pw.TextField()
    mode = pw.TextField()
    voided_on = pw.DateField(null=True)  # a correction: stays stored, counts nowhere (schema 7)
    void_reason = pw.TextField(null=True)


class TrainingEvent(BaseModel):
    """Orientation, training, or a Community of Practice session (paid an honorarium)."""

    id = pw.AutoField()
    kind = pw.TextField()
    held_on = pw.DateField()
    hours = pw.FloatField()
    rate = pw.FloatField()
    title = pw.TextField(default="")


class Attendance(BaseModel):
    """A supporter's attendance at a training event, in hours."""

    event = pw.ForeignKeyField(TrainingEvent, backref="attendance", on_delete="CASCADE")
    supporter = pw.ForeignKeyField(Supporter, backref="attendance")
    hours = pw.FloatField()

    class Meta:
        primary_key = pw.CompositeKey("event", "supporter")
        without_rowid = True


class Survey(BaseModel):
    """A supporter's confidential survey: structured answers tied to the referral id only."""

    id = pw.AutoField()
    referral = pw.ForeignKeyField(Referral, backref="surveys", on_delete="CASCADE")
    submitted_on = pw.DateField()
    conversation_happened = pw.BooleanField()
    duration = pw.TextField(null=True)
    peer_helpfulness = pw.IntegerField(null=True)
    resources_offered = pw.BooleanField(default=False)
    supporter_distress = pw.IntegerField(null=True)
    wants_debrief = pw.BooleanField(default=False)
    voided_on = pw.DateField(null=True)  # a correction: stays stored, counts nowhere (schema 7)
    void_reason = pw.TextField(null=True)


class Escalation(BaseModel):
    """That and when confidentiality was broken for safety, and to whom; never why."""

    id = pw.AutoField()
    referral = pw.ForeignKeyField(Referral, backref="escalations", on_delete="CASCADE")
    escalated_on = pw.DateField()
    escalated_at = pw.TextField()
    escalated_to = pw.TextField()
    acknowledged_on = pw.DateField(null=True)


class Snooze(BaseModel):
    """A queue item put off until a date, with a reason from a fixed list."""

    id = pw.AutoField()
    referral = pw.ForeignKeyField(Referral, backref="snoozes", on_delete="CASCADE")
    item = pw.TextField()
    until = pw.DateField()
    reason = pw.TextField()
    created_on = pw.DateField()


class Utilization(BaseModel):
    """A referral's de-identified utilization record, kept current by triggers (migration m0004).

    Never written by the services: the triggers recompute it on every change to the case, and it
    survives the purge of the case's identifying fields. No name, contact or free text.
    """

    referral = pw.ForeignKeyField(Referral, primary_key=True, backref="utilization")
    referral_id: int
    month_received = pw.TextField()  # 'YYYY-MM'
    quarter = pw.TextField(index=True)  # '2026Q3'
    career_stage = pw.TextField()
    county = pw.TextField()
    pathway = pw.TextField()
    source = pw.TextField()
    stressors = pw.TextField()  # ';'-joined in vocabulary order
    acute_interventional = pw.BooleanField()
    outcome = pw.TextField()  # open | closed | declined | unreachable
    days_to_match = pw.IntegerField(null=True)
    days_to_first_contact = pw.IntegerField(null=True)
    follow_up_done = pw.BooleanField()
    survey_done = pw.BooleanField()
    php_referred = pw.BooleanField()
    safety_escalation = pw.BooleanField()
    outside_resource = pw.TextField(null=True)  # schema 11: the latest match's, when outside


class SamePersonCheck(BaseModel):
    """A supporter who may be a referral's physician themself (same name key, email or phone).

    Recorded at intake; until `cleared_on` is set (the coordinator confirmed they are two people) the
    supporter is never matched with the referral.
    """

    referral = pw.ForeignKeyField(Referral, backref="same_person_checks", on_delete="CASCADE")
    supporter = pw.ForeignKeyField(Supporter, backref="same_person_checks", on_delete="CASCADE")
    referral_id: int
    supporter_id: int
    cleared_on = pw.DateField(null=True)

    class Meta:
        primary_key = pw.CompositeKey("referral", "supporter")
        without_rowid = True


class PurgeLog(BaseModel):
    """That the retention policy purged something: the date and the counts only, never who."""

    id = pw.AutoField()
    purged_on = pw.DateField()
    cases = pw.IntegerField()
    physicians = pw.IntegerField()


# -- branch fix10 (issue 10, corrections) --


class ConsentVoid(BaseModel):
    """A consent answer voided (recorded by mistake): the case went back to pending; this keeps what
    the answer was, when it was voided and why (a reason from a fixed list)."""

    id = pw.AutoField()
    referral = pw.ForeignKeyField(Referral, backref="consent_voids", on_delete="CASCADE")
    consent = pw.TextField()
    consent_on = pw.DateField(null=True)
    voided_on = pw.DateField()
    reason = pw.TextField()


MODELS: list[type[BaseModel]] = [
    Meta,
    Setting,
    Physician,
    Supporter,
    Nomination,
    Conflict,
    Referral,
    ReferralStressor,
    StatusChange,
    Match,
    Contact,
    TrainingEvent,
    Attendance,
    Survey,
    Escalation,
    Snooze,
    Utilization,
    SamePersonCheck,
    PurgeLog,
    ConsentVoid,
]


# -- board12: the Member Survey (schema 9) ----------------------------------------------------------


class MemberSurvey(BaseModel):
    """The Member Survey's aggregate results of one year: counts of respondents and a JSON list of
    [label, percent] for further questions. Numbers only, never a response."""

    year = pw.IntegerField(primary_key=True)
    respondents = pw.IntegerField()
    aware = pw.IntegerField()
    used = pw.IntegerField()
    recommend = pw.IntegerField()
    questions = pw.TextField(default="[]")

    class Meta:
        table_name = "member_survey"


MODELS.append(MemberSurvey)


# -- branch audit13 (issue 13): the audit trail -------------------------------------------------


class AuditEntry(BaseModel):
    """One change, export, import, purge, restore, passphrase change, unlock or undo: never a value.

    Written by the triggers `store/audit.py` generates and by `services/admin/audit.record`; each
    entry carries the SHA-256 of the one before (`prev_hash`), set when it is sealed at commit.
    """

    id = pw.AutoField()
    at = pw.TextField(null=True, index=True)  # UTC, 'YYYY-MM-DDTHH:MM:SSZ'; NULL until sealed
    kind = pw.TextField()
    table_name = pw.TextField(null=True)
    record_ids = pw.TextField(default="")
    fields = pw.TextField(default="")
    referral_id = pw.IntegerField(null=True)
    prev_hash = pw.TextField(null=True)


MODELS.append(AuditEntry)


# -- peers13: informal encounters, wellbeing check-ins, debriefs (schema 11) -----------------------


class InformalEncounter(BaseModel):
    """A supporter's unplanned conversation, counted: date, supporter, and optionally the peer's career
    stage, county and stressors (';'-joined in vocabulary order). No name, ever."""

    id = pw.AutoField()
    supporter = pw.ForeignKeyField(Supporter, backref="informal_encounters")
    supporter_id: int
    met_on = pw.DateField()
    career_stage = pw.TextField(null=True)
    county = pw.TextField(null=True)
    stressors = pw.TextField(default="")


class WellbeingCheckIn(BaseModel):
    """The coordinator's check-in with a supporter: date and structured result only."""

    id = pw.AutoField()
    supporter = pw.ForeignKeyField(Supporter, backref="check_ins")
    supporter_id: int
    checked_on = pw.DateField()
    result = pw.TextField()
    break_until = pw.DateField(null=True)


class Debrief(BaseModel):
    """That a debrief asked for (by a survey or a check-in) was offered to the supporter, and when."""

    id = pw.AutoField()
    supporter = pw.ForeignKeyField(Supporter, backref="debriefs")
    supporter_id: int
    survey = pw.ForeignKeyField(Survey, null=True, backref="debriefs", on_delete="CASCADE")
    check_in = pw.ForeignKeyField(WellbeingCheckIn, null=True, backref="debriefs", on_delete="CASCADE")
    done_on = pw.DateField()


MODELS += [InformalEncounter, WellbeingCheckIn, Debrief]
