"""Corpus-level stages run against the store after new articles arrive.

* duplicates (exact, near, rewrite) and stories are **incremental**: new articles are compared with
  an index rebuilt from cached signatures/vectors (never all-pairs), existing results stay;
* entities and events are recomputed from the stored per-article annotations (cheap, deterministic);
* ``rebuild_corpus`` recomputes everything from scratch and gives the same result on the same data.

Each stage commits in its own transaction, so a crash leaves every stage either updated or as it was;
re-running ``update_corpus`` (or ``storyline check --repair``) brings them in line.
"""
from __future__ import annotations

import json
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from pathlib import Path


from storyline.faults import crash_point
from storyline.settings import Settings

MINHASH = "minhash"
SENTENCES = "sentences"
SENTENCE_MODEL = "minilm"  # the model key of stored sentence features (all-MiniLM-L6-v2)
LEAD_KEYS = "lead-week"  # dup_keys kind of the rewrite layer's keys (lead-vector bands, quotations) by week
OLD_LEAD_KEYS = (SENTENCES, "lead")  # earlier kinds of those keys (mean sentence vector; lead, no week): replaced
LEAD_MODEL = "minilm-lead"  # model key of the stored lead vectors (REWRITE_DOC)
STORY_STATE = "stories.state"
FRESH_CHUNK = 256  # new articles read, embedded and indexed per step
PARALLEL_MIN = 256  # new articles from which update_corpus spreads the link search over its executor


def _published_key(row) -> tuple:
    return (row["published"] or "9999", row["seq"])


# -- duplicates ---------------------------------------------------------------------------------------
# Store-backed and shard-wise (see docs/duplicates.md "Scaling"): an update never loads the corpus.
# Phase 1 (`index_new_articles`, the writer): signatures, sentence spans + lead vectors and blocking keys
# of the new articles are stored.  Phase 2 (`find_links`, read-only, any shard of the new articles): each
# new article looks its keys up in `dup_keys` and is confirmed against those candidates only; sentences
# are embedded only for pairs passing the rewrite layer's lexical gate (the writer stores those vectors).  A pair of two new
# articles is examined by the later one in (published, seq, id) order, so the union of the shards'
# links is the unsharded result.
PREPARED_CACHE = 1024  # rewrite candidates kept ready per shard (~30 KB each): same-topic candidates recur
REWRITE_DOC = "rewrite_doc"  # the lead vector (float32): candidate filtering reads 1.5 KB per candidate
KEYS_BACKFILLED = "dup_keys.backfilled"


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

        rewrites = RewriteFinder(window_days=settings.duplicates.rewrite_window_days)
    return DuplicateFinder(threshold=settings.duplicates.near_threshold, rewrites=rewrites), rewrites


def duplicates_model(settings: Settings) -> str:
    """Key of the cached MinHash signatures: an article without one was never compared."""
    return f"dup:{settings.duplicates.near_threshold}"


def _order_key(published: str | None, seq: int | None, article_id: str) -> tuple:
    return (published or "9999", seq or 0, article_id)


def new_article_order(store, new_ids: Iterable[str]) -> list[str]:
    """The new ids in (published, seq, id) order: the later article of a new pair examines it."""
    metas = store.article_metas(new_ids)
    return [i for i in sorted(metas, key=lambda i: _order_key(metas[i][0], metas[i][1], i))]


def _put_rewrite_keys(store, rewrites, doc, feats) -> None:
    bands, quotes = rewrites.blocking_keys(doc, feats)
    store.put_dup_keys(doc.id, LEAD_KEYS, bands + quotes)
    vec = feats.doc_vector()
    if vec is not None:
        store.put_vector(doc.id, REWRITE_DOC, LEAD_MODEL, vec.astype("<f4").tobytes())


