"""Stored text is data, never control (issue 9, items 2 and 3): refused on input, neutralised on output,
and names compared on one canonical key."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p2p_tui.services import common
from p2p_tui.services.cases import intake, lifecycle, matching
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import roster, training
from p2p_tui.services.people.training import HonorariumLine
from p2p_tui.services.reporting import formats, letterhead, quarterly, statement
from p2p_tui.store import Store
from p2p_tui.store.migrations import m0012_lookalike_names
from p2p_tui.store.models import Physician

ON = date(2026, 3, 2)
# Every character that may never be stored nor printed raw.
CONTROLS = (
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
HOSTILE = [
    "Ann\x00Lee",
    "\x1b]0;owned\x07Ann",  # sets the terminal's title
    "\x1b]52;c;ZWNobyBoaQ==\x07",  # writes the clipboard (OSC 52)
    "Ann\x9b31mLee",  # C1 CSI
    "Ann\u202eeeL",  # right-to-left override
    "Ann\u2066Lee\u2069",
    "Ann\tLee",
    "Ann\nLee",
    "Ann\rLee",
    "Ann\x7fLee",
    "Ann\u200fLee",
]


def no_control(text: str) -> bool:
    return not any(c in CONTROLS or 0xD800 <= ord(c) <= 0xDFFF for c in text)


# -- input: refused with the field named, never the value ---------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_every_text_field_refuses_control_characters_naming_the_field(value: str) -> None:
    checks: list[tuple[str, Callable[[], object]]] = [
        ("name", lambda: common.text("name", value)),
        ("email", lambda: common.email("email", f"a{value}@example.org")),
        ("phone", lambda: common.phone("phone", f"902{value}5550101")),
        ("county", lambda: common.county("county", f"Kings{value}", ["Kings"])),
        ("logistics_note", lambda: common.text("logistics_note", value, required=False, max_length=140)),
    ]
    for field, check in checks:
        with pytest.raises(ValidationError) as caught:
            check()
        assert caught.value.field == field
        assert "control characters" in caught.value.message
        assert value not in str(caught.value) and "Ann" not in str(caught.value)


def test_services_refuse_them_on_intake_roster_notes_overrides_and_training(store: Store) -> None:
    with store.atomic():
        with pytest.raises(ValidationError, match="^name: .*control"):
            intake.create_referral(
                ReferralInput(
                    PhysicianInput("Dr \x1b[2JAnn", "mid", "Kings"), ON, "reach_in", "self", ("burnout",)
                ),
                on=ON,
            )
        with pytest.raises(ValidationError, match="^specialty: .*control"):
            intake.clean_physician(PhysicianInput("Dr Ann", "mid", "Kings", specialty="ER\u202e"))
        supporter = roster.add_supporter(
            roster.SupporterInput(PhysicianInput("Dr Sup", "mid", "Queens"), status="active"), on=ON
        )
        with pytest.raises(ValidationError, match="^evaluates: .*control"):
            roster.add_conflict(supporter.id, "Dr\x07 Bell", "evaluates", on=ON)
        with pytest.raises(ValidationError, match="^nominated_by: .*control"):
            roster.nominate(supporter.id, "Dr\x9d Nom", on=ON)
        with pytest.raises(ValidationError, match="^title: .*control"):
            training.add_event("training", ON, 2, "Module\x1b[5m 1", 100)
        referral = intake.create_referral(
            ReferralInput(PhysicianInput("Dr Ann", "mid", "Kings"), ON, "reach_in", "self", ("burnout",)),
            on=ON,
        )
        with pytest.raises(ValidationError, match="^logistics_note: .*control"):
            lifecycle.set_logistics_note(referral.id, "call\u2066 Tue")
        with pytest.raises(ValidationError, match="^override_reason: .*control"):
            matching.clean_override_reason("only one free\x1b")


def test_ordinary_names_still_pass_unchanged() -> None:
    for name in ("Zoë O'Brien-Smith", "Nguyễn Thị Minh", "محمد علي", "李小龍", "Dr. J. R. R. Jones Jr."):
        assert common.text("name", name) == name
        assert common.printable(name) == name


# -- output: printable, whatever the vault holds -------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_printable_replaces_each_control_by_one_replacement_character(value: str) -> None:
    shown = common.printable(value)
    assert no_control(shown)
    assert len(shown) == len(value)  # one for one: table columns and styles stay where they were
    assert common.printable(shown) == shown


def test_json_escapes_what_json_dumps_leaves_raw_and_reads_back_exactly() -> None:
    data = {"name": "Ann\x85\u202e\x7f\u2028Lee\x1b", "plain": "Zoë"}
    dumped = common.json_dumps(data, indent=2)
    assert no_control(dumped.replace("\n", ""))
    assert "Zoë" in dumped  # non-ASCII stays readable
    assert json.loads(dumped) == data


def _summary(store: Store) -> quarterly.Summary:
    with store.lock:
        return quarterly.summarize("2026Q1")


def test_report_formats_never_print_a_control_character(store: Store) -> None:
    summary = _summary(store)
    lines = [
        HonorariumLine(supporter_id=1, name="\x1b]52;c;aGk=\x07Ann\u202eeeL\x85", hours=2.0, amount=200.0)
    ]
    with store.lock:
        head = letterhead.current()
    found = statement.Statement("2026Q1", "January to March 2026", None, tuple(lines), head)
    markdown = formats.to_markdown(summary)
    csv_text = formats.to_csv(summary)
    json_text = formats.to_json(summary)
    statement_csv = statement.to_csv(found)
    for text in (markdown, csv_text, json_text, statement_csv):
        assert no_control(text.replace("\n", ""))
    assert "Ann" in statement_csv and "Ann" not in markdown  # the summary never holds the statement


def test_settings_names_with_a_control_are_refused_and_an_old_one_prints_safely(store: Store) -> None:
    from p2p_tui.store import settings as stored
    from p2p_tui.store.models import Setting
    from p2p_tui.tui.screens.settings import clean_setting

    assert stored.CONTROL.pattern == common.CONTROL.pattern  # one set, on both sides of the layers
    for key in ("organisation_name", "program_name"):
        with pytest.raises(ValidationError, match=key):
            clean_setting(key, "Society\x1b]0;owned\x07")
        with store.atomic(), pytest.raises(ValueError, match=key):
            stored.put(key, "Society\x9b31m")
    with store.atomic(), pytest.raises(ValueError, match="counties"):
        stored.put("counties", ["Kings", "Queens\x1b[2J"])
    with store.atomic():  # as a vault written before the refusal holds it
        Setting.insert(key="organisation_name", value=json.dumps("Soc\x1b]0;owned\x07iety")).execute()
        Setting.insert(key="program_name", value=json.dumps("Prog\x1b[2Jram\u202e")).execute()
    summary = _summary(store)
    markdown = formats.to_markdown(summary)
    assert no_control(markdown.replace("\n", "")) and "Soc\ufffd]0;owned\ufffdiety" in markdown


def test_an_old_vault_county_with_a_control_prints_safely_in_the_markdown() -> None:
    assert no_control(formats.label("Kings\x1b[31m"))


# -- the property: refused, or stored as given and printed clean ---------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_is_refused_by_name_or_round_trips_and_prints_clean(value: str) -> None:
    try:
        cleaned = common.text("name", value, required=False)
    except ValidationError as exc:
        assert exc.field == "name"
        assert not value.strip() or value not in str(exc)
        return
    assert cleaned == " ".join(value.split())
    assert no_control(cleaned)
    assert no_control(common.printable(value))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_a_stored_value_reads_back_as_given_and_prints_clean(value: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (v TEXT)")
    try:
        cleaned = common.text("name", value, required=False)
    except ValidationError:
        assert common.CONTROL.search(value)
        return
    conn.execute("INSERT INTO t VALUES (?)", (cleaned,))
    (back,) = conn.execute("SELECT v FROM t").fetchone()
    assert back == cleaned and no_control(common.printable(back))


# -- the canonical name key ---------------------------------------------------------------------

INVISIBLES = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u00ad",
    "\ufeff",
    "\u2060",
    "\u200e",
    "\u200f",
    "\u034f",
    "\ufe0f",
]
ODD_SPACES = ["\u00a0", "\u2002", "\u2003", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000", "\u1680"]
ODD_SPACES += ["\u2800", "\u3164", "\uffa0", "\u115f"]  # drawn as an empty cell


def test_the_key_drops_invisibles_and_maps_odd_spaces() -> None:
    assert common.name_key("Ann\u200bLee") == common.name_key("AnnLee") == "annlee"
    assert common.name_key(" ANN\u00a0\u00a0 Lee\ufeff ") == "ann lee"
    assert common.name_key("Le\u0301a Ｏ'Neil") == common.name_key("Léa O'Neil")
    assert common.name_key("STRASSE") == common.name_key("straße")


def test_the_key_makes_blank_looking_characters_a_gap_and_folds_latin_look_alikes() -> None:
    for blank in ["\u2800", "\u3164", "\uffa0", "\u115f", "\u1160"]:
        assert common.name_key(f"Ann{blank}Lee{blank}") == "ann lee"
    for hidden in ["\u2062", "\ufff9", "\U0001d173", "\u17b4", "\U000e0041", "\u180e"]:
        assert common.name_key(f"Ann {hidden}Lee") == "ann lee"
    assert common.name_key("\u0410nn L\u0435\u0435") == common.name_key("\u0391nn Lee") == "ann lee"
    assert common.name_key("Z\u043e\u0308") == common.name_key("Zö")  # accents kept on the look-alike
    assert common.name_key("\u0411\u043e\u0440\u0438\u0441") == "\u0431op\u0438c"  # other letters kept


LATIN_TO_LOOKALIKE: dict[str, list[str]] = {}
for _other, _latin in zip(
    "авекмнорстухѕіјһԁԛԝӏүαβεζηικμνοτυχρıȷ", "abekmhopctyxsijhdqwlyabezhikmnotyxpij", strict=True
):
    LATIN_TO_LOOKALIKE.setdefault(_latin, []).extend([_other, _other.upper()])


@st.composite
def variants(draw: st.DrawFn, name: str) -> str:
    """The same name as someone might type or paste it: invisibles, odd spaces, case, decomposition."""
    out = []
    for char in name:
        if char == " ":
            char = draw(st.sampled_from([" ", "  ", *ODD_SPACES]))
        elif char.lower() in LATIN_TO_LOOKALIKE and draw(st.integers(0, 3)) == 0:
            char = draw(st.sampled_from(LATIN_TO_LOOKALIKE[char.lower()]))
        elif draw(st.booleans()):
            char = char.upper() if draw(st.booleans()) else char.lower()
        out.append(char)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(INVISIBLES)))
    text = "".join(out)
    form = draw(st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
    return unicodedata.normalize(form, text)


NAMES = ["Dr Zoë Ångström", "Dr Ana María Peña", "Dr Ngô Bảo Châu", "Dr Jean-Luc Picard"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), variants(n))))
def test_every_invisible_variant_of_a_name_has_the_same_key(pair: tuple[str, str]) -> None:
    name, variant = pair
    assert common.name_key(variant) == common.name_key(name)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_the_key_is_stable_and_the_migration_computes_the_same(value: str) -> None:
    key = common.name_key(value)
    assert common.name_key(key) == key
    assert m0012_lookalike_names.canonical_key(value) == key
    assert no_control(key) and "  " not in key and key == key.strip()


KEY_ALPHABET = st.sampled_from(
    list("aAeEoOiIıİ ßſ")
    + ODD_SPACES
    + INVISIBLES
    + [c for cs in LATIN_TO_LOOKALIKE.values() for c in cs]
    + ["\u0301", "\u0308", "\u1161", "\u1100", "\uff21", "\u2162", "\u01c5", "\u0345"]
)


@settings(max_examples=300, deadline=None)
@given(st.text(KEY_ALPHABET, max_size=20))
def test_the_key_is_stable_over_the_characters_it_folds(value: str) -> None:
    key = common.name_key(value)
    assert common.name_key(key) == key == m0012_lookalike_names.canonical_key(value)


# -- the frozen migration recomputes old keys ----------------------------------------------------


@pytest.fixture
def schema4() -> Iterator[sqlite3.Connection]:
    from p2p_tui.store import migrations

    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA foreign_keys = 1")
    for number, step in migrations.MIGRATIONS[:4]:
        step(conn)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(number),),
        )
    yield conn
    conn.close()


def old_key(name: str) -> str:
    """The key as schema 4 computed it."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def test_migration_5_recomputes_the_stored_keys(schema4: sqlite3.Connection) -> None:
    from p2p_tui.store.migrations import LATEST, migrate

    conn = schema4
    rows = [
        (1, "Dr Ann\u200b Lee", None),
        (2, "Dr Bo\u00adb\u00a0Day", None),
        (3, "", "2026-01-05"),  # purged: its key stays purged-3
    ]
    for pid, name, purged in rows:
        key = "purged-3" if purged else old_key(name)
        conn.execute(
            "INSERT INTO physician (id, name, name_key, career_stage, county, created_on, purged_on) "
            "VALUES (?, ?, ?, 'mid', 'Kings', '2026-01-01', ?)",
            (pid, name, key, purged),
        )
    conn.execute("INSERT INTO supporter (id, physician_id, status) VALUES (1, 1, 'active')")
    conflicts = [
        (1, None, old_key("Dr Ev\u200de Ray")),
        (2, 2, old_key("Dr Bo\u00adb\u00a0Day")),
        (3, 3, "dr carl purged"),  # a purge before schema 5 left the name here
    ]
    for cid, pid, key in conflicts:
        conn.execute(
            "INSERT INTO conflict (id, supporter_id, physician_id, name_key, kind, added_on) "
            "VALUES (?, 1, ?, ?, 'evaluates', '2026-01-01')",
            (cid, pid, key),
        )
    conn.commit()
    assert migrate(conn) == LATEST
    keys = dict(conn.execute("SELECT id, name_key FROM physician"))
    assert keys == {1: "dr ann lee", 2: "dr bob day", 3: "purged-3"}
    conflict_keys = dict(conn.execute("SELECT id, name_key FROM conflict"))
    assert conflict_keys == {1: "dr eve ray", 2: "dr bob day", 3: "purged-3"}
    assert conn.execute("SELECT count(*) FROM same_person_check").fetchone() == (0,)


