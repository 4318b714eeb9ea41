"""Store-backed, shard-wise duplicate stages (corpus/update.py): candidates come from the ``dup_keys``
table, an update reads only the new articles and their candidates, and shards merge to the unsharded
result.  All texts are synthetic."""
from __future__ import annotations

import hashlib
import random
import subprocess
import sys

import numpy as np
import pytest

from storyline.corpus import update as up
from storyline.offsets import OffsetMap
from storyline.records import Article, sha256_hex
from storyline.settings import load_settings
from storyline.store.sqlite import SQLiteStore

WORDS = ("harbour mooring ferry council budget vessel bridge orchard quarry meadow lantern signal tower "
         "river market school clinic garden station library canal pier depot tram orchard wharf").split()


def prose(seed: int, n: int = 80) -> str:
    rng = random.Random(seed)
    sents = [" ".join(rng.choice(WORDS) for _ in range(9)).capitalize() + "." for _ in range(n // 9)]
    return " ".join(sents)


def edit(text: str, seed: int, share: float = 0.05) -> str:
    """A near copy: a few words replaced."""
    rng = random.Random(seed)
    words = text.split(" ")
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = "zephyr"
    return " ".join(words)


def settings(rewrites: bool = False):
    return load_settings(overrides={"duplicates": {"rewrites": rewrites}}, environ={})


def put(store, art_id: str, text: str, published: str | None) -> None:
    h = sha256_hex(text.encode())
    art = Article(id=art_id, content_hash=h, raw_hash=h, text=text, offsets=OffsetMap.identity(len(text)),
                  source_uri=f"file:///{art_id}.txt", kind="text", title=art_id, outlet="Ledger",
                  published=published, published_source="meta")
    with store.transaction():
        store.put_article(art, text.encode())


def update(store, ids, s=None):
    with store.transaction():
        return up.update_duplicates(store, s or settings(), ids)


def links_of(store) -> set[tuple[str, str, str]]:
    return {(d["copy"], d["original"], d["kind"]) for d in store.duplicates()}


@pytest.fixture
def store(tmp_path):
    with SQLiteStore(tmp_path / "s.db") as st:
        yield st


def test_update_reads_only_new_articles_and_candidates(store, monkeypatch):
    base = prose(1, 200)
    put(store, "orig", base, "2024-05-02")
    for i in range(30):  # unrelated stored articles: never read again
        put(store, f"other{i}", prose(100 + i, 200), "2024-05-01")
    update(store, store.article_ids())
    put(store, "near", edit(base, 5), "2024-05-03")
    put(store, "exact", base.upper(), "2024-05-04")
    read: list[str] = []
    for name in ("get_vectors", "article_metas"):
        real = getattr(store, name)
        monkeypatch.setattr(store, name, lambda ids, *a, _r=real: (read.extend(ids := list(ids)), _r(ids, *a))[1])
    real_iter = store.iter_articles
    monkeypatch.setattr(store, "iter_articles", lambda ids=None, **k: (read.extend(ids or ["ALL"]), real_iter(ids, **k))[1])
    update(store, ["near", "exact"])
    assert set(read) <= {"orig", "near", "exact"}, "an update must not read unrelated stored articles"
    assert links_of(store) == {("near", "orig", "near"), ("exact", "orig", "exact")}


def test_stored_later_published_article_becomes_copy_of_new_original(store):
    base = prose(2, 200)
    put(store, "late", edit(base, 3), "2024-06-10")
    update(store, ["late"])
    assert store.duplicates() == []
    put(store, "early", base, "2024-06-01")  # arrives later, was published first
    update(store, ["early"])
    assert links_of(store) == {("late", "early", "near")}


def test_old_database_without_keys_is_backfilled(store):
    base = prose(3, 200)
    put(store, "orig", base, "2024-05-02")
    update(store, ["orig"])
    with store.transaction():  # as a database written before migration 0005
        store.conn.execute("DELETE FROM dup_keys")
        store.conn.execute("DELETE FROM state WHERE key = ?", (up.KEYS_BACKFILLED,))
    put(store, "copy", edit(base, 4), "2024-05-03")
    update(store, ["copy"])
    assert links_of(store) == {("copy", "orig", "near")}
    assert store.get_state(up.KEYS_BACKFILLED) == {up.MINHASH: True, up.LEAD_KEYS: False}


def test_store_links_equal_in_memory_finder(store):
    from storyline.corpus.duplicates import DupDoc, find_duplicates

    rng = random.Random(9)
    texts = {}
    for i in range(12):
        texts[f"a{i}"] = prose(200 + i, 150)
    for i in range(12):
        src = texts[f"a{rng.randrange(12)}"]
        texts[f"c{i}"] = edit(src, i, share=rng.choice([0.02, 0.08, 0.15])) if i % 3 else src.lower()
    for i, (k, t) in enumerate(texts.items()):
        put(store, k, t, f"2024-07-{1 + i % 20:02d}")
    ids = store.article_ids()
    update(store, ids[:10])  # two updates: stored signatures are judged on the MinHash estimate
    update(store, ids[10:])
    docs = [DupDoc(a.id, a.text, a.published, a.seq) for a in store.iter_articles()]
    expected = up.best_links(find_duplicates(docs))
    got = links_of(store)
    assert got and {(l.copy, l.kind) for l in expected} <= {(c, k) for c, _o, k in got} | {
        (l.copy, l.kind) for l in expected if l.kind == "near" and 0.45 < l.score < 0.55}


class HashEmbedder:
    """A cheap, deterministic stand-in for MiniLM: hashed bag of words (tests need no model)."""

    def encode(self, texts, batch_size=32, max_tokens=256):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in enumerate(texts):
            for w in text.lower().split():
                out[row, int(hashlib.md5(w.encode()).hexdigest(), 16) % 384] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """300 generated articles (storyline.demo.generate) ingested into a store, nothing else computed."""
    from storyline.ingest import ingest

    root = tmp_path_factory.mktemp("gen")
    subprocess.run([sys.executable, "-m", "storyline.demo.generate", str(root / "corpus"), "--n", "300"],
                   check=True, capture_output=True)
    s = load_settings(overrides={"store": {"db": str(root / "g.db")},
                                 "ingest": {"analyze": False, "corpus_stages": False, "workers": 1}}, environ={})
    with SQLiteStore(root / "g.db") as st:
        ingest([root / "corpus" / "articles", root / "corpus" / "shards"], st, s, meta=root / "corpus" / "meta.jsonl")
    return root / "g.db"


def _key(links):
    return sorted((l.copy, l.original, l.kind, l.score) for l in links)


def _indexed_whole(db, s):
    """Index every stored article as new (phase 1), then the unsharded links (phase 2)."""
    with SQLiteStore(db) as st:
        ordered = up.new_article_order(st, st.article_ids())
        with st.transaction():
            up.index_new_articles(st, s, ordered)
        return ordered, up.find_links(st, s, ordered)


def test_two_shards_merge_to_the_unsharded_result(generated, monkeypatch):
    import storyline.embed

    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: HashEmbedder())
    s = settings(rewrites=True)
    ordered, whole = _indexed_whole(generated, s)
    with SQLiteStore(generated, readonly=True) as st:
        shards = [up.find_links(st, s, ordered, rank, 2) for rank in range(2)]
    assert "near" in {l.kind for l in whole}
    assert _key(shards[0] + shards[1]) == _key(whole)
    assert _key(up.best_links(shards[0] + shards[1])) == _key(up.best_links(whole))
    assert shards[0] and shards[1]


def test_shards_through_the_local_executor(generated):
    from storyline.executors import LocalExecutor

    s = settings(rewrites=False)
    ordered, whole = _indexed_whole(generated, s)
    merged = up.find_links_parallel(str(generated), s, ordered, LocalExecutor(workers=2, batch_size=1), 2)
    assert whole and _key(merged) == _key(whole)


def _rewrite_pair() -> tuple[str, str]:
    """An original and a word-shuffled rewrite: no shared 5-shingle, same words and figures per sentence."""
    rng = random.Random(4)
    original, rewrite = [], []
    for n in range(10):
        words = [rng.choice(WORDS) for _ in range(8)] + [str(100 + 7 * n)]
        shuffled = words[:]
        rng.shuffle(shuffled)
        original.append("Then " + " ".join(words) + ".")
        rewrite.append("Then " + " ".join(shuffled) + ".")
    return " ".join(original), " ".join(rewrite)


def test_sentence_keys_are_backfilled_and_rewrites_found(store, monkeypatch):
    import storyline.embed

    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: HashEmbedder())
    original, rewrite = _rewrite_pair()
    put(store, "orig", original, "2024-08-01")
    update(store, ["orig"], settings(rewrites=True))
    with store.transaction():  # as a database written before migration 0005
        store.conn.execute("DELETE FROM dup_keys")
        store.conn.execute("DELETE FROM vectors WHERE kind = ?", (up.REWRITE_DOC,))
        store.conn.execute("DELETE FROM state WHERE key = ?", (up.KEYS_BACKFILLED,))
    put(store, "rw", rewrite, "2024-08-02")
    update(store, ["rw"], settings(rewrites=True))
    assert links_of(store) == {("rw", "orig", "rewrite")}
    with store.transaction():  # a rebuild re-indexes everything and re-embeds nothing (cached features)
        monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: pytest.fail("re-embedded"))
        store.conn.execute("DELETE FROM duplicates")
        store.conn.execute("DELETE FROM vectors WHERE kind = ?", (up.MINHASH,))
        up.update_duplicates(store, settings(rewrites=True), store.article_ids())
    assert links_of(store) == {("rw", "orig", "rewrite")}


