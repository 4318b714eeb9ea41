"""Integrity check and repair of a storyline database (``storyline check [--repair]``).

What is checked, by severity:

* ``corrupt`` — the stored inputs themselves: the SQLite file, articles without their raw input,
  raw inputs whose bytes no longer match their hash, duplicate content, offset maps that do not
  map.  ``--repair`` never touches articles or raw inputs, so these are reported, not fixed (restore a
  backup, or delete the database and re-ingest the sources).
* ``derived`` — data computed from articles that contradicts them: annotation/duplicate/story/vector
  rows of articles that do not exist, a half-written analysis, spans outside the article, events
  naming unknown articles, mentions linked to unknown entities, a stale full-text index.
  ``--repair`` recomputes them.
* ``pending`` — work not done yet (articles not analysed by the current analysis version, articles
  not yet in the duplicate/story results, mentions not yet resolved to entities, an unapplied
  migration).  Normal after ``--no-analyze`` or an interrupted run; not an error (exit code 0), and
  ``--repair`` (or the next ``storyline ingest``) catches up.

The checks are SQL over the store's documented tables (``store.rows``), so they stay valid for any
backend with the same schema; the SQLite-only probes (``PRAGMA integrity_check``, FTS5) are skipped
elsewhere.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from storyline.records import sha256_hex

CORRUPT, DERIVED, PENDING = "corrupt", "derived", "pending"
ANNOTATION_TABLES = ("mentions", "quotes", "times", "event_mentions")
# tables whose rows name an article in column ``article`` (vectors are per article as well)
ARTICLE_TABLES = (*ANNOTATION_TABLES, "analyzed", "story_articles", "vectors")
EXAMPLES = 5


@dataclass
class Problem:
    code: str
    severity: str
    message: str
    items: list[str] = field(default_factory=list)  # every offending row (ids, or table:id[span])

    @property
    def count(self) -> int:
        return len(self.items)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "count": self.count, "message": self.message,
                "examples": self.items[:EXAMPLES]}


@dataclass
class CheckReport:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is corrupt or inconsistent (pending work is allowed)."""
        return not any(p.severity in (CORRUPT, DERIVED) for p in self.problems)

    def codes(self, *severities: str) -> set[str]:
        return {p.code for p in self.problems if not severities or p.severity in severities}

    def add(self, code: str, severity: str, message: str, items: list[Any]) -> None:
        if items:
            self.problems.append(Problem(code, severity, message, [str(i) for i in items]))

    def items(self, code: str) -> list[str]:
        return [i for p in self.problems if p.code == code for i in p.items]

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "counts": self.counts, "problems": [p.to_dict() for p in self.problems]}


# -- the checks ----------------------------------------------------------------------------------------
def check_store(store, *, analysis_version: str | None = None, duplicates_model: str | None = None
                ) -> CheckReport:
    """Verify every invariant; read-only.  ``analysis_version``/``duplicates_model``: what "up to date"
    means for pending work (see ``storyline.ingest.analysis_version``); None skips those probes."""
    report = CheckReport(counts={t: store.count(t) for t in ("articles", "raw_inputs", "failures", "mentions",
                                                             "quotes", "duplicates", "story_articles", "events")})
    for probe in (_sqlite_integrity, _articles_and_raw, _offsets_and_spans, _orphans, _partial_analysis,
                  _corpus_references, _fts):
        probe(store, report)
    _pending(store, report, analysis_version, duplicates_model)
    return report


def _col(store, sql: str, params: tuple = ()) -> list:
    return [next(iter(r.values())) for r in store.rows(sql, params)]


def _sqlite_integrity(store, report: CheckReport) -> None:
    if getattr(store, "backend", "") != "sqlite":
        return
    bad = [r for r in _col(store, "PRAGMA integrity_check") if r != "ok"]
    report.add("sqlite_integrity", CORRUPT, "the SQLite file is damaged (PRAGMA integrity_check); restore a backup "
               "or re-ingest into a new database", bad)