def test_migration_12_recomputes_the_keys_with_gaps_and_look_alikes() -> None:
    from p2p_tui.store.migrations import MIGRATIONS, m0005_canonical_names, migrate

    conn = sqlite3.connect(":memory:")
    for number, step in MIGRATIONS[:-1]:
        step(conn)
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(number),))
    names = {1: "Dr Ann\u3164Lee", 2: "Dr \u0410nn Lee", 3: ""}
    for pid, name in names.items():
        key = f"purged-{pid}" if not name else m0005_canonical_names.canonical_key(name)
        conn.execute(
            "INSERT INTO physician (id, name, name_key, career_stage, county, created_on, purged_on) "
            "VALUES (?, ?, ?, 'mid', 'Kings', '2026-01-01', ?)",
            (pid, name, key, None if name else "2026-02-01"),
        )
    conn.execute("INSERT INTO supporter (id, physician_id, status) VALUES (1, 1, 'active')")
    for cid, key in {1: m0005_canonical_names.canonical_key("Dr P\u0430t Qu\u0456nn"), 2: "purged-3"}.items():
        conn.execute(
            "INSERT INTO conflict (id, supporter_id, name_key, kind, added_on) "
            "VALUES (?, 1, ?, 'evaluates', '2026-01-01')",
            (cid, key),
        )
    conn.commit()
    migrate(conn)
    assert dict(conn.execute("SELECT id, name_key FROM physician")) == {
        1: "dr ann lee",
        2: "dr ann lee",
        3: "purged-3",
    }
    assert dict(conn.execute("SELECT id, name_key FROM conflict")) == {1: "dr pat quinn", 2: "purged-3"}