def backfill_dup_keys(store, settings: Settings) -> int:
    """Blocking keys for articles whose signature (or sentence features) were stored before the
    ``dup_keys`` table existed.  Runs once per store and key kind (a state flag then skips the scan of
    the vectors); sentence keys only once the rewrite layer is on.  Returns the articles indexed."""
    from storyline.corpus.rewrites import RewriteFeatures
    from storyline.errors import InputError

    done_kinds = store.get_state(KEYS_BACKFILLED) or {}
    finder, rewrites = _finders(settings)
    model, done = duplicates_model(settings), 0
    ids: list[str] = [""]
    while not done_kinds.get(MINHASH) and (ids := store.vectors_without_keys(MINHASH, model, MINHASH, after=ids[-1])):
        for article_id, sig in store.get_vectors(ids, MINHASH, model).items():
            try:
                exact, bands = finder.blocking_keys(sig)
            except InputError:  # a foreign signature: dropped, so the article counts as never compared
                store.conn.execute("DELETE FROM vectors WHERE article = ? AND kind = ?", (article_id, MINHASH))
                continue
            store.put_dup_keys(article_id, MINHASH, [exact, *bands])
            done += 1
    ids = [""]
    if rewrites is not None and not done_kinds.get(LEAD_KEYS):
        # keys of earlier layouts (mean sentence vectors; lead bands without weeks): replaced below
        for kind in OLD_LEAD_KEYS:
            store.conn.execute("DELETE FROM dup_keys WHERE kind = ?", (kind,))
    while (rewrites is not None and not done_kinds.get(LEAD_KEYS)
           and (ids := store.vectors_without_keys(SENTENCES, SENTENCE_MODEL, LEAD_KEYS, after=ids[-1]))):
        blobs = store.get_vectors(ids, SENTENCES, SENTENCE_MODEL)
        for article in store.iter_articles(ids):
            doc = _dupdoc(article, _quotes_of(store, article.id))
            old = RewriteFeatures.from_bytes(blobs[article.id])
            feats = rewrites.complete(doc, old)
            if old.lead is None and feats.lead is not None:  # features cached before leads: store the lead
                store.put_vector(doc.id, SENTENCES, SENTENCE_MODEL, feats.to_bytes())
            _put_rewrite_keys(store, rewrites, doc, feats)
            done += 1
    flags = {MINHASH: True, LEAD_KEYS: bool(done_kinds.get(LEAD_KEYS) or rewrites is not None)}
    if flags != done_kinds:
        store.set_state(KEYS_BACKFILLED, flags)
    return done


def index_new_articles(store, settings: Settings, ordered_ids: list[str]) -> None:
    """Phase 1 (writer): signature, blocking keys and (rewrites on) sentence spans and lead vector of
    each new article, ``FRESH_CHUNK`` at a time.  Cached features are reused (a rebuild re-embeds nothing)."""
    from storyline.corpus.rewrites import RewriteFeatures

    finder, rewrites = _finders(settings)
    model = duplicates_model(settings)
    for start in range(0, len(ordered_ids), FRESH_CHUNK):  # bounded memory however many articles are new
        chunk = list(store.iter_articles(ordered_ids[start:start + FRESH_CHUNK]))
        for article in chunk:
            signature = finder.signature(_dupdoc(article))
            exact, bands = finder.blocking_keys(signature)
            store.put_vector(article.id, MINHASH, model, signature)
            store.put_dup_keys(article.id, MINHASH, [exact, *bands])
        if rewrites is None:
            continue
        docs = [_dupdoc(a, _quotes_of(store, a.id)) for a in chunk]
        cached = store.get_vectors([d.id for d in docs], SENTENCES, SENTENCE_MODEL)
        todo = [d for d in docs if d.id not in cached]
        fresh = dict(zip((d.id for d in todo), rewrites.features_many(todo, sentences=False)))
        for doc in docs:
            feats = fresh.get(doc.id) or rewrites.complete(doc, RewriteFeatures.from_bytes(cached[doc.id]))
            if doc.id in fresh:
                store.put_vector(doc.id, SENTENCES, SENTENCE_MODEL, feats.to_bytes())
                feats = RewriteFeatures.from_bytes(feats.to_bytes())  # the float16 form every reader sees
            _put_rewrite_keys(store, rewrites, doc, feats)


