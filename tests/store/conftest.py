"""Store backends for tests: every store test runs on a SQLite file and on a schema of the throwaway
PostgreSQL server (the ``pg_server`` fixture in tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, tmp_path, request) -> str:
    """A fresh store location for the parametrized backend: a SQLite path or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(tmp_path / "s.db")
    return request.getfixturevalue("pg_server").new_database()

