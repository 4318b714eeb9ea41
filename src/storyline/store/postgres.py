"""PostgreSQL store: for corpora that outgrow one SQLite file or need several writers' machines.

Same schema and migrations as SQLite (``migrations_pg/`` mirrors ``migrations/`` version by version),
same methods (``store.base``).  Needs the ``postgres`` extra (psycopg 3), imported only when a
``postgresql://`` URL is opened.  The connection runs in autocommit mode; ``transaction()`` opens an
explicit BEGIN … COMMIT block, like the SQLite backend, so callers see the same semantics.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from storyline.errors import MissingExtraError, StoreError
from storyline.store.base import BaseStore, Snapshot, batches, migration_files, now

MIGRATIONS = "storyline.store.migrations_pg"
# Serialises concurrent migrations of one database (two processes opening a fresh store at once).
MIGRATION_LOCK = 0x5370_7279  # arbitrary 32-bit key for pg_advisory_xact_lock

_cursor_names = itertools.count(1)
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\?|%|[A-Za-z_][A-Za-z0-9_$]*|.""", re.S)


@lru_cache(maxsize=512)
def translate_sql(sql: str) -> str:
    """SQLite-style SQL → psycopg SQL: ``?`` → ``%s``, ``%`` → ``%%``, bare ``end`` (a column here)
    → ``"end"``.  A ``?`` or ``end`` inside string literals, quoted names and comments is left alone,
    and the ``END`` closing a ``CASE`` stays a keyword.  Parameters are still bound by the driver,
    never formatted in."""
    out, open_cases = [], 0
    for token in _TOKEN.findall(sql):
        low = token.lower()
        if token == "?":
            out.append("%s")
        elif "%" in token:  # psycopg reads % everywhere, string literals included
            out.append(token.replace("%", "%%"))
        elif low == "case":
            open_cases += 1
            out.append(token)
        elif low == "end":
            if open_cases:
                open_cases -= 1
                out.append(token)
            else:
                out.append('"end"')
        else:
            out.append(token)
    return "".join(out)


class Row(tuple):
    """A result row readable by position and by column name, like ``sqlite3.Row``."""

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor):
    names = [c.name for c in (cursor.description or [])]
    cls = type("Row", (Row,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})
    return lambda values: cls(values)


class PGConnection:
    """The slice of the ``sqlite3.Connection`` interface that storyline code uses, over psycopg."""

    def __init__(self, raw: Any):
        self.raw = raw

    def execute(self, sql: str, params: tuple | list = ()):
        cur = self.raw.cursor(row_factory=_row_factory)
        return cur.execute(translate_sql(sql), tuple(params))

    def executemany(self, sql: str, rows):
        cur = self.raw.cursor(row_factory=_row_factory)
        cur.executemany(translate_sql(sql), [tuple(r) for r in rows])
        return cur

    def close(self) -> None:
        self.raw.close()


def _psycopg():
    try:
        import psycopg
    except ImportError as exc:
        raise MissingExtraError("psycopg", "postgres", "The PostgreSQL backend") from exc
    return psycopg


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


class PostgresStore(BaseStore):
    backend = "postgresql"

    def __init__(self, url: str, *, readonly: bool = False):
        psycopg = _psycopg()
        self.path = redact(url)
        self._url = url
        try:
            raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {self.path}: {str(exc).strip()} "
                             "(is the server running, and do the user and database exist?)") from exc
        self.conn = PGConnection(raw)
        try:
            if readonly:
                self.conn.execute("SET default_transaction_read_only = on")
                if not self._has_schema():
                    raise StoreError(f"database {self.path} has no storyline tables; "
                                     "run 'storyline ingest' (or 'storyline migrate') first")
            else:
                self.migrate()
        except psycopg.Error as exc:
            raw.close()
            raise StoreError(f"cannot open database {self.path}: {str(exc).strip()}") from exc
        except StoreError:
            raw.close()
            raise

    @property
    def url(self) -> str:
        return self._url

    def _has_schema(self) -> bool:
        return self.conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is not None

    # -- schema ---------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction.  Returns the names applied."""
        psycopg = _psycopg()
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                          "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        applied = []
        for version, name, sql in migration_files(MIGRATIONS):
            with self.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
                if self.conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone():
                    continue  # already applied (maybe by a process that held the lock before us)
                try:
                    # The whole file at once (no parameters: psycopg sends it as one simple query), so
                    # $$-quoted function bodies need no statement splitting.
                    self.conn.raw.execute(sql)
                except psycopg.Error as exc:
                    raise StoreError(f"migration {name} failed on {self.path}: {str(exc).strip()}") from exc
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
            applied.append(name)
        return applied

    def transaction(self):
        return _Transaction(self.conn)

    def tables(self) -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE'")}

    def search(self, q: str, limit: int = 20) -> list[dict]:
        """plainto_tsquery: every word required, no operators taken from user input (like the FTS5
        query SQLite gets).  Ranking (ts_rank) and snippets (ts_headline) differ from FTS5's bm25."""
        if not re.search(r"\w", q):
            return []
        return self.rows(
            "WITH q AS (SELECT plainto_tsquery('simple', ?) AS q), "
            "hits AS (SELECT a.seq, ts_rank(storyline_fts(a.title, a.text), q.q) AS rank FROM articles a, q "
            "         WHERE storyline_fts(a.title, a.text) @@ q.q ORDER BY rank DESC, a.seq LIMIT ?) "
            "SELECT a.id, a.title, a.outlet, a.published, ts_headline('simple', a.text, q.q, "
            "'StartSel=[, StopSel=], MaxWords=12, MinWords=3, ShortWord=0, MaxFragments=1, "
            "FragmentDelimiter=…') AS snippet "
            "FROM hits JOIN articles a ON a.seq = hits.seq, q ORDER BY hits.rank DESC, hits.seq", (q, limit))

    def snapshot(self):
        return Snapshot(self.conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def stream(self, sql: str, params: tuple = (), batch: int = 1000) -> Iterator[list[tuple]]:
        """A server-side cursor, so the client holds one batch at a time.  Outside an explicit
        transaction the cursor is WITH HOLD (the server materialises the result, not this process)."""
        in_tx = self.conn.raw.info.transaction_status != _psycopg().pq.TransactionStatus.IDLE
        name = f"storyline_stream_{next(_cursor_names)}"  # unique: streams may be open side by side
        with self.conn.raw.cursor(name=name, withhold=not in_tx) as cur:
            cur.execute(translate_sql(sql), tuple(params))
            yield from batches(cur, batch)

    def after_bulk_load(self) -> None:
        for table, column in (("articles", "seq"), ("failures", "n")):
            self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                              f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)")


class _Transaction:
    def __init__(self, conn: PGConnection):
        self.conn = conn

    def __enter__(self) -> PGConnection:
        self.conn.raw.execute("BEGIN")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.raw.execute("COMMIT" if exc_type is None else "ROLLBACK")