class _Shard:
    """What one shard's link search needs: the finders, the new ids and their order."""

    def __init__(self, store, settings: Settings, ordered_ids: list[str], fresh: dict | None = None):
        self.store = store
        self.finder, self.rewrites = _finders(settings)
        self.model = duplicates_model(settings)
        self.position = {article_id: n for n, article_id in enumerate(ordered_ids)}
        # LRU of (DupDoc, RewriteFeatures, RewriteFinder.prepared form) per candidate
        self._prepared: OrderedDict[str, tuple] = OrderedDict()
        self.fresh = fresh if fresh is not None else {}  # id -> features embedded here, for the writer
        self._span: tuple[int, int] | None | bool = False  # dated span of the store, read on first need

    def prepared(self, ids: list[str]) -> list:
        """Comparison-ready rewrite candidates (text, quotes and features read once per LRU stay)."""
        from storyline.corpus.rewrites import RewriteFeatures

        missing = [i for i in ids if i not in self._prepared]
        blobs = self.store.get_vectors(missing, SENTENCES, SENTENCE_MODEL)
        for article in self.store.iter_articles([i for i in missing if i in blobs]):
            doc = _dupdoc(article, _quotes_of(self.store, article.id))
            feats = self.fresh.get(doc.id) or RewriteFeatures.from_bytes(blobs[article.id])
            self._prepared[article.id] = (doc, feats, self.rewrites.prepared(doc, feats))
        out = []
        for i in ids:
            if i in self._prepared:
                self._prepared.move_to_end(i)
                out.append(self._prepared[i][2])
        while len(self._prepared) > PREPARED_CACHE:
            self._prepared.popitem(last=False)
        return out

    def entries(self, ids: list[str]) -> list[tuple]:
        """The cached (DupDoc, RewriteFeatures, prepared) of ``ids`` (call :meth:`prepared` first)."""
        return [self._prepared[i] for i in ids if i in self._prepared]

    def embedded(self, items: list[tuple]) -> list:
        """The prepared forms of ``items`` ((DupDoc, RewriteFeatures, prepared)) with sentence vectors:
        the ones not embedded yet are embedded in one batch and remembered in ``fresh``."""
        todo = [k for k, (_d, f, _p) in enumerate(items) if f.vectors is None]
        full = self.rewrites.embed_many([items[k][0] for k in todo], [items[k][1] for k in todo])
        out = [p for _d, _f, p in items]
        for k, feats in zip(todo, full):
            doc = items[k][0]
            out[k] = self.rewrites.with_vectors(items[k][2], feats)
            self.fresh[doc.id] = feats
            if doc.id in self._prepared:
                self._prepared[doc.id] = (doc, feats, out[k])
        return out

    def dated_span(self) -> tuple[int, int] | None:
        """First and last ``day_number`` of the store's dated articles (None: none), read once per shard:
        what an undated article's rewrite candidates span.  Phase 1 stored every new article already."""
        if self._span is False:
            from storyline.corpus.duplicates import day_number

            days = [d for r in self.store.rows("SELECT DISTINCT substr(published, 1, 10) AS day FROM articles "
                                               "WHERE published IS NOT NULL")
                    if (d := day_number(r["day"])) is not None]
            self._span = (min(days), max(days)) if days else None
        return self._span

    def earlier(self, doc_id: str, others: Iterable[str]) -> set[str]:
        """The candidates ``doc_id`` must examine: stored before this update, or new and earlier in order."""
        mine = self.position[doc_id]
        return {o for o in others if o != doc_id and self.position.get(o, -1) < mine}

    def metas(self, ids: Iterable[str]) -> dict:
        from storyline.corpus.duplicates import DocMeta

        return {i: DocMeta(i, p, s or 0, o) for i, (p, s, o) in self.store.article_metas(ids).items()}


