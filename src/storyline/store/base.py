"""What every store backend shares: the read/write methods, written once in portable SQL.

The SQL here runs unchanged on SQLite (>= 3.35) and, through the PostgreSQL backend's connection
wrapper, on PostgreSQL: ``?`` placeholders (translated for psycopg), ``"end"`` quoted (a reserved word
in PostgreSQL), ``INSERT … ON CONFLICT`` upserts and ``RETURNING`` instead of ``lastrowid``.
A backend supplies ``conn`` (``execute``/``executemany`` returning DB-API cursors whose rows can be read
by name and by position), ``transaction()``, ``migrate()`` and the few dialect-specific queries.
"""
from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

from storyline.offsets import OffsetMap
from storyline.records import Analysis, Article, Failure, sha256_hex

# Tables in an order that satisfies every foreign key (copy order for ``storyline migrate``).
CORPUS_TABLES = ("raw_inputs", "articles", "failures", "analyzed", "mentions", "quotes", "times",
                 "event_mentions", "entities", "duplicates", "story_articles", "events", "event_articles", "vectors",
                 "state",
                 "api_tokens")
COUNTABLE = {"articles", "failures", "duplicates", "events", "entities", "quotes", "mentions", "raw_inputs",
             "story_articles"}


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def migration_files(package: str) -> list[tuple[int, str, str]]:
    """``(version, file name, SQL)`` of every migration in ``package``, in version order."""
    out = []
    for entry in resources.files(package).iterdir():
        if entry.name.endswith(".sql"):
            out.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out)


def batches(cursor: Any, size: int) -> Iterator[list[tuple]]:
    """A cursor's rows as lists of plain tuples, ``size`` at a time."""
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield [tuple(r) for r in rows]


