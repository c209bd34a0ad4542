"""The store: the vault's image as an in-memory peewee database, migrated, locked, saved on commit."""

from p2p_tui.store.store import Store

__all__ = ["Store"]
