"""Stories nested in topics: which articles report the same real-world event, and which events are alike.

Two levels, each an average-linkage grouping over a sparse similarity graph:

1. **Topics** - global TF-IDF over content words (`story_features.lexical_terms`) plus, with weight
   ``topic_entity_weight``, the TF-IDF cosine of named entities.  Articles about the same *kind* of
   event (a prison escape, an earthquake in Indonesia) or about the same actors and places (one
   dispute between two countries, the local news of one town) end up together.  On corpora of at
   least ``max_df_min_docs`` articles, words in more than ``max_df`` of them are corpus stop words
   (templated filler, boilerplate) at both levels.
2. **Stories** - inside one topic only, re-weighted by a *topic-local contrast* weight: a feature that
   every article of the topic shares ("escape", "Microsoft") says nothing about *which* escape, so its
   weight is scaled by ``4 f (1 - f)`` where ``f`` is its document share inside the topic; features in
   about half of the topic (the names, places, numbers and quotes of one of its events) weigh most.
   Lexical and "specific" channels (proper nouns / given entities, numbers, quote shingles) are mixed.
   When both articles have a publication date and they are more than ``window_days`` apart, the pair
   is not linked: similar events weeks apart are different stories of one topic.

Candidate pairs never come from all pairs: an inverted index over each article's highest-weighted
words and entities (``block_terms`` of each, counting only terms found in two or more articles;
posting lists capped at ``max_postings``) yields the pairs worth comparing, so the cost grows about
linearly with the number of articles for a fixed topic size.

``cluster()`` re-groups everything; ``add()`` places new articles against the stored summaries and
never re-groups what is already placed.  A topic keeps the sum of its members' TF-IDF unit vectors
(dot product with the sum / member count = average link under the IDF in force when the members were
added) and its topic-local document frequencies; a story keeps the raw feature counts of up to
``story_sample`` members, re-weighted with the topic's current contrast weights at each add.  IDF
drifts as documents arrive and an early wrong split is never undone, so ``add()`` approximates
``cluster()`` (see docs/stories.md for the measured gap); call ``cluster()`` now and then.
Determinism: documents are processed in (published, id) order, ties in merges are broken by that
order, and ids are derived from the earliest member ("story:<id>", "topic:<id>").
"""
from __future__ import annotations

import dataclasses
import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storyline.corpus import story_features as F
from storyline.errors import ConfigError, InputError

STATE_VERSION = 1


@dataclass
class StoryDoc:
    """One article as the story grouper sees it.  ``entities`` are (canonical name, type) pairs."""

    id: str
    title: str | None
    text: str
    published: str | None = None  # YYYY-MM-DD or ISO datetime
    outlet: str | None = None
    entities: list[tuple[str, str]] = field(default_factory=list)
    is_copy_of: str | None = None