FRONT = ("Readers asked us about the weekend closures downtown.", "Our newsroom checked the timetables twice this week.",
         "Several callers wanted to know more about the delays.", "Volunteers handed out leaflets near the old cinema.",
         "A spokesman for the union declined every comment yesterday.", "Forecasters expect heavy rain across the valley soon.",
         "Parking fees near the stadium rose again this spring.", "Some shops extended their opening hours until midnight.")


def test_a_shared_quotation_makes_a_candidate_whatever_the_lead(store, tmp_path, monkeypatch):
    """A rewrite with new paragraphs up front: its lead no longer resembles the original's, but it
    quotes it verbatim, and the quotation index makes the pair a candidate all the same."""
    import storyline.embed

    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: HashEmbedder())
    original, rewrite = _rewrite_pair()
    quote = ' The harbour master said: "the tide tables were wrong all along, and everyone knew it".'
    reworked = " ".join(FRONT) + " " + rewrite
    lead = up._finders(settings(rewrites=True))[1]
    from storyline.corpus.duplicates import DupDoc

    feats = lead.features_many([DupDoc("o", original), DupDoc("r", reworked)], sentences=False)
    assert float(feats[0].lead @ feats[1].lead) < lead.doc_threshold  # not a candidate by its lead
    put(store, "orig", original + quote, "2024-08-01")
    put(store, "rw", reworked + quote, "2024-08-02")
    update(store, store.article_ids(), settings(rewrites=True))
    assert links_of(store) == {("rw", "orig", "rewrite")}
    with SQLiteStore(tmp_path / "unquoted.db") as other:  # the same pair without the quotation: missed
        put(other, "orig", original + quote, "2024-08-01")
        put(other, "rw", reworked, "2024-08-02")
        update(other, other.article_ids(), settings(rewrites=True))
        assert links_of(other) == set()


