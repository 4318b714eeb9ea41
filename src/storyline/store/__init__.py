"""The store layer: one interface, SQLite by default, PostgreSQL when a user outgrows it."""
from __future__ import annotations

from storyline.store.base import BaseStore
from storyline.store.sqlite import SQLiteStore

POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def is_postgres_url(db: str) -> bool:
    return db.startswith(POSTGRES_PREFIXES)


def open_store(db: str, *, readonly: bool = False) -> BaseStore:
    """Open (and migrate) the store named by ``db``: a file path, ``sqlite:///path`` or ``postgresql://…``
    (the latter needs ``pip install 'storyline[postgres]'``)."""
    db = str(db)
    if is_postgres_url(db):
        from storyline.store.postgres import PostgresStore

        return PostgresStore(db, readonly=readonly)
    if db.startswith("sqlite:///"):
        db = db[len("sqlite:///"):]
    return SQLiteStore(db, readonly=readonly)


__all__ = ["open_store", "is_postgres_url", "BaseStore", "SQLiteStore"]
