"""The streamed full story pass: same result as the in-memory one, without the corpus in memory.

Corpora are generated (storyline.demo.generate: invented names and places), never copied text.
"""
from __future__ import annotations

import gc
import json
import sys

import pytest

from storyline.clean import clean_document
from storyline.corpus import stories as S
from storyline.corpus import update
from storyline.corpus.stories import StoryClusterer, StoryDoc
from storyline.demo.generate import generate_corpus
from storyline.errors import InputError
from storyline.records import RawDoc
from storyline.settings import Settings
from storyline.sources import read_paths
from storyline.sources.meta import load_sidecar
from storyline.store import open_store


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """~160 generated articles (several topics, exact and near copies): StoryDocs and stored articles."""
    root = tmp_path_factory.mktemp("stream")
    generate_corpus(root, n=160, seed=11, stories=20, html_rate=0.0, jsonl_rate=0.0)
    truth = [json.loads(line) for line in (root / "truth.jsonl").read_text().splitlines() if line.strip()]
    copy_of = {t["id"]: t["copy_of"] for t in truth if t.get("copy_of")}
    docs, articles = [], []
    for item in read_paths([root / "articles"], load_sidecar(root / "meta.jsonl")):
        if isinstance(item, RawDoc):
            art = clean_document(item)
            articles.append((art, item.raw))
            docs.append(StoryDoc(art.id, art.title, art.text, art.published, art.outlet,
                                 is_copy_of=copy_of.get(art.id)))
    assert any(d.is_copy_of for d in docs), "the corpus should plant copies"
    return docs, articles


def _live_feats() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is S._Feats)


def test_spool_round_trip_keeps_features_and_their_order(corpus):
    docs, _ = corpus
    spool = S._Spool()
    try:
        feats = [S._features(d) for d in docs[:20]]
        for d, f in zip(docs[:20], feats):
            spool.append(d, f)
        assert len(spool) == 20
        for row in (13, 0, 19, 13):  # random access, any order, repeatable
            item = spool.read(row)
            assert (item.id, item.published, item.is_copy_of) == (docs[row].id, docs[row].published,
                                                                  docs[row].is_copy_of)
            # same items in the same order: float sums over them come out bit-identical
            assert list(item.feats.lexical.items()) == list(feats[row].lexical.items())
            assert list(item.feats.specific.items()) == list(feats[row].specific.items())
            # one shared string per term, as for freshly extracted features
            assert all(sys.intern(t) is t for t in (*item.feats.lexical, *item.feats.specific))
    finally:
        spool.close()


def test_topic_jobs_hold_one_topic_of_features_at_a_time(corpus):
    docs, _ = corpus
    gc.collect()
    before = _live_feats()
    seen, largest, peak = 0, 0, 0
    for job in StoryClusterer({"topic_seed": 50}).topic_jobs(iter(docs)):
        gc.collect()
        peak = max(peak, _live_feats() - before)
        largest = max(largest, len(job.ids))
        seen += len(job.ids)
        del job
    assert seen == len(docs) and largest < len(docs) // 2
    # the old pass kept every article's features until its topic's job was out (peak = corpus)
    assert peak <= largest, f"{peak} feature sets alive at once; the largest topic has {largest}"


@pytest.mark.parametrize("config", [None, {"topic_seed": 50}, {"topic_seed": 0}])
def test_topic_results_equal_cluster_and_keep_only_the_global_state(corpus, config):
    docs, _ = corpus
    full = StoryClusterer(config)
    expected = full.cluster(docs)
    streamed = StoryClusterer(config)
    topic_rows, story_rows, assign = {}, {}, {}
    for res in streamed.topic_results(reversed(docs)):  # input order does not matter
        topic_row, stories = res.state_rows()
        topic_rows[res.topic_id] = topic_row
        story_rows.update(stories)
        assign.update({doc_id: (sid, res.topic_id) for doc_id, sid in res.assign})
    assert assign == expected
    assert not streamed.assign and not streamed.topics and not streamed.stories
    assert streamed.global_state() == full.global_state()
    assert topic_rows == {t: full.topic_row(t) for t in full.topics}
    assert story_rows == {s: full.story_row(s) for s in full.stories}


def test_topic_results_reject_bad_input(corpus):
    docs, _ = corpus
    with pytest.raises(InputError, match="duplicate article id"):
        list(StoryClusterer().topic_results([docs[0], docs[1], docs[0]]))
    with pytest.raises(InputError):
        list(StoryClusterer().topic_results([docs[0], "not a doc"]))  # type: ignore[list-item]
    assert list(StoryClusterer().topic_results([])) == []


def _stored_stories(store) -> tuple[dict, list]:
    rows = store.rows("SELECT key, value FROM state WHERE key LIKE 'stories.%' ORDER BY key")
    return store.story_assignments(), [(r["key"], json.loads(r["value"])) for r in rows]


@pytest.mark.parametrize("seed", [2000, 40])
def test_store_recluster_streams_the_same_rows_as_an_in_memory_cluster(corpus, tmp_path, monkeypatch, seed):
    _, articles = corpus
    real = S.StoryClusterer
    monkeypatch.setattr(S, "StoryClusterer", lambda *a, **k: real({"topic_seed": seed}))
    with open_store(str(tmp_path / "r.db")) as store:
        with store.transaction():
            ids = [art.id for art, raw in articles if store.put_article(art, raw)]
        with store.transaction():
            got = update.recluster_stories(store, Settings())
        streamed = _stored_stories(store)
        reference = real({"topic_seed": seed})
        assert reference.cluster(list(update._story_docs(store))) == got and set(got) == set(ids)
        with store.transaction():
            update.replace_stories(store, reference)
        assert _stored_stories(store) == streamed
        sizes = {t: sum(1 for _s, tt in got.values() if tt == t) for _s, t in got.values()}
        assert {t: store.get_state(update.STORY_TOPIC + t)["n"] for t in sizes} == sizes


def test_store_recluster_spools_beside_the_database(corpus, tmp_path, monkeypatch):
    """The spool is scratch space of the data directory: no write outside it on a SQLite store."""
    _, articles = corpus
    folders = []
    real = S.tempfile.TemporaryFile
    monkeypatch.setattr(S.tempfile, "TemporaryFile", lambda *a, **k: folders.append(k.get("dir")) or real(*a, **k))
    data = tmp_path / "data"
    with open_store(str(data / "r.db")) as store:
        with store.transaction():
            for art, raw in articles[:30]:
                store.put_article(art, raw)
        with store.transaction():
            update.recluster_stories(store, Settings())
    assert folders == [str(data.resolve())]
    assert sorted(p.name for p in data.iterdir() if not p.name.startswith("r.db")) == []
