"""CSV imports: the exact headers, every bad row listed by line and field, all or nothing, dry runs,
re-imports that update, `evaluates` names matched without regard to case, and no identifying value in
any message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from p2p_tui.services.admin.importing import REFERRALS_HEADER, ROSTER_HEADER, ImportPlan, import_csv
from p2p_tui.services.errors import ValidationError, ValidationErrors
from p2p_tui.services.people import roster
from p2p_tui.store import Store
from p2p_tui.store.models import MODELS, Conflict, Physician, Referral, Supporter

ON = date(2026, 7, 15)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROSTER = ",".join(ROSTER_HEADER)
REFERRALS = ",".join(REFERRALS_HEADER)
GOOD_SUPPORTER = "Ada Okafor,ada.okafor@clinic.test,902-555-0101,mid,Queens,Emergency Medicine,yes,active,2,"
GOOD_REFERRAL = (
    "2026-07-01,Ben Tremblay,ben.t@clinic.test,902-555-0102,late,Kings,Surgery,reach_in,self,burnout,no,"
)


def csv_text(header: str, *rows: str) -> str:
    return "\n".join([header, *rows]) + "\n"


def run(store: Store, kind: str, text: str, *, dry_run: bool = False) -> ImportPlan:
    """As the command runs it: in a transaction, or under the lock for a dry run."""
    if dry_run:
        with store.lock:
            return import_csv(kind, text, dry_run=True, on=ON)
    with store.atomic():
        return import_csv(kind, text, dry_run=False, on=ON)


def rejected(store: Store, kind: str, text: str) -> ValidationErrors:
    with pytest.raises(ValidationErrors) as caught:
        run(store, kind, text)
    return caught.value


def where(errors: ValidationErrors) -> list[tuple[int | None, str]]:
    return [(e.row, e.field) for e in errors.errors]


def counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in MODELS if m._meta.table_name != "audit_entry"}


# -- the header --------------------------------------------------------------------------------------


def test_a_wrong_header_is_one_error_naming_the_columns_and_the_expected_header(store: Store) -> None:
    text = csv_text(ROSTER.replace("career_stage", "stage").replace(",evaluates", ""), GOOD_SUPPORTER)
    errors = rejected(store, "roster", text)
    assert where(errors) == [(1, "header")]
    message = str(errors)
    assert message.startswith("row 1, header: ")
    assert "missing columns: career_stage, evaluates" in message
    assert "unknown columns: stage" in message
    assert ROSTER in message


def test_a_missing_header_line_does_not_echo_the_data_it_found(store: Store) -> None:
    errors = rejected(store, "roster", csv_text(GOOD_SUPPORTER, GOOD_SUPPORTER))
    assert where(errors) == [(1, "header")]
    assert "Okafor" not in str(errors) and "ada.okafor" not in str(errors)
    assert ROSTER in str(errors)


def test_unknown_columns_that_look_like_data_are_counted_not_shown(store: Store) -> None:
    errors = rejected(store, "roster", csv_text(ROSTER + ",Dr Zed Quill,zed@clinic.test", GOOD_SUPPORTER))
    assert "2 more not shown" in str(errors)
    assert "Quill" not in str(errors) and "zed@" not in str(errors)


def test_the_header_ignores_case_spaces_order_and_excels_byte_order_mark(store: Store) -> None:
    shuffled = ["Evaluates", " Name "] + [c.upper() for c in ROSTER_HEADER if c not in ("name", "evaluates")]
    row = (
        "," + "Ada Okafor," + "ada.okafor@clinic.test,902-555-0101,mid,Queens,Emergency Medicine,yes,active,2"
    )
    plan = run(store, "roster", "\ufeff" + csv_text(",".join(shuffled), row))
    assert (plan.rows, plan.added) == (1, 1)


def test_an_empty_file_is_refused(store: Store) -> None:
    assert where(rejected(store, "referrals", "")) == [(1, "header")]


def test_an_unknown_kind_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError) as caught:
        run(store, "supporters", csv_text(ROSTER))
    assert "roster, referrals" in str(caught.value)


# -- bad rows -------------------------------------------------------------------------------------------


def test_every_bad_roster_row_is_listed_by_line_and_field(store: Store) -> None:
    text = csv_text(
        ROSTER,
        "Avery One,a1@clinic.test,,junior,Queens,,no,active,2,",  # line 2: stage
        "Avery Two,a2@clinic.test,,mid,Atlantis,,no,active,2,",  # line 3: county
        "Avery Three,a3@clinic.test,,mid,Kings,,maybe,active,2,",  # line 4: interventional
        "Avery Four,not-an-email,,mid,Kings,,no,active,2,",  # line 5: email
        "Avery Five,a5@clinic.test,,mid,Kings,,no,active,21,",  # line 6: max_active
        "Avery Six,a6@clinic.test,,mid,Kings,,no,sleeping,2,",  # line 7: status
        "Avery Seven,a7@clinic.test,call me,mid,Prince,,no,active,-1,",  # line 8: phone and max_active
        "Avery Eight,a8@clinic.test,,late,Prince,,no,active,2,",  # line 9: fine
        "AVERY EIGHT,A8@clinic.test,,late,Prince,,no,active,2,",  # line 10: the same person again
        "Avery Nine,a9@clinic.test,,late,Prince,,no,active,2,Avery Nine",  # line 11: evaluates themself
    )
    errors = rejected(store, "roster", text)
    assert where(errors) == [
        (2, "career_stage"),
        (3, "county"),
        (4, "interventional"),
        (5, "email"),
        (6, "max_active"),
        (7, "status"),
        (8, "phone"),
        (8, "max_active"),
        (10, "name"),
        (11, "evaluates"),
    ]
    lines = str(errors).splitlines()
    assert lines[0] == "row 2, career_stage: must be one of: early, mid, late, retired"
    assert lines[1] == "row 3, county: must be one of the counties in Settings: Kings, Queens, Prince"
    assert lines[2] == "row 4, interventional: must be yes or no"
    assert "from 0 to 20" in lines[4]
    assert "nominated, in_training, active, paused, retired" in lines[5]
    assert "row 9" in lines[8]  # the duplicate names the first row it repeats
    for identifying in ("Avery", "AVERY", "clinic.test", "not-an-email", "call me"):
        assert identifying not in str(errors)


def test_every_bad_referral_row_is_listed_by_line_and_field(store: Store) -> None:
    text = csv_text(
        REFERRALS,
        "2026-13-01,Blair One,b1@clinic.test,,mid,Kings,,reach_in,self,burnout,no,",  # 2: date
        "2026-07-16,Blair Two,b2@clinic.test,,mid,Kings,,reach_in,self,burnout,no,",  # 3: future date
        "2026-07-01,Blair Three,b3@clinic.test,,mid,Kings,,walk_in,self,burnout,no,",  # 4: pathway
        "2026-07-01,Blair Four,b4@clinic.test,,mid,Kings,,reach_out,rumour,burnout,no,",  # 5: source
        "2026-07-01,Blair Five,b5@clinic.test,,mid,Kings,,reach_in,self,burnout;gossip,no,",  # 6: stressor
        "2026-07-01,Blair Six,b6@clinic.test,,mid,Kings,,reach_in,self,,no,",  # 7: no stressor
        "2026-07-01,Blair Seven,b7@clinic.test,,mid,Kings,,reach_in,self,burnout,perhaps,",  # 8: flag
        "2026-07-01,Blair Eight,b8@clinic.test,,mid,Kings,,reach_out,cmpa,burnout,no,",  # 9: pair
        "2026-07-01,Blair Nine,b9@clinic.test,,mid,Kings,,reach_out,leadership,burnout,no,maybe",  # 10
        "2026-07-02,Blair Ten,b10@clinic.test,,mid,Kings,,reach_in,self,burnout,no,",  # 11: fine
        "2026-07-02,blair ten,B10@CLINIC.TEST,,mid,Kings,,reach_in,self,complaint,no,",  # 12: repeat of 11
        "1999-12-31,Blair Eleven,,,mid,Kings,,reach_in,self,burnout,no,",  # 13: too early
    )
    errors = rejected(store, "referrals", text)
    assert where(errors) == [
        (2, "received"),
        (3, "received"),
        (4, "pathway"),
        (5, "source"),
        (6, "stressors"),
        (7, "stressors"),
        (8, "acute_interventional"),
        (9, "source"),
        (10, "consent"),
        (12, "received"),
        (13, "received"),
    ]
    message = str(errors)
    assert "row 2, received: must be a date written YYYY-MM-DD" in message
    assert "row 3, received: cannot be after today (2026-07-15)" in message
    assert "row 4, pathway: must be one of: reach_in, reach_out" in message
    assert "cmpa, leadership, media, other" in message
    assert "adverse_event, complaint, conflict, life_stressor, burnout, other" in message
    assert "row 9, source: a reach-out comes from media coverage, leadership, a colleague or other" in message
    assert "row 10, consent: must be empty (pending) or one of: given, pending, refused, yes, no" in message
    assert "Blair" not in message and "clinic.test" not in message.lower()


def test_one_row_with_several_mistakes_lists_each(store: Store) -> None:
    text = csv_text(REFERRALS, "yesterday,,x@,12,senior,Nowhere,,in,friend,sad,sure,")
    errors = rejected(store, "referrals", text)
    assert [f for _, f in where(errors)] == [
        "name",
        "email",
        "phone",
        "career_stage",
        "county",
        "received",
        "pathway",
        "source",
        "stressors",
        "acute_interventional",
    ]
    assert {row for row, _ in where(errors)} == {2}


def test_rows_with_too_many_or_too_few_values_are_errors(store: Store) -> None:
    bad_stage = GOOD_SUPPORTER.replace(",mid,", ",kid,")
    text = csv_text(ROSTER, GOOD_SUPPORTER + ",extra", bad_stage, "Short Row,s@clinic.test")
    assert where(rejected(store, "roster", text)) == [(2, "row"), (3, "career_stage"), (4, "row")]


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(store: Store) -> None:
    text = f'{ROSTER}\n\n{GOOD_SUPPORTER}\n"Two\nLines",t@clinic.test,,mid,Kings,,no,active,2,\n,,,,,,,,,\n'
    text += "Cy Bad,c@clinic.test,,teen,Kings,,no,active,2,\n"
    # line 3 the good row; lines 4-5 a quoted name over two lines (refused: a name is one line), named
    # by its first line; line 6 empty cells (skipped)
    found = where(rejected(store, "roster", text))
    assert found == [(4, "name"), (7, "career_stage")]


def test_a_record_over_several_lines_is_named_by_its_first(store: Store) -> None:
    """Issue 9, item 11: csv counts to a record's last line; the coordinator looks for its first."""
    bad = '"Dee\r\nMulti\nLine",d@clinic.test,,teen,Kings,,no,active,2,\n'
    text = f"{ROSTER}\n{GOOD_SUPPORTER}\n{bad}"
    assert where(rejected(store, "roster", text)) == [(3, "name"), (3, "career_stage")]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (
            '"' + "x" * 200_000 + '",y@clinic.test,,mid,Kings,,no,active,2,\n',
            "longer than 131,072 characters",
        ),
        ('"Una Closed,u@clinic.test,,mid,Kings,,no,active,2,\n', "never closed"),
        ('"Una\nClosed,u@clinic.test\n', "never closed"),
        ('"Quo"ted,q@clinic.test,,mid,Kings,,no,active,2,\n', "goes on after its closing"),
    ],
)
def test_an_unreadable_record_is_named_by_its_first_line(store: Store, record: str, reason: str) -> None:
    """Atk 9, F6: after good rows, the record csv cannot read is named by the line it starts on."""
    other = GOOD_SUPPORTER.replace("Ada", "Bea").replace("ada@", "bea@")
    text = f"{ROSTER}\n{GOOD_SUPPORTER}\n\n{other}\n{record}"  # lines 1, 2, 3 (blank), 4, then 5
    with pytest.raises(ValidationErrors) as caught:
        run(store, "roster", text)
    assert [(e.row, e.field) for e in caught.value.errors] == [(5, "file")]
    assert reason in str(caught.value) and "x" * 20 not in str(caught.value)


