"""Read-only views over the store, shared by the CLI, the REST API and the web UI."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from storyline.records import Analysis


def analysis_dict(analysis: Analysis | None) -> dict:
    """The ``analyze`` JSON shape: entities grouped by canonical name, quotes, times, events."""
    if analysis is None:
        return {"entities": [], "quotes": [], "times": [], "events": []}
    grouped: dict[tuple[str, str], list[list[int]]] = defaultdict(list)
    for m in analysis.entities:
        grouped[(m.name, m.type)].append([m.start, m.end])
    entities = [{"name": name, "type": etype, "mentions": sorted(spans)}
                for (name, etype), spans in sorted(grouped.items(), key=lambda kv: (kv[1][0][0], kv[0]))]
    quotes = [{"span": [q.start, q.end], "text": q.text, "direct": q.direct, "speaker": q.speaker,
               "speaker_span": list(q.speaker_span) if q.speaker_span else None, "cue": q.cue}
              for q in analysis.quotes]
    times = [{"span": [t.start, t.end], "text": t.text, "resolves_to": t.resolves_to, "kind": t.kind}
             for t in analysis.times]
    events = [{"span": [e.start, e.end], "actor": e.actor, "actor_country": e.actor_country, "target": e.target,
               "target_country": e.target_country, "cameo": e.cameo, "root": e.cameo[:2], "date": e.date,
               "date_source": e.date_source, "trigger": e.trigger} for e in analysis.events]
    return {"entities": entities, "quotes": quotes, "times": times, "events": events}


def corpus_stats(store) -> dict:
    q = store.rows
    dates = q("SELECT MIN(published) AS first, MAX(published) AS last FROM articles WHERE published IS NOT NULL")[0]
    by_kind = {r["kind"]: r["n"] for r in q("SELECT kind, COUNT(*) AS n FROM duplicates GROUP BY kind")}
    return {
        "articles": store.count("articles"),
        "errors": store.count("failures"),
        "duplicates": store.count("duplicates"),
        "duplicates_by_kind": by_kind,
        "sources": q("SELECT COUNT(DISTINCT outlet) AS n FROM articles WHERE outlet IS NOT NULL")[0]["n"],
        "stories": q("SELECT COUNT(DISTINCT story) AS n FROM story_articles")[0]["n"],
        "topics": q("SELECT COUNT(DISTINCT topic) AS n FROM story_articles")[0]["n"],
        "entities": store.count("entities"),
        "quotes": store.count("quotes"),
        "events": store.count("events"),
        "first_published": dates["first"],
        "last_published": dates["last"],
    }


# -- articles ----------------------------------------------------------------------------------------
ARTICLE_COLUMNS = "seq, id, title, outlet, published, published_source, source_uri, kind, content_hash, ingested_at"


def _page(rows: list[dict], limit: int, key: str = "seq") -> tuple[list[dict], str | None]:
    """Keyset pagination: fetch limit+1 rows; the cursor is the last row's key."""
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (str(rows[-1][key]) if more and rows else None)


def list_articles(store, *, outlet: str | None = None, since: str | None = None, until: str | None = None,
                  limit: int = 50, cursor: str | None = None) -> tuple[list[dict], str | None]:
    where, params = ["seq > ?"], [int(cursor or 0)]
    if outlet:
        where.append("outlet = ?")
        params.append(outlet)
    if since:
        where.append("published >= ?")
        params.append(since)
    if until:
        where.append("published <= ?")
        params.append(until)
    rows = store.rows(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?",
                      (*params, limit + 1))
    return _page(rows, limit)


def input_text_of(store, article) -> str:
    """The text every stored span points into (decoded raw text; extracted text for HTML)."""
    if article.kind == "html":
        return article.text
    raw = store.raw_input(article.raw_hash)
    if raw is None:
        return article.text
    if article.kind == "text" and raw.lstrip()[:1] == b"{":  # a JSONL record: the text field is the input
        import json

        try:
            from storyline.sources.decode import normalise_newlines

            return normalise_newlines(json.loads(raw.decode("utf-8"))["text"])
        except (ValueError, KeyError, UnicodeDecodeError):
            return article.text
    from storyline.sources.decode import decode_bytes

    try:
        return decode_bytes(raw, article.id)[0]
    except Exception:  # noqa: BLE001 — a view never fails on a stored article; show the clean text
        return article.text