def _copy_links(shard: _Shard, article, signature: bytes) -> list:
    """Exact and near links of one new article against its earlier candidates in the store."""
    from storyline.corpus.duplicates import DocMeta, make_link, near_evidence
    from storyline.text_utils import shingle_hashes

    finder, store = shard.finder, shard.store
    exact, hv = finder.unpack(article.id, signature)
    exact_key, bands = finder.blocking_keys(signature)
    hits = store.dup_key_hits(MINHASH, [exact_key, *bands])
    candidates = shard.earlier(article.id, (a for a, _k in hits))
    if not candidates:
        return []
    meta = DocMeta(article.id, article.published, article.seq or 0, article.outlet)
    metas = shard.metas(candidates)
    sigs = store.get_vectors(candidates, MINHASH, shard.model)
    theirs_of = {o: finder.unpack(o, sigs[o]) for o in sorted(candidates) if o in sigs and o in metas}
    links, linked = [], set()
    for other, (their_exact, _hv) in theirs_of.items():
        if not finder.is_empty(exact) and their_exact == exact:
            links.append(make_link(meta, metas[other], "exact", 1.0, [{"type": "hash", "normalized_hash": exact.hex()}]))
            linked.add(other)
    shingles = shingle_hashes(article.text, finder.shingle_size) if hv is not None else None
    for other, (_exact, their_hv) in theirs_of.items():
        if other in linked or hv is None or their_hv is None:
            continue
        theirs = None
        if other in shard.position:  # new in this update: its text is at hand (as when both were added)
            text = store.get_article(other).text
            theirs = shingle_hashes(text, finder.shingle_size)
        score, evidence = near_evidence(hv, their_hv, shingles, theirs)
        if score >= finder.threshold:
            links.append(make_link(meta, metas[other], "near", score, [evidence]))
    return links


def _rewrite_links(shard: _Shard, article, skip: set[str]) -> list:
    """Rewrite links of one new article: candidates from its band/quotation keys, the best few
    through the lexical gate, sentence vectors for those that pass (embedded here if not stored)."""
    import numpy as np

    from storyline.corpus.rewrites import MAX_QUOTE_POSTINGS, RewriteFeatures

    from storyline.corpus.duplicates import day_number

    store, rewrites = shard.store, shard.rewrites
    blob = store.get_vector(article.id, SENTENCES, SENTENCE_MODEL)
    if blob is None:
        return []
    doc = _dupdoc(article, _quotes_of(store, article.id))
    feats = shard.fresh.get(doc.id) or rewrites.complete(doc, RewriteFeatures.from_bytes(blob))
    vec = feats.doc_vector()
    if vec is None:
        return []
    day = day_number(doc.published)
    span = shard.dated_span() if day is None or not rewrites.window_days else None
    bands, quote_of = rewrites.lookup_keys(doc, feats, rewrites.lookup_buckets(day, span))
    hits = store.dup_key_hits(LEAD_KEYS, bands + list(quote_of))
    # the weeks read reach past the window: keep what is inside it (undated articles always are)
    metas = shard.metas({a for a, _key in hits})
    inside = {a for a, m in metas.items() if rewrites.in_window(day, day_number(m.published))}
    hits = [(a, key) for a, key in hits if a in inside]
    postings: defaultdict[int, int] = defaultdict(int)  # articles per quotation, over every week read
    for _a, key in hits:
        if key in quote_of:
            postings[quote_of[key]] += 1
    # a stock phrase quoted everywhere is no evidence of copying (the in-memory index's limit)
    quoted = {a for a, key in hits if key in quote_of and postings[quote_of[key]] <= MAX_QUOTE_POSTINGS}
    found = {a for a, key in hits if key not in quote_of} | quoted
    candidates = shard.earlier(article.id, found) - skip
    if not candidates:
        return []
    docvecs = store.get_vectors(candidates, REWRITE_DOC, LEAD_MODEL)
    ordered = sorted((c for c in candidates if c in docvecs and c in metas),
                     key=lambda c: (metas[c].seq, c))  # ties broken by ingest order, like the in-memory index
    chosen = rewrites.top_candidates(vec, [(c, np.frombuffer(docvecs[c], dtype="<f4")) for c in ordered], quoted)
    new = rewrites.prepared(doc, feats, keep_strings=True)
    passed = {o.meta.id for o in rewrites.gate(new, shard.prepared(chosen))}
    if not passed:
        return []  # the common case: no sentence embeddings needed at all
    others = shard.embedded(shard.entries([c for c in chosen if c in passed]))
    new = shard.embedded([(doc, feats, new)])[0]
    return rewrites.match(new, others)