# -- all or nothing -----------------------------------------------------------------------------------


def test_a_rejected_file_changes_nothing_not_even_its_good_rows(store: Store) -> None:
    run(store, "roster", csv_text(ROSTER, GOOD_SUPPORTER))
    before = counts()
    bad_roster = csv_text(
        ROSTER, "New Person,n@clinic.test,,mid,Kings,,no,active,2,Ada Okafor", GOOD_SUPPORTER, "x,,,?,,,,,,"
    )
    rejected(store, "roster", bad_roster)
    bad_referrals = csv_text(REFERRALS, GOOD_REFERRAL, "2026-07-01,Z,,,mid,Kings,,reach_in,self,none,no,")
    rejected(store, "referrals", bad_referrals)
    assert counts() == before


def test_a_dry_run_reports_what_would_change_and_changes_nothing(store: Store) -> None:
    run(store, "roster", csv_text(ROSTER, GOOD_SUPPORTER))
    before = counts()
    other = "Cal Ng,cal@clinic.test,,late,Prince,,no,active,1,Ben Tremblay"
    plan = run(store, "roster", csv_text(ROSTER, GOOD_SUPPORTER, other), dry_run=True)
    assert (plan.rows, plan.added, plan.updated, plan.conflicts, plan.dry_run) == (2, 1, 1, 1, True)
    assert plan.summary == [
        "roster: 2 rows, 1 would be added, 1 would be updated",
        "1 new 'evaluates' conflicts",
        "dry run: nothing was changed",
    ]
    referrals = run(store, "referrals", csv_text(REFERRALS, GOOD_REFERRAL), dry_run=True)
    assert (referrals.rows, referrals.added) == (1, 1)
    assert counts() == before