def article_detail(store, article_id: str) -> dict | None:
    article = store.get_article(article_id)
    if article is None:
        return None
    analysis = store.get_analysis(article_id)
    dup = store.rows("SELECT * FROM duplicates WHERE copy = ?", (article_id,))
    copies = store.rows("SELECT copy, kind, score FROM duplicates WHERE original = ?", (article_id,))
    story = store.rows("SELECT story, topic FROM story_articles WHERE article = ?", (article_id,))
    return {**article.to_dict(), "seq": article.seq, "kind": article.kind, "meta": article.meta,
            "input_text": input_text_of(store, article), **analysis_dict(analysis),
            "duplicate_of": dup[0] if dup else None, "copies": copies,
            "story": story[0]["story"] if story else None, "topic": story[0]["topic"] if story else None}


# -- stories ---------------------------------------------------------------------------------------
def story_summaries(store, story_ids: Iterable[str] | None = None) -> list[dict]:
    """Every story (or just those in ``story_ids``) with its counts.  ``independent_sources`` leaves
    out copies and rewrites."""
    where, params = "", ()
    if story_ids is not None:
        params = tuple(story_ids)
        if not params:
            return []
        where = f"WHERE s.story IN ({','.join('?' * len(params))}) "
    rows = store.rows(
        "SELECT s.story, s.topic, a.id, a.title, a.outlet, a.published, a.seq, d.original AS copy_of "
        "FROM story_articles s JOIN articles a ON a.id = s.article LEFT JOIN duplicates d ON d.copy = a.id "
        f"{where}ORDER BY s.story, a.published, a.seq", params)
    stories: dict[str, dict] = {}
    for r in rows:
        st = stories.setdefault(r["story"], {"story": r["story"], "topic": r["topic"], "title": None, "articles": [],
                                             "first_seen": None, "last_seen": None, "_sources": set(),
                                             "_independent": set()})
        st["articles"].append(r["id"])
        source = r["outlet"] or r["id"]
        st["_sources"].add(source)
        if not r["copy_of"]:
            st["_independent"].add(source)
            st["title"] = st["title"] or r["title"]
        if r["published"]:
            day = r["published"][:10]
            st["first_seen"] = min(filter(None, [st["first_seen"], day]))
            st["last_seen"] = max(filter(None, [st["last_seen"], day]))
    out = []
    for st in stories.values():
        st["sources"] = len(st.pop("_sources"))
        st["independent_sources"] = len(st.pop("_independent"))
        out.append(st)
    out.sort(key=lambda s: (s["topic"], s["first_seen"] or "", s["story"]))
    return out


def story_keys(store) -> list[dict]:
    """Per story, only what listing filters and sorts on (topic, first/last day, independent sources,
    article count), aggregated in SQL: the same values ``story_summaries`` computes, without building
    every story's article list on each request."""
    source = "COALESCE(NULLIF(a.outlet, ''), a.id)"
    day = "CASE WHEN a.published <> '' THEN substr(a.published, 1, 10) END"
    return store.rows(
        f"SELECT s.story, MIN(s.topic) AS topic, MIN({day}) AS first_seen, MAX({day}) AS last_seen, "
        f"COUNT(*) AS n, COUNT(DISTINCT CASE WHEN d.original IS NULL OR d.original = '' THEN {source} END) "
        "AS independent_sources FROM story_articles s JOIN articles a ON a.id = s.article "
        "LEFT JOIN duplicates d ON d.copy = a.id GROUP BY s.story")


def sort_story_keys(stories: list[dict], order: str = "newest") -> list[dict]:
    """Sort story keys in place for listing: ``newest`` (last day seen, then id, descending) or
    ``coverage`` (most independent sources, then most articles)."""
    if order == "coverage":
        stories.sort(key=lambda s: (-s["independent_sources"], -s["n"], s["story"]))
    else:
        stories.sort(key=lambda s: (s["last_seen"] or "", s["story"]), reverse=True)
    return stories


def list_stories(store, *, topic: str | None = None, since: str | None = None, until: str | None = None,
                 entity: str | None = None, outlet: str | None = None, limit: int = 50, cursor: str | None = None,
                 order: str = "newest", keys: list[dict] | None = None) -> tuple[list[dict], str | None]:
    """A page of story summaries.  ``keys`` may pass ``story_keys(store)`` computed earlier (the
    server caches them between writes); it is not modified."""
    # filter and sort on light per-story keys; build full summaries for the returned page only
    stories = list(story_keys(store) if keys is None else keys)
    if topic:
        stories = [s for s in stories if s["topic"] == topic]
    if since:
        stories = [s for s in stories if (s["last_seen"] or "") >= since]
    if until:
        stories = [s for s in stories if (s["first_seen"] or "9999") <= until]
    if entity or outlet:
        keep = _stories_matching(store, entity, outlet)
        stories = [s for s in stories if s["story"] in keep]
    sort_story_keys(stories, order)
    start = int(cursor or 0)
    ids = [s["story"] for s in stories[start:start + limit]]
    full = {s["story"]: s for s in story_summaries(store, ids)}
    return [full[i] for i in ids], (str(start + limit) if start + limit < len(stories) else None)