def _embedded(store, article_id: str) -> bool:
    from storyline.corpus.rewrites import RewriteFeatures

    return RewriteFeatures.from_bytes(store.get_vector(article_id, up.SENTENCES, up.SENTENCE_MODEL)).embedded


def test_sentences_are_embedded_only_for_pairs_passing_the_lexical_gate(store, monkeypatch):
    """Indexing stores spans and a lead vector; sentence-by-sentence vectors are computed only for the
    two articles of the pair that passes the lexical gate, stored, and never computed again."""
    import storyline.embed

    embedder = HashEmbedder()
    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: embedder)
    original, rewrite = _rewrite_pair()
    put(store, "orig", original, "2024-08-01")
    put(store, "other", prose(41, 200), "2024-08-01")
    update(store, ["orig", "other"], settings(rewrites=True))
    assert not _embedded(store, "orig") and not _embedded(store, "other")
    put(store, "rw", rewrite, "2024-08-02")
    update(store, ["rw"], settings(rewrites=True))
    assert links_of(store) == {("rw", "orig", "rewrite")}
    assert _embedded(store, "orig") and _embedded(store, "rw") and not _embedded(store, "other")
    with store.transaction():  # a rebuild finds the same link from the stored vectors: nothing embedded
        monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: pytest.fail("re-embedded"))
        store.conn.execute("DELETE FROM duplicates")
        up.update_duplicates(store, settings(rewrites=True), store.article_ids())
    assert links_of(store) == {("rw", "orig", "rewrite")}


