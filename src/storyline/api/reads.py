"""Cheap reads for the server: pooled read-only connections and a cache of corpus-wide aggregates.

Opening a read-only SQLite connection per request (file checks, connect, pragmas) was a large part
of a small request's cost.  ``ReadStores`` keeps idle read-only stores and lends one to each request;
a store is used by one request at a time (``check_same_thread=False`` lets the worker thread that
runs the route use it).  SQLite connections in autocommit mode hold no snapshot between statements,
so a pooled connection always sees the latest committed data (WAL).

``ReadCache`` keeps what every story-list and stats request would otherwise aggregate over the whole
corpus, keyed by SQLite's ``PRAGMA data_version`` read on one long-lived connection of its own: the
value changes whenever any other connection commits, so a write (from this server, its writer
process or a CLI) invalidates the cache on the next request.  PostgreSQL has no such cheap version:
there the cache is bypassed (computed per request, as before).
"""
from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storyline import views
from storyline.store import is_postgres_url, open_store

MAX_IDLE = 64  # more idle connections than worker threads would never be used
MAX_CACHED = 256  # cached values (story keys, stats, story-list pages), least recently used dropped first


class ReadStores:
    """A pool of read-only stores over one database (thread-safe)."""

    def __init__(self, db: str, max_idle: int = MAX_IDLE):
        self.db = db
        self.max_idle = max_idle
        self._idle: list = []
        self._lock = threading.Lock()

    def lease(self):
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return open_store(self.db, readonly=True)

    def release(self, store) -> None:
        """Give ``store`` back (or close it when the pool is full or it broke mid-request)."""
        healthy = not getattr(getattr(store, "conn", None), "in_transaction", False)
        with self._lock:
            if healthy and len(self._idle) < self.max_idle:
                self._idle.append(store)
                return
        store.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()


def sqlite_path(db: str) -> str | None:
    """The file behind a SQLite ``db`` (path or ``sqlite:///`` URL); None for PostgreSQL."""
    if is_postgres_url(db):
        return None
    return db[len("sqlite:///"):] if db.startswith("sqlite:///") else db


class DataVersion:
    """``PRAGMA data_version`` of one private read-only connection: changes when anyone else commits."""

    def __init__(self, path: str):
        uri = f"file:{Path(path).resolve()}?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        self._conn.close()


class ReadCache:
    """Story keys (``views.story_keys``), corpus stats and story-list pages, recomputed only after
    a write.  Cached values are shared between requests: callers must not modify them.

    A value is stored only when the data version was the same before and after computing it, so a
    write that lands mid-computation can never leave a stale value behind."""

    def __init__(self, db: str, max_values: int = MAX_CACHED):
        path = sqlite_path(db)
        self.version: Callable[[], int] | None = DataVersion(path) if path else None
        self.max_values = max_values
        self._values: OrderedDict[Any, tuple[int, Any]] = OrderedDict()
        self._computing: dict[Any, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        """The value cached under ``key`` for the current data version, else ``compute()``.

        Single flight: after a write, concurrent requests for the same key wait for one computation
        instead of all aggregating the corpus at once."""
        if self.version is None:
            return compute()
        hit, value = self._lookup(key, self.version())
        if hit:
            return value
        with self._key_lock(key):
            before = self.version()
            hit, value = self._lookup(key, before)
            if hit:
                return value
            value = compute()
            if self.version() == before:
                with self._lock:
                    self._values[key] = (before, value)
                    self._values.move_to_end(key)
                    while len(self._values) > self.max_values:
                        self._values.popitem(last=False)
        return value

    def _lookup(self, key: Any, version: int) -> tuple[bool, Any]:
        with self._lock:
            cached = self._values.get(key)
            if cached is not None and cached[0] == version:
                self._values.move_to_end(key)
                return True, cached[1]
        return False, None

    def _key_lock(self, key: Any) -> threading.Lock:
        with self._lock:
            lock = self._computing.get(key)
            if lock is None:
                if len(self._computing) > 4 * self.max_values:  # forget idle locks now and then
                    self._computing = {k: v for k, v in self._computing.items() if v.locked()}
                lock = self._computing[key] = threading.Lock()
            return lock

    def story_keys(self, store) -> list[dict]:
        """Every story's listing keys, newest first (so the common listing's sort is a linear pass)."""
        return self.get("story_keys", lambda: views.sort_story_keys(views.story_keys(store), "newest"))

    def story_page(self, store, **params) -> tuple[list[dict], str | None]:
        """``views.list_stories(store, **params)`` on the cached keys; whole pages are cached too
        (the first page of the river is by far the most requested)."""
        key = ("story_page", tuple(sorted(params.items())))
        return self.get(key, lambda: views.list_stories(store, keys=self.story_keys(store), **params))

    def stats(self, store) -> dict:
        return dict(self.get("stats", lambda: views.corpus_stats(store)))

    def close(self) -> None:
        if self.version is not None:
            self.version.close()