class BaseStore:
    backend = "base"
    conn: Any

    # -- lifecycle (backends override what differs) ----------------------------------------------
    def migrate(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def transaction(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def search(self, q: str, limit: int = 20) -> list[dict]:  # pragma: no cover - abstract
        """Full-text search: ``[{id, title, outlet, published, snippet}]``, best match first."""
        raise NotImplementedError

    def tables(self) -> set[str]:  # pragma: no cover - abstract
        """Names of the storyline tables present (no internal or full-text index tables)."""
        raise NotImplementedError

    def has_table(self, name: str) -> bool:
        return name in self.tables()

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def snapshot(self):
        """A read transaction: everything read inside sees one consistent state of the store."""
        return Snapshot(self.conn, "BEGIN")

    def stream(self, sql: str, params: tuple = (), batch: int = 1000) -> Iterator[list[tuple]]:
        """Rows of a query as tuples, ``batch`` at a time (memory bounded).  Backends may override."""
        yield from batches(self.conn.execute(sql, params), batch)

    def after_bulk_load(self) -> None:
        """Hook run after rows were copied in with explicit keys (PostgreSQL resets its sequences)."""

    # -- articles -------------------------------------------------------------------------------
    def has_content(self, content_hash: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row is not None

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        hashes = list(hashes)
        found: set[str] = set()
        for i in range(0, len(hashes), 500):
            chunk = hashes[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT content_hash FROM articles WHERE content_hash IN ({marks})", tuple(chunk)))
        return found

    def _put_raw(self, raw: bytes, uri: str | None, kind: str | None) -> str:
        digest = sha256_hex(raw)
        self.conn.execute("INSERT INTO raw_inputs (hash, uri, kind, size, data, stored_at) VALUES (?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT DO NOTHING", (digest, uri, kind, len(raw), zlib.compress(raw, 6), now()))
        return digest

    def put_article(self, article: Article, raw: bytes) -> bool:
        """Store an article and its raw input (call inside ``transaction()``).  False if already stored."""
        if self.has_content(article.content_hash):
            return False
        self._put_raw(raw, article.source_uri, article.kind)
        article.id = self._free_id(article.id, article.content_hash)
        cur = self.conn.execute(
            "INSERT INTO articles (id, content_hash, raw_hash, source_uri, kind, title, outlet, published, "
            "published_source, text, offsets, meta, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING seq",
            (article.id, article.content_hash, article.raw_hash, article.source_uri, article.kind, article.title,
             article.outlet, article.published, article.published_source, article.text,
             json.dumps(article.offsets.to_list()), json.dumps(article.meta, default=str, sort_keys=True), now()))
        article.seq = cur.fetchone()[0]
        return True

    def _free_id(self, wanted: str, content_hash: str) -> str:
        """Ids are the inputs' own names; a name reused for other content gets a hash suffix."""
        if self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (wanted,)).fetchone() is None:
            return wanted
        return f"{wanted}~{content_hash[:8]}"

    def put_failure(self, failure: Failure) -> None:
        raw_hash = self._put_raw(failure.raw, failure.input, "failed") if failure.raw else None
        self.conn.execute("INSERT INTO failures (input, stage, reason, doc_id, raw_hash, created_at) "
                          "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                          (failure.input, failure.stage, failure.reason, failure.id, raw_hash, now()))

    def failures(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT input, stage, reason, doc_id, created_at FROM failures ORDER BY n")]

    def _article(self, row: Any) -> Article:
        return Article(id=row["id"], content_hash=row["content_hash"], source_uri=row["source_uri"],
                       raw_hash=row["raw_hash"], kind=row["kind"], title=row["title"], outlet=row["outlet"],
                       published=row["published"], published_source=row["published_source"], text=row["text"],
                       offsets=OffsetMap.from_list(json.loads(row["offsets"])), meta=json.loads(row["meta"]),
                       seq=row["seq"])

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def iter_articles(self, ids: Iterable[str] | None = None, batch: int = 500) -> Iterator[Article]:
        """Articles in ingest order, streamed."""
        if ids is not None:
            for article_id in ids:
                article = self.get_article(article_id)
                if article:
                    yield article
            return
        last = 0
        while True:
            rows = self.conn.execute("SELECT * FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                                     (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._article(row)
            last = rows[-1]["seq"]

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY seq")]

    def article_urls(self) -> dict[str, str | None]:
        """Article id → the ``url`` field of its metadata (None when it has none)."""
        out = {}
        for r in self.conn.execute("SELECT id, meta FROM articles ORDER BY seq"):
            url = json.loads(r[1] or "{}").get("url")
            out[r[0]] = str(url) if url is not None else None
        return out

    def raw_input(self, raw_hash: str) -> bytes | None:
        row = self.conn.execute("SELECT data FROM raw_inputs WHERE hash = ?", (raw_hash,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    def count(self, table: str) -> int:
        if table not in COUNTABLE:
            raise ValueError(table)
        return self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    # -- per-article analysis -------------------------------------------------------------------
    def unanalyzed_ids(self, version: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN analyzed z ON z.article = a.id "
            "WHERE z.version IS NULL OR z.version != ? ORDER BY a.seq", (version,))]

    def put_analysis(self, article_id: str, analysis: Analysis, version: str) -> None:
        """Replace an article's annotations (call inside ``transaction()``).  Spans: input text offsets."""
        for table in ("mentions", "quotes", "times", "event_mentions"):
            self.conn.execute(f"DELETE FROM {table} WHERE article = ?", (article_id,))
        self._insert_many(
            'INSERT INTO mentions (article, start, "end", text, name, type, role, country) VALUES (?,?,?,?,?,?,?,?)',
            [(article_id, m.start, m.end, m.text, m.name, m.type, m.role, m.country) for m in analysis.entities])
        self._insert_many(
            "INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(article_id, q.start, q.end, q.text, int(q.direct), q.speaker,
              *(q.speaker_span or (None, None)), q.cue, *(q.cue_span or (None, None))) for q in analysis.quotes])
        self._insert_many("INSERT INTO times VALUES (?,?,?,?,?,?)",
                          [(article_id, t.start, t.end, t.text, t.resolves_to, t.kind) for t in analysis.times])
        self._insert_many(
            "INSERT INTO event_mentions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(article_id, e.start, e.end, e.actor, e.actor_country, e.target, e.target_country, e.cameo, e.date,
              e.date_source, e.trigger) for e in analysis.events])
        self.conn.execute("INSERT INTO analyzed VALUES (?,?,?) ON CONFLICT (article) DO UPDATE SET "
                          "version = excluded.version, analyzed_at = excluded.analyzed_at",
                          (article_id, version, now()))

    def _insert_many(self, sql: str, rows: list[tuple]) -> None:
        if rows:  # an empty executemany is a wasted round trip on a network database
            self.conn.executemany(sql, rows)

    def get_analysis(self, article_id: str) -> Analysis:
        from storyline.records import EventMention, Mention, Quote, TimeExpr

        def q(table: str) -> Any:  # spans in text order; the end breaks ties the same way on every backend
            return self.conn.execute(f'SELECT * FROM {table} WHERE article = ? ORDER BY start, "end"', (article_id,))

        return Analysis(
            entities=[Mention(r["start"], r["end"], r["text"], r["name"], r["type"], r["role"], r["country"])
                      for r in q("mentions")],
            quotes=[Quote(r["start"], r["end"], r["text"], bool(r["direct"]), r["speaker"],
                          (r["speaker_start"], r["speaker_end"]) if r["speaker_start"] is not None else None,
                          r["cue"], (r["cue_start"], r["cue_end"]) if r["cue_start"] is not None else None)
                    for r in q("quotes")],
            times=[TimeExpr(r["start"], r["end"], r["text"], r["resolves_to"], r["kind"])
                   for r in q("times")],
            events=[EventMention(r["start"], r["end"], r["actor"], r["actor_country"], r["target"],
                                 r["target_country"], r["cameo"], r["date"], r["date_source"], r["trigger"])
                    for r in q("event_mentions")],
        )

    def rows(self, sql: str, params: tuple = ()) -> list[dict]:
        """Read-only query helper for views (parameters always bound, never formatted in).

        Write ``?`` placeholders; the PostgreSQL backend translates them (and quotes the column name
        ``end``), so plain SQL shared by both backends works as is."""
        return [dict(r) for r in self.conn.execute(sql, tuple(params))]

    # -- corpus-level results -------------------------------------------------------------------
    def replace_duplicates(self, links: Iterable[Any]) -> None:
        self.conn.execute("DELETE FROM duplicates")
        self.add_duplicates(links)

    def add_duplicates(self, links: Iterable[Any]) -> None:
        self._insert_many(
            "INSERT INTO duplicates VALUES (?,?,?,?,?) ON CONFLICT (copy) DO UPDATE SET original = excluded.original, "
            "kind = excluded.kind, score = excluded.score, evidence = excluded.evidence",
            [(l.copy, l.original, l.kind, float(l.score), json.dumps(l.evidence)) for l in links])

    def duplicates(self) -> list[dict]:
        out = []
        for r in self.conn.execute("SELECT d.* FROM duplicates d JOIN articles a ON a.id = d.copy ORDER BY a.seq"):
            row = dict(r)
            row["evidence"] = json.loads(row["evidence"])
            out.append(row)
        return out

    def set_story(self, assignments: dict[str, tuple[str, str]]) -> None:
        self._insert_many("INSERT INTO story_articles VALUES (?,?,?) ON CONFLICT (article) DO UPDATE SET "
                          "story = excluded.story, topic = excluded.topic",
                          [(a, s, t) for a, (s, t) in sorted(assignments.items())])

    def story_assignments(self) -> dict[str, tuple[str, str]]:
        return {r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT article, story, topic FROM story_articles")}

    def replace_events(self, events: list[dict]) -> None:
        self.conn.execute("DELETE FROM events")
        self.conn.execute("DELETE FROM event_articles")
        self._insert_many("INSERT INTO events VALUES (?,?,?,?)",
                          [(e["id"], e.get("date"), e.get("root"), json.dumps(e, sort_keys=True)) for e in events])
        self._insert_many("INSERT INTO event_articles VALUES (?,?)",
                          sorted({(e["id"], a) for e in events for a in e.get("articles") or []}))

    def events(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM events ORDER BY date, id")]

    def events_of(self, article_ids: Iterable[str]) -> list[dict]:
        """The events reported by any of ``article_ids``, by (date, id) with undated ones first (an index
        lookup: a story page reads its own events, not every event of the corpus)."""
        ids = {r[0] for r in self._select_in("SELECT event FROM event_articles WHERE article IN ({marks})",
                                             article_ids)}
        rows = self._select_in("SELECT date, id, data FROM events WHERE id IN ({marks})", ids)
        return [json.loads(r[2]) for r in sorted(rows, key=lambda r: (r[0] is not None, r[0] or "", r[1]))]

    def replace_entities(self, entities: list[dict], mention_entity: Iterable[tuple[str, int, int, str]]) -> None:
        self.conn.execute("DELETE FROM entities")
        self._insert_many("INSERT INTO entities VALUES (?,?,?,?,?)",
                          [(e["id"], e["name"], e.get("type"), e.get("country"), json.dumps(e, sort_keys=True))
                           for e in entities])
        self._insert_many('UPDATE mentions SET entity = ? WHERE article = ? AND start = ? AND "end" = ?',
                          [(eid, art, s, e) for art, s, e, eid in mention_entity])

    def entities(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM entities ORDER BY name, id")]

    def put_vector(self, article_id: str, kind: str, model: str, data: bytes) -> None:
        self.conn.execute("INSERT INTO vectors VALUES (?,?,?,?) ON CONFLICT (article, kind) DO UPDATE SET "
                          "model = excluded.model, data = excluded.data", (article_id, kind, model, bytes(data)))

    def get_vector(self, article_id: str, kind: str, model: str) -> bytes | None:
        row = self.conn.execute("SELECT data FROM vectors WHERE article = ? AND kind = ? AND model = ?",
                                (article_id, kind, model)).fetchone()
        return bytes(row[0]) if row else None

    def get_state(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_state(self, key: str, value: Any) -> None:
        self.conn.execute("INSERT INTO state VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          (key, json.dumps(value, sort_keys=True)))

    # -- duplicate blocking keys (store-backed LSH of corpus/update.py's duplicate stages) ---------
    def put_dup_keys(self, article_id: str, kind: str, keys: Iterable[int]) -> None:
        """Replace an article's blocking keys of ``kind`` (64-bit signed ints)."""
        self.conn.execute("DELETE FROM dup_keys WHERE article = ? AND kind = ?", (article_id, kind))
        self._insert_many("INSERT INTO dup_keys VALUES (?,?,?)", [(article_id, kind, k) for k in sorted(set(keys))])

    def _select_in(self, sql: str, values: Iterable[Any], params: tuple = ()) -> Iterator[Any]:
        """Rows of ``sql`` whose ``{marks}`` is an IN list over ``values``, 500 values per query."""
        values = sorted(set(values))
        for i in range(0, len(values), 500):
            chunk = values[i:i + 500]
            yield from self.conn.execute(sql.format(marks=",".join("?" * len(chunk))), (*chunk, *params))

    def dup_key_hits(self, kind: str, keys: Iterable[int]) -> list[tuple[str, int]]:
        """``(article, key)`` of every stored article sharing one of ``keys`` (of ``kind``)."""
        return [(r[0], r[1]) for r in self._select_in(
            "SELECT article, key FROM dup_keys WHERE key IN ({marks}) AND kind = ?", keys, (kind,))]

    def get_vectors(self, article_ids: Iterable[str], kind: str, model: str) -> dict[str, bytes]:
        """``get_vector`` for many articles at once (absent ones are left out)."""
        return {r[0]: bytes(r[1]) for r in self._select_in(
            "SELECT article, data FROM vectors WHERE article IN ({marks}) AND kind = ? AND model = ?",
            article_ids, (kind, model))}

    def article_metas(self, article_ids: Iterable[str]) -> dict[str, tuple]:
        """``id -> (published, seq, outlet)`` without reading texts."""
        return {r[0]: (r[1], r[2], r[3]) for r in self._select_in(
            "SELECT id, published, seq, outlet FROM articles WHERE id IN ({marks})", article_ids)}

    def vectors_without_keys(self, vector_kind: str, model: str, key_kind: str, after: str = "",
                             limit: int = 500) -> list[str]:
        """Articles (ids > ``after``, in id order) with a ``vector_kind``/``model`` vector but no blocking
        keys of ``key_kind`` (stored before the keys existed): what a backfill must index.  Pages
        with ``after`` (an article may legitimately have no keys).  Scans the vectors: run it rarely."""
        return [r[0] for r in self.conn.execute(
            "SELECT v.article FROM vectors v WHERE v.kind = ? AND v.model = ? AND v.article > ? AND NOT EXISTS "
            "(SELECT 1 FROM dup_keys k WHERE k.article = v.article AND k.kind = ?) ORDER BY v.article LIMIT ?",
            (vector_kind, model, after, key_kind, limit))]


class Snapshot:
    def __init__(self, conn: Any, begin: str):
        self.conn, self.begin = conn, begin

    def __enter__(self) -> Any:
        self.conn.execute(self.begin)
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.execute("ROLLBACK")  # nothing was written: ending a read transaction