def _articles_and_raw(store, report: CheckReport) -> None:
    report.add("article_without_raw", CORRUPT, "articles whose raw input is missing",
               _col(store, "SELECT a.id FROM articles a LEFT JOIN raw_inputs r ON r.hash = a.raw_hash "
                           "WHERE r.hash IS NULL ORDER BY a.seq"))
    report.add("duplicate_content", CORRUPT, "content stored more than once",
               _col(store, "SELECT content_hash FROM articles GROUP BY content_hash HAVING COUNT(*) > 1"))
    report.add("failure_without_raw", CORRUPT, "failures whose kept raw bytes are missing",
               _col(store, "SELECT f.input FROM failures f LEFT JOIN raw_inputs r ON r.hash = f.raw_hash "
                           "WHERE f.raw_hash IS NOT NULL AND r.hash IS NULL"))
    report.add("raw_hash_mismatch", CORRUPT, "raw inputs whose bytes do not match their sha256",
               [h for h in _col(store, "SELECT hash FROM raw_inputs ORDER BY hash") if not _raw_ok(store, h)])


def _raw_ok(store, digest: str) -> bool:
    try:
        data = store.raw_input(digest)
    except Exception:  # noqa: BLE001 — undecompressable data is exactly what we report
        return False
    return data is not None and sha256_hex(data) == digest


def _offsets_and_spans(store, report: CheckReport) -> None:
    """Offset maps must be well-formed; every stored span must lie inside the input the map covers."""
    bad_maps, extents = [], {}
    # len() in Python: SQL length() stops at the first NUL character, which a text may hold
    for row in store.rows("SELECT id, text, offsets FROM articles ORDER BY seq"):
        extent = _map_extent(row["offsets"], len(row["text"]))
        if extent is None:
            bad_maps.append(row["id"])
        else:
            extents[row["id"]] = extent
    report.add("bad_offsets", CORRUPT, "articles whose offset map does not map their text to the input", bad_maps)
    bad_spans = []
    for table in ANNOTATION_TABLES:
        for r in store.rows(f"SELECT article, start, end FROM {table}"):
            limit = extents.get(r["article"])
            if limit is not None and not 0 <= r["start"] <= r["end"] <= limit:
                bad_spans.append(f"{table}:{r['article']}[{r['start']}:{r['end']}]")
    report.add("span_out_of_range", DERIVED, "annotation spans outside the article's input text", bad_spans)


def _map_extent(offsets_json: str, text_len: int) -> int | None:
    """End of the input text covered by an offset map, or None if the map is malformed.

    Segments ``(clean_start, input_start, length)`` must be sorted, non-overlapping and inside the
    clean text.  Approximate: the input text itself is not re-derived from the raw bytes, so a map
    pointing past the real input's end but consistent with itself is not caught.
    """
    try:
        segments = json.loads(offsets_json)
    except (TypeError, ValueError):
        return None
    if not isinstance(segments, list):
        return None
    if not segments:
        return text_len  # identity map
    clean_end, extent = 0, 0
    for seg in segments:
        if not (isinstance(seg, list) and len(seg) == 3 and all(isinstance(v, int) for v in seg)):
            return None
        cs, is_, n = seg
        if cs < clean_end or is_ < 0 or n <= 0 or cs + n > text_len:
            return None
        clean_end, extent = cs + n, max(extent, is_ + n)
    return extent


def _orphans(store, report: CheckReport) -> None:
    for table in ARTICLE_TABLES:
        report.add(f"orphan_{table}", DERIVED, f"{table} rows of articles that are not stored",
                   _col(store, f"SELECT DISTINCT t.article FROM {table} t LEFT JOIN articles a ON a.id = t.article "
                               "WHERE a.id IS NULL"))
    report.add("orphan_duplicates", DERIVED, "duplicate links naming an article that is not stored",
               _col(store, "SELECT d.copy FROM duplicates d LEFT JOIN articles c ON c.id = d.copy "
                           "LEFT JOIN articles o ON o.id = d.original WHERE c.id IS NULL OR o.id IS NULL"))


