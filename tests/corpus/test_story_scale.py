"""Story grouping at scale: topic-sharded clustering, per-topic state rows, incremental cost.

Corpora are generated (storyline.demo.generate: invented names and places), never copied text.
"""
from __future__ import annotations

import json

import pytest

from storyline.clean import clean_document
from storyline.corpus import update
from storyline.corpus.stories import (
    StoryClusterer, StoryDoc, TopicStoriesStep, cluster_topic, cluster_topic_shard,
)
from storyline.demo.generate import generate_corpus
from storyline.errors import ConfigError, InputError
from storyline.records import RawDoc
from storyline.settings import Settings
from storyline.sources import read_paths
from storyline.sources.meta import load_sidecar
from storyline.store import open_store


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """~240 generated articles (several topics, copies) as cleaned StoryDocs, plus their articles."""
    root = tmp_path_factory.mktemp("gen")
    generate_corpus(root, n=240, seed=3, stories=30, html_rate=0.0, jsonl_rate=0.0)
    docs, articles = [], []
    for item in read_paths([root / "articles"], load_sidecar(root / "meta.jsonl")):
        if isinstance(item, RawDoc):
            art = clean_document(item)
            articles.append((art, item.raw))
            docs.append(StoryDoc(art.id, art.title, art.text, art.published, art.outlet))
    truth = [json.loads(line) for line in (root / "truth.jsonl").read_text().splitlines() if line.strip()]
    copy_of = {t["id"]: t["copy_of"] for t in truth if t.get("copy_of")}
    docs = [StoryDoc(d.id, d.title, d.text, d.published, d.outlet, is_copy_of=copy_of.get(d.id)) for d in docs]
    return docs, articles


