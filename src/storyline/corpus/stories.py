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
   For dated articles each feature is also weighted by an IDF over *occasions* (``_OccasionWeights``:
   the ``window_days`` calendar bins of the topic it occurs in): a topic of many events repeats its
   stock phrases and quotes week after week, while one event's names sit in one week.
   When both articles have a publication date and they are more than ``window_days`` apart, the pair
   is not linked: similar events weeks apart are different stories of one topic.

Candidate pairs never come from all pairs: an inverted index over each article's highest-weighted
words and entities (``block_terms`` of each, counting only terms found in two or more articles;
posting lists capped at ``max_postings``) yields the pairs worth comparing, so the cost grows about
linearly with the number of articles for a fixed topic size.

Scale: ``cluster()`` keeps no texts (it takes a generator) and never materialises the candidate pairs
(each article's partners go straight into the adjacency graph); its memory is that graph, O(blocked
pairs).  Features are spooled to a temporary file and read back one topic at a time (``topic_jobs``),
and ``topic_results`` hands over each topic's result without keeping it, so a streamed full pass
holds the df, the topic centroids, the seed's topic graph and the largest topic, not the corpus.  Above ``topic_seed`` articles the topic graph covers the first ``topic_seed`` only and later
articles join topics by centroid (approximate; docs/stories.md has the measured trade).  Topics are the
blocking key of the story step: ``topic_jobs`` yields one picklable ``TopicJob`` per topic,
``cluster_topic`` is a pure function of it, and results from any shard (``cluster_topic_shard``) or
executor (``TopicStoriesStep``) merge by concatenation in job order (``merge_topic_results``).  The
state is a small global part (df, topic index) plus one row per topic and per story, so ``add()``
with loaders reads only the topics a new article may join and the in-window stories of one topic.

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

import bisect
import dataclasses
import heapq
import marshal
import math
import sys
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from storyline.corpus import story_features as F
from storyline.errors import ConfigError, InputError

STATE_VERSION = 2  # 2: per-topic rows (stories inside their topic); 1 was one blob


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
    # Posting-list cap of the *topic* blocking only (0: ``max_postings``).  The topic graph holds every
    # blocked pair (~240 B each): up to 2 * block_terms * cap pairs per article, 11.5 M pairs (~2.7 GB)
    # for 10k generated articles at 500.  A smaller cap bounds memory per article (see docs/stories.md).
    topic_max_postings: int = 0
    # Corpora larger than this: exact average-link topics over the first ``topic_seed`` articles only,
    # then every later article joins the topic whose centroid is most similar (or opens one); each
    # topic's stories stay exact.  Bounds the topic graph (3 GB at 20k generated articles) and keeps
    # topics whole where the posting cap drops topic words (20k: topic B3-F1 0.106 exact, see
    # docs/stories.md).  0: always exact.  2000: the exact topic graph stays under ~350 MB; on the
    # generated corpus 5k/20k it measured better topics than exact (B3-F1 0.993 vs 0.957/0.106).
    topic_seed: int = 2000

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
        if not isinstance(self.topic_seed, int) or self.topic_seed < 0:
            raise ConfigError(f"stories.topic_seed must be 0 (always exact) or a positive integer, got {self.topic_seed!r}")
        if not isinstance(self.topic_max_postings, int) or self.topic_max_postings < 0:
            raise ConfigError("stories.topic_max_postings must be 0 (= max_postings) or a positive integer, "
                              f"got {self.topic_max_postings!r}")


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


def _check_doc(i: int, d: Any, seen: set[str]) -> None:
    if not isinstance(d, StoryDoc):
        raise InputError(f"docs[{i}]", f"expected a StoryDoc, got {type(d).__name__}")
    if not isinstance(d.id, str) or not d.id:
        raise InputError(f"docs[{i}]", "a StoryDoc needs a non-empty string id")
    if not isinstance(d.text, str):
        raise InputError(d.id, "StoryDoc.text must be a string")
    if d.id in seen:
        raise InputError(d.id, "duplicate article id in one call; ids must be unique")
    seen.add(d.id)


def _check_docs(docs: Sequence[StoryDoc]) -> None:
    seen: set[str] = set()
    for i, d in enumerate(docs):
        _check_doc(i, d, seen)


def _doc_text(doc: StoryDoc) -> str:
    return f"{doc.title}\n{doc.text}" if doc.title and doc.title not in doc.text[:500] else doc.text


def _intern(counts: Mapping[str, int]) -> dict[str, int]:
    # Each article's tokens are fresh string objects; one shared string per term roughly halves the
    # memory of the per-article features that ``cluster`` holds for the whole corpus.
    return {sys.intern(k): c for k, c in counts.items()}


@dataclass
class _Feats:
    lexical: Mapping[str, int]
    specific: Mapping[str, int]


def _features(doc: StoryDoc) -> _Feats:
    lex, spec = F.extract(_doc_text(doc), doc.entities)
    return _Feats(_intern(lex), _intern(spec))


@dataclass
class _Item:
    """What ``cluster`` keeps of an article: its features and sort/link keys, never its text."""

    id: str
    published: str | None
    is_copy_of: str | None
    feats: _Feats


