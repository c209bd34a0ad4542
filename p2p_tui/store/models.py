"""peewee models: one BaseModel; the database is bound when a Store opens."""

from __future__ import annotations

import peewee


class BaseModel(peewee.Model):
    """Every model; bound to the open Store's database by `Store.bind`."""

    class Meta:
        legacy_table_names = False


class Meta(BaseModel):
    """Key/value facts about the vault itself: schema version, sentinel, purge records."""

    key = peewee.TextField(primary_key=True)
    value = peewee.TextField()


class Setting(BaseModel):
    """The coordinator's settings, JSON-encoded values (see `store.settings`)."""

    key = peewee.TextField(primary_key=True)
    value = peewee.TextField()


MODELS: list[type[BaseModel]] = [Meta, Setting]