def test_sharded_equals_unsharded(generated):
    docs, _ = generated
    full = StoryClusterer()
    expected = full.cluster(docs)
    jobs = list(StoryClusterer().topic_jobs(docs))
    assert len(jobs) >= 3, "the generated corpus should have several topics"
    world = 3
    shards = [list(cluster_topic_shard(jobs, rank, world)) for rank in range(world)]
    assert sum(len(s) for s in shards) == len(jobs) and all(shards)
    # Back in job order (round robin), then merged: same assignments and same state as one process.
    ordered = [shards[i % world][i // world] for i in range(len(jobs))]
    merged = StoryClusterer()
    merged.n_docs, merged.df = full.n_docs, full.df
    merged.merge_topic_results(ordered)
    assert merged.assign == expected
    assert merged.state() == full.state()


def test_generator_input_and_executor_give_the_same_result(generated):
    from storyline.executors import make_executor

    docs, _ = generated
    expected = StoryClusterer().cluster(docs)
    assert StoryClusterer().cluster(iter(docs)) == expected  # a stream: texts are not kept
    pooled = StoryClusterer()
    assert pooled.cluster(docs, executor=make_executor("local", workers=2, batch_size=2)) == expected
    assert list(TopicStoriesStep().run([])) == []


def test_shard_rank_and_topic_cap_are_checked():
    with pytest.raises(ConfigError):
        list(cluster_topic_shard([], 2, 2))
    with pytest.raises(ConfigError):
        StoryClusterer({"topic_max_postings": -1})


def test_topic_cap_bounds_the_topic_graph(generated):
    docs, _ = generated
    from storyline.corpus import stories as S

    items = S._prepare(docs)
    c = StoryClusterer()
    for it in items:
        c._count_df(it.feats)
    g = [c._global_vector(it.feats) for it in items]
    count = [sum(len(p) for _a, p in S._blocked_partners(g, 20, cap, c.df)) for cap in (5, 500)]
    assert count[0] < count[1] and count[0] <= len(docs) * 40 * 5
    capped = StoryClusterer({"topic_max_postings": 5}).cluster(docs)
    assert set(capped) == {d.id for d in docs}  # still a full assignment, with more, smaller topics
    assert len({t for _s, t in capped.values()}) >= len({t for _s, t in StoryClusterer().cluster(docs).values()})


def test_topic_rows_load_lazily_and_add_matches_full_state(generated):
    docs, _ = generated
    old, new = docs[:200], docs[200:]
    base = StoryClusterer()
    base.cluster(old)
    rows = {tid: json.loads(json.dumps(base.topic_row(tid))) for tid in base.topics}
    story_rows = {sid: json.loads(json.dumps(base.story_row(sid))) for sid in base.stories}
    asked: list[str] = []
    asked_stories: list[str] = []

    def loader(tids):
        asked.extend(tids)
        return {t: rows[t] for t in tids if t in rows}

    def story_loader(sids):
        asked_stories.extend(sids)
        return {s: story_rows[s] for s in sids if s in story_rows}

    lazy = StoryClusterer(topic_loader=loader, story_loader=story_loader)
    lazy.load_state(json.loads(json.dumps(base.global_state())))
    lazy.assign = {d.is_copy_of: base.assign[d.is_copy_of] for d in new if d.is_copy_of in base.assign}
    got = lazy.add(new)
    assert got == {d.id: v for d, v in zip(new, map(base.add(new).get, (d.id for d in new)))}
    assert len(set(asked)) == len(asked), "a topic row is fetched at most once"
    assert len(set(asked_stories)) == len(asked_stories)
    assert len(asked_stories) < len(story_rows), "out-of-window stories are never read"
    assert lazy.dirty <= set(lazy.topics) and lazy.dirty
    for tid in lazy.dirty - {t for t in lazy.dirty if t not in rows}:
        assert lazy.topic_row(tid) == base.topic_row(tid)


def test_malformed_topic_state_raises_named_error():
    with pytest.raises(InputError):
        StoryClusterer().load_state({"version": 2, "config": {}, "n_docs": 1, "df": {}, "index": {},
                                     "topics": {"topic:x": {"n": 1}}})


def _ingest(store, articles) -> list[str]:
    with store.transaction():
        # exact copies share a content hash and are not stored twice
        return [art.id for art, raw in articles if store.put_article(art, raw)]


def test_store_update_reads_only_touched_topics(generated, tmp_path):
    docs, articles = generated
    settings = Settings()
    with open_store(str(tmp_path / "s.db")) as store:
        first = _ingest(store, articles[:200])
        with store.transaction():
            full = update.recluster_stories(store, settings)
        n_topics = len({t for _s, t in full.values()})
        rows = store.rows("SELECT key FROM state WHERE key LIKE 'stories.topic:%'")
        assert len(rows) == n_topics and set(full) == set(first)
        n_stories = len(store.rows("SELECT key FROM state WHERE key LIKE 'stories.story:%'"))
        assert n_stories == len({s for s, _t in full.values()})
        assert "assign" not in store.get_state(update.STORY_STATE)  # the global blob is O(vocabulary)

        reference = StoryClusterer()
        reference.cluster(list(update._story_docs(store)))
        later = _ingest(store, articles[200:])
        loaded: list[str] = []
        original = update._load_story_rows

        def spy(st, prefix, ids):
            loaded.extend(prefix + i for i in ids)
            return original(st, prefix, ids)

        update._load_story_rows = spy
        try:
            with store.transaction():
                got = update.update_stories(store, settings, later[:5])
        finally:
            update._load_story_rows = original
        new_docs = list(update._story_docs(store, later[:5]))
        assert got == reference.add(new_docs)
        read_stories = [k for k in loaded if k.startswith(update.STORY_ROW)]
        assert len(set(loaded)) == len(loaded) and 0 < len(read_stories) < n_stories // 2, \
            "only the stories of the joined topics, within the date window, are read"
        # Already placed ids are skipped, not added twice.
        with store.transaction():
            again = update.update_stories(store, settings, later[:5])
        assert again == got
        assert store.get_state(update.STORY_TOPIC + got[later[0]][1])["n"] == \
            sum(1 for _s, t in store.story_assignments().values() if t == got[later[0]][1])


def test_story_docs_reads_only_the_requested_ids(generated, tmp_path):
    _, articles = generated
    with open_store(str(tmp_path / "d.db")) as store:
        ids = _ingest(store, articles[:30])
        got = [d.id for d in update._story_docs(store, ids[5:8])]
        assert got == ids[5:8]
        assert len(list(update._story_docs(store))) == len(ids)


def test_cluster_topic_is_pure(generated):
    docs, _ = generated
    jobs = list(StoryClusterer().topic_jobs(docs[:80]))
    assert [cluster_topic(j).assign for j in jobs] == [cluster_topic(j).assign for j in jobs]


def test_topic_seed_is_exact_below_the_seed_and_sharded_above(generated):
    docs, _ = generated
    exact = StoryClusterer().cluster(docs)
    assert StoryClusterer({"topic_seed": len(docs)}).cluster(docs) == exact
    seeded = StoryClusterer({"topic_seed": 60})
    result = seeded.cluster(docs)
    assert set(result) == {d.id for d in docs}
    assert StoryClusterer({"topic_seed": 60}).cluster(reversed(docs)) == result  # order-independent
    # Later articles join the seeded topics by centroid: most of them land in an existing topic.
    ordered = sorted(docs, key=lambda d: (d.published, d.id))
    seeded_ids = {d.id for d in ordered[:60]}
    joined = sum(1 for d in ordered[60:] if result[d.id][1].removeprefix("topic:") in seeded_ids)
    assert joined > len(ordered[60:]) // 2
    # Copies stay with their originals; stories never cross topics.
    for d in docs:
        if d.is_copy_of in result:
            assert result[d.id][1] == result[d.is_copy_of][1]
    topic_of_story = {}
    for s, t in result.values():
        assert topic_of_story.setdefault(s, t) == t
    jobs = list(StoryClusterer({"topic_seed": 60}).topic_jobs(docs))
    merged = StoryClusterer({"topic_seed": 60})
    merged.merge_topic_results([r for rank in (1, 0) for r in cluster_topic_shard(jobs, rank, 2)])
    assert merged.assign == result  # assignments do not depend on the merge order