def test_a_dry_run_still_rejects_bad_rows(store: Store) -> None:
    with pytest.raises(ValidationErrors), store.lock:
        import_csv("roster", csv_text(ROSTER, "A B,,,kid,Kings,,no,active,2,"), dry_run=True, on=ON)


# -- roster -------------------------------------------------------------------------------------------


def test_the_roster_imports_supporters_with_their_settings(store: Store) -> None:
    plan = run(store, "roster", csv_text(ROSTER, GOOD_SUPPORTER, "Di Po,di@clinic.test,,early,Kings,,,,,"))
    assert plan.summary == ["roster: 2 rows, 2 added, 0 updated"]
    ada = Supporter.select().join(Physician).where(Physician.name == "Ada Okafor").get()
    assert (ada.status, ada.max_active, ada.physician.interventional) == ("active", 2, True)
    di = Supporter.select().join(Physician).where(Physician.name == "Di Po").get()
    assert (di.status, di.max_active, di.physician.interventional) == ("nominated", 2, False)


def test_reimporting_the_roster_updates_instead_of_duplicating(store: Store) -> None:
    evaluator = "Eve Hart,eve@clinic.test,,late,Kings,,no,active,2,Ben Tremblay;Flo Ames"
    run(store, "roster", csv_text(ROSTER, GOOD_SUPPORTER, evaluator))
    before = counts()
    changed = GOOD_SUPPORTER.replace("active,2", "paused,3")
    plan = run(store, "roster", csv_text(ROSTER, changed, evaluator.replace("Flo Ames", "flo AMES")))
    assert (plan.added, plan.updated, plan.conflicts) == (0, 2, 0)
    assert counts() == before
    ada = Supporter.select().join(Physician).where(Physician.name == "Ada Okafor").get()
    assert (ada.status, ada.max_active) == ("paused", 3)