def _prepare(docs: Iterable[StoryDoc]) -> list[_Item]:
    """Validate and featurise ``docs`` one at a time, in (published, id) order.  ``docs`` may be a
    generator: each text is dropped as soon as its features are extracted."""
    items: list[_Item] = []
    seen: set[str] = set()
    for i, d in enumerate(docs):
        _check_doc(i, d, seen)
        items.append(_Item(d.id, d.published, d.is_copy_of, _features(d)))
    items.sort(key=lambda it: (it.published or "", it.id))
    return items


class _Spool:
    """Each article's id, date, copy link and features on a temporary file, read back by row.

    The full pass needs every article's features twice (topic vectors, then its topic's stories)
    but never all at once: spooled, they cost 8 bytes of memory per article (plus ~2.4 KB of temporary
    disk on the generated corpus) instead of ~9 KB of memory, and each article is featurised once.
    Records are ``marshal`` tuples (exact round trip of the str -> int feature counts, insertion order
    kept, so float sums come out bit-identical).  The file lives in ``directory`` (the store passes
    its data directory, so nothing is written elsewhere; None: the system's temporary folder) and is
    unlinked at once: nothing is left behind, even after a crash.
    """

    def __init__(self, directory: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="storyline-stories-", dir=directory)
        self._ends = array("q")  # row i is the bytes [ends[i-1], ends[i])

    def __len__(self) -> int:
        return len(self._ends)

    def append(self, doc: StoryDoc, feats: _Feats) -> None:
        data = marshal.dumps((doc.id, doc.published, doc.is_copy_of, dict(feats.lexical), dict(feats.specific)))
        self._file.write(data)
        self._ends.append((self._ends[-1] if self._ends else 0) + len(data))

    def read(self, row: int) -> _Item:
        start = self._ends[row - 1] if row else 0
        self._file.seek(start)
        doc_id, published, copy_of, lex, spec = marshal.loads(self._file.read(self._ends[row] - start))
        return _Item(doc_id, published, copy_of, _Feats(lex, spec))  # marshal re-interns interned keys

    def close(self) -> None:
        self._file.close()