def _stories_matching(store, entity: str | None, outlet: str | None) -> set[str]:
    sql = "SELECT DISTINCT s.story FROM story_articles s JOIN articles a ON a.id = s.article"
    where, params = [], []
    if entity:
        sql += " JOIN mentions m ON m.article = a.id"
        where.append("(m.name = ? OR m.entity = ?)")
        params += [entity, entity]
    if outlet:
        where.append("a.outlet = ?")
        params.append(outlet)
    return {r["story"] for r in store.rows(sql + (" WHERE " + " AND ".join(where) if where else ""), tuple(params))}


def story_detail(store, story_id: str) -> dict | None:
    # one story's rows only: summarising every story per request grows with the corpus
    summary = next(iter(story_summaries(store, [story_id])), None)
    if summary is None:
        return None
    ids = summary["articles"]
    marks = ",".join("?" * len(ids))
    articles = store.rows(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks}) ORDER BY published, seq",
                          tuple(ids))
    quotes = store.rows(f"SELECT article, start, end, text, direct, speaker, cue FROM quotes WHERE article IN ({marks}) "
                        "ORDER BY article, start", tuple(ids))
    dups = _duplicates_of(store, ids)
    events = store.events_of(ids)
    return {**summary, "article_rows": articles, "quotes": quotes, "duplicates": dups, "events": events}


def _duplicates_of(store, ids: list[str]) -> list[dict]:
    """The duplicate links whose copy is in ``ids``, as ``store.duplicates()`` gives them (article
    order), read with one bound query instead of loading every link in the corpus."""
    import json

    marks = ",".join("?" * len(ids))
    rows = store.rows("SELECT d.copy, d.original, d.kind, d.score, d.evidence FROM duplicates d "
                      f"JOIN articles a ON a.id = d.copy WHERE d.copy IN ({marks}) ORDER BY a.seq", tuple(ids))
    for row in rows:
        row["evidence"] = json.loads(row["evidence"])
    return rows


# -- entities, quotes, events ------------------------------------------------------------------------
def list_entities(store, *, q: str | None = None, type: str | None = None, limit: int = 100,
                  cursor: str | None = None) -> tuple[list[dict], str | None]:
    ents = store.entities()
    if q:
        needle = q.casefold()
        ents = [e for e in ents if needle in e["name"].casefold()
                or any(needle in a.casefold() for a in e.get("aliases", {}))]
    if type:
        ents = [e for e in ents if e.get("type") == type]
    ents.sort(key=lambda e: (-e.get("mention_count", 0), e["name"]))
    start = int(cursor or 0)
    return ents[start:start + limit], (str(start + limit) if start + limit < len(ents) else None)


def entity_detail(store, entity_id: str) -> dict | None:
    ent = next((e for e in store.entities() if e["id"] == entity_id or e["name"] == entity_id), None)
    if ent is None:
        return None
    quotes = quotes_by_speaker(store, ent["name"])
    events = [e for e in store.events() if ent["name"] in (e.get("actor"), e.get("target"))]
    return {**ent, "quotes": quotes, "events": events}


def quotes_by_speaker(store, name: str) -> list[dict]:
    return quote_rows(store, "WHERE lower(q.speaker) = lower(?)", (name,))  # portable NOCASE


def quote_rows(store, where: str = "", params: tuple = ()) -> list[dict]:
    """Quotes with their article's title, outlet and date; ``direct`` as a boolean."""
    rows = store.rows(
        "SELECT q.article, q.start, q.end, q.text, q.direct, q.speaker, q.cue, a.title, a.outlet, a.published "
        f"FROM quotes q JOIN articles a ON a.id = q.article {where} "
        "ORDER BY a.published, a.seq, q.start, q.end", params)
    for row in rows:
        row["direct"] = bool(row["direct"])
    return rows


