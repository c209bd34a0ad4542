"""The conflict and self rules hold whatever the spelling (issue 9, item 2).

A name with invisible characters still meets the evaluator's conflict; a supporter referred under
another email, or with a phone only, is flagged as maybe the physician themself and is never matched
with the case until the coordinator says they are two people.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from p2p_tui.services import common
from p2p_tui.services.admin.importing import REFERRALS_HEADER, import_csv
from p2p_tui.services.cases import intake, matching, same_person
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster
from p2p_tui.services.people.roster import SupporterInput
from p2p_tui.store import Store
from p2p_tui.store.models import SamePersonCheck
from tests.conftest import CHEAP_KDF, PASSPHRASE

ON = date(2026, 3, 2)
MAYBE = "may be the physician themself: confirm they are two people first"
INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u00ad", "\ufeff", "\u2060"]
ODD_SPACES = ["\u00a0", "\u2002", "\u2009", "\u202f", "\u3000"]


def add_supporter(name: str, email: str = "", phone: str = "", county: str = "Queens") -> int:
    person = PhysicianInput(name, "mid", county, email=email, phone=phone)
    return int(roster.add_supporter(SupporterInput(person, status="active"), on=ON - timedelta(days=400)).id)


def refer(name: str, email: str = "", phone: str = "") -> int:
    data = ReferralInput(
        PhysicianInput(name, "mid", "Kings", email=email, phone=phone),
        ON - timedelta(days=1),
        "reach_in",
        "self",
        ("burnout",),
    )
    return int(intake.create_referral(data, on=ON).id)


def candidate(referral_id: int, supporter_id: int) -> matching.Candidate:
    return next(c for c in matching.rank(referral_id, ON) if c.supporter_id == supporter_id)


@pytest.fixture
def db(store: Store) -> Iterator[Store]:
    with store.atomic():
        yield store


# -- the evaluator rule, whatever the spelling -----------------------------------------------------


@pytest.mark.parametrize("mark", ["\u200b", "\u00ad", "\u200d", "\ufeff", "\u2060", "\u200c"])
def test_an_invisible_character_in_the_name_does_not_get_past_the_evaluator(db: Store, mark: str) -> None:
    evaluator = add_supporter("Dr Eva Luator", "eva@example.org")
    roster.add_conflict(evaluator, "Dr Pat Quinn", "evaluates", on=ON)
    rid = refer(f"Dr Pat{mark} Qu{mark}inn", "pat@example.org")
    found = candidate(rid, evaluator)
    assert not found.eligible
    assert [r.rule for r in found.failing(hard=True)] == ["not_evaluator"]


def test_an_evaluates_list_with_invisible_characters_meets_the_plain_name(db: Store) -> None:
    evaluator = add_supporter("Dr Eva Luator", "eva@example.org")
    roster.add_conflict(evaluator, "DR\u00a0PAT\u200b QUINN\ufeff", "evaluates", on=ON)
    rid = refer("Dr Pat Quinn", "pat@example.org")
    assert not candidate(rid, evaluator).eligible


# Drawn as an empty cell (a gap, like a space), or a letter of another script drawn like a Latin one.
BLANKS = ["\u2800", "\u3164", "\uffa0", "\u115f", "\u1160"]
LOOKALIKES = [
    "Dr P\u0430t Quinn",  # Cyrillic a
    "Dr \u0420at Quinn",  # Cyrillic Er
    "Dr Pat Qu\u0456nn",  # Cyrillic i
    "DR \u03a1AT QUINN",  # Greek Rho
]


@pytest.mark.parametrize("mark", BLANKS)
def test_a_blank_looking_character_is_a_gap_for_the_evaluator_and_self_rules(db: Store, mark: str) -> None:
    evaluator = add_supporter("Dr Eva Luator", "eva@example.org")
    roster.add_conflict(evaluator, "Dr Pat Quinn", "evaluates", on=ON)
    me = add_supporter("Dr Sam Self", "sam@clinic.test")
    rid = refer(f"Dr Pat{mark}Quinn{mark}", "pat@example.org")
    assert [r.rule for r in candidate(rid, evaluator).failing(hard=True)] == ["not_evaluator"]
    mine = refer(f"Dr{mark}Sam Self{mark}", "sam@home.test")
    assert same_person.flagged(mine) == (me,)


@pytest.mark.parametrize("name", LOOKALIKES)
def test_a_latin_look_alike_letter_does_not_get_past_the_evaluator_or_self_rules(
    db: Store, name: str
) -> None:
    evaluator = add_supporter("Dr Eva Luator", "eva@example.org")
    roster.add_conflict(evaluator, "Dr Pat Quinn", "evaluates", on=ON)
    rid = refer(name, "pat@example.org")
    assert [r.rule for r in candidate(rid, evaluator).failing(hard=True)] == ["not_evaluator"]
    me = add_supporter("Dr Pat Quinn", "pq@clinic.test")
    again = refer(name, "pat.q@home.test")
    assert me in same_person.flagged(again)


@pytest.mark.parametrize("mark", [*INVISIBLES, *BLANKS, "\u00a0"])
def test_an_email_with_an_invisible_or_blank_character_is_refused(mark: str) -> None:
    with pytest.raises(ValidationError, match="email"):
        common.email("email", f"sam{mark}@clinic.test")


# -- the self rule under another record ------------------------------------------------------------


def test_a_supporter_referred_under_another_email_is_flagged_and_not_matched(db: Store) -> None:
    me = add_supporter("Dr Sam Lee", "sam@clinic.test", "902-555-0101")
    other = add_supporter("Dr Other Person", "other@clinic.test")
    rid = refer("Dr Sam Lee", "sam.lee@home.test")  # a new physician record: another email
    assert same_person.flagged(rid) == (me,)
    mine = candidate(rid, me)
    assert not mine.eligible and mine.may_be_self
    assert [(r.rule, r.detail) for r in mine.failing(hard=True)] == [("not_self", MAYBE)]
    assert candidate(rid, other).eligible
    assert matching.rank(rid, ON)[0].supporter_id == other  # no longer ranked first for their own case
    with pytest.raises(ValidationError, match="may be the physician themself"):
        matching.confirm_match(rid, me, on=ON, override_reason="x" * 10)


@pytest.mark.parametrize(
    ("name", "email", "phone"),
    [
        ("Dr Samuel Lee", "", "+1 (902) 555-0101"),  # a phone only, written otherwise
        ("Dr S. Lee", "SAM@clinic.test", ""),  # the same email, another spelling of the name
        ("dr\u200b sam\u00a0lee", "sam@home.test", ""),  # the same name with invisibles, another email
    ],
)
def test_a_shared_name_email_or_phone_flags_the_supporter(
    db: Store, name: str, email: str, phone: str
) -> None:
    me = add_supporter("Dr Sam Lee", "sam@clinic.test", "902-555-0101")
    rid = refer(name, email, phone)
    assert same_person.flagged(rid) == (me,)
    assert candidate(rid, me).may_be_self


@pytest.mark.parametrize("email", ["sam@clinic.test", ""])
def test_the_supporters_own_record_is_the_self_rule_not_a_flag(db: Store, email: str) -> None:
    me = add_supporter("Dr Sam Lee", "sam@clinic.test")
    # found again: the same name and email, or the one physician of that name when no contact is given
    rid = refer("DR SAM\u200b LEE", email)
    assert same_person.flagged(rid) == ()
    assert [r.detail for r in candidate(rid, me).failing(hard=True)] == ["is this physician"]


def test_no_flag_for_someone_else(db: Store) -> None:
    add_supporter("Dr Sam Lee", "sam@clinic.test", "902-555-0101")
    rid = refer("Dr Kim Park", "kim@clinic.test", "902-555-0199")
    assert same_person.flagged(rid) == ()
    assert not SamePersonCheck.select().exists()


def test_clearing_says_they_are_two_people_and_then_they_may_be_matched(db: Store) -> None:
    me = add_supporter("Dr Sam Lee", "sam@clinic.test")
    rid = refer("Dr Sam Lee", "sam.lee@home.test")
    check = same_person.clear_same_person(rid, me, on=ON)
    assert check.cleared_on == ON
    assert same_person.flagged(rid) == ()
    assert candidate(rid, me).eligible
    matching.confirm_match(rid, me, on=ON)
    with pytest.raises(ValidationError, match="not waiting"):
        same_person.clear_same_person(rid, me, on=ON)


def test_clearing_needs_a_real_referral_and_supporter(db: Store) -> None:
    me = add_supporter("Dr Sam Lee", "sam@clinic.test")
    rid = refer("Dr Sam Lee", "sam.lee@home.test")
    with pytest.raises(ValidationError) as caught:
        same_person.clear_same_person(rid + 100, me, on=ON)
    assert caught.value.field == "referral"
    with pytest.raises(ValidationError) as caught:
        same_person.clear_same_person(rid, me + 100, on=ON)
    assert caught.value.field == "supporter"


def test_a_supporter_added_after_the_referral_is_caught_by_the_ranking(db: Store) -> None:
    rid = refer("Dr Sam Lee", "sam.lee@home.test")
    me = add_supporter("Dr Sam Lee", "sam@clinic.test")
    assert candidate(rid, me).may_be_self
    same_person.clear_same_person(rid, me, on=ON)
    assert candidate(rid, me).eligible


def test_import_flags_the_rows_by_number_only(db: Store) -> None:
    add_supporter("Dr Sam Lee", "sam@clinic.test", "902-555-0101")
    rows = [
        "2026-02-01,Dr Kim Park,kim@clinic.test,,mid,Kings,,reach_in,self,burnout,no,",
        "2026-02-02,Dr Sam Lee,sam.lee@home.test,,mid,Kings,,reach_in,self,burnout,no,",
        "2026-02-03,Dr Other,,902 555 0101,mid,Kings,,reach_in,self,burnout,no,",
    ]
    text = "\n".join([",".join(REFERRALS_HEADER), *rows]) + "\n"
    plan = import_csv("referrals", text, dry_run=True, on=ON)
    assert plan.same_person_rows == [3, 4]
    said = "\n".join(plan.summary)
    assert "rows 3, 4: the physician may be one of the supporters" in said
    assert "Sam Lee" not in said and "sam.lee" not in said and "555" not in said
    assert not SamePersonCheck.select().exists()  # a dry run writes nothing
    done = import_csv("referrals", text, dry_run=False, on=ON)
    assert done.same_person_rows == [3, 4]
    assert SamePersonCheck.select().count() == 2


# -- the property: for any invisible variant, both rules still hold --------------------------------


@st.composite
def variant(draw: st.DrawFn, name: str) -> str:
    out = []
    for char in name:
        if char == " ":
            char = draw(st.sampled_from([" ", "   ", *ODD_SPACES]))
        elif draw(st.booleans()):
            char = char.swapcase()
        out.append(char)
        if draw(st.integers(0, 2)) == 0:
            out.append(draw(st.sampled_from(INVISIBLES)))
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD", "NFKD"])), "".join(out))


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("same-person") / "program.p2pvault"
    store, _code = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    yield store
    store.abandon()


class _Discard(Exception):
    pass


@contextmanager
def scratch(store: Store) -> Iterator[None]:
    store.bind()
    with store.lock:
        try:
            with store.db.atomic():
                yield
                raise _Discard
        except _Discard:
            pass


NAMES = ["Dr Zoë Ångström", "Dr Ana María Peña", "Dr Ngô Bảo Châu", "Dr Jean-Luc O'Neil"]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), variant(n), variant(n))),
    st.booleans(),
)
def test_any_invisible_variant_keeps_the_evaluator_out_and_flags_the_supporter(
    shared_store: Store, names: tuple[str, str, str], conflict_first: bool
) -> None:
    name, listed, referred = names
    with scratch(shared_store):
        evaluator = add_supporter("Dr Eva Luator", "eva@example.org")
        myself = add_supporter(name, "me@clinic.test")
        rid = None if conflict_first else refer(referred, "someone@home.test")
        roster.add_conflict(evaluator, listed, "evaluates", on=ON)
        rid = rid or refer(referred, "someone@home.test")
        ranked = {c.supporter_id: c for c in matching.rank(rid, ON)}
        assert [r.rule for r in ranked[evaluator].failing(hard=True)] == ["not_evaluator"]
        assert ranked[myself].may_be_self and not ranked[myself].eligible
        assert myself in same_person.flagged(rid)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A\+?[0-9 ().-]{7,20}\Z"))
def test_the_sql_phone_digits_agree_with_common_phone_digits(phone: str) -> None:
    import sqlite3

    from p2p_tui.services import common

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE physician (phone TEXT)")
    try:
        stored = common.phone("phone", phone)
    except ValidationError:
        assume(False)
    conn.execute("INSERT INTO physician VALUES (?)", (stored,))
    (digits,) = conn.execute(f"SELECT {same_person.DIGITS_SQL} FROM physician p").fetchone()  # noqa: S608
    assert digits == common.phone_digits(phone)
