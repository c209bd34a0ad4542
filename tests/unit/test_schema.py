"""The models and the migrated schema agree, column for column (so no query meets a missing column)."""

from __future__ import annotations

import sqlite3

from p2p_tui.store.migrations import migrate
from p2p_tui.store.models import MODELS


def test_every_model_column_exists_in_the_migrated_schema() -> None:
    conn = sqlite3.connect(":memory:")
    migrate(conn)
    for model in MODELS:
        table = model._meta.table_name
        columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        assert columns, f"table {table} missing"
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert fields == columns, (table, fields ^ columns)


def test_no_table_holds_free_text_about_a_conversation() -> None:
    conn = sqlite3.connect(":memory:")
    migrate(conn)
    forbidden = ("note", "notes", "detail", "details", "summary", "description", "comment", "narrative")
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in conn.execute(f'PRAGMA table_info("{table}")'):
            name = row[1]
            assert name == "logistics_note" or not any(word in name for word in forbidden), (table, name)
