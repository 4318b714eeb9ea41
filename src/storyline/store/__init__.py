"""The store layer: one interface, SQLite by default (PostgreSQL when a user outgrows it)."""
from __future__ import annotations

from storyline.errors import StoreError
from storyline.store.sqlite import SQLiteStore


def open_store(db: str, *, readonly: bool = False) -> SQLiteStore:
    """Open (and migrate) the store named by ``db``: a file path, ``sqlite:///path`` or ``postgresql://…``."""
    if db.startswith(("postgresql://", "postgres://")):
        raise StoreError("the PostgreSQL backend is not available in this version; use a SQLite path")
    if db.startswith("sqlite:///"):
        db = db[len("sqlite:///"):]
    return SQLiteStore(db, readonly=readonly)


__all__ = ["open_store", "SQLiteStore"]