def test_evaluates_names_match_physicians_referred_later_whatever_their_case(store: Store) -> None:
    run(store, "roster", csv_text(ROSTER, GOOD_SUPPORTER.rstrip(",") + ",  BEN  tremblay ; Gil Rue"))
    run(store, "referrals", csv_text(REFERRALS, GOOD_REFERRAL))
    ada = Supporter.select().join(Physician).where(Physician.name == "Ada Okafor").get()
    ben = Physician.get(Physician.name == "Ben Tremblay")
    found = roster.conflicts_between(ada, ben)
    assert [c.kind for c in found] == ["evaluates"]


def test_evaluates_names_link_physicians_already_known(store: Store) -> None:
    run(store, "referrals", csv_text(REFERRALS, GOOD_REFERRAL))
    run(store, "roster", csv_text(ROSTER, GOOD_SUPPORTER.rstrip(",") + ",ben tremblay"))
    conflict = Conflict.get()
    assert conflict.physician.name == "Ben Tremblay"
    assert conflict.kind == "evaluates"


# -- referrals --------------------------------------------------------------------------------------


def test_referrals_import_with_stressors_flags_and_consent(store: Store) -> None:
    text = csv_text(
        REFERRALS,
        GOOD_REFERRAL,
        "2026-07-02,Cy Doe,cy@clinic.test,,early,Queens,,reach_out,leadership,adverse_event;complaint,yes,",
        "2026-07-03,Di Ro,di@clinic.test,,mid,Prince,,reach_out,colleague,conflict,no,given",
    )
    plan = run(store, "referrals", text)
    assert plan.summary == ["referrals: 3 rows, 3 added, 0 updated"]
    by_name = {r.physician.name: r for r in Referral.select()}
    assert by_name["Ben Tremblay"].consent == "not_needed"
    cy = by_name["Cy Doe"]
    assert (cy.consent, cy.acute_interventional, cy.physician.interventional) == ("pending", True, True)
    assert sorted(s.stressor for s in cy.stressor_rows) == ["adverse_event", "complaint"]
    assert (by_name["Di Ro"].consent, by_name["Di Ro"].consent_on) == ("given", date(2026, 7, 3))