@dataclass
class StoryConfig:
    """Thresholds (tuned once on ECB+ dev, see docs/stories.md) and blocking limits."""

    topic_threshold: float = 0.07  # average-link topic similarity to join a topic
    topic_entity_weight: float = 0.25  # weight of the named-entity cosine added to the word cosine
    max_df: float = 0.5  # words in more than this share of the articles count as stop words ...
    max_df_min_docs: int = 20  # ... once the corpus has at least this many articles (not the 5 seeds)
    story_threshold: float = 0.25  # average-link contrast-weighted similarity to join a story
    specific_weight: float = 0.3  # share of names/numbers/quotes in the story similarity
    window_days: int = 7  # dated articles further apart than this are never linked into one story
    block_terms: int = 20  # per article, how many top-weighted terms feed the blocking index
    max_postings: int = 500  # terms in more articles than this are too common to block on
    contrast_floor: float = 0.5  # share of a feature's weight kept even when the whole topic has it
    story_sample: int = 50  # member feature sets kept per story for add() (bounds cost and state size)

    @classmethod
    def from_any(cls, value: StoryConfig | Mapping[str, Any] | None) -> StoryConfig:
        if value is None:
            return cls()
        if isinstance(value, cls):
            cfg = value
        elif isinstance(value, Mapping):
            known = {f.name for f in dataclasses.fields(cls)}
            unknown = sorted(set(value) - known)
            if unknown:
                raise ConfigError(f"stories: unknown setting(s) {unknown}; known: {sorted(known)}")
            cfg = cls(**value)
        else:
            raise ConfigError(f"stories: config must be a StoryConfig or a mapping, got {type(value).__name__}")
        cfg.validate()
        return cfg

    def validate(self) -> None:
        for name in ("topic_threshold", "topic_entity_weight", "max_df", "story_threshold", "specific_weight",
                     "contrast_floor"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
                raise ConfigError(f"stories.{name} must be a number in [0, 1], got {v!r}")
        for name in ("window_days", "max_df_min_docs", "block_terms", "max_postings", "story_sample"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise ConfigError(f"stories.{name} must be a positive integer, got {v!r}")


# --------------------------------------------------------------------------------------------------
# Small helpers


def _sort_key(doc: StoryDoc) -> tuple[str, str]:
    # Undated articles sort first (""), which keeps the order total and stable.
    return (doc.published or "", doc.id)


def _day(published: str | None) -> int | None:
    """Days since epoch for 'YYYY-MM-DD...' strings; None when absent or unreadable (never raises)."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def _check_docs(docs: Sequence[StoryDoc]) -> None:
    seen: set[str] = set()
    for i, d in enumerate(docs):
        if not isinstance(d, StoryDoc):
            raise InputError(f"docs[{i}]", f"expected a StoryDoc, got {type(d).__name__}")
        if not isinstance(d.id, str) or not d.id:
            raise InputError(f"docs[{i}]", "a StoryDoc needs a non-empty string id")
        if not isinstance(d.text, str):
            raise InputError(d.id, "StoryDoc.text must be a string")
        if d.id in seen:
            raise InputError(d.id, "duplicate article id in one call; ids must be unique")
        seen.add(d.id)


def _doc_text(doc: StoryDoc) -> str:
    return f"{doc.title}\n{doc.text}" if doc.title and doc.title not in doc.text[:500] else doc.text


@dataclass
class _Feats:
    lexical: Counter[str]
    specific: Counter[str]


def _features(doc: StoryDoc) -> _Feats:
    return _Feats(*F.extract(_doc_text(doc), doc.entities))


def _contrast_vector(feats: _Feats, local_df: Mapping[str, int], n: int, global_df: Mapping[str, int],
                     n_global: int, floor: float, df_cap: float = math.inf) -> tuple[F.Vector, F.Vector]:
    """Story-level vectors inside a topic: global idf times the contrast 4 f (1 - f) of the topic share.

    Features seen in only one article of the topic cannot link two articles; they are dropped so that
    they do not dilute the norm (which made thresholds brittle in experiments).
    """
    out: list[F.Vector] = []
    for channel, counts in enumerate((feats.lexical, feats.specific)):
        vec: F.Vector = {}
        for term, c in counts.items():
            ldf = local_df.get(term, 0)
            if ldf < 2 or n < 2 or (channel == 0 and global_df.get(term, 0) > df_cap):
                continue
            f = ldf / n
            idf = math.log((1 + n_global) / (1 + global_df.get(term, 0))) + 1.0
            weight = (1.0 + math.log(c)) * idf * (floor + (1.0 - floor) * 4.0 * f * (1.0 - f))
            if weight > 0:
                vec[term] = weight
        out.append(F.normalise(vec))
    return out[0], out[1]


def _top_terms(vec: Mapping[str, float], k: int) -> list[str]:
    return [t for t, _ in sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def _block_terms(vec: Mapping[str, float], k: int) -> list[str]:
    """Top-k words plus top-k entity features ("e:"): entities get their own quota so that adding
    them to a topic vector never pushes words out of the blocking keys."""
    words = {t: w for t, w in vec.items() if not t.startswith("e:")}
    ents = {t: w for t, w in vec.items() if t.startswith("e:")}
    return _top_terms(words, k) + _top_terms(ents, k)


def _candidate_pairs(vectors: Sequence[Mapping[str, float]], k: int, max_postings: int,
                     df: Mapping[str, int] | None = None) -> set[tuple[int, int]]:
    """Blocking: pairs of items that share one of their top-k terms (common terms are skipped).

    With ``df``, only terms found in at least two items compete for the top k: a term of one article
    has the highest IDF of all and pairs nothing, and on a small corpus such terms filled the whole
    top k, so half the same-topic pairs were never compared (their similarity counted as 0).
    """
    postings: dict[str, list[int]] = {}
    for i, vec in enumerate(vectors):
        if df is not None:
            vec = {t: w for t, w in vec.items() if df.get(t, 0) >= 2}
        for term in _block_terms(vec, k):
            postings.setdefault(term, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) < 2 or len(members) > max_postings:
            continue
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                pairs.add((members[a], members[b]))
    return pairs


def average_link(n: int, edges: Mapping[tuple[int, int], float], threshold: float) -> list[int]:
    """Average-linkage agglomeration over a sparse similarity graph; returns a label per item.

    Missing edges count as similarity 0.  Each label is the smallest item index of its cluster, and
    ties between equally good merges go to the smaller index pair, so the result is deterministic.
    """
    size = [1] * n
    alive = [True] * n
    nbr: list[dict[int, float]] = [dict() for _ in range(n)]
    for (a, b), s in edges.items():
        if a == b:
            continue
        nbr[a][b] = nbr[a].get(b, 0.0) + s
        nbr[b][a] = nbr[b].get(a, 0.0) + s
    heap: list[tuple[float, int, int]] = []
    for a in range(n):
        for b, s in nbr[a].items():
            if a < b and s >= threshold:
                heap.append((-s, a, b))
    heapq.heapify(heap)
    parent = list(range(n))
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        current = nbr[a].get(b, 0.0) / (size[a] * size[b])
        if abs(current + neg) > 1e-12:  # stale entry; a fresh one was pushed when it changed
            continue
        # Merge b into a (a < b, so the label stays the earliest member).
        alive[b] = False
        parent[b] = a
        size[a] += size[b]
        for c, s in nbr[b].items():
            if c == a:
                continue
            nbr[a][c] = nbr[a].get(c, 0.0) + s
            nbr[c][a] = nbr[c].get(a, 0.0) + s
            del nbr[c][b]
        nbr[a].pop(b, None)
        nbr[b] = {}
        for c, s in nbr[a].items():
            avg = s / (size[a] * size[c])
            if avg >= threshold:
                heapq.heappush(heap, (-avg, min(a, c), max(a, c)))
    labels = []
    for i in range(n):
        r = i
        while parent[r] != r:
            r = parent[r]
        labels.append(r)
    return labels


# --------------------------------------------------------------------------------------------------
# The clusterer


class StoryClusterer:
    """Group articles into stories nested in topics, in full (``cluster``) or incrementally (``add``)."""

    def __init__(self, config: StoryConfig | Mapping[str, Any] | None = None):
        self.config = StoryConfig.from_any(config)
        self._reset()

    def _reset(self) -> None:
        self.n_docs = 0
        self.df: Counter[str] = Counter()  # document frequency of lexical and specific features
        self.assign: dict[str, tuple[str, str]] = {}
        self.topics: dict[str, dict[str, Any]] = {}
        self.stories: dict[str, dict[str, Any]] = {}
        self.index: dict[str, list[str]] = {}  # blocking term -> topic ids

    # ---- shared pieces ---------------------------------------------------------------------------

    def _count_df(self, feats: _Feats) -> None:
        self.n_docs += 1
        self.df.update(feats.lexical.keys())
        self.df.update(feats.specific.keys())

    def _df_cap(self) -> float:
        """Document frequency above which a word is a corpus stop word (``math.inf``: none is)."""
        cfg = self.config
        return cfg.max_df * self.n_docs if self.n_docs >= cfg.max_df_min_docs else math.inf

    def _global_vector(self, feats: _Feats) -> F.Vector:
        """Topic vector: word TF-IDF (unit length) joined with sqrt(w) times the entity TF-IDF (unit
        length, keys "e:..."), so a dot product is ``word cosine + w * entity cosine`` (w =
        ``topic_entity_weight``) and topic sums/average links work unchanged.  Adding (not mixing)
        keeps the word evidence whole for articles that have no entities (ECB+ mixing cost 0.03-0.08).
        Corpus stop words (``_df_cap``) are dropped from the words.
        """
        cap = self._df_cap()
        lex = F.tfidf(Counter({k: c for k, c in feats.lexical.items() if self.df.get(k, 0) <= cap}),
                      self.df, self.n_docs)
        ents = Counter({k: c for k, c in feats.specific.items() if k.startswith("e:")})
        w = self.config.topic_entity_weight
        if not ents or w <= 0:
            return lex
        ent = F.tfidf(ents, self.df, self.n_docs)
        b = math.sqrt(w)
        return {**lex, **{k: b * v for k, v in ent.items()}}

    def _index_topic(self, topic_id: str, vec: F.Vector) -> None:
        cap = self.config.max_postings
        for term in _block_terms(vec, self.config.block_terms):
            posting = self.index.setdefault(term, [])
            if len(posting) > cap or topic_id in posting:
                continue  # an over-full posting list stays as a marker: too common to block on
            posting.append(topic_id)

    def _new_topic(self, topic_id: str) -> dict[str, Any]:
        topic = {"n": 0, "sum": {}, "local_df": Counter(), "stories": []}
        self.topics[topic_id] = topic
        return topic

    def _new_story(self, story_id: str, topic_id: str) -> dict[str, Any]:
        story = {"topic": topic_id, "n": 0, "feats": [], "first": None, "last": None, "members": []}
        self.stories[story_id] = story
        self.topics[topic_id]["stories"].append(story_id)
        return story

    @staticmethod
    def _extend_dates(story: dict[str, Any], published: str | None) -> None:
        if _day(published) is None:
            return
        day = published[:10]  # type: ignore[index]
        story["first"] = day if story["first"] is None else min(story["first"], day)
        story["last"] = day if story["last"] is None else max(story["last"], day)

    def _in_window(self, story: dict[str, Any], published: str | None) -> bool:
        day = _day(published)
        if day is None or story["first"] is None:
            return True
        lo, hi = _day(story["first"]), _day(story["last"])
        w = self.config.window_days
        return lo - w <= day <= hi + w  # type: ignore[operator]

    # ---- full re-cluster -------------------------------------------------------------------------

    def cluster(self, docs: Sequence[StoryDoc]) -> dict[str, tuple[str, str]]:
        """Forget the state and group ``docs`` from scratch.  Returns {id: (story_id, topic_id)}."""
        _check_docs(docs)
        self._reset()
        ordered = sorted(docs, key=_sort_key)
        feats = [_features(d) for d in ordered]
        for f in feats:
            self._count_df(f)
        gvecs = [self._global_vector(f) for f in feats]
        pos = {d.id: i for i, d in enumerate(ordered)}
        copies = [(i, pos[d.is_copy_of]) for i, d in enumerate(ordered) if d.is_copy_of in pos]

        topic_labels = self._topic_labels(gvecs, copies)
        groups: dict[int, list[int]] = {}
        for i, lab in enumerate(topic_labels):
            groups.setdefault(lab, []).append(i)
        for lab in sorted(groups):
            self._cluster_topic(ordered, feats, gvecs, groups[lab], copies)
        return dict(self.assign)

    def _topic_labels(self, gvecs: list[F.Vector], copies: list[tuple[int, int]]) -> list[int]:
        cfg = self.config
        edges = {}
        for a, b in _candidate_pairs(gvecs, cfg.block_terms, cfg.max_postings, self.df):
            edges[(a, b)] = F.dot(gvecs[a], gvecs[b])
        for a, b in copies:  # a copy belongs with its original, whatever its wording
            edges[(min(a, b), max(a, b))] = 1.0
        return average_link(len(gvecs), edges, cfg.topic_threshold)

    def _cluster_topic(self, ordered: list[StoryDoc], feats: list[_Feats], gvecs: list[F.Vector],
                       members: list[int], copies: list[tuple[int, int]]) -> None:
        cfg = self.config
        local_df: Counter[str] = Counter()
        for i in members:
            local_df.update(feats[i].lexical.keys())
            local_df.update(feats[i].specific.keys())
        n = len(members)
        vecs = [_contrast_vector(feats[i], local_df, n, self.df, self.n_docs,
                                 cfg.contrast_floor, self._df_cap()) for i in members]
        days = [_day(ordered[i].published) for i in members]
        edges: dict[tuple[int, int], float] = {}
        if n <= cfg.max_postings:  # a topic small enough to compare all its pairs (the usual case)
            pairs: Iterable[tuple[int, int]] = ((a, b) for a in range(n) for b in range(a + 1, n))
        else:  # a huge topic: block on each article's strongest story features
            blocking = [{**lex, **{k: v * cfg.specific_weight for k, v in spec.items()}} for lex, spec in vecs]
            pairs = sorted(_candidate_pairs(blocking, cfg.block_terms, cfg.max_postings))
        for a, b in pairs:
            if days[a] is not None and days[b] is not None and abs(days[a] - days[b]) > cfg.window_days:
                continue
            edges[(a, b)] = self._story_sim(vecs[a], vecs[b][0], vecs[b][1], 1)
        where = {doc_index: k for k, doc_index in enumerate(members)}
        for a, b in copies:
            if a in where and b in where:
                ka, kb = where[a], where[b]
                edges[(min(ka, kb), max(ka, kb))] = 1.0
        labels = average_link(n, edges, cfg.story_threshold)

        topic_id = "topic:" + ordered[members[0]].id
        topic = self._new_topic(topic_id)
        topic["local_df"] = local_df
        story_ids: dict[int, str] = {}
        for k, i in enumerate(members):
            doc = ordered[i]
            sid = story_ids.setdefault(labels[k], "story:" + ordered[members[labels[k]]].id)
            story = self.stories.get(sid) or self._new_story(sid, topic_id)
            self._add_member(topic, story, doc, gvecs[i], feats[i])
            self.assign[doc.id] = (sid, topic_id)
            self._index_topic(topic_id, gvecs[i])

    def _story_sim(self, doc_vecs: tuple[F.Vector, F.Vector], lex: Mapping[str, float],
                   spec: Mapping[str, float], n: int) -> float:
        """Mixed similarity; with member-vector sums and their count n it is the average link."""
        w = self.config.specific_weight
        return ((1 - w) * F.dot(doc_vecs[0], lex) + w * F.dot(doc_vecs[1], spec)) / n

    def _add_member(self, topic: dict[str, Any], story: dict[str, Any], doc: StoryDoc, gvec: F.Vector,
                    feats: _Feats) -> None:
        topic["n"] += 1
        F.add_into(topic["sum"], gvec)
        story["n"] += 1
        if len(story["feats"]) < self.config.story_sample:
            story["feats"].append([dict(feats.lexical), dict(feats.specific)])
        story["members"].append(doc.id)
        StoryClusterer._extend_dates(story, doc.published)

    # ---- incremental -----------------------------------------------------------------------------

    def add(self, docs: Sequence[StoryDoc]) -> dict[str, tuple[str, str]]:
        """Place new articles into existing stories/topics or open new ones; nothing is re-grouped.

        Articles already placed are skipped (their current placement is returned).
        """
        _check_docs(docs)
        out: dict[str, tuple[str, str]] = {}
        for doc in sorted(docs, key=_sort_key):
            if doc.id not in self.assign:
                self._add_one(doc)
            out[doc.id] = self.assign[doc.id]
        return out

    def _add_one(self, doc: StoryDoc) -> None:
        feats = _features(doc)
        self._count_df(feats)
        gvec = self._global_vector(feats)
        original = self.assign.get(doc.is_copy_of) if doc.is_copy_of else None
        topic_id = original[1] if original else self._best_topic(gvec)
        if topic_id is None:
            topic_id = "topic:" + doc.id
            self._new_topic(topic_id)
        topic = self.topics[topic_id]
        topic["local_df"].update(feats.lexical.keys())
        topic["local_df"].update(feats.specific.keys())
        story_id = original[0] if original else self._best_story(topic, feats, doc.published)
        if story_id is None:
            story_id = "story:" + doc.id
            self._new_story(story_id, topic_id)
        self._add_member(topic, self.stories[story_id], doc, gvec, feats)
        self.assign[doc.id] = (story_id, topic_id)
        self._index_topic(topic_id, gvec)

    def _best_topic(self, gvec: F.Vector) -> str | None:
        cap = self.config.max_postings
        candidates: set[str] = set()
        for term in _block_terms(gvec, self.config.block_terms):
            posting = self.index.get(term, [])
            if len(posting) <= cap:
                candidates.update(posting)
        best: tuple[float, str] | None = None
        for tid in sorted(candidates):
            topic = self.topics[tid]
            sim = F.dot(gvec, topic["sum"]) / topic["n"]
            if sim >= self.config.topic_threshold and (best is None or sim > best[0]):
                best = (sim, tid)
        return best[1] if best else None

    def _best_story(self, topic: dict[str, Any], feats: _Feats, published: str | None) -> str | None:
        """Average-link similarity to each story of the topic, under the topic's *current* weights.

        Member vectors are rebuilt from the kept raw counts because contrast weights move as the topic
        grows (a one-article topic has no contrast at all); a sample of ``story_sample`` members
        stands for a larger story.
        """
        cfg = self.config
        n = topic["n"] + 1  # local_df already counts the new article

        def weigh(f: _Feats) -> tuple[F.Vector, F.Vector]:
            return _contrast_vector(f, topic["local_df"], n, self.df, self.n_docs, cfg.contrast_floor,
                                    self._df_cap())

        svecs = weigh(feats)
        best: tuple[float, str] | None = None
        for sid in sorted(topic["stories"]):
            story = self.stories[sid]
            if not self._in_window(story, published):
                continue
            members = [weigh(_Feats(Counter(lex), Counter(spec))) for lex, spec in story["feats"]]
            if not members:
                continue
            sim = sum(self._story_sim(svecs, m[0], m[1], 1) for m in members) / len(members)
            if sim >= self.config.story_threshold and (best is None or sim > best[0]):
                best = (sim, sid)
        return best[1] if best else None

    # ---- persistence -----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot (sums, counts, assignments) that ``load_state`` restores."""
        return {
            "version": STATE_VERSION,
            "config": dataclasses.asdict(self.config),
            "n_docs": self.n_docs,
            "df": dict(sorted(self.df.items())),
            "assign": {k: list(v) for k, v in sorted(self.assign.items())},
            "topics": {tid: {**t, "local_df": dict(sorted(t["local_df"].items()))}
                       for tid, t in sorted(self.topics.items())},
            "stories": dict(sorted(self.stories.items())),
            "index": dict(sorted(self.index.items())),
        }

    def load_state(self, state: Mapping[str, Any]) -> None:
        if not isinstance(state, Mapping) or state.get("version") != STATE_VERSION:
            raise InputError("story state", f"expected a state dict with version {STATE_VERSION}; "
                                            "re-run cluster() to rebuild it")
        try:
            self.config = StoryConfig.from_any(state["config"])
            self.n_docs = int(state["n_docs"])
            self.df = Counter(state["df"])
            self.assign = {k: (v[0], v[1]) for k, v in state["assign"].items()}
            self.topics = {tid: {**t, "local_df": Counter(t["local_df"]), "sum": dict(t["sum"]),
                                 "stories": list(t["stories"])} for tid, t in state["topics"].items()}
            self.stories = {sid: {**s, "feats": [[dict(a), dict(b)] for a, b in s["feats"]],
                                  "members": list(s["members"])} for sid, s in state["stories"].items()}
            self.index = {k: list(v) for k, v in state["index"].items()}
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise InputError("story state", f"malformed state ({exc!r}); re-run cluster() to rebuild it") from exc


# --------------------------------------------------------------------------------------------------
# Summaries


def _copy_links(docs: Iterable[StoryDoc], links: Iterable[Any] | None) -> dict[str, str]:
    """copy id -> original id, from StoryDoc.is_copy_of and from duplicate links.

    A link may be a (copy, original) pair or a mapping with 'copy' and 'original' keys.
    """
    out = {d.id: d.is_copy_of for d in docs if d.is_copy_of}
    for link in links or []:
        if isinstance(link, Mapping):
            copy, original = link.get("copy"), link.get("original")
        else:
            copy, original = tuple(link)[:2]
        if copy and original and copy != original:
            out.setdefault(str(copy), str(original))
    return out


def summarize(stories: Mapping[str, tuple[str, str]], docs: Iterable[StoryDoc],
              links: Iterable[Any] | None = None) -> list[dict[str, Any]]:
    """One summary per story, ordered by first appearance then story id.

    ``sources``: distinct outlets (an article's id stands in when its outlet is unknown), as a sorted
    list.  ``independent_sources``: the same, counting only articles that are not copies/rewrites.
    ``title``: the title of the earliest titled article (approximate: not a generated headline).
    """
    docs = list(docs)
    by_id = {d.id: d for d in docs}
    copy_of = _copy_links(docs, links)
    groups: dict[str, list[StoryDoc]] = {}
    topic_of: dict[str, str] = {}
    for doc_id, (sid, tid) in stories.items():
        if doc_id in by_id:
            groups.setdefault(sid, []).append(by_id[doc_id])
            topic_of[sid] = tid
    out = []
    for sid, members in groups.items():
        members.sort(key=_sort_key)
        dates = sorted(d.published[:10] for d in members if _day(d.published) is not None)
        sources = {d.outlet or d.id for d in members}
        independent = {d.outlet or d.id for d in members if d.id not in copy_of}
        title = next((d.title for d in members if d.title), None)
        out.append({
            "story": sid,
            "topic": topic_of[sid],
            "title": title,
            "articles": [d.id for d in members],
            "first_seen": dates[0] if dates else None,
            "last_seen": dates[-1] if dates else None,
            "sources": sorted(sources),
            "independent_sources": sorted(independent),
        })
    out.sort(key=lambda s: (s["first_seen"] or "", s["story"]))
    return out