def find_links(store, settings: Settings, ordered_ids: list[str], rank: int = 0, world_size: int = 1,
               fresh: dict | None = None) -> list:
    """Phase 2 (read-only): the duplicate links of shard ``rank`` of ``world_size`` of the new articles.

    ``ordered_ids`` are all new articles in :func:`new_article_order`, already indexed by
    :func:`index_new_articles`; shard ``rank`` takes every ``world_size``-th of them.  Reads candidates'
    signatures and features only.  Sentence features embedded on the way are put in ``fresh`` (id ->
    RewriteFeatures) for a writer to store (:func:`store_fresh_features`).  Merge the shards' lists
    with :func:`best_links`."""
    shard = _Shard(store, settings, ordered_ids, fresh)
    links: list = []
    mine = ordered_ids[rank::world_size]
    for start in range(0, len(mine), FRESH_CHUNK):
        sigs = store.get_vectors(mine[start:start + FRESH_CHUNK], MINHASH, shard.model)
        for article in store.iter_articles(mine[start:start + FRESH_CHUNK]):
            if article.id not in sigs:
                continue
            found = _copy_links(shard, article, sigs[article.id])
            if shard.rewrites is not None:
                skip = {lk.original if lk.copy == article.id else lk.copy for lk in found}
                found += _rewrite_links(shard, article, skip)
            links += found
    return links


def find_links_task(db_url: str, settings: Settings, ordered_ids: list[str], rank: int,
                    world_size: int) -> tuple[list, dict]:
    """:func:`find_links` in a worker process (local pool or Ray task): opens its own read-only store.
    Returns the shard's links and the sentence features it embedded (for the writer to store)."""
    from storyline.store import open_store

    fresh: dict = {}
    if world_size > 1:  # shards share the cores: one onnxruntime thread each (if this process embeds)
        from storyline.embed import get_embedder

        get_embedder(1)
    with open_store(db_url, readonly=True) as store:
        return find_links(store, settings, ordered_ids, rank, world_size, fresh=fresh), fresh


class DuplicateShardStep:
    """Pipeline-step form of :func:`find_links` for the executors: items are shard ranks, each
    result is that shard's ``(links, embedded features)``.  Workers open the store read-only, so the
    writer must commit :func:`index_new_articles` first (see :func:`find_links_parallel`)."""

    name = "duplicates"

    def __init__(self, db_url: str, settings: Settings, ordered_ids: list[str], world_size: int):
        self.db_url, self.settings, self.ordered_ids, self.world_size = db_url, settings, ordered_ids, world_size

    def run(self, items: Iterable[int], rank: int = 0, world_size: int = 1):
        for shard in items:
            yield find_links_task(self.db_url, self.settings, self.ordered_ids, shard, self.world_size)


def per_item(executor):
    """A copy of ``executor`` that sends every item as a batch of its own: shards and topic jobs are
    few and big, and the executor's usual batch (64) would run them all in one worker."""
    import copy

    one = copy.copy(executor)
    one.batch_size = 1
    return one


def find_links_parallel(db_url: str, settings: Settings, ordered_ids: list[str], executor, world_size: int,
                        fresh: dict | None = None) -> list:
    """All shards' links through an executor (``LocalExecutor``/``RayExecutor``), concatenated for
    :func:`store_links`; sentence features the shards embedded go into ``fresh`` (for
    :func:`store_fresh_features`).  The new articles must be indexed and committed already."""
    step = DuplicateShardStep(db_url, settings, ordered_ids, world_size)
    links: list = []
    for shard_links, shard_fresh in per_item(executor).map([step], range(world_size)):
        links += shard_links
        if fresh is not None:
            fresh.update(shard_fresh)
    return links


def index_for_links(store, settings: Settings, new_ids: list[str]) -> list[str]:
    """Everything the writer does before links can be searched: backfill old keys, order the new
    articles, store their signatures, keys and features (phase 1).  Returns the new ids in order."""
    backfill_dup_keys(store, settings)
    ordered = new_article_order(store, new_ids)
    index_new_articles(store, settings, ordered)
    return ordered