def test_a_spreadsheets_yes_on_a_self_referral_is_accepted_and_the_dry_run_says_it_is_ignored(
    store: Store,
) -> None:
    text = csv_text(
        REFERRALS,
        GOOD_REFERRAL.removesuffix(",") + ",yes",
        "2026-07-02,Cy Doe,cy@clinic.test,,early,Queens,,reach_out,leadership,complaint,no,yes",
        "2026-07-03,Di Ro,di@clinic.test,,mid,Prince,,reach_out,media,conflict,no,no",
    )
    plan = run(store, "referrals", text, dry_run=True)
    assert plan.added == 3
    assert plan.consent_ignored_rows == [2, 4]
    said = "rows 2, 4: consent ignored (only a reach-out from leadership or a colleague asks for consent)"
    assert said in plan.summary
    run(store, "referrals", text)
    assert sorted(r.consent for r in Referral.select()) == ["given", "not_needed", "not_needed"]


def test_reimporting_referrals_leaves_the_ones_on_file(store: Store) -> None:
    run(store, "referrals", csv_text(REFERRALS, GOOD_REFERRAL))
    later = GOOD_REFERRAL.replace("2026-07-01", "2026-07-10")
    plan = run(store, "referrals", csv_text(REFERRALS, GOOD_REFERRAL, later))
    assert (plan.added, plan.unchanged) == (1, 1)
    assert Referral.select().count() == 2
    assert Physician.select().count() == 1


def test_a_referral_keeps_a_supporters_interventional_flag(store: Store) -> None:
    run(store, "roster", csv_text(ROSTER, GOOD_SUPPORTER))
    again = "2026-07-01,Ada Okafor,ada.okafor@clinic.test,,mid,Queens,,reach_in,self,burnout,no,"
    run(store, "referrals", csv_text(REFERRALS, again))
    assert Physician.select().count() == 1
    assert Physician.get().interventional is True


def test_the_examples_import_cleanly(store: Store) -> None:
    roster_plan = run(store, "roster", (EXAMPLES / "roster.csv").read_text(encoding="utf-8"))
    referral_plan = run(store, "referrals", (EXAMPLES / "referrals.csv").read_text(encoding="utf-8"))
    assert roster_plan.rows == roster_plan.added >= 8
    assert referral_plan.rows == referral_plan.added >= 8
    assert {r.pathway for r in Referral.select()} == {"reach_in", "reach_out"}
    assert Referral.select().where(Referral.consent == "pending").count() >= 1
    assert Conflict.select().where(Conflict.kind == "evaluates").count() >= 1
