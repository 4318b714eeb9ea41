"""Copy a whole corpus between stores (SQLite ⇄ PostgreSQL) and prove nothing was lost.

Every storyline table is streamed from the source in batches (memory bounded) and written to the target
in one transaction, so a failed copy leaves the target as empty as it was.  The source is read inside one
snapshot; while reading it, each table's row count and content digest are computed, and after the commit
the target is read back and digested the same way.  The digest is order-independent (the sum of each
row's SHA-256 modulo 2**256), so the two engines' row orders and collations do not matter, and it hashes
typed values (text, integer, float, bytes, NULL), so a value changed in type or content is caught.
"""
from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from storyline.errors import StoreError
from storyline.store.base import CORPUS_TABLES, BaseStore

INTERNAL_TABLES = {"schema_migrations"}
_MOD = 1 << 256


@dataclass
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_digest: str
    target_digest: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_digest == self.target_digest


class Digest:
    """Order-independent multiset digest of rows (count + sum of per-row SHA-256)."""

    def __init__(self) -> None:
        self.rows, self._sum = 0, 0

    def add(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self.rows += 1
            self._sum = (self._sum + int.from_bytes(hashlib.sha256(encode_row(row)).digest(), "big")) % _MOD

    def hexdigest(self) -> str:
        return f"{self._sum:064x}"


def encode_row(row: tuple) -> bytes:
    """Unambiguous bytes for a row: each value tagged with its type and (for text/bytes) its length."""
    parts = []
    for value in row:
        if value is None:
            parts.append(b"N")
        elif isinstance(value, bool):
            parts.append(b"i%d" % int(value))
        elif isinstance(value, int):
            parts.append(b"i%d;" % value)
        elif isinstance(value, float):
            parts.append(b"f" + struct.pack(">d", value))
        elif isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
            parts.append(b"s%d:" % len(data) + data)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            parts.append(b"b%d:" % len(data) + data)
        else:  # a type neither backend's schema produces; hash its text form rather than fail
            data = repr(value).encode("utf-8")
            parts.append(b"o%d:" % len(data) + data)
    return b"".join(parts)


def columns_of(store: BaseStore, table: str) -> list[str]:
    cur = store.conn.execute(f"SELECT * FROM {table} LIMIT 0")
    return [d[0] for d in cur.description]


def tables_to_copy(src: BaseStore, dst: BaseStore) -> list[str]:
    """Every storyline table of the source in foreign-key order; a table the target lacks is an error."""
    present = src.tables() - INTERNAL_TABLES
    ordered = [t for t in CORPUS_TABLES if t in present] + sorted(present - set(CORPUS_TABLES))
    missing = [t for t in ordered if not dst.has_table(t)]
    if missing:
        raise StoreError(f"the target has no table(s) {', '.join(missing)}; both stores must have the same schema")
    return ordered


def check_compatible(src: BaseStore, dst: BaseStore, tables: list[str]) -> dict[str, list[str]]:
    """Same schema version, same columns, empty target.  Returns each table's column list."""
    sv, dv = src.schema_version(), dst.schema_version()
    if sv != dv:
        raise StoreError(f"the source schema is version {sv} and the target's is {dv}: open the older one once "
                         "with this storyline (e.g. 'storyline stats --db …') so it is migrated, then copy")
    columns = {}
    for table in tables:
        cols, target_cols = columns_of(src, table), columns_of(dst, table)
        if set(cols) != set(target_cols):
            raise StoreError(f"table {table} has columns {cols} in the source but {target_cols} in the target")
        n = dst.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        if n:
            raise StoreError(f"the target already holds data ({n} rows in {table}); copy into an empty database")
        columns[table] = cols
    return columns


def _select(table: str, cols: list[str]) -> str:
    return f"SELECT {', '.join(_quote(c) for c in cols)} FROM {table}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def copy_store(src: BaseStore, dst: BaseStore, *, batch: int = 500,
               on_progress: Callable[[str, int], None] | None = None) -> list[TableCheck]:
    """Copy every table of ``src`` into the empty ``dst``; return the per-table verification."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    tables = tables_to_copy(src, dst)
    columns = check_compatible(src, dst, tables)
    source_digests: dict[str, Digest] = {}
    with src.snapshot(), dst.transaction():
        for table in tables:
            cols = columns[table]
            insert = (f"INSERT INTO {table} ({', '.join(_quote(c) for c in cols)}) "
                      f"VALUES ({', '.join('?' * len(cols))})")
            digest = source_digests[table] = Digest()
            for rows in src.stream(_select(table, cols), batch=batch):
                dst.conn.executemany(insert, rows)
                digest.add(rows)
                if on_progress:
                    on_progress(table, digest.rows)
        dst.after_bulk_load()
    return [_check(dst, table, columns[table], source_digests[table], batch) for table in tables]


def _check(dst: BaseStore, table: str, cols: list[str], source: Digest, batch: int) -> TableCheck:
    target = Digest()
    for rows in dst.stream(_select(table, cols), batch=batch):
        target.add(rows)
    return TableCheck(table, source.rows, target.rows, source.hexdigest(), target.hexdigest())


def verify_stores(a: BaseStore, b: BaseStore, *, batch: int = 500) -> list[TableCheck]:
    """Compare two stores table by table (counts and content digests) without copying anything."""
    checks = []
    for table in tables_to_copy(a, b):
        cols = columns_of(a, table)
        da, db = Digest(), Digest()
        for rows in a.stream(_select(table, cols), batch=batch):
            da.add(rows)
        for rows in b.stream(_select(table, cols), batch=batch):
            db.add(rows)
        checks.append(TableCheck(table, da.rows, db.rows, da.hexdigest(), db.hexdigest()))
    return checks
