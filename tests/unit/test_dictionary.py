"""The data dictionary (issue 13): every stored field described, no description of a field that is not
stored, and docs/DATA-DICTIONARY.md as the command prints it."""

from __future__ import annotations

from pathlib import Path

from p2p_tui.services.admin import dictionary

DOC = Path(__file__).parent.parent.parent / "docs" / "DATA-DICTIONARY.md"


def test_every_stored_field_has_an_entry_and_every_entry_a_field() -> None:
    missing, stray = dictionary.gaps()
    assert missing == [], f"describe these in services/admin/dictionary.py: {missing}"
    assert stray == [], f"these entries name no stored field: {stray}"


def test_entries_say_whether_a_field_identifies_and_when_it_goes() -> None:
    found = {(e.table, e.field): e for e in dictionary.entries()}
    assert {e.identifies for e in found.values()} <= {"yes", "indirect", "no"}
    assert all(e.meaning and e.purged for e in found.values())
    for field in ("name", "email", "phone"):
        assert found[("physician", field)].identifies == "yes"
        assert "retention" in found[("physician", field)].purged
    assert all(e.identifies == "no" for (table, _), e in found.items() if table == "audit_entry")


def test_the_document_is_the_commands_markdown_and_the_csv_has_a_row_a_field() -> None:
    assert DOC.read_text(encoding="utf-8") == dictionary.markdown(), (
        "regenerate: p2p-tui dictionary > docs/DATA-DICTIONARY.md"
    )
    assert len(dictionary.csv().splitlines()) == len(dictionary.entries()) + 1