def _contrast_vector(feats: _Feats, local_df: Mapping[str, int], n: int, global_df: Mapping[str, int],
                     n_global: int, floor: float, df_cap: float = math.inf,
                     occasion: _OccasionWeights | Mapping[str, float] | None = None
                     ) -> tuple[F.Vector, F.Vector]:
    """Story-level vectors inside a topic: global idf times the contrast 4 f (1 - f) of the topic share,
    times the feature's ``occasion`` weight (``_OccasionWeights``; absent: 1).

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
            if occasion:
                weight *= occasion.get(term, 1.0)
            if weight > 0:
                vec[term] = weight
        out.append(F.normalise(vec))
    return out[0], out[1]


def _occasion(day: int | None, window_days: int) -> int | None:
    """The calendar bin of ``window_days`` days an article falls in (None: undated)."""
    return None if day is None else day // window_days


def _occasion_bins(feats: Sequence[_Feats], days: Sequence[int | None],
                   window_days: int) -> dict[str, Any]:
    """A topic's occasion summary: per feature [bins it occurs in, latest such bin] (``bins``) and the
    same for the topic (``occasions``: [occupied bins, latest]); bins are ``window_days`` calendar
    bins, undated members count in none.  A topic row keeps it, so ``add()`` updates it with the same
    step (``_count_occasions``).  Members come in (published, id) order, so the counts are exact and
    no per-feature set of bins is held."""
    summary: dict[str, Any] = {"bins": {}, "occasions": [0, -1]}
    for f, day in zip(feats, days):
        _count_occasions(summary, f, day, window_days)
    return summary


def _count_occasions(topic: dict[str, Any], feats: _Feats, day: int | None, window_days: int) -> None:
    """Add one article to a topic's occasion summary.  Exact while articles arrive in date order (bins
    never go back, as in ``cluster()``); in ``add()`` an article older than a feature's latest bin is
    assumed to fall in a bin already counted (approximate: it can under-count that feature's bins)."""
    b = _occasion(day, window_days)
    if b is None:
        return
    for entry in (topic["occasions"], *(topic["bins"].setdefault(t, [0, -1])
                                        for t in (*feats.lexical, *feats.specific))):
        if b > entry[1]:
            entry[0] += 1
            entry[1] = b


class _OccasionWeights:
    """``log((1 + B) / (1 + b)) + 1`` per feature, ``B`` the topic's occupied ``window_days`` bins and
    ``b`` the bins the feature occurs in (an IDF over *occasions*); 1 when ``B`` < 2 or the feature
    was never seen in a dated member.  A read-only mapping view over a topic's occasion summary.

    Why: the topic-local contrast 4 f (1 - f) assumes a topic holds about two events (ECB+), so that
    what half the topic shares is one event's names.  A topic of hundreds of events breaks that: a
    feature in half of its articles is a stock phrase or quote of that kind of event, repeated week
    after week, while one event's names, places and numbers are in a few articles of one week (f near
    0, weight at the floor).  Reports of one event are bursty in time (they are never linked more than
    ``window_days`` apart anyway), the phrasing of a kind of event is not: counting the distinct weeks
    a feature occurs in tells the two apart without knowing the events.  A topic within one bin (or
    undated, as ECB+) gets weight 1 everywhere, i.e. the contrast alone, as before.  Approximate:
    bins are fixed calendar bins (an event across a bin edge counts twice), and different events in
    the same week share that week's bins (their common phrasing is not down-weighted by it).
    """

    def __init__(self, bins: Mapping[str, Sequence[int]], occupied: Sequence[int]) -> None:
        self._bins = bins
        self._total = occupied[0]

    def __bool__(self) -> bool:
        return self._total >= 2

    def get(self, term: str, default: float = 1.0) -> float:
        entry = self._bins.get(term)
        if entry is None or entry[0] < 1 or self._total < 2:
            return default
        return math.log((1 + self._total) / (1 + entry[0])) + 1.0


def _top_terms(vec: Mapping[str, float], k: int) -> list[str]:
    return [t for t, _ in sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def _block_terms(vec: Mapping[str, float], k: int) -> list[str]:
    """Top-k words plus top-k entity features ("e:"): entities get their own quota so that adding
    them to a topic vector never pushes words out of the blocking keys."""
    words = {t: w for t, w in vec.items() if not t.startswith("e:")}
    ents = {t: w for t, w in vec.items() if t.startswith("e:")}
    return _top_terms(words, k) + _top_terms(ents, k)


def _postings(vectors: Sequence[Mapping[str, float]], k: int, max_postings: int,
              df: Mapping[str, int] | None) -> tuple[list[list[str]], dict[str, list[int]]]:
    """Blocking keys of each item and the usable posting lists (2..max_postings items, ascending).

    With ``df``, only terms found in at least two items compete for the top k: a term of one article
    has the highest IDF of all and pairs nothing, and on a small corpus such terms filled the whole
    top k, so half the same-topic pairs were never compared (their similarity counted as 0).
    """
    keys: list[list[str]] = []
    postings: dict[str, list[int]] = {}
    for i, vec in enumerate(vectors):
        if df is not None:
            vec = {t: w for t, w in vec.items() if df.get(t, 0) >= 2}
        terms = _block_terms(vec, k)
        keys.append(terms)
        for term in terms:
            postings.setdefault(term, []).append(i)
    return keys, {t: p for t, p in postings.items() if 2 <= len(p) <= max_postings}


def _candidate_pairs(vectors: Sequence[Mapping[str, float]], k: int, max_postings: int,
                     df: Mapping[str, int] | None = None) -> set[tuple[int, int]]:
    """Blocking: pairs of items that share one of their top-k terms (common terms are skipped)."""
    return {(a, b) for a, partners in _blocked_partners(vectors, k, max_postings, df) for b in partners}


def _blocked_partners(vectors: Sequence[Mapping[str, float]], k: int, max_postings: int,
                      df: Mapping[str, int] | None) -> Iterator[tuple[int, list[int]]]:
    """For each item a, the items b > a it shares a usable blocking key with (sorted).

    Yielding item by item is what keeps memory down: the pairs are never all held at once (1.2 M
    pairs of 3k generated articles took 100 MB as a set, 70 MB more as an edge dict).
    """
    keys, usable = _postings(vectors, k, max_postings, df)
    for a, terms in enumerate(keys):
        partners: set[int] = set()
        for term in terms:
            posting = usable.get(term)
            if posting:
                partners.update(posting[bisect.bisect_right(posting, a):])
        yield a, sorted(partners)


Graph = list[dict[int, float]]  # neighbour -> summed similarity, both directions


def _graph(n: int, edges: Iterable[tuple[int, int, float]]) -> Graph:
    nbr: Graph = [{} for _ in range(n)]
    for a, b, s in edges:
        if a == b:
            continue
        nbr[a][b] = nbr[a].get(b, 0.0) + s
        nbr[b][a] = nbr[b].get(a, 0.0) + s
    return nbr


def _set_edge(nbr: Graph, a: int, b: int, s: float) -> None:
    if a != b:
        nbr[a][b] = s
        nbr[b][a] = s


def average_link(n: int, edges: Mapping[tuple[int, int], float], threshold: float) -> list[int]:
    """Average-linkage agglomeration over a sparse similarity graph; returns a label per item.

    Missing edges count as similarity 0.  Each label is the smallest item index of its cluster, and
    ties between equally good merges go to the smaller index pair, so the result is deterministic.
    """
    return _average_link_graph(_graph(n, ((a, b, s) for (a, b), s in edges.items())), threshold)


def _average_link_graph(nbr: Graph, threshold: float) -> list[int]:
    """``average_link`` on an adjacency graph (consumed: its dicts are emptied as clusters merge)."""
    n = len(nbr)
    size = [1] * n
    alive = [True] * n
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
# One topic's stories: a pure function of a picklable job, so topics can run in any process/shard


@dataclass
class TopicJob:
    """Everything the story step of one topic needs (members in (published, id) order).

    ``df`` is the corpus document frequency restricted to the members' features, so a job's size is
    proportional to its topic, not to the corpus.  ``copies`` are (copy, original) member positions.
    """

    topic_id: str
    ids: list[str]
    published: list[str | None]
    feats: list[_Feats]
    gvecs: list[F.Vector]
    copies: list[tuple[int, int]]
    df: dict[str, int]
    n_docs: int
    df_cap: float
    config: StoryConfig


@dataclass
class TopicResult:
    """A topic's stories; results of different topics merge by concatenation (``merge_topic_results``)."""

    topic_id: str
    assign: list[tuple[str, str]]  # (article id, story id), members in order
    row: dict[str, Any]  # the topic's persisted summary: n, sum, local_df, {story: [first, last]}
    stories: dict[str, dict[str, Any]]  # its stories' persisted state (``StoryClusterer.story_row``)
    block_keys: list[list[str]]  # per member, its topic-index keys

    def state_rows(self) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """The topic's row and {story id: row}, as ``StoryClusterer.topic_row`` / ``story_row`` give
        them once merged: a streaming caller stores these without merging."""
        return _topic_json(self.row), {sid: _story_json(s) for sid, s in sorted(self.stories.items())}


def _story_sim(cfg: StoryConfig, doc_vecs: tuple[F.Vector, F.Vector], lex: Mapping[str, float],
               spec: Mapping[str, float], n: int) -> float:
    """Mixed similarity; with member-vector sums and their count n it is the average link."""
    w = cfg.specific_weight
    return ((1 - w) * F.dot(doc_vecs[0], lex) + w * F.dot(doc_vecs[1], spec)) / n


def _new_topic_row() -> dict[str, Any]:
    # bins / occasions: the occasion summary (``_occasion_bins``) behind ``_OccasionWeights``
    return {"n": 0, "sum": {}, "local_df": Counter(), "bins": {}, "occasions": [0, -1], "stories": {}}


def _new_story() -> dict[str, Any]:
    return {"n": 0, "feats": [], "first": None, "last": None, "members": []}


def _extend_dates(story: dict[str, Any], published: str | None) -> None:
    if _day(published) is None:
        return
    day = published[:10]  # type: ignore[index]
    story["first"] = day if story["first"] is None else min(story["first"], day)
    story["last"] = day if story["last"] is None else max(story["last"], day)


def _add_member(cfg: StoryConfig, topic: dict[str, Any], sid: str, story: dict[str, Any], doc_id: str,
                published: str | None, gvec: F.Vector, feats: _Feats) -> None:
    topic["n"] += 1
    F.add_into(topic["sum"], gvec)
    story["n"] += 1
    if len(story["feats"]) < cfg.story_sample:
        story["feats"].append([dict(feats.lexical), dict(feats.specific)])
    story["members"].append(doc_id)
    _extend_dates(story, published)
    # The topic keeps each story's date range: add() skips out-of-window stories without reading them.
    topic["stories"][sid] = [story["first"], story["last"]]


def _story_edges(job: TopicJob, vecs: list[tuple[F.Vector, F.Vector]]) -> Iterator[tuple[int, int, float]]:
    cfg = job.config
    n = len(vecs)
    days = [_day(p) for p in job.published]
    if n <= cfg.max_postings:  # a topic small enough to compare all its pairs (the usual case)
        pairs: Iterable[tuple[int, int]] = ((a, b) for a in range(n) for b in range(a + 1, n))
    else:  # a huge topic: block on each article's strongest story features
        blocking = [{**lex, **{k: v * cfg.specific_weight for k, v in spec.items()}} for lex, spec in vecs]
        pairs = ((a, b) for a, bs in _blocked_partners(blocking, cfg.block_terms, cfg.max_postings, None)
                 for b in bs)
    for a, b in pairs:
        if days[a] is not None and days[b] is not None and abs(days[a] - days[b]) > cfg.window_days:
            continue
        yield a, b, _story_sim(cfg, vecs[a], vecs[b][0], vecs[b][1], 1)


def cluster_topic(job: TopicJob) -> TopicResult:
    """Group one topic's members into stories (average link over contrast-weighted similarity)."""
    cfg = job.config
    local_df: Counter[str] = Counter()
    for f in job.feats:
        local_df.update(f.lexical.keys())
        local_df.update(f.specific.keys())
    n = len(job.ids)
    occasions = _occasion_bins(job.feats, [_day(p) for p in job.published], cfg.window_days)
    occasion = _OccasionWeights(occasions["bins"], occasions["occasions"])
    vecs = [_contrast_vector(f, local_df, n, job.df, job.n_docs, cfg.contrast_floor, job.df_cap, occasion)
            for f in job.feats]
    nbr = _graph(n, _story_edges(job, vecs))
    del vecs
    for a, b in job.copies:
        _set_edge(nbr, a, b, 1.0)
    labels = _average_link_graph(nbr, cfg.story_threshold)
    row = _new_topic_row()
    row["local_df"] = local_df
    row.update(occasions)
    stories: dict[str, dict[str, Any]] = {}
    assign: list[tuple[str, str]] = []
    sid_of: dict[int, str] = {}  # one story-id string per story, shared by its members' assignments
    for k, doc_id in enumerate(job.ids):
        sid = sid_of.get(labels[k]) or sid_of.setdefault(labels[k], "story:" + job.ids[labels[k]])
        story = stories.get(sid) or stories.setdefault(sid, _new_story())
        _add_member(cfg, row, sid, story, doc_id, job.published[k], job.gvecs[k], job.feats[k])
        assign.append((doc_id, sid))
    keys = [_block_terms(g, cfg.block_terms) for g in job.gvecs]
    return TopicResult(job.topic_id, assign, row, stories, keys)


def cluster_topic_shard(jobs: Iterable[TopicJob], rank: int = 0, world_size: int = 1) -> Iterator[TopicResult]:
    """The topics of shard ``rank`` of ``world_size`` (job i goes to shard i mod world_size).

    Topics are the blocking key of the story step: stories never cross topics, so shards share
    nothing and their results, put back in job order, equal the unsharded run.
    """
    if world_size < 1 or not 0 <= rank < world_size:
        raise ConfigError(f"stories: shard rank must be in [0, world_size), got {rank}/{world_size}")
    for i, job in enumerate(jobs):
        if i % world_size == rank:
            yield cluster_topic(job)


class TopicStoriesStep:
    """Pipeline step (``run(items, rank, world_size)``) mapping TopicJob -> TopicResult, so the story
    step runs on any executor (``storyline.executors``: local process pool or Ray); the executor
    already splits the jobs, so every job it hands over is processed."""

    name = "stories"

    def run(self, items: Iterable[TopicJob], rank: int = 0, world_size: int = 1) -> Iterator[TopicResult]:
        return cluster_topic_shard(items)


# --------------------------------------------------------------------------------------------------
# The clusterer

_STORY_KEYS = ("n", "feats", "first", "last", "members")


class StoryClusterer:
    """Group articles into stories nested in topics, in full (``cluster``) or incrementally (``add``).

    The state is split: a *global* part (document frequencies, topic index; ``global_state``), one
    *row per topic* (member count, vector sum, local df, its stories' date ranges; ``topic_row``) and
    one *row per story* (sampled member features, members; ``story_row``).  With the loaders set,
    ``add()`` fetches only the topics a new article may join (blocking keys) and, in the topic it
    joins, the stories within the date window; ``dirty`` / ``dirty_stories`` name the rows changed.
    """

    def __init__(self, config: StoryConfig | Mapping[str, Any] | None = None,
                 topic_loader: Callable[[list[str]], Mapping[str, Any]] | None = None,
                 story_loader: Callable[[list[str]], Mapping[str, Any]] | None = None):
        self.config = StoryConfig.from_any(config)
        self.topic_loader = topic_loader
        self.story_loader = story_loader
        self._reset()

    def _reset(self) -> None:
        self.n_docs = 0
        self.df: Counter[str] = Counter()  # document frequency of lexical and specific features
        self.assign: dict[str, tuple[str, str]] = {}
        self.topics: dict[str, dict[str, Any]] = {}  # loaded topic rows (all of them after cluster())
        self.stories: dict[str, dict[str, Any]] = {}  # stories of the loaded topics (with "topic")
        self.index: dict[str, list[str]] = {}  # blocking term -> topic ids
        self.dirty: set[str] = set()
        self.dirty_stories: set[str] = set()

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
        lex = F.tfidf({k: c for k, c in feats.lexical.items() if self.df.get(k, 0) <= cap}, self.df, self.n_docs)
        ents = {k: c for k, c in feats.specific.items() if k.startswith("e:")}
        w = self.config.topic_entity_weight
        if not ents or w <= 0:
            return lex
        ent = F.tfidf(ents, self.df, self.n_docs)
        b = math.sqrt(w)
        return {**lex, **{k: b * v for k, v in ent.items()}}

    def _index_keys(self, topic_id: str, keys: Iterable[str]) -> None:
        cap = self.config.max_postings
        for term in keys:
            posting = self.index.setdefault(term, [])
            if len(posting) > cap or topic_id in posting:
                continue  # an over-full posting list stays as a marker: too common to block on
            posting.append(topic_id)

    def _index_topic(self, topic_id: str, vec: F.Vector) -> None:
        self._index_keys(topic_id, _block_terms(vec, self.config.block_terms))

    def _put_stories(self, topic_id: str, stories: Mapping[str, dict[str, Any]]) -> None:
        for sid, story in stories.items():
            story["topic"] = topic_id
            self.stories[sid] = story

    def _in_window(self, story: dict[str, Any], published: str | None) -> bool:
        day = _day(published)
        if day is None or story["first"] is None:
            return True
        lo, hi = _day(story["first"]), _day(story["last"])
        w = self.config.window_days
        return lo - w <= day <= hi + w  # type: ignore[operator]

    # ---- full re-cluster -------------------------------------------------------------------------

    def cluster(self, docs: Iterable[StoryDoc], executor: Any = None) -> dict[str, tuple[str, str]]:
        """Forget the state and group ``docs`` from scratch.  Returns {id: (story_id, topic_id)}.

        ``docs`` may be a generator (texts are not kept).  Topics are grouped over the whole corpus;
        then each topic's stories are an independent ``TopicJob``, run inline or, with ``executor``
        (``storyline.executors``), in its workers; the result is the same either way.  Every topic and
        story row stays in memory (``state()``); ``topic_results`` is the same pass without that.
        """
        self._reset()
        for res in self.topic_results(docs, executor):
            self._install_result(res)
        return dict(self.assign)

    def topic_results(self, docs: Iterable[StoryDoc], executor: Any = None,
                      spool_dir: str | None = None) -> Iterator[TopicResult]:
        """``cluster`` for a caller that stores each topic's result and drops it: yields the results
        in job order and keeps only the global state (``global_state``: df, topic index), so
        ``assign`` / ``topics`` / ``stories`` stay empty and memory does not grow with the corpus
        (see ``topic_jobs``; ``spool_dir``: where its temporary spool goes).  ``global_state()`` is
        complete once the iterator is exhausted."""
        jobs = self.topic_jobs(docs, spool_dir)
        results = map(cluster_topic, jobs) if executor is None else executor.map([TopicStoriesStep()], jobs)
        for res in results:
            self._index_result(res)
            yield res

    def topic_jobs(self, docs: Iterable[StoryDoc], spool_dir: str | None = None) -> Iterator[TopicJob]:
        """Featurise ``docs``, group them into topics (global step) and yield one job per topic, in
        the order of their earliest member.

        Streamed in three passes over a temporary spool of the features (``_Spool``): (1) featurise
        each article once, count document frequencies, spool it; (2) in (published, id) order, topic
        labels from the final IDF (the exact graph of the first ``topic_seed`` articles, then
        centroids); (3) per topic, read back its members only.  Memory: the df and topic centroids
        (vocabulary, topic count), ~250 bytes per article of sort keys in pass 1 and 16 in passes
        2-3, and the largest topic's job, never the corpus' features (unless ``topic_seed`` is 0).
        """
        self._reset()
        spool = _Spool(spool_dir)
        try:
            order, copies = self._spool_docs(docs, spool)
            labels = self._labels_from_spool(spool, order, copies)
            yield from self._jobs_from_spool(spool, order, copies, labels)
        finally:
            spool.close()

    def _spool_docs(self, docs: Iterable[StoryDoc], spool: _Spool) -> tuple[array, list[tuple[int, int]]]:
        """Pass 1: validate, featurise and count each doc, spool it.  Returns the spool rows in
        (published, id) order and the (copy, original) pairs as positions in that order."""
        keys: list[tuple[str, str, int]] = []
        copy_links: list[tuple[int, str]] = []
        seen: set[str] = set()
        for row, d in enumerate(docs):
            _check_doc(row, d, seen)
            feats = _features(d)
            self._count_df(feats)
            spool.append(d, feats)
            keys.append((d.published or "", d.id, row))
            if d.is_copy_of:
                copy_links.append((row, d.is_copy_of))
        del seen
        keys.sort()
        order = array("q", (row for _p, _id, row in keys))
        wanted = {original for _row, original in copy_links}
        pos = {doc_id: k for k, (_p, doc_id, _row) in enumerate(keys) if doc_id in wanted}
        del keys
        rank = array("q", bytes(8 * len(order)))
        for k, row in enumerate(order):
            rank[row] = k
        copies = sorted((rank[row], pos[original]) for row, original in copy_links if original in pos)
        return order, copies

    def _labels_from_spool(self, spool: _Spool, order: array, copies: list[tuple[int, int]]) -> Sequence[int]:
        """Pass 2: a topic label per article position (the position of its topic's earliest member)."""
        def gvec_at(k: int) -> F.Vector:
            return self._global_vector(spool.read(order[k]).feats)

        seed, n = self.config.topic_seed, len(order)
        if seed and n > seed:
            return self._seeded_topic_labels(gvec_at, n, copies, seed)
        return self._topic_labels([gvec_at(k) for k in range(n)], copies)

    def _jobs_from_spool(self, spool: _Spool, order: array, copies: list[tuple[int, int]],
                         labels: Sequence[int]) -> Iterator[TopicJob]:
        """Pass 3: one job per topic, its members read back from the spool (nothing else is loaded)."""
        groups: dict[int, array] = {}
        for k, lab in enumerate(labels):
            groups.setdefault(lab, array("q")).append(k)
        copies_of: dict[int, list[tuple[int, int]]] = {}
        for a, b in copies:
            if labels[a] == labels[b]:
                copies_of.setdefault(labels[a], []).append((a, b))
        del labels
        cap = self._df_cap()
        for lab in sorted(groups):
            members = groups.pop(lab)
            where = {position: k for k, position in enumerate(members)}
            items = [spool.read(order[k]) for k in members]
            feats = [it.feats for it in items]
            terms = {t for f in feats for t in (*f.lexical, *f.specific)}
            yield TopicJob("topic:" + items[0].id, [it.id for it in items], [it.published for it in items], feats,
                           [self._global_vector(f) for f in feats],
                           [(where[a], where[b]) for a, b in copies_of.pop(lab, [])],
                           {t: self.df[t] for t in terms}, self.n_docs, cap, self.config)
            del items, feats, terms

    def _topic_labels(self, gvecs: list[F.Vector], copies: list[tuple[int, int]]) -> list[int]:
        cfg = self.config
        blocked = _blocked_partners(gvecs, cfg.block_terms, cfg.topic_max_postings or cfg.max_postings, self.df)
        sims = ((a, b, F.dot(gvecs[a], gvecs[b])) for a, partners in blocked for b in partners)
        nbr: Graph = [{} for _ in range(len(gvecs))]
        for a, b, s in sims:
            _set_edge(nbr, a, b, s)
        for a, b in copies:  # a copy belongs with its original, whatever its wording
            _set_edge(nbr, a, b, 1.0)
        return _average_link_graph(nbr, cfg.topic_threshold)

    def _seeded_topic_labels(self, gvec_at: Callable[[int], F.Vector], n: int, copies: list[tuple[int, int]],
                             seed: int) -> array:
        """Exact topics of the first ``seed`` articles, then centroid assignment of the rest in order.

        Like ``add()`` at the topic level (average link against each candidate topic's vector sum,
        candidates from an index of topic blocking keys), but with the final corpus IDF.  The topic
        index lists topics, not articles, so common topic words stay usable as keys.  Vectors come
        from ``gvec_at(position)`` one at a time: only the seed's are held together.
        """
        cfg = self.config
        seed_vecs = [gvec_at(i) for i in range(seed)]
        labels = array("q", self._topic_labels(seed_vecs, [(a, b) for a, b in copies if a < seed and b < seed]))
        sums: dict[int, F.Vector] = {}
        counts: Counter[int] = Counter()
        index: dict[str, list[int]] = {}

        def join(gvec: F.Vector, lab: int) -> None:
            F.add_into(sums.setdefault(lab, {}), gvec)
            counts[lab] += 1
            for term in _block_terms(gvec, cfg.block_terms):
                posting = index.setdefault(term, [])
                if len(posting) <= cfg.max_postings and lab not in posting:
                    posting.append(lab)

        for i, lab in enumerate(labels):
            join(seed_vecs[i], lab)
        del seed_vecs
        original = {a: b for a, b in copies if b < a}
        for i in range(seed, n):
            gvec = gvec_at(i)
            lab = labels[original[i]] if i in original else self._best_label(gvec, sums, counts, index)
            labels.append(i if lab is None else lab)
            join(gvec, labels[i])
        return labels

    def _best_label(self, gvec: F.Vector, sums: Mapping[int, F.Vector], counts: Mapping[int, int],
                    index: Mapping[str, list[int]]) -> int | None:
        cfg = self.config
        candidates: set[int] = set()
        for term in _block_terms(gvec, cfg.block_terms):
            posting = index.get(term, [])
            if len(posting) <= cfg.max_postings:
                candidates.update(posting)
        best: tuple[float, int] | None = None
        for lab in sorted(candidates):
            sim = F.dot(gvec, sums[lab]) / counts[lab]
            if sim >= cfg.topic_threshold and (best is None or sim > best[0]):
                best = (sim, lab)
        return best[1] if best else None

    def merge_topic_results(self, results: Iterable[TopicResult]) -> None:
        """Install topic results (from ``cluster_topic`` / any shard), in ``topic_jobs`` order: the
        topic index keeps the first ``max_postings`` topics per key, so order matters there only."""
        for res in results:
            self._index_result(res)
            self._install_result(res)

    def _index_result(self, res: TopicResult) -> None:
        for keys in res.block_keys:
            self._index_keys(res.topic_id, keys)

    def _install_result(self, res: TopicResult) -> None:
        self.topics[res.topic_id] = res.row
        self._put_stories(res.topic_id, res.stories)
        for doc_id, sid in res.assign:
            self.assign[doc_id] = (sid, res.topic_id)
        self.dirty.add(res.topic_id)
        self.dirty_stories.update(res.stories)

    # ---- incremental -----------------------------------------------------------------------------

    def add(self, docs: Sequence[StoryDoc]) -> dict[str, tuple[str, str]]:
        """Place new articles into existing stories/topics or open new ones; nothing is re-grouped.

        Articles already placed (in ``assign``) are skipped (their current placement is returned).
        """
        _check_docs(docs)
        out: dict[str, tuple[str, str]] = {}
        for doc in sorted(docs, key=_sort_key):
            if doc.id not in self.assign:
                self._add_one(doc)
            out[doc.id] = self.assign[doc.id]
        return out

    def _add_one(self, doc: StoryDoc) -> None:
        cfg = self.config
        feats = _features(doc)
        self._count_df(feats)
        gvec = self._global_vector(feats)
        original = self.assign.get(doc.is_copy_of) if doc.is_copy_of else None
        if original:
            self._load_topics([original[1]])
        topic_id = original[1] if original and original[1] in self.topics else self._best_topic(gvec)
        if topic_id is None:
            topic_id = "topic:" + doc.id
            self.topics[topic_id] = _new_topic_row()
        topic = self.topics[topic_id]
        topic["local_df"].update(feats.lexical.keys())
        topic["local_df"].update(feats.specific.keys())
        _count_occasions(topic, feats, _day(doc.published), cfg.window_days)
        if original and original[0] in topic["stories"]:
            self._load_stories(topic_id, [original[0]])
        with_original = original and original[1] == topic_id and original[0] in self.stories
        story_id = original[0] if with_original else self._best_story(topic_id, feats, doc.published)
        if story_id is None:
            story_id = "story:" + doc.id
            self._put_stories(topic_id, {story_id: _new_story()})
        _add_member(cfg, topic, story_id, self.stories[story_id], doc.id, doc.published, gvec, feats)
        self.assign[doc.id] = (story_id, topic_id)
        self._index_topic(topic_id, gvec)
        self.dirty.add(topic_id)
        self.dirty_stories.add(story_id)

    def _load_topics(self, topic_ids: Iterable[str]) -> None:
        """Fetch the rows of topics not in memory (no-op without ``topic_loader``)."""
        missing = sorted(t for t in set(topic_ids) if t not in self.topics)
        if not missing or self.topic_loader is None:
            return
        for tid, row in self.topic_loader(missing).items():
            self.topics[tid] = _topic_from_json(row)

    def _load_stories(self, topic_id: str, story_ids: Iterable[str]) -> None:
        """Fetch the rows of stories not in memory (no-op without ``story_loader``)."""
        missing = sorted(s for s in set(story_ids) if s not in self.stories)
        if not missing or self.story_loader is None:
            return
        self._put_stories(topic_id, {sid: _story_from_json(row) for sid, row in self.story_loader(missing).items()})

    def _best_topic(self, gvec: F.Vector) -> str | None:
        cap = self.config.max_postings
        candidates: set[str] = set()
        for term in _block_terms(gvec, self.config.block_terms):
            posting = self.index.get(term, [])
            if len(posting) <= cap:
                candidates.update(posting)
        self._load_topics(candidates)
        best: tuple[float, str] | None = None
        for tid in sorted(candidates):
            topic = self.topics.get(tid)
            if topic is None:  # indexed but its row is gone (state from another store): skip it
                continue
            sim = F.dot(gvec, topic["sum"]) / topic["n"]
            if sim >= self.config.topic_threshold and (best is None or sim > best[0]):
                best = (sim, tid)
        return best[1] if best else None

    def _best_story(self, topic_id: str, feats: _Feats, published: str | None) -> str | None:
        """Average-link similarity to each story of the topic, under the topic's *current* weights.

        Member vectors are rebuilt from the kept raw counts because contrast weights move as the topic
        grows (a one-article topic has no contrast at all); a sample of ``story_sample`` members
        stands for a larger story.
        """
        cfg = self.config
        topic = self.topics[topic_id]
        n = topic["n"] + 1  # local_df and the occasion summary already count the new article
        occasion = _OccasionWeights(topic["bins"], topic["occasions"])

        def weigh(f: _Feats) -> tuple[F.Vector, F.Vector]:
            return _contrast_vector(f, topic["local_df"], n, self.df, self.n_docs, cfg.contrast_floor,
                                    self._df_cap(), occasion)

        svecs = weigh(feats)
        best: tuple[float, str] | None = None
        in_window = [sid for sid, (first, last) in sorted(topic["stories"].items())
                     if self._in_window({"first": first, "last": last}, published)]
        self._load_stories(topic_id, in_window)
        for sid in in_window:
            story = self.stories.get(sid)
            if story is None:  # listed but its row is gone (state from another store): skip it
                continue
            members = [weigh(_Feats(lex, spec)) for lex, spec in story["feats"]]
            if not members:
                continue
            sim = sum(_story_sim(cfg, svecs, m[0], m[1], 1) for m in members) / len(members)
            if sim >= cfg.story_threshold and (best is None or sim > best[0]):
                best = (sim, sid)
        return best[1] if best else None

    # ---- persistence -----------------------------------------------------------------------------

    def global_state(self) -> dict[str, Any]:
        """The corpus-wide part of the state (document frequencies, topic index): O(vocabulary)."""
        return {
            "version": STATE_VERSION,
            "config": dataclasses.asdict(self.config),
            "n_docs": self.n_docs,
            "df": dict(sorted(self.df.items())),
            "index": dict(sorted(self.index.items())),
        }

    def topic_row(self, topic_id: str) -> dict[str, Any]:
        """One loaded topic's JSON-serialisable row: member count, vector sum, local df, and the
        date range of each of its stories ({story id: [first, last]})."""
        return _topic_json(self.topics[topic_id])

    def story_row(self, story_id: str) -> dict[str, Any]:
        """One loaded story's JSON-serialisable row: size, sampled member features, dates, members."""
        return _story_json(self.stories[story_id])

    def state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot of everything in memory that ``load_state`` restores."""
        return {**self.global_state(),
                "assign": {k: list(v) for k, v in sorted(self.assign.items())},
                "topics": {tid: self.topic_row(tid) for tid in sorted(self.topics)},
                "stories": {sid: self.story_row(sid) for sid in sorted(self.stories)}}

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore ``state()`` or ``global_state()`` (then topic rows come from ``topic_loader``)."""
        if not isinstance(state, Mapping) or state.get("version") != STATE_VERSION:
            raise InputError("story state", f"expected a state dict with version {STATE_VERSION}; "
                                            "re-run cluster() to rebuild it")
        try:
            self._reset()
            self.config = StoryConfig.from_any(state["config"])
            self.n_docs = int(state["n_docs"])
            self.df = Counter(state["df"])
            self.index = {k: list(v) for k, v in state["index"].items()}
            self.assign = {k: (v[0], v[1]) for k, v in state.get("assign", {}).items()}
            self.topics = {tid: _topic_from_json(row) for tid, row in state.get("topics", {}).items()}
            topic_of = {sid: tid for tid, row in self.topics.items() for sid in row["stories"]}
            for sid, row in state.get("stories", {}).items():
                self._put_stories(topic_of[sid], {sid: _story_from_json(row)})
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise InputError("story state", f"malformed state ({exc!r}); re-run cluster() to rebuild it") from exc


def _topic_json(t: Mapping[str, Any]) -> dict[str, Any]:
    return {"n": t["n"], "sum": t["sum"], "local_df": dict(sorted(t["local_df"].items())),
            "bins": dict(sorted(t["bins"].items())), "occasions": t["occasions"],
            "stories": dict(sorted(t["stories"].items()))}


def _story_json(s: Mapping[str, Any]) -> dict[str, Any]:
    return {k: s[k] for k in _STORY_KEYS}


def _topic_from_json(row: Mapping[str, Any]) -> dict[str, Any]:
    # Rows written before the occasion summary have none: weight 1 (the contrast alone) until the
    # next cluster() rebuilds them.
    return {"n": int(row["n"]), "sum": dict(row["sum"]), "local_df": Counter(row["local_df"]),
            "bins": {t: [int(c), int(last)] for t, (c, last) in row.get("bins", {}).items()},
            "occasions": [int(x) for x in row.get("occasions", [0, -1])],
            "stories": {sid: list(dates) for sid, dates in row["stories"].items()}}


def _story_from_json(s: Mapping[str, Any]) -> dict[str, Any]:
    return {"n": int(s["n"]), "feats": [[dict(a), dict(b)] for a, b in s["feats"]], "first": s["first"],
            "last": s["last"], "members": list(s["members"])}

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
