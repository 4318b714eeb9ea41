"""Fixtures for the reliability tests: the tiny fictional corpus, ingested once per module."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rel_helpers import settings_for, write_corpus


@pytest.fixture(scope="module")
def analysed_db(tmp_path_factory) -> Path:
    """A database holding the tiny corpus, analysed and with corpus results (built once per module)."""
    from storyline.app import ingest_and_update

    root = tmp_path_factory.mktemp("analysed")
    db = root / "base.db"
    ingest_and_update([write_corpus(root / "in")], settings_for(db))
    return db


@pytest.fixture
def db_copy(analysed_db, tmp_path) -> Path:
    """A private copy of the analysed database, free to damage."""
    from storyline.store import open_store

    with open_store(str(analysed_db)) as store:  # fold the WAL into the main file before copying
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = tmp_path / "copy.db"
    shutil.copy(analysed_db, target)
    return target
