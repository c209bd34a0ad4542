"""Intake: validation messages name the field and what is allowed (never the value), the physician is
found again instead of duplicated, consent only where the pathway needs it, stressors, suggestions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from p2p_tui.services.admin import importing
from p2p_tui.services.cases import intake
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.errors import ValidationError, ValidationErrors
from p2p_tui.store import Store
from p2p_tui.store.models import Physician, Referral, ReferralStressor, StatusChange
from p2p_tui.store.vocab import CAREER_STAGES, PATHWAYS, PREFERRED_CONTACTS, SOURCES, STRESSORS

ON = date(2026, 7, 10)
HEADER = ",".join(importing.REFERRALS_HEADER)
COUNTIES = ("Kings", "Queens", "Prince")


def person(name: str = "Ann Smith", email: str = "ann@example.org", **kw: object) -> PhysicianInput:
    return PhysicianInput(name=name, career_stage="mid", county="Kings", email=email, **kw)  # type: ignore[arg-type]


def referral(physician: PhysicianInput | None = None, **kw: object) -> ReferralInput:
    values: dict[str, object] = {
        "received_on": "2026-07-01",
        "pathway": "reach_in",
        "source": "self",
        "stressors": ("burnout",),
    }
    values.update(kw)
    return ReferralInput(physician=physician or person(), **values)  # type: ignore[arg-type]


# (what to change, field named, words the message must contain, the bad value)
BAD_INPUTS = [
    ({"physician": {"career_stage": "Zenith"}}, "career_stage", CAREER_STAGES, "Zenith"),
    ({"physician": {"county": "Atlantis"}}, "county", COUNTIES, "Atlantis"),
    ({"physician": {"email": "quentin-at-nowhere"}}, "email", ("email address",), "quentin-at-nowhere"),
    ({"physician": {"phone": "call me maybe"}}, "phone", ("digits",), "call me maybe"),
    ({"physician": {"interventional": "perhaps"}}, "interventional", ("yes", "no"), "perhaps"),
    ({"physician": {"preferred_contact": "pigeon"}}, "preferred_contact", PREFERRED_CONTACTS, "pigeon"),
    ({"physician": {"name": "Zebulon " * 15}}, "name", ("100",), "Zebulon"),
    ({"physician": {"name": "   "}}, "name", ("required",), None),
    ({"physician": {"specialty": "Xenocardiology " * 5}}, "specialty", ("60",), "Xenocardiology"),
    ({"received_on": "07/01/2026"}, "received", ("YYYY-MM-DD",), "07/01/2026"),
    ({"received_on": "2026-07-11"}, "received", ("after today",), "2026-07-11"),
    ({"received_on": "1999-12-31"}, "received", ("2000-01-01",), "1999-12-31"),
    ({"pathway": "sideways"}, "pathway", PATHWAYS, "sideways"),
    ({"source": "rumour"}, "source", SOURCES, "rumour"),
    ({"stressors": ("gremlins",)}, "stressors", STRESSORS, "gremlins"),
    ({"stressors": ()}, "stressors", STRESSORS, None),
    ({"acute_interventional": "sometimes"}, "acute_interventional", ("yes", "no"), "sometimes"),
    (
        {"pathway": "reach_out", "source": "leadership", "consent": "eventually"},
        "consent",
        ("given", "pending", "refused"),
        "eventually",
    ),
    ({"pathway": "reach_out", "source": "php"}, "source", ("media", "leadership", "colleague"), None),
]


@pytest.mark.parametrize(("change", "field", "allowed", "bad"), BAD_INPUTS, ids=[b[1] for b in BAD_INPUTS])
def test_each_validation_message_names_the_field_and_what_is_allowed_never_the_value(
    store: Store, change: dict[str, object], field: str, allowed: tuple[str, ...], bad: str | None
) -> None:
    change = dict(change)
    physician_change = change.pop("physician", {})
    assert isinstance(physician_change, dict)
    data = referral(replace(person(), **physician_change), **change)
    with store.atomic():
        with pytest.raises(ValidationError) as caught:
            create_referral(data, on=ON)
        assert Referral.select().count() == 0
        assert Physician.select().count() == 0
    error = caught.value
    assert error.field == field
    assert str(error).startswith(f"{field}: ")
    for word in allowed:
        assert word in error.message, (word, error.message)
    if bad is not None:
        assert bad.strip().casefold() not in str(error).casefold()


def test_a_valid_referral_is_recorded_new_with_its_first_status_change(store: Store) -> None:
    with store.atomic():
        made = create_referral(referral(acute_interventional="yes"), on=ON)
        again = Referral.get_by_id(made.id)
        assert (again.status, again.status_on, again.received_on) == (
            "new",
            date(2026, 7, 1),
            date(2026, 7, 1),
        )
        assert again.acute_interventional is True
        assert again.consent == "not_needed"
        changes = list(StatusChange.select().where(StatusChange.referral == made))
        assert [(c.from_status, c.to_status) for c in changes] == [("", "new")]


def test_the_physician_is_found_again_by_name_and_email_ignoring_case(store: Store) -> None:
    with store.atomic():
        first = create_referral(referral(person("Ann Smith", "Ann@Example.org")), on=ON)
        second = create_referral(
            referral(replace(person("  ANN   smith ", "ann@EXAMPLE.ORG"), county="queens")), on=ON
        )
        assert first.physician.id == second.physician.id
        assert Physician.select().count() == 1
        assert Referral.select().count() == 2
        found = Physician.get_by_id(first.physician.id)
        assert found.county == "Queens"  # updated, spelled as in Settings
        assert found.email == "ann@example.org"


def test_a_different_email_is_a_different_physician(store: Store) -> None:
    with store.atomic():
        first = create_referral(referral(person("Ann Smith", "ann@example.org")), on=ON)
        second = create_referral(referral(person("Ann Smith", "ann.smith@other.org")), on=ON)
        assert first.physician.id != second.physician.id
        assert Physician.select().count() == 2


def test_without_an_email_the_physician_is_matched_by_phone(store: Store) -> None:
    with store.atomic():
        first = create_referral(referral(person("Bo Chen", "", phone="902-555-0100")), on=ON)
        same = create_referral(referral(person("bo chen", "", phone=" 902-555-0100 ")), on=ON)
        other = create_referral(referral(person("Bo Chen", "", phone="902-555-0199")), on=ON)
        assert same.physician.id == first.physician.id
        assert other.physician.id != first.physician.id
        assert Physician.select().count() == 2


def test_without_an_email_the_phone_finds_a_physician_on_file_with_an_email_too(store: Store) -> None:
    with store.atomic():
        first = create_referral(referral(person("Bo Chen", "bo@example.org", phone="902-555-0100")), on=ON)
        again = create_referral(referral(person("Bo Chen", "", phone="902-555-0100")), on=ON)
        assert again.physician.id == first.physician.id
        assert Physician.select().count() == 1


def test_with_an_email_a_physician_on_file_with_the_phone_alone_is_found(store: Store) -> None:
    with store.atomic():
        first = create_referral(referral(person("Di Park", "", phone="902-555-0122")), on=ON)
        again = create_referral(referral(person("Di Park", "di@example.org", phone="902-555-0122")), on=ON)
        assert again.physician.id == first.physician.id
        assert Physician.select().count() == 1


def test_an_update_keeps_the_email_and_phone_it_is_not_given(store: Store) -> None:
    with store.atomic():
        first = create_referral(referral(person("Cy Roy", "cy@example.org", phone="902-555-0111")), on=ON)
        create_referral(referral(person("Cy Roy", "cy@example.org")), on=ON)
        assert Physician.get_by_id(first.physician.id).phone == "902-555-0111"


@pytest.mark.parametrize(
    ("pathway", "source", "expected"),
    [
        ("reach_out", "leadership", "pending"),
        ("reach_out", "colleague", "pending"),
        ("reach_out", "media", "not_needed"),
        ("reach_out", "other", "not_needed"),
        ("reach_in", "colleague", "not_needed"),
        ("reach_in", "cmpa", "not_needed"),
    ],
)
def test_consent_is_asked_only_for_a_reach_out_from_leadership_or_a_colleague_pending_by_default(
    store: Store, pathway: str, source: str, expected: str
) -> None:
    assert intake.consent_needed(pathway, source) is (expected == "pending")
    with store.atomic():
        made = create_referral(referral(pathway=pathway, source=source), on=ON)
        assert made.consent == expected
        assert made.consent_on is None


def test_consent_given_at_intake_is_dated_the_day_received(store: Store) -> None:
    with store.atomic():
        made = create_referral(referral(pathway="reach_out", source="colleague", consent="Given"), on=ON)
        assert (made.consent, made.consent_on) == ("given", date(2026, 7, 1))


@pytest.mark.parametrize(
    ("pathway", "source", "answer", "expected"),
    [
        ("reach_in", "self", "", "not_needed"),
        ("reach_in", "self", " Given ", "not_needed"),
        ("reach_in", "self", "not_needed", "not_needed"),
        ("reach_in", "self", "yes", "not_needed"),  # no answer is asked for: any is ignored
        ("reach_in", "self", "refused", "not_needed"),
        ("reach_out", "media", "maybe", "not_needed"),
        ("reach_out", "leadership", "", "pending"),
        ("reach_out", "leadership", "REFUSED", "refused"),
        ("reach_out", "leadership", "Yes", "given"),  # as a spreadsheet holds it
        ("reach_out", "colleague", "no", "refused"),
        ("reach_out", "colleague", "not_needed", None),
        ("reach_out", "colleague", "maybe", None),
    ],
)
def test_one_consent_rule_for_intake_and_the_import(
    store: Store, pathway: str, source: str, answer: str, expected: str | None
) -> None:
    line = f"2026-07-01,Ann Smith,ann@example.org,,mid,Kings,,{pathway},{source},burnout,no,{answer}"
    with store.atomic():
        if expected is None:
            with pytest.raises(ValidationError) as caught:
                create_referral(referral(pathway=pathway, source=source, consent=answer), on=ON)
            assert caught.value.field == "consent"
            with pytest.raises(ValidationErrors) as rejected:
                importing.import_csv("referrals", f"{HEADER}\n{line}\n", dry_run=True, on=ON)
            assert [e.field for e in rejected.value.errors] == ["consent"]
        else:
            made = create_referral(referral(pathway=pathway, source=source, consent=answer), on=ON)
            assert made.consent == expected
            importing.import_csv("referrals", f"{HEADER}\n{line}\n", dry_run=False, on=ON)
            assert {r.consent for r in Referral.select()} == {expected}


PAIRS = [(p, s) for p in PATHWAYS for s in SOURCES]
ALLOWED = {
    "reach_in": {"self", "colleague", "cpspei", "mspei", "php", "cmpa", "other"},
    "reach_out": {"media", "leadership", "colleague", "other"},
}


@pytest.mark.parametrize(("pathway", "source"), PAIRS)
def test_each_pathway_takes_only_its_sources(store: Store, pathway: str, source: str) -> None:
    with store.atomic():
        if source in ALLOWED[pathway]:
            assert create_referral(referral(pathway=pathway, source=source), on=ON).source == source
            return
        with pytest.raises(ValidationError) as caught:
            create_referral(referral(pathway=pathway, source=source), on=ON)
        assert Referral.select().count() == 0
    assert caught.value.field == "source"
    named = intake.allowed_sources_text(pathway)
    assert caught.value.message == named
    assert all(code in named for code in ALLOWED[pathway])
    assert "_" not in named.split("(")[0]  # plain words before the codes a file uses


def test_the_refusal_names_the_allowed_sources_in_plain_words() -> None:
    assert intake.allowed_sources_text("reach_out") == (
        "a reach-out comes from media coverage, leadership, a colleague or other "
        "(in a file: media, leadership, colleague, other)"
    )
    assert intake.sources_for("reach_in")[0] == "self"
    assert intake.sources_for("") == SOURCES


def test_a_received_date_in_the_future_is_refused_today_is_fine(store: Store) -> None:
    with store.atomic():
        with pytest.raises(ValidationError) as caught:
            create_referral(referral(received_on=date(2026, 7, 11)), on=ON)
        assert caught.value.field == "received"
        assert create_referral(referral(received_on=ON), on=ON).received_on == ON


def test_several_stressors_repeats_collapsed_unknown_refused(store: Store) -> None:
    with store.atomic():
        made = create_referral(
            referral(stressors=("burnout", "Burnout", " complaint ", "", "adverse_event")), on=ON
        )
        assert intake.stressors_of(made) == ("adverse_event", "complaint", "burnout")
        assert ReferralStressor.select().where(ReferralStressor.referral == made).count() == 3
        with pytest.raises(ValidationError) as caught:
            create_referral(referral(stressors=("burnout", "ennui")), on=ON)
        assert caught.value.field == "stressors"
        assert Referral.select().count() == 1


def test_suggest_physicians_finds_any_part_of_a_name_ignoring_case_starts_first(store: Store) -> None:
    with store.atomic():
        for name, mail in [
            ("Anna Jones", "anna@example.org"),
            ("Ann Smith", "ann@example.org"),
            ("Bob Ann", "bob@example.org"),
            ("Percent 100%", "pc@example.org"),
        ]:
            create_referral(referral(person(name, mail)), on=ON)
        assert [p.name for p in intake.suggest_physicians("an")] == ["Ann Smith", "Anna Jones", "Bob Ann"]
        assert [p.name for p in intake.suggest_physicians("ANN  S")] == ["Ann Smith"]
        assert [p.name for p in intake.suggest_physicians("an", limit=1)] == ["Ann Smith"]
        assert intake.suggest_physicians("") == []
        # a LIKE wildcard is a plain character
        assert [p.name for p in intake.suggest_physicians("%")] == ["Percent 100%"]
        assert intake.suggest_physicians("zed") == []
        Physician.update(purged_on=ON).where(Physician.name == "Ann Smith").execute()
        assert [p.name for p in intake.suggest_physicians("ann")] == ["Anna Jones", "Bob Ann"]


def test_without_any_contact_the_only_physician_of_that_name_is_found(store: Store) -> None:
    with store.atomic():
        first = create_referral(referral(person("Ivo Lone", "ivo@example.org")), on=ON)
        again = create_referral(referral(person("Ivo Lone", "")), on=ON)
    assert again.physician.id == first.physician.id


def test_without_any_contact_two_namesakes_are_not_guessed_between(store: Store) -> None:
    with store.atomic():
        create_referral(referral(person("Jo Twin", "jo1@example.org")), on=ON)
        create_referral(referral(person("Jo Twin", "jo2@example.org")), on=ON)
        third = create_referral(referral(person("Jo Twin", "")), on=ON)
        assert Physician.select().where(Physician.name_key == "jo twin").count() == 3
    assert third.physician.email == ""
