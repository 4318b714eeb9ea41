"""SQLite store: the default, embedded backend.

One writer (the process that opened the store); WAL so readers (CLI, API) never block it.  Every
write that must be atomic (an article with its raw input; an article's analysis) is one transaction,
so a crash leaves either all of it or none of it.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from storyline.errors import StoreError
from storyline.offsets import OffsetMap
from storyline.records import Analysis, Article, Failure, sha256_hex

MIGRATIONS = "storyline.store.migrations"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def migration_files() -> list[tuple[int, str, str]]:
    out = []
    for entry in resources.files(MIGRATIONS).iterdir():
        if entry.name.endswith(".sql"):
            out.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(out)


class SQLiteStore:
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
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self.conn.execute("ROLLBACK")
                raise StoreError(f"migration {name} failed on {self.path}: {exc}") from exc
            applied.append(name)
        return applied

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self):
        return _Transaction(self.conn)

    # -- articles -------------------------------------------------------------------------------
    def has_content(self, content_hash: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE content_hash = ?", (content_hash,)).fetchone() is not None

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        hashes = list(hashes)
        found: set[str] = set()
        for i in range(0, len(hashes), 500):
            chunk = hashes[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT content_hash FROM articles WHERE content_hash IN ({marks})", chunk))
        return found

    def _put_raw(self, raw: bytes, uri: str | None, kind: str | None) -> str:
        digest = sha256_hex(raw)
        self.conn.execute("INSERT OR IGNORE INTO raw_inputs VALUES (?, ?, ?, ?, ?, ?)",
                          (digest, uri, kind, len(raw), zlib.compress(raw, 6), now()))
        return digest

    def put_article(self, article: Article, raw: bytes) -> bool:
        """Store an article and its raw input (call inside ``transaction()``).  False if already stored."""
        if self.has_content(article.content_hash):
            return False
        self._put_raw(raw, article.source_uri, article.kind)
        article.id = self._free_id(article.id, article.content_hash)
        cur = self.conn.execute(
            "INSERT INTO articles (id, content_hash, raw_hash, source_uri, kind, title, outlet, published, "
            "published_source, text, offsets, meta, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (article.id, article.content_hash, article.raw_hash, article.source_uri, article.kind, article.title,
             article.outlet, article.published, article.published_source, article.text,
             json.dumps(article.offsets.to_list()), json.dumps(article.meta, default=str, sort_keys=True), now()))
        article.seq = cur.lastrowid
        return True

    def _free_id(self, wanted: str, content_hash: str) -> str:
        """Ids are the inputs' own names; a name reused for other content gets a hash suffix."""
        if self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (wanted,)).fetchone() is None:
            return wanted
        return f"{wanted}~{content_hash[:8]}"

    def put_failure(self, failure: Failure) -> None:
        raw_hash = self._put_raw(failure.raw, failure.input, "failed") if failure.raw else None
        self.conn.execute("INSERT OR IGNORE INTO failures (input, stage, reason, doc_id, raw_hash, created_at) "
                          "VALUES (?,?,?,?,?,?)",
                          (failure.input, failure.stage, failure.reason, failure.id, raw_hash, now()))

    def failures(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT input, stage, reason, doc_id, created_at FROM failures ORDER BY n")]

    def _article(self, row: sqlite3.Row) -> Article:
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
            rows = self.conn.execute("SELECT * FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._article(row)
            last = rows[-1]["seq"]

    def article_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY seq")]

    def raw_input(self, raw_hash: str) -> bytes | None:
        row = self.conn.execute("SELECT data FROM raw_inputs WHERE hash = ?", (raw_hash,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    def count(self, table: str) -> int:
        if table not in {"articles", "failures", "duplicates", "events", "entities", "quotes", "mentions",
                         "raw_inputs", "story_articles"}:
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
        self.conn.executemany(
            "INSERT INTO mentions (article, start, end, text, name, type, role, country) VALUES (?,?,?,?,?,?,?,?)",
            [(article_id, m.start, m.end, m.text, m.name, m.type, m.role, m.country) for m in analysis.entities])
        self.conn.executemany(
            "INSERT INTO quotes VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(article_id, q.start, q.end, q.text, int(q.direct), q.speaker,
              *(q.speaker_span or (None, None)), q.cue, *(q.cue_span or (None, None))) for q in analysis.quotes])
        self.conn.executemany("INSERT INTO times VALUES (?,?,?,?,?,?)",
                              [(article_id, t.start, t.end, t.text, t.resolves_to, t.kind) for t in analysis.times])
        self.conn.executemany(
            "INSERT INTO event_mentions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(article_id, e.start, e.end, e.actor, e.actor_country, e.target, e.target_country, e.cameo, e.date,
              e.date_source, e.trigger) for e in analysis.events])
        self.conn.execute("INSERT OR REPLACE INTO analyzed VALUES (?,?,?)", (article_id, version, now()))

    def get_analysis(self, article_id: str) -> Analysis:
        from storyline.records import EventMention, Mention, Quote, TimeExpr

        q = self.conn.execute
        return Analysis(
            entities=[Mention(r["start"], r["end"], r["text"], r["name"], r["type"], r["role"], r["country"])
                      for r in q("SELECT * FROM mentions WHERE article = ? ORDER BY start", (article_id,))],
            quotes=[Quote(r["start"], r["end"], r["text"], bool(r["direct"]), r["speaker"],
                          (r["speaker_start"], r["speaker_end"]) if r["speaker_start"] is not None else None,
                          r["cue"], (r["cue_start"], r["cue_end"]) if r["cue_start"] is not None else None)
                    for r in q("SELECT * FROM quotes WHERE article = ? ORDER BY start", (article_id,))],
            times=[TimeExpr(r["start"], r["end"], r["text"], r["resolves_to"], r["kind"])
                   for r in q("SELECT * FROM times WHERE article = ? ORDER BY start", (article_id,))],
            events=[EventMention(r["start"], r["end"], r["actor"], r["actor_country"], r["target"],
                                 r["target_country"], r["cameo"], r["date"], r["date_source"], r["trigger"])
                    for r in q("SELECT * FROM event_mentions WHERE article = ? ORDER BY start", (article_id,))],
        )

    def rows(self, sql: str, params: tuple = ()) -> list[dict]:
        """Read-only query helper for views (parameters always bound, never formatted in)."""
        return [dict(r) for r in self.conn.execute(sql, params)]

    # -- corpus-level results -------------------------------------------------------------------
    def replace_duplicates(self, links: Iterable[Any]) -> None:
        self.conn.execute("DELETE FROM duplicates")
        self.add_duplicates(links)

    def add_duplicates(self, links: Iterable[Any]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO duplicates VALUES (?,?,?,?,?)",
                              [(l.copy, l.original, l.kind, float(l.score), json.dumps(l.evidence)) for l in links])

    def duplicates(self) -> list[dict]:
        out = []
        for r in self.conn.execute("SELECT d.* FROM duplicates d JOIN articles a ON a.id = d.copy ORDER BY a.seq"):
            row = dict(r)
            row["evidence"] = json.loads(row["evidence"])
            out.append(row)
        return out

    def set_story(self, assignments: dict[str, tuple[str, str]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO story_articles VALUES (?,?,?)",
                              [(a, s, t) for a, (s, t) in sorted(assignments.items())])

    def story_assignments(self) -> dict[str, tuple[str, str]]:
        return {r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT article, story, topic FROM story_articles")}

    def replace_events(self, events: list[dict]) -> None:
        self.conn.execute("DELETE FROM events")
        self.conn.executemany("INSERT INTO events VALUES (?,?,?,?)",
                              [(e["id"], e.get("date"), e.get("root"), json.dumps(e, sort_keys=True)) for e in events])

    def events(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM events ORDER BY date, id")]

    def replace_entities(self, entities: list[dict], mention_entity: Iterable[tuple[str, int, int, str]]) -> None:
        self.conn.execute("DELETE FROM entities")
        self.conn.executemany("INSERT INTO entities VALUES (?,?,?,?,?)",
                              [(e["id"], e["name"], e.get("type"), e.get("country"), json.dumps(e, sort_keys=True))
                               for e in entities])
        self.conn.executemany("UPDATE mentions SET entity = ? WHERE article = ? AND start = ? AND end = ?",
                              [(eid, art, s, e) for art, s, e, eid in mention_entity])

    def entities(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT data FROM entities ORDER BY name")]

    def put_vector(self, article_id: str, kind: str, model: str, data: bytes) -> None:
        self.conn.execute("INSERT OR REPLACE INTO vectors VALUES (?,?,?,?)", (article_id, kind, model, data))

    def get_vector(self, article_id: str, kind: str, model: str) -> bytes | None:
        row = self.conn.execute("SELECT data FROM vectors WHERE article = ? AND kind = ? AND model = ?",
                                (article_id, kind, model)).fetchone()
        return row[0] if row else None

    def get_state(self, key: str) -> Any:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_state(self, key: str, value: Any) -> None:
        self.conn.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, json.dumps(value, sort_keys=True)))


class _Transaction:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


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