def test_features_cached_before_lead_vectors_are_completed(store, monkeypatch):
    """A database whose sentence features predate lead vectors (and whose keys were of the old kind):
    the backfill adds each lead, stores it and the new keys, and rewrites are found as before."""
    import storyline.embed
    from storyline.corpus.rewrites import RewriteFeatures

    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: HashEmbedder())
    original, rewrite = _rewrite_pair()
    put(store, "orig", original, "2024-08-01")
    update(store, ["orig"], settings(rewrites=True))
    feats = up._finders(settings(rewrites=True))[1].features(up._dupdoc(store.get_article("orig")))
    old = RewriteFeatures(spans=feats.spans, vectors=feats.vectors)  # the old format: no lead
    with store.transaction():
        store.put_vector("orig", up.SENTENCES, up.SENTENCE_MODEL, old.to_bytes())
        store.conn.execute("DELETE FROM dup_keys WHERE kind = ?", (up.LEAD_KEYS,))
        store.put_dup_keys("orig", up.SENTENCES, [1, 2, 3])  # stale keys of the old kind
        store.conn.execute("DELETE FROM vectors WHERE kind = ?", (up.REWRITE_DOC,))
        store.conn.execute("DELETE FROM state WHERE key = ?", (up.KEYS_BACKFILLED,))
    put(store, "rw", rewrite, "2024-08-02")
    update(store, ["rw"], settings(rewrites=True))
    assert links_of(store) == {("rw", "orig", "rewrite")}
    stored = RewriteFeatures.from_bytes(store.get_vector("orig", up.SENTENCES, up.SENTENCE_MODEL))
    assert stored.lead is not None and stored.embedded
    assert store.dup_key_hits(up.SENTENCES, [1, 2, 3]) == []


@pytest.mark.parametrize("original_day, rewrite_day, window, found", [
    ("2024-08-01", "2024-08-21", 14, False),  # 20 days apart: outside the default window
    ("2024-08-01", "2024-08-21", 30, True),
    ("2024-08-01", "2024-08-21", 0, True),  # no limit
    ("2024-08-01", None, 14, True),  # an undated rewrite looks through every week stored
    (None, "2024-08-02", 14, True),  # a dated one looks at the undated too
])
def test_rewrites_are_looked_for_within_the_window(store, monkeypatch, original_day, rewrite_day, window, found):
    """The store files rewrite keys by publication week and reads the weeks within the window (plus the
    undated): the same pairs as the in-memory index."""
    import storyline.embed

    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: HashEmbedder())
    s = load_settings(overrides={"duplicates": {"rewrites": True, "rewrite_window_days": window}}, environ={})
    original, rewrite = _rewrite_pair()
    put(store, "orig", original, original_day)
    put(store, "other", prose(9), "2024-05-01")  # dated elsewhere: widens the span an undated lookup reads
    update(store, ["orig", "other"], s)
    put(store, "rw", rewrite, rewrite_day)
    update(store, ["rw"], s)
    assert links_of(store) == ({("rw", "orig", "rewrite")} if found else set())


def test_keys_without_weeks_are_replaced(store, monkeypatch):
    """A database from before the weekly keys: its rewrite keys are of the old kind; the backfill
    replaces them and rewrites are found as before."""
    import storyline.embed

    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: HashEmbedder())
    original, rewrite = _rewrite_pair()
    put(store, "orig", original, "2024-08-01")
    update(store, ["orig"], settings(rewrites=True))
    with store.transaction():
        store.conn.execute("DELETE FROM dup_keys WHERE kind = ?", (up.LEAD_KEYS,))
        store.put_dup_keys("orig", "lead", [4, 5, 6])
        store.conn.execute("DELETE FROM state WHERE key = ?", (up.KEYS_BACKFILLED,))
    put(store, "rw", rewrite, "2024-08-02")
    update(store, ["rw"], settings(rewrites=True))
    assert links_of(store) == {("rw", "orig", "rewrite")}
    assert store.dup_key_hits("lead", [4, 5, 6]) == []
    kinds = {r["kind"] for r in store.rows("SELECT DISTINCT kind FROM dup_keys")}
    assert kinds == {up.MINHASH, up.LEAD_KEYS}


def test_sharded_rebuild_gives_the_same_corpus_results(generated, tmp_path):
    """`storyline rebuild --executor local`: duplicates in shards, stories topic by topic, merged by the
    writer — the same duplicates and stories as the single-process rebuild."""
    import shutil

    from storyline.executors import LocalExecutor

    s = settings(rewrites=False)
    results = []
    for name, kwargs in (("plain", {}), ("sharded", {"executor": LocalExecutor(workers=2, batch_size=1), "shards": 3})):
        db = tmp_path / f"{name}.db"
        shutil.copy(generated, db)
        with SQLiteStore(db) as st:
            out = up.rebuild_corpus(st, s, **kwargs)
            results.append((links_of(st), st.story_assignments(), len(st.article_ids())))
    (links_plain, stories_plain, n_articles), (links_sharded, stories_sharded, _n) = results
    assert links_plain and links_sharded == links_plain
    assert len(stories_plain) == n_articles and stories_sharded == stories_plain


