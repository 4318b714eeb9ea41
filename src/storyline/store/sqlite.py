"""SQLite store: the default, embedded backend.

One writer (the process that opened the store); WAL so readers (CLI, API) never block it.  Every
write that must be atomic (an article with its raw input; an article's analysis) is one transaction,
so a crash leaves either all of it or none of it.  The read/write methods live in ``store.base``.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from storyline.errors import StoreError
from storyline.faults import crash_point
from storyline.store.base import BaseStore, migration_files as _migration_files, now

MIGRATIONS = "storyline.store.migrations"


def migration_files() -> list[tuple[int, str, str]]:
    return _migration_files(MIGRATIONS)


def fts5_query(q: str) -> str:
    """User text → a safe FTS5 query: every word quoted (no operators from user input), all required."""
    words = re.findall(r"\w+", q)
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


class SQLiteStore(BaseStore):
    backend = "sqlite"

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = str(path)
        try:
            if readonly:
                if not Path(self.path).exists():
                    raise StoreError(f"database {self.path} does not exist; run 'storyline ingest' first")
                uri = f"file:{Path(self.path).resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout = 10000")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.conn.execute("PRAGMA foreign_keys = ON")
                self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {self.path}: {exc} "
                             "(is it a storyline SQLite file, and is its folder writable?)") from exc

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    # -- schema ---------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction.  Returns the names applied."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                          "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migration_files():
            if version in done:
                continue
            try:
                self.conn.execute("BEGIN")
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                    crash_point("migrate")
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self.conn.execute("ROLLBACK")
                raise StoreError(f"migration {name} failed on {self.path}: {exc}") from exc
            applied.append(name)
        return applied

    def transaction(self):
        return _Transaction(self.conn, self.path)

    def tables(self) -> set[str]:
        names = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {n for n in names if not n.startswith(("sqlite_", "articles_fts"))}

    def search(self, q: str, limit: int = 20) -> list[dict]:
        query = fts5_query(q)
        if not query:
            return []
        return self.rows(
            "SELECT a.id, a.title, a.outlet, a.published, snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ? "
            "ORDER BY rank LIMIT ?", (query, limit))


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT; any SQLite error inside (disk full, read-only file, I/O error) rolls
    back and becomes a StoreError that says what to do, so nothing is ever half-written."""

    def __init__(self, conn: sqlite3.Connection, path: str = "the database"):
        self.conn = conn
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise write_error(self.path, exc) from exc
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return
            except sqlite3.DatabaseError as commit_exc:
                exc_type, exc = type(commit_exc), commit_exc
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise write_error(self.path, exc) from exc


def write_error(path: str, exc: sqlite3.DatabaseError) -> StoreError:
    text = str(exc)
    if "full" in text:
        why = ("the disk is full (or the database reached its size limit); free some space and run the same "
               "command again")
    elif "readonly" in text or "read-only" in text:
        why = "the database is read-only; check the permissions of the file and its folder"
    else:
        why = f"{text}; run 'storyline check' on it, then the same command again"
    return StoreError(f"cannot write to {path}: {why}. The unfinished batch was rolled back: "
                      "nothing half-written was stored")


def _split_sql(sql: str) -> list[str]:
    """Statements of a migration file; trigger bodies (BEGIN … END) with inner semicolons stay whole."""
    statements, buffer = [], ""
    for line in sql.splitlines():
        if line.strip().startswith("--"):
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