def update_duplicates(store, settings: Settings, new_ids: Iterable[str]) -> list:
    """Link new articles to earlier ones (and earlier-published ones to new).  Returns the new links.

    Memory and work are proportional to the new articles and their candidates, not to the corpus."""
    new = list(dict.fromkeys(new_ids))
    if not new:
        return []
    ordered = index_for_links(store, settings, new)
    fresh: dict = {}
    links = find_links(store, settings, ordered, fresh=fresh)
    store_fresh_features(store, fresh)
    store_links(store, links)
    return links


def update_duplicates_sharded(store, settings: Settings, new_ids: Iterable[str], executor, shards: int) -> list:
    """:func:`update_duplicates` with the link search (phase 2, and the sentence embeddings it needs)
    in ``shards`` read-only shards on ``executor``; the same links.  Phase 1 is committed first (the
    workers read it), so this takes two transactions: a crash between them leaves the new articles
    without links *and* without stories, which :func:`unfinished_ids` hands to the next update."""
    new = list(dict.fromkeys(new_ids))
    if not new:
        return []
    with store.transaction():
        ordered = index_for_links(store, settings, new)
    fresh: dict = {}
    links = find_links_parallel(store.url, settings, ordered, executor, max(1, shards), fresh=fresh)
    with store.transaction():
        store_fresh_features(store, fresh)
        store_links(store, links)
    return links


def store_fresh_features(store, fresh: dict) -> None:
    """Keep the sentence vectors embedded during a link search: an article is embedded once."""
    for article_id, feats in fresh.items():
        store.put_vector(article_id, SENTENCES, SENTENCE_MODEL, feats.to_bytes())


def store_links(store, links: list) -> list:
    """The writer's merge: one best link per copy (shards' lists concatenated), evidence mapped, stored."""
    chosen = best_links(links)
    for link in chosen:
        link.evidence = evidence_to_input(store, link)
    store.add_duplicates(chosen)
    return chosen


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
STORY_TOPIC = "stories.topic:"  # state key prefix of one topic's row (summary, its stories' dates)
STORY_ROW = "stories.story:"  # state key prefix of one story's row (sampled member features)
STORY_CHUNK = 500  # articles whose mentions/duplicate links are read per query


def _in_list(n: int) -> str:
    return ",".join("?" * n)


def _story_chunk(store, articles: list):
    """StoryDocs of a chunk of articles: their mentions and copy links only (one query each)."""
    from storyline.corpus.stories import StoryDoc

    ids = tuple(a.id for a in articles)
    ents: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in store.rows(f"SELECT article, name, type FROM mentions WHERE article IN ({_in_list(len(ids))}) "
                        "ORDER BY article, start", ids):
        ents[r["article"]].append((r["name"], r["type"]))
    copy_of = {r["copy"]: r["original"] for r in
               store.rows(f"SELECT copy, original FROM duplicates WHERE copy IN ({_in_list(len(ids))})", ids)}
    for a in articles:
        yield StoryDoc(id=a.id, title=a.title, text=a.text, published=a.published, outlet=a.outlet,
                       entities=ents.get(a.id, []), is_copy_of=copy_of.get(a.id))


def _story_docs(store, ids: Iterable[str] | None = None):
    """StoryDocs of ``ids`` (default: every article), streamed; reads only those articles' rows."""
    chunk: list = []
    for article in store.iter_articles(ids):
        chunk.append(article)
        if len(chunk) >= STORY_CHUNK:
            yield from _story_chunk(store, chunk)
            chunk = []
    if chunk:
        yield from _story_chunk(store, chunk)


def _load_story_rows(store, prefix: str, ids: list[str]) -> dict:
    out = {}
    for start in range(0, len(ids), STORY_CHUNK):
        keys = tuple(prefix + t for t in ids[start:start + STORY_CHUNK])
        for r in store.rows(f"SELECT key, value FROM state WHERE key IN ({_in_list(len(keys))})", keys):
            out[r["key"][len(prefix):]] = json.loads(r["value"])
    return out


def _load_story_topics(store, topic_ids: list[str]) -> dict:
    return _load_story_rows(store, STORY_TOPIC, topic_ids)