def test_ingest_embeds_in_the_workers_and_the_corpus_stage_reuses_it(tmp_path, monkeypatch):
    """With rewrites on, sentence features are computed by the per-document EmbedStep and stored with
    each article; the corpus stage then embeds nothing and finds the same links as embedding there."""
    import storyline.embed
    from storyline.corpus.rewrites import RewriteFinder
    from storyline.ingest import build_steps, ingest

    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: HashEmbedder())
    folder = tmp_path / "in"
    folder.mkdir()
    base = prose(7, 200)
    for name, text in (("a", base), ("b", edit(base, 3)), ("c", prose(8, 200))):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    results = []
    for name, embed_at_ingest in (("workers", True), ("corpus", False)):
        s = load_settings(overrides={"store": {"db": str(tmp_path / f"{name}.db")}, "duplicates": {"rewrites": True},
                                     "ingest": {"analyze": False, "corpus_stages": True, "workers": 1}}, environ={})
        assert "embed" in [st.name for st in build_steps(s, False)]
        with SQLiteStore(tmp_path / f"{name}.db") as st:
            if not embed_at_ingest:
                monkeypatch.setattr("storyline.ingest.build_steps", lambda settings, analyze: build_steps(settings, analyze)[:1])
            report = ingest([folder], st, s)
            stored = st.get_vectors(report.new_ids, up.SENTENCES, up.SENTENCE_MODEL)
            assert len(stored) == (3 if embed_at_ingest else 0)
            calls = []
            original = RewriteFinder.features_many
            monkeypatch.setattr(RewriteFinder, "features_many",
                                lambda self, docs, **kw: calls.append(len(docs)) or original(self, docs, **kw))
            update(st, report.new_ids, s)
            monkeypatch.setattr(RewriteFinder, "features_many", original)
            assert sum(calls) == (0 if embed_at_ingest else 3)
            results.append(links_of(st))
    assert results[0] == results[1] and ("b", "a", "near") in results[0]


class InlineExecutor:
    """An executor with two 'workers' that runs every batch in this process (monkeypatches apply)."""

    workers, batch_size = 2, 64

    def __init__(self):
        self.batches = []

    def map(self, steps, items):
        from storyline.executors.base import batched
        from storyline.pipeline import run_steps

        for batch in batched(items, self.batch_size):
            self.batches.append(list(batch))
            yield from run_steps(steps, batch)


def test_big_update_spreads_link_search_over_the_executor(tmp_path, monkeypatch):
    """update_corpus with an executor of several workers: one shard per worker (each its own task),
    the sentence vectors the shards embed stored by the writer, the same links as without."""
    import storyline.embed

    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: HashEmbedder())
    monkeypatch.setattr(up, "PARALLEL_MIN", 2)
    original, rewrite = _rewrite_pair()
    texts = {"orig": (original, "2024-08-01"), "rw": (rewrite, "2024-08-02"),
             "near": (edit(prose(5, 200), 2), "2024-08-03"), "base": (prose(5, 200), "2024-08-01"),
             "other": (prose(6, 200), "2024-08-02")}
    results = []
    for name, executor in (("plain", None), ("sharded", InlineExecutor())):
        with SQLiteStore(tmp_path / f"{name}.db") as st:
            for key, (text, day) in texts.items():
                put(st, key, text, day)
            up.update_corpus(st, settings(rewrites=True), st.article_ids(), executor=executor)
            results.append((links_of(st), st.story_assignments(), _embedded(st, "rw"), _embedded(st, "other")))
            if executor is not None:
                assert [len(b) for b in executor.batches][:1] == [1], "each shard is a task of its own"
    assert results[0] == results[1]
    assert {("rw", "orig", "rewrite"), ("near", "base", "near")} <= results[0][0]
    assert results[1][2] and not results[1][3]


def test_update_embeds_with_as_many_threads_as_the_executor_has_workers(store, monkeypatch):
    """`workers` is the number of cores storyline uses: the writer's own embedding follows it."""
    import storyline.embed

    asked = []
    monkeypatch.setattr(storyline.embed, "get_embedder", lambda *a, **k: asked.append(a or k) or HashEmbedder())
    put(store, "orig", prose(3, 200), "2024-05-02")
    executor = InlineExecutor()
    executor.workers = 1
    up.update_corpus(store, settings(rewrites=True), ["orig"], executor=executor)
    assert asked and asked[0] == (1,)