def _partial_analysis(store, report: CheckReport) -> None:
    """Annotations are written with their ``analyzed`` mark in one transaction: rows without it are a
    half-written analysis."""
    union = " UNION ".join(f"SELECT article FROM {t}" for t in ANNOTATION_TABLES)
    report.add("partial_analysis", DERIVED, "articles with annotation rows but no completed analysis",
               _col(store, f"SELECT DISTINCT u.article FROM ({union}) u JOIN articles a ON a.id = u.article "
                           "LEFT JOIN analyzed z ON z.article = u.article WHERE z.article IS NULL"))


def _corpus_references(store, report: CheckReport) -> None:
    ids = set(_col(store, "SELECT id FROM articles"))
    bad_events = [e.get("id") for e in store.events() if not set(e.get("articles") or []) <= ids]
    report.add("event_unknown_article", DERIVED, "events citing articles that are not stored", bad_events)
    report.add("mention_unknown_entity", DERIVED, "mentions linked to an entity that does not exist",
               _col(store, "SELECT DISTINCT m.entity FROM mentions m LEFT JOIN entities e ON e.id = m.entity "
                           "WHERE m.entity IS NOT NULL AND e.id IS NULL"))


def _fts(store, report: CheckReport) -> None:
    """Every article indexed once and nothing else: compares the FTS5 shadow table of indexed rows with
    the articles (read-only; FTS5's own 'integrity-check' command needs a writable database)."""
    if getattr(store, "backend", "") != "sqlite" or not _col(
            store, "SELECT name FROM sqlite_master WHERE name = 'articles_fts_docsize'"):
        return
    missing = _col(store, "SELECT a.id FROM articles a LEFT JOIN articles_fts_docsize d ON d.id = a.seq "
                          "WHERE d.id IS NULL ORDER BY a.seq")
    extra = _col(store, "SELECT d.id FROM articles_fts_docsize d LEFT JOIN articles a ON a.seq = d.id "
                        "WHERE a.seq IS NULL")
    report.add("fts_out_of_date", DERIVED, "the full-text index does not match the articles",
               [*missing, *(f"row {r}" for r in extra)])


def _pending(store, report: CheckReport, version: str | None, dup_model: str | None) -> None:
    from storyline.store.sqlite import migration_files

    latest = max((v for v, _, _ in migration_files()), default=0)
    current = _col(store, "SELECT MAX(version) FROM schema_migrations")[0] or 0
    report.add("schema_behind", PENDING, "migrations not applied yet (open the database for writing)",
               [f"{current} < {latest}"] if current < latest else [])
    if version is not None:
        report.add("unanalyzed", PENDING, f"articles not analysed by the current version ({version})",
                   store.unanalyzed_ids(version))
    if dup_model is not None:
        report.add("no_duplicate_signature", PENDING, "articles not yet compared for duplicates",
                   _col(store, "SELECT a.id FROM articles a LEFT JOIN vectors v ON v.article = a.id AND "
                               "v.kind = 'minhash' AND v.model = ? WHERE v.article IS NULL ORDER BY a.seq",
                        (dup_model,)))
    report.add("no_story", PENDING, "articles not yet assigned to a story",
               _col(store, "SELECT a.id FROM articles a LEFT JOIN story_articles s ON s.article = a.id "
                           "WHERE s.article IS NULL ORDER BY a.seq"))
    report.add("unresolved_mentions", PENDING, "mentions not yet resolved to a corpus entity",
               _col(store, "SELECT DISTINCT m.article FROM mentions m JOIN analyzed z ON z.article = m.article "
                           "WHERE m.entity IS NULL"))


