"""Corpus-level stages run against the store after new articles arrive.

* duplicates (exact, near, rewrite) and stories are **incremental**: new articles are compared with
  an index rebuilt from cached signatures/vectors (never all-pairs), existing results stay;
* entities and events are recomputed from the stored per-article annotations (cheap, deterministic);
* ``rebuild_corpus`` recomputes everything from scratch and gives the same result on the same data.

Each stage commits in its own transaction, so a crash leaves every stage either updated or as it was;
re-running ``update_corpus`` (or ``storyline check --repair``) brings them in line.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


from storyline.faults import crash_point
from storyline.settings import Settings

MINHASH = "minhash"
SENTENCES = "sentences"
STORY_STATE = "stories.state"
FRESH_CHUNK = 256  # new articles read, embedded and indexed per step


def _published_key(row) -> tuple:
    return (row["published"] or "9999", row["seq"])


# -- duplicates ---------------------------------------------------------------------------------------
def _dupdoc(article, quotes: list[str] | None = None):
    from storyline.corpus.duplicates import DupDoc

    return DupDoc(id=article.id, text=article.text, published=article.published, seq=article.seq or 0,
                  outlet=article.outlet, quotes=quotes or [])


def _quotes_of(store, article_id: str) -> list[str]:
    return [r["text"] for r in store.rows("SELECT text FROM quotes WHERE article = ? AND direct = 1", (article_id,))]


def _finders(settings: Settings):
    from storyline.corpus.duplicates import DuplicateFinder

    rewrites = None
    if settings.duplicates.rewrites:
        from storyline.corpus.rewrites import RewriteFinder

        rewrites = RewriteFinder()
    return DuplicateFinder(threshold=settings.duplicates.near_threshold, rewrites=rewrites), rewrites


def duplicates_model(settings: Settings) -> str:
    """Key of the cached MinHash signatures: an article without one was never compared."""
    return f"dup:{settings.duplicates.near_threshold}"


def update_duplicates(store, settings: Settings, new_ids: Iterable[str]) -> list:
    """Link new articles to earlier ones (and earlier-published ones to new).  Returns the new links."""
    from storyline.corpus.rewrites import RewriteFeatures

    new = set(new_ids)
    if not new:
        return []
    finder, rewrites = _finders(settings)
    model = duplicates_model(settings)
    fresh: list[tuple[str, int, str]] = []  # sort keys only: texts are read again chunk by chunk
    stored = [tuple(row) for rows in store.stream("SELECT id, published, seq, outlet FROM articles ORDER BY seq")
              for row in rows]
    for article_id, published, seq, outlet in stored:
        sig = None if article_id in new else store.get_vector(article_id, MINHASH, model)
        if sig is None:  # new, or stored before signatures existed (or by an older version): add it
            fresh.append((published or "9999", seq or 0, article_id))
            continue
        # Stored articles come back from their signatures alone (no text re-read, no re-shingling):
        # a near match against them is judged on the MinHash estimate of Jaccard (128 permutations,
        # standard error about 0.04 at 0.5), which keeps an incremental run proportional to the new
        # articles rather than to the corpus.
        finder.load(article_id, sig, published, seq or 0, outlet)
        if rewrites is not None:
            article = store.get_article(article_id)
            blob = store.get_vector(article_id, SENTENCES, "minilm")
            doc = _dupdoc(article, _quotes_of(store, article_id))
            rewrites.load(doc, RewriteFeatures.from_bytes(blob) if blob else rewrites.features(doc))
    fresh.sort()
    links = []
    for start in range(0, len(fresh), FRESH_CHUNK):  # bounded memory however many articles are new
        chunk = [store.get_article(key[2]) for key in fresh[start:start + FRESH_CHUNK]]
        docs = [_dupdoc(a, _quotes_of(store, a.id) if rewrites is not None else []) for a in chunk]
        features = rewrites.features_many(docs) if rewrites is not None else [None] * len(docs)
        for doc, feats in zip(docs, features):
            signature = finder.signature(doc)  # computed once: stored, and reused by add()
            links += finder.add(doc, signature, **({"features": feats} if rewrites is not None else {}))
            store.put_vector(doc.id, MINHASH, model, signature)
            if feats is not None:
                store.put_vector(doc.id, SENTENCES, "minilm", feats.to_bytes())
    chosen = best_links(links)
    for link in chosen:
        link.evidence = evidence_to_input(store, link)
    store.add_duplicates(chosen)
    return links


def evidence_to_input(store, link) -> list[dict]:
    """Sentence-pair spans come in clean-text offsets; stored evidence points into the input texts."""
    arts = {}
    out = []
    for ev in link.evidence:
        if ev.get("type") == "sentence_pair":
            ev = dict(ev)
            for key, art_id in (("copy_span", link.copy), ("original_span", link.original)):
                art = arts.get(art_id) or arts.setdefault(art_id, store.get_article(art_id))
                if art is not None and ev.get(key):
                    ev[key] = list(art.offsets.span_to_input(*ev[key]))
        out.append(ev)
    return out


def best_links(links: list) -> list:
    """One link per copy: the strongest kind, then the highest score (ties: the earliest original id)."""
    from storyline.corpus.duplicates import KIND_RANK

    best: dict[str, object] = {}
    for link in sorted(links, key=lambda l: (KIND_RANK[l.kind], -l.score, l.original)):
        best.setdefault(link.copy, link)
    return [best[k] for k in sorted(best)]


# -- stories ------------------------------------------------------------------------------------------
def _story_docs(store, ids: Iterable[str] | None = None):
    from storyline.corpus.stories import StoryDoc

    copy_of = {d["copy"]: d["original"] for d in store.duplicates()}
    ents: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in store.rows("SELECT article, name, type FROM mentions ORDER BY article, start"):
        ents[r["article"]].append((r["name"], r["type"]))
    for article in store.iter_articles(ids):
        yield StoryDoc(id=article.id, title=article.title, text=article.text, published=article.published,
                       outlet=article.outlet, entities=ents.get(article.id, []), is_copy_of=copy_of.get(article.id))


def update_stories(store, settings: Settings, new_ids: Iterable[str]) -> dict:
    from storyline.corpus.stories import StoryClusterer

    new_ids = list(new_ids)
    if not new_ids:
        return {}
    state = store.get_state(STORY_STATE)
    if not state or 2 * len(new_ids) >= store.count("articles"):
        # incremental assignment only approximates a full clustering (see docs/decisions.md): when the
        # new articles are most of the corpus, cluster everything at once instead
        return recluster_stories(store, settings)
    clusterer = StoryClusterer()
    clusterer.load_state(state)
    docs = sorted(_story_docs(store, new_ids), key=lambda d: (d.published or "9999", d.id))
    assignments = clusterer.add(docs)
    store.set_story(assignments)
    store.set_state(STORY_STATE, clusterer.state())
    return assignments


def recluster_stories(store, settings: Settings) -> dict:
    """Full, deterministic re-clustering of every stored article."""
    from storyline.corpus.stories import StoryClusterer

    clusterer = StoryClusterer()
    assignments = clusterer.cluster(list(_story_docs(store)))
    store.conn.execute("DELETE FROM story_articles")
    store.set_story(assignments)
    store.set_state(STORY_STATE, clusterer.state())
    return assignments


# -- entities and events (recomputed from stored annotations) --------------------------------------------
def update_entities(store, settings: Settings) -> int:
    from storyline.corpus.entities import resolve_corpus
    from storyline.nlp.entities import load_gazetteer
    from storyline.records import Mention

    per_article: dict[str, list[Mention]] = defaultdict(list)
    for r in store.rows("SELECT m.* FROM mentions m JOIN articles a ON a.id = m.article ORDER BY a.seq, m.start"):
        per_article[r["article"]].append(Mention(r["start"], r["end"], r["text"], r["name"], r["type"], r["role"],
                                                 r["country"]))
    entities = resolve_corpus(per_article, load_gazetteer(tuple(settings.nlp.gazetteers)))
    rows, links = [], []
    for ent in entities:
        rows.append({"id": ent.id, "name": ent.name, "type": ent.type, "country": ent.country,
                     "aliases": dict(sorted(ent.aliases.items())), "mention_count": ent.mention_count,
                     "article_count": ent.article_count})
        links += [(art, s, e, ent.id) for art, s, e in ent.mentions]
    store.replace_entities(rows, links)
    return len(rows)


def update_events(store, settings: Settings) -> int:
    from storyline.corpus.events import deduplicate
    from storyline.nlp.events import load_lexicon
    from storyline.records import EventMention

    by_article: dict[str, list[EventMention]] = defaultdict(list)
    for r in store.rows("SELECT * FROM event_mentions ORDER BY article, start"):
        by_article[r["article"]].append(EventMention(r["start"], r["end"], r["actor"], r["actor_country"], r["target"],
                                                     r["target_country"], r["cameo"], r["date"], r["date_source"],
                                                     r["trigger"]))
    published = {r["id"]: r["published"] for r in store.rows("SELECT id, published FROM articles")}
    events = deduplicate(by_article, published, lexicon=load_lexicon(actor_files=tuple(settings.nlp.actors)))
    store.replace_events(events)
    return len(events)


# -- orchestration -------------------------------------------------------------------------------------
def unfinished_ids(store, settings: Settings) -> list[str]:
    """Stored articles an earlier update never finished (it crashed, or corpus stages were off): no
    duplicate signature or no story.  Without this a restart after a crash between the ingest commit
    and the corpus stages would see no new articles and leave them out of duplicates and stories."""
    return [r["id"] for r in store.rows(
        "SELECT a.id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM story_articles s WHERE s.article = a.id) "
        "OR NOT EXISTS (SELECT 1 FROM vectors v WHERE v.article = a.id AND v.kind = ? AND v.model = ?) "
        "ORDER BY a.seq", (MINHASH, duplicates_model(settings)))]


def update_corpus(store, settings: Settings, new_ids: Iterable[str]) -> dict:
    """Bring corpus-level results up to date after ``new_ids`` were stored."""
    new_ids = list(dict.fromkeys([*new_ids, *unfinished_ids(store, settings)]))
    out: dict = {}
    with store.transaction():
        out["duplicates"] = len(update_duplicates(store, settings, new_ids))
        crash_point("duplicates")
    with store.transaction():
        out["stories"] = len(update_stories(store, settings, new_ids))
        crash_point("stories")
    with store.transaction():
        out["entities"] = update_entities(store, settings)
        crash_point("entities")
    with store.transaction():
        out["events"] = update_events(store, settings)
        crash_point("events")
    return out


def rebuild_corpus(store, settings: Settings) -> dict:
    """Recompute every corpus-level result from the stored articles (deterministic)."""
    with store.transaction():
        store.conn.execute("DELETE FROM duplicates")
        store.conn.execute("DELETE FROM vectors WHERE kind = ?", (MINHASH,))
        ids = store.article_ids()
        out = {"duplicates": len(update_duplicates(store, settings, ids))}
    with store.transaction():
        out["stories"] = len(recluster_stories(store, settings))
    with store.transaction():
        out["entities"] = update_entities(store, settings)
    with store.transaction():
        out["events"] = update_events(store, settings)
    return out