def _save_story_state(store, clusterer, topic_ids: Iterable[str], story_ids: Iterable[str]) -> None:
    """The global part (df, topic index) and the rows of ``topic_ids`` and ``story_ids`` only."""
    for tid in sorted(topic_ids):
        store.set_state(STORY_TOPIC + tid, clusterer.topic_row(tid))
    for sid in sorted(story_ids):
        store.set_state(STORY_ROW + sid, clusterer.story_row(sid))
    store.set_state(STORY_STATE, clusterer.global_state())


def _placed(store, ids: list[str]) -> dict[str, tuple[str, str]]:
    out = {}
    for start in range(0, len(ids), STORY_CHUNK):
        part = tuple(ids[start:start + STORY_CHUNK])
        for r in store.rows(f"SELECT article, story, topic FROM story_articles WHERE article IN ({_in_list(len(part))})",
                            part):
            out[r["article"]] = (r["story"], r["topic"])
    return out


def update_stories(store, settings: Settings, new_ids: Iterable[str], executor=None) -> dict:
    """Place new articles (``StoryClusterer.add``), reading and writing only the global state and the
    rows of the topics they may join: the cost follows the new articles, not the corpus."""
    from storyline.corpus.stories import STATE_VERSION, StoryClusterer

    new_ids = list(new_ids)
    if not new_ids:
        return {}
    state = store.get_state(STORY_STATE)
    if not state or state.get("version") != STATE_VERSION or 2 * len(new_ids) >= store.count("articles"):
        # incremental assignment only approximates a full clustering (see docs/decisions.md): when the
        # new articles are most of the corpus, cluster everything at once instead (also the upgrade
        # path from a one-blob state of an older version)
        return recluster_stories(store, settings, executor=executor)
    clusterer = StoryClusterer(topic_loader=lambda tids: _load_story_topics(store, tids),
                               story_loader=lambda sids: _load_story_rows(store, STORY_ROW, sids))
    clusterer.load_state(state)
    if "topics" in state:  # a whole state() snapshot was stored as one blob: split it into rows now
        clusterer.dirty.update(clusterer.topics)
        clusterer.dirty_stories.update(clusterer.stories)
    docs = sorted(_story_docs(store, new_ids), key=lambda d: (d.published or "9999", d.id))
    # Placements add() must know: new ids already placed (skipped) and the originals of copies.
    clusterer.assign = _placed(store, sorted({*new_ids, *(d.is_copy_of for d in docs if d.is_copy_of)}))
    assignments = clusterer.add(docs)
    store.set_story(assignments)
    _save_story_state(store, clusterer, clusterer.dirty, clusterer.dirty_stories)
    return assignments


def recluster_stories(store, settings: Settings, executor=None) -> dict:
    """Full, deterministic re-clustering of every stored article (``executor``: where topics' stories
    run; the result is the same).  Streamed (``StoryClusterer.topic_results``): each topic's stories
    are written as soon as they are grouped and then dropped, so memory follows the vocabulary, the
    topic count and the largest topic, not the corpus (docs/scaling.md).  Returns every article's
    (story, topic) (~100 bytes per article; the only part that grows with the corpus)."""
    from storyline.corpus.stories import StoryClusterer

    clusterer = StoryClusterer()
    _clear_stories(store)
    assignments: dict[str, tuple[str, str]] = {}
    executor = per_item(executor) if executor is not None else None  # one topic per task
    for result in clusterer.topic_results(_story_docs(store), executor=executor, spool_dir=_data_dir(store)):
        assignments.update(_store_topic_result(store, result))
    store.set_state(STORY_STATE, clusterer.global_state())
    return assignments


def _data_dir(store) -> str | None:
    """The folder of a SQLite database (scratch files go beside it), None for a server database."""
    url = str(getattr(store, "url", ""))
    return str(Path(url[len("sqlite:///"):]).resolve().parent) if url.startswith("sqlite:///") else None


def _clear_stories(store) -> None:
    store.conn.execute("DELETE FROM story_articles")
    for prefix in (STORY_TOPIC, STORY_ROW):  # a key range, so the primary key index serves it
        store.conn.execute("DELETE FROM state WHERE key >= ? AND key < ?", (prefix, prefix[:-1] + ";"))