def list_events(store, *, root: str | None = None, country: str | None = None, since: str | None = None,
                until: str | None = None, article: str | None = None, limit: int = 200,
                cursor: str | None = None) -> tuple[list[dict], str | None]:
    events = store.events()
    if root:
        events = [e for e in events if str(e.get("root")) == root.zfill(2)]
    if country:
        events = [e for e in events if country in (e.get("actor_country"), e.get("target_country"))]
    if since:
        events = [e for e in events if (e.get("date") or "") >= since]
    if until:
        events = [e for e in events if (e.get("date") or "9999") <= until]
    if article:
        events = [e for e in events if article in e.get("articles", [])]
    start = int(cursor or 0)
    return events[start:start + limit], (str(start + limit) if start + limit < len(events) else None)


# -- search ----------------------------------------------------------------------------------------
def fts_query(q: str) -> str:
    """User text → a safe FTS5 query: every word quoted (no operators from user input), all required."""
    from storyline.store.sqlite import fts5_query

    return fts5_query(q)


def search(store, q: str, limit: int = 20) -> list[dict]:
    """Full-text search with the store's own engine (FTS5 on SQLite, tsvector on PostgreSQL)."""
    return store.search(q, limit)


# -- duplicates, timelines, export ----------------------------------------------------------------------
def explain_duplicate(store, copy_id: str) -> dict | None:
    """Why ``copy_id`` is linked to its original: aligned sentence pairs (with input-text spans) and the
    other evidence (hash, shingle overlap, shared quotes/numbers/names)."""
    rows = [d for d in store.duplicates() if d["copy"] == copy_id]
    if not rows:
        return None
    link = rows[0]
    copy, original = store.get_article(link["copy"]), store.get_article(link["original"])
    copy_text = input_text_of(store, copy) if copy else ""
    orig_text = input_text_of(store, original) if original else ""
    pairs, other = [], []
    for ev in link["evidence"]:
        if ev.get("type") == "sentence_pair":
            cs, ce = ev["copy_span"]
            os_, oe = ev["original_span"]
            pairs.append({"copy_span": [cs, ce], "copy_text": copy_text[cs:ce], "original_span": [os_, oe],
                          "original_text": orig_text[os_:oe], "similarity": ev.get("similarity"),
                          "shared": ev.get("shared", [])})
        else:
            other.append(ev)
    return {"copy": link["copy"], "original": link["original"], "kind": link["kind"], "score": link["score"],
            "pairs": pairs, "other_evidence": other}


def timeline_rows(store, story: str | None = None, topic: str | None = None) -> list[dict]:
    from storyline.corpus.timeline import build_timeline

    events = store.events()
    quote_sql = ("SELECT q.article, q.start, q.end, q.text, q.speaker FROM quotes q WHERE q.speaker IS NOT NULL "
                 "AND q.direct = 1")
    if story or topic:
        col, value = ("story", story) if story else ("topic", topic)
        ids = {r["article"] for r in store.rows(f"SELECT article FROM story_articles WHERE {col} = ?", (value,))}
        events = [e for e in events if set(e.get("articles", [])) & ids]
        quotes = [q for q in store.rows(quote_sql) if q["article"] in ids]
    else:
        quotes = store.rows(quote_sql)
    return build_timeline(events, quotes)


def articles_meta(store) -> dict[str, dict]:
    urls = store.article_urls()  # the store reads the metadata JSON: json_extract is SQLite-only
    return {r["id"]: {"url": urls.get(r["id"]) or r["source_uri"], "outlet": r["outlet"], "published": r["published"]}
            for r in store.rows("SELECT id, source_uri, outlet, published FROM articles")}


def export_events_to(store, fmt: str, out) -> int:
    """Events as GDELT 2.0 events/mentions (tab-separated, no header, like GDELT's own files),
    CSV (comma-separated, header row) or Parquet.  ``out`` is a path or a text stream."""
    import csv

    from storyline import export

    events, meta = store.events(), articles_meta(store)
    if fmt == "gdelt-mentions":
        rows, columns = list(export.export_gdelt_mentions(events, meta)), export.MENTION_COLUMNS
    else:
        rows, columns = list(export.export_gdelt_events(events, meta)), export.EVENT_COLUMNS
    if fmt == "parquet":
        return export.write_parquet(rows, out, columns)
    if fmt != "csv":
        return export.write_tsv(rows, out, columns=columns)
    own = isinstance(out, str)
    fh = open(out, "w", encoding="utf-8", newline="") if own else out
    try:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    finally:
        if own:
            fh.close()
    return len(rows)