def check_with_settings(store, settings) -> CheckReport:
    """``check_store`` with "up to date" taken from ``settings`` (analysis version, duplicate model)."""
    from storyline.corpus.update import duplicates_model
    from storyline.ingest import analysis_version

    version = analysis_version(settings) if settings.ingest.analyze else None
    return check_store(store, analysis_version=version, duplicates_model=duplicates_model(settings))


# -- repair --------------------------------------------------------------------------------------------
@dataclass
class RepairReport:
    before: CheckReport
    after: CheckReport
    actions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"before": self.before.to_dict(), "actions": self.actions, "after": self.after.to_dict()}


def repair_store(store, settings, *, progress: Callable[[str], None] | None = None) -> RepairReport:
    """Fix derived and pending problems by recomputation; never changes articles or raw inputs.

    Steps (each committed on its own, so an interrupted repair can simply be run again): drop derived
    rows of missing articles; re-analyse articles whose analysis is missing, partial or out of date
    (when analysis is enabled in ``settings``); rebuild the full-text index if it disagrees; recompute
    every corpus result (``rebuild_corpus``).
    """
    from storyline.corpus.update import rebuild_corpus

    say = progress or (lambda _msg: None)
    before = check_with_settings(store, settings)
    actions: dict[str, int] = {}
    if before.codes(CORRUPT, DERIVED, PENDING):
        actions["orphan_rows_deleted"] = _delete_orphans(store)
        if settings.ingest.analyze:
            say("re-analysing articles")
            actions["reanalyzed"], actions["analysis_failures"] = _reanalyze(store, settings, before)
        if "fts_out_of_date" in before.codes():
            with store.transaction():
                store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
            actions["fts_rebuilt"] = 1
        say("recomputing corpus results")
        actions.update({f"rebuilt_{k}": v for k, v in rebuild_corpus(store, settings).items()})
    return RepairReport(before, check_with_settings(store, settings), actions)


def _delete_orphans(store) -> int:
    deleted = 0
    with store.transaction():
        for table in ARTICLE_TABLES:
            deleted += _delete(store, f"DELETE FROM {table} WHERE article NOT IN (SELECT id FROM articles)")
        deleted += _delete(store, "DELETE FROM duplicates WHERE copy NOT IN (SELECT id FROM articles) "
                                  "OR original NOT IN (SELECT id FROM articles)")
        store.conn.execute("UPDATE mentions SET entity = NULL WHERE entity IS NOT NULL AND entity NOT IN "
                           "(SELECT id FROM entities)")
    return deleted


def _delete(store, sql: str) -> int:
    cur = store.conn.execute(sql)
    return max(cur.rowcount, 0)


def _reanalyze(store, settings, before: CheckReport, batch: int = 32) -> tuple[int, int]:
    """Analyse articles again (partial, bad-span or out-of-date analyses); a failure is recorded."""
    from storyline.ingest import analysis_version
    from storyline.nlp import analyze_article
    from storyline.records import Failure

    version = analysis_version(settings)
    partial = set(before.items("partial_analysis"))
    partial |= {item.split(":", 1)[1].split("[", 1)[0] for item in before.items("span_out_of_range")}
    ids = list(dict.fromkeys([*store.unanalyzed_ids(version), *sorted(partial)]))
    done = failed = 0
    for start in range(0, len(ids), batch):
        with store.transaction():
            for article in store.iter_articles(ids[start:start + batch]):
                try:
                    analysis = analyze_article(article, spacy_model=settings.nlp.spacy_model,
                                               gazetteers=tuple(settings.nlp.gazetteers),
                                               actors=tuple(settings.nlp.actors))
                except Exception as exc:  # noqa: BLE001 — one bad article is recorded, the repair goes on
                    store.put_failure(Failure(article.source_uri, "analyze", f"{type(exc).__name__}: {exc}",
                                              id=article.id))
                    failed += 1
                    continue
                store.put_analysis(article.id, analysis, version)
                done += 1
    return done, failed