def _store_topic_result(store, result) -> dict[str, tuple[str, str]]:
    """One topic's assignments and state rows (the rows ``replace_stories`` would write for it)."""
    placed = {doc_id: (sid, result.topic_id) for doc_id, sid in result.assign}
    store.set_story(placed)
    topic_row, story_rows = result.state_rows()
    store.set_state(STORY_TOPIC + result.topic_id, topic_row)
    for sid, row in story_rows.items():
        store.set_state(STORY_ROW + sid, row)
    return placed


def replace_stories(store, clusterer) -> None:
    """Store a full clustering (``clusterer.cluster`` was run): every assignment and state row is
    replaced (call inside ``transaction()``)."""
    _clear_stories(store)
    store.set_story(clusterer.assign)
    _save_story_state(store, clusterer, clusterer.topics, clusterer.stories)


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


def update_corpus(store, settings: Settings, new_ids: Iterable[str], executor=None,
                  timings: dict[str, float] | None = None) -> dict:
    """Bring corpus-level results up to date after ``new_ids`` were stored.

    With an ``executor`` of several workers (the ingest's own) and at least ``PARALLEL_MIN`` new
    articles, the duplicate link search runs in one read-only shard per worker and a full story
    re-clustering one topic per task (:func:`update_duplicates_sharded`); results are the same.
    ``timings``, when given, receives the wall-clock seconds of each stage (duplicates, stories,
    entities, events): which part of a long update runs on one core and which on all."""
    new_ids = list(dict.fromkeys([*new_ids, *unfinished_ids(store, settings)]))
    out: dict = {}
    timings = {} if timings is None else timings
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    workers = getattr(executor, "workers", 1) if executor is not None else 1
    if executor is not None:  # the executor's workers are the cores to use: as many embedding threads here
        from storyline.embed import get_embedder

        get_embedder(max(1, workers))
    if workers > 1 and len(new_ids) >= PARALLEL_MIN and store.url != "sqlite:///:memory:":
        out["duplicates"] = len(update_duplicates_sharded(store, settings, new_ids, executor, workers))
        crash_point("duplicates")
    else:
        executor = None
        with store.transaction():
            out["duplicates"] = len(update_duplicates(store, settings, new_ids))
            crash_point("duplicates")
    lap("duplicates")
    with store.transaction():
        out["stories"] = len(update_stories(store, settings, new_ids, executor=executor))
        crash_point("stories")
    lap("stories")
    with store.transaction():
        out["entities"] = update_entities(store, settings)
        crash_point("entities")
    lap("entities")
    with store.transaction():
        out["events"] = update_events(store, settings)
        crash_point("events")
    lap("events")
    return out


def rebuild_corpus(store, settings: Settings, executor=None, shards: int = 1) -> dict:
    """Recompute every corpus-level result from the stored articles (deterministic).

    With an ``executor`` (local process pool or Ray), the duplicate links are found in ``shards``
    read-only shards and the stories of each topic as separate jobs, then merged by this process (the
    single writer); the result is the same as without.  The sharded duplicate search needs the new
    signatures and keys committed first, so duplicates take two transactions there: a crash between
    them leaves the links empty until ``rebuild`` is run again."""
    with store.transaction():
        store.conn.execute("DELETE FROM duplicates")
        store.conn.execute("DELETE FROM vectors WHERE kind = ?", (MINHASH,))
        store.conn.execute("DELETE FROM dup_keys WHERE kind = ?", (MINHASH,))  # sentence keys stay with their features
        ids = store.article_ids()
        if executor is None:
            out = {"duplicates": len(update_duplicates(store, settings, ids))}
    if executor is not None:
        out = {"duplicates": len(update_duplicates_sharded(store, settings, ids, executor, shards))}
    with store.transaction():
        out["stories"] = len(recluster_stories(store, settings, executor=executor))
    with store.transaction():
        out["entities"] = update_entities(store, settings)
    with store.transaction():
        out["events"] = update_events(store, settings)
    return out