def test_a_name_found_again_through_the_canonical_key(store: Store) -> None:
    with store.atomic():
        person = PhysicianInput("Dr Ann Lee", "mid", "Kings", email="ann@example.org")
        first = intake.upsert_physician(intake.clean_physician(person), ON)
        again = intake.find_physician("DR\u00a0ANN\u200b LEE", "ANN@example.org")
        assert again is not None and again.id == first.id
        assert Physician.select().count() == 1


def test_the_frozen_schema_4_vault_migrates_to_canonical_keys(tmp_path: Path) -> None:
    import shutil

    from p2p_tui.store.models import Conflict

    path = tmp_path / "copy.p2pvault"
    shutil.copyfile(Path(__file__).parent.parent / "fixtures" / "schema-v4.p2pvault", path)
    store = Store.open(path, "frozen fixture passphrase v4")
    try:
        people = list(Physician.select().where(Physician.purged_on.is_null()))
        assert people and all(p.name_key == common.name_key(p.name) for p in people)
        assert all(c.name_key == common.name_key(c.name_key) for c in Conflict.select())
    finally:
        store.close()


def test_every_invisible_format_character_prints_as_the_replacement() -> None:
    """Atk 9, minor: U+2062, U+FFF9, U+1D173, U+17B4 drawn raw pushed the console's columns out of line."""
    import sys

    kept = {"\u200c", "\u200d"}  # the joiners some scripts (and emoji) are written with
    formats = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert formats and all(common.printable(c) == common.REPLACEMENT for c in formats if c not in kept)
    assert all(common.printable(c) == c for c in kept)
    for mark in ["\u2062", "\ufff9", "\U0001d173", "\u17b4", "\u034f", "\U000e0041"]:
        dumped = common.json_dumps({"name": f"Ann{mark}Lee"})
        assert mark not in dumped and json.loads(dumped) == {"name": f"Ann{mark}Lee"}
