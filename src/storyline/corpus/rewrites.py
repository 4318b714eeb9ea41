"""Duplicate detection, second layer: rewrites (an article paraphrased sentence by sentence).

A rewrite keeps another article's structure and facts but changes the wording, often adding filler
sentences (and sometimes a factual slip), so shingles do not catch it.  Detection is in two steps:

1. **Candidates** (near-linear): each article gets a vector, the normalised mean of its sentence vectors
   (all-MiniLM-L6-v2).  Random-hyperplane LSH (``tables`` x ``bits`` SimHash bands) plus an inverted index
   of shared verbatim quotations give candidate pairs; those with article cosine >= ``doc_threshold`` are
   kept (at most ``max_candidates``, most similar first).  Mean vectors separate topics, not stories: two
   reports of the same event have cosine ~0.85-0.95 too, so step 2 decides.
2. **Confirmation** by monotone sentence alignment: a dynamic programme pairs sentences of the later
   article (copy) with sentences of the earlier one (original) with cosine >= ``sentence_threshold``,
   both sides in increasing order, maximising total similarity.  A rewrite needs >= ``min_pairs`` pairs
   covering >= ``min_coverage`` of the shorter article's sentences, and >= ``min_anchored`` of the pairs
   must share a specific (a capitalised name, a number or a quotation) so that two template articles
   about different subjects do not pass.  An independent report of the same event shares facts but not
   the sentence sequence: it aligns only a few sentences (typically < 25 %).

Thresholds (documented in docs/duplicates.md): sentence cosine 0.65 (MiniLM's best-accuracy
threshold on MRPC is ~0.675; paraphrased news sentences score 0.65-0.95), coverage 0.5.  Everything is
approximate: a rewrite that reorders paragraphs loses coverage, and candidate truncation (``max_candidates``)
can make results depend slightly on add order in very dense topics.
"""
from __future__ import annotations

import contextlib
import functools
import io
import re
import struct
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.corpus.duplicates import DocMeta, DupDoc, DuplicateLink, blocking_key, is_earlier, make_link
from storyline.errors import InputError
from storyline.text_utils import name_tokens, numbers, quoted_passages, sentence_spans, words

DIM = 384


@dataclass
class RewriteFeatures:
    """Per-article data the rewrite layer needs: kept sentence spans and their unit vectors.

    This is what a store caches (``to_bytes``/``from_bytes``) so that embeddings are computed once.
    ``spans`` are character offsets into ``DupDoc.text``; ``vectors`` is ``(len(spans), 384)``.
    """

    spans: np.ndarray  # (k, 2) int32
    vectors: np.ndarray  # (k, 384) float32 or float16

    def doc_vector(self) -> np.ndarray | None:
        """Normalised mean of the sentence vectors, or None for an article without kept sentences."""
        if len(self.vectors) == 0:
            return None
        mean = self.vectors.astype(np.float32).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 0 else None

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez(buf, spans=self.spans.astype(np.int32), vectors=self.vectors.astype(np.float16))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> RewriteFeatures:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                spans, vectors = npz["spans"], npz["vectors"]
        except Exception as exc:  # numpy raises ValueError/OSError/KeyError/BadZipFile on bad data
            raise InputError("RewriteFeatures", f"cannot decode cached features ({exc}); recompute them") from exc
        if spans.ndim != 2 or vectors.ndim != 2 or len(spans) != len(vectors):
            raise InputError("RewriteFeatures", "cached features have inconsistent shapes; recompute them")
        return cls(spans=spans, vectors=vectors)


@functools.lru_cache(maxsize=1)
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController  # ships with scikit-learn
    except ImportError:
        return None
    return ThreadpoolController()


def _single_thread_blas() -> Any:
    """Context limiting BLAS to one thread (~8 us per use); a no-op without threadpoolctl."""
    controller = _blas_controller()
    return controller.limit(limits=1, user_api="blas") if controller is not None else contextlib.nullcontext()


_LOWER_WORD_RE = re.compile(r"\b[a-z]+\b")


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


@dataclass
class _Anchors:
    """Specifics of one article: per sentence, hashed names/numbers/quotes (and their strings)."""

    per_sentence: list[set[int]]
    strings: dict[int, str]  # hash -> readable form (only kept for the doc being added)
    quotes: np.ndarray  # uint32 hashes of the article's quotations
    names: np.ndarray
    figures: np.ndarray


def _anchors(text: str, spans: np.ndarray, quotes: Sequence[str], keep_strings: bool) -> _Anchors:
    # A capitalised word that the article also uses in lower case ("the Bridge" / "the bridge") is a
    # common noun inside a name: weak evidence, shared by unrelated articles of the same template.
    doc_names = name_tokens(text) - set(_LOWER_WORD_RE.findall(text))
    per_sentence: list[set[int]] = []
    strings: dict[int, str] = {}
    names_h: set[int] = set()
    figures_h: set[int] = set()
    for s, e in spans:
        sent = text[s:e]
        items = [w for w in set(words(sent)) if w in doc_names] + sorted(numbers(sent))
        items += [f"“{q}”" for q in quoted_passages(sent)]
        hashes = set()
        for item in items:
            hv = _h(item)
            hashes.add(hv)
            if keep_strings:
                strings[hv] = item
            if item[0].isdigit():
                figures_h.add(hv)
            elif not item.startswith("“"):
                names_h.add(hv)
        per_sentence.append(hashes)
    quote_h = {_h(f"“{q}”") for q in quotes}
    if keep_strings:
        strings.update({_h(f"“{q}”"): f"“{q}”" for q in quotes})

    def arr(xs: set[int]) -> np.ndarray:
        return np.array(sorted(xs), dtype=np.uint32)

    return _Anchors(per_sentence, strings, arr(quote_h), arr(names_h), arr(figures_h))


@dataclass
class _Stored:
    meta: DocMeta
    spans: np.ndarray
    vectors: np.ndarray  # float16 to halve memory
    anchors: _Anchors


def monotone_alignment(sim: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """Order-preserving sentence pairs ``(i, j, sim)`` maximising the summed similarity.

    Only cells with ``sim >= threshold`` may pair; ``i`` and ``j`` both strictly increase (each sentence
    is used once).  Row-wise vectorised DP: ``D[i+1, j+1] = max(D[i, j+1], D[i+1, j], D[i, j] + w[i, j])``
    where the left-neighbour term is a running maximum.  O(m*n) time and memory.
    """
    m, n = sim.shape
    if m == 0 or n == 0:
        return []
    weight = np.where(sim >= threshold, sim, -np.inf)
    dp = np.zeros((m + 1, n + 1), dtype=np.float64)
    for i in range(m):
        best = np.maximum(dp[i, 1:], dp[i, :-1] + weight[i])
        dp[i + 1, 1:] = np.maximum.accumulate(best)
    pairs = []
    i, j = m, n
    while i > 0 and j > 0:
        if dp[i, j] == dp[i - 1, j]:
            i -= 1
        elif dp[i, j] == dp[i, j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1, float(sim[i - 1, j - 1])))
            i, j = i - 1, j - 1
    return pairs[::-1]


class RewriteFinder:
    """Incremental rewrite detector; plug it into ``DuplicateFinder(rewrites=...)`` or use it alone.

    ``add(doc, features=None, skip=())`` returns rewrite links between ``doc`` and docs added or loaded
    before.  Without ``features`` the sentences are embedded with :func:`storyline.embed.get_embedder`.
    Memory: ~25 KB per article (float16 sentence vectors); pass ``loader`` (id -> ``(DupDoc,
    RewriteFeatures)`` or None) with ``max_cached`` to keep only recent articles in memory at scale.
    """

    def __init__(self, sentence_threshold: float = 0.65, min_coverage: float = 0.5, min_pairs: int = 4,
                 min_anchored: float = 0.5, doc_threshold: float = 0.8, min_sentence_words: int = 5,
                 max_sentences: int = 300, tables: int = 32, bits: int = 14, max_candidates: int = 50,
                 seed: int = 7, embedder: Any = None, max_cached: int | None = None,
                 loader: Callable[[str], tuple[DupDoc, RewriteFeatures] | None] | None = None):
        self.sentence_threshold = sentence_threshold
        self.min_coverage = min_coverage
        self.min_pairs = min_pairs
        self.min_anchored = min_anchored
        self.doc_threshold = doc_threshold
        self.min_sentence_words = min_sentence_words
        self.max_sentences = max_sentences
        self.max_candidates = max_candidates
        self.bits = bits
        self._embedder = embedder
        self._max_cached = max_cached if loader is not None else None
        self._loader = loader
        self._planes = np.random.default_rng(seed).standard_normal((DIM, tables * bits)).astype(np.float32)
        self._powers = (1 << np.arange(bits, dtype=np.int64))
        self._buckets: list[dict[int, list[int]]] = [{} for _ in range(tables)]
        self._by_quote: dict[int, list[int]] = {}
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._metas: list[DocMeta] = []
        self._docvecs = np.zeros((1024, DIM), dtype=np.float32)
        self._docs: OrderedDict[str, _Stored] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    # --- features ------------------------------------------------------------------------------

    def sentence_spans(self, text: str) -> np.ndarray:
        """Spans of the sentences used for alignment (>= ``min_sentence_words`` words; first ``max_sentences``)."""
        spans = [(s, e) for s, e in sentence_spans(text) if len(words(text[s:e])) >= self.min_sentence_words]
        return np.array(spans[: self.max_sentences], dtype=np.int32).reshape(-1, 2)

    def _encode(self, sentences: list[str]) -> np.ndarray:
        if self._embedder is None:
            from storyline.embed import get_embedder

            self._embedder = get_embedder()
        return self._embedder.encode(sentences, max_tokens=128)

    def features(self, doc: DupDoc) -> RewriteFeatures:
        """Sentence spans and vectors of one doc (embeds its sentences)."""
        return self.features_many([doc])[0]

    def features_many(self, docs: Sequence[DupDoc]) -> list[RewriteFeatures]:
        """Features of many docs with one batched embedding call (much faster than one by one)."""
        spans = [self.sentence_spans(d.text) for d in docs]
        sentences = [d.text[s:e] for d, sp in zip(docs, spans) for s, e in sp]
        vectors = self._encode(sentences) if sentences else np.zeros((0, DIM), dtype=np.float32)
        out, at = [], 0
        for sp in spans:
            out.append(RewriteFeatures(spans=sp, vectors=vectors[at : at + len(sp)]))
            at += len(sp)
        return out

    # --- index ---------------------------------------------------------------------------------

    def _keys(self, vec: np.ndarray) -> list[int]:
        bits = (vec @ self._planes > 0).reshape(-1, self.bits)
        return (bits @ self._powers).tolist()

    def _store(self, doc: DupDoc, feats: RewriteFeatures, anchors: _Anchors) -> None:
        meta = DocMeta(doc.id, doc.published, doc.seq, doc.outlet)
        row = len(self._ids)
        self._ids.append(doc.id)
        self._row[doc.id] = row
        self._metas.append(meta)
        if row >= len(self._docvecs):  # amortised doubling
            self._docvecs = np.concatenate([self._docvecs, np.zeros_like(self._docvecs)])
        anchors.strings = {}  # readable strings are only needed for the doc being added
        self._docs[doc.id] = _Stored(meta, feats.spans, feats.vectors.astype(np.float16), anchors)
        if self._max_cached is not None:
            while len(self._docs) > self._max_cached:
                self._docs.popitem(last=False)
        vec = feats.doc_vector()
        if vec is None:
            return
        self._docvecs[row] = vec
        for table, key in zip(self._buckets, self._keys(vec)):
            table.setdefault(key, []).append(row)
        for q in anchors.quotes.tolist():
            self._by_quote.setdefault(q, []).append(row)

    def _prepare(self, doc: DupDoc, features: RewriteFeatures | None, keep_strings: bool) -> tuple[RewriteFeatures, _Anchors]:
        if features is None:
            features = self.features(doc)
        spans = np.asarray(features.spans, dtype=np.int32).reshape(-1, 2)
        vectors = np.asarray(features.vectors)
        if len(spans) != len(vectors) or (len(vectors) and vectors.shape[1] != DIM):
            raise InputError(doc.id, f"rewrite features do not match: {len(spans)} spans, vectors {vectors.shape}")
        if len(spans) and (spans.min() < 0 or spans.max() > len(doc.text)):
            raise InputError(doc.id, "rewrite feature spans fall outside the text; recompute the features")
        quotes = [" ".join(words(q)) for q in doc.quotes] if doc.quotes else quoted_passages(doc.text)
        features = RewriteFeatures(spans=spans, vectors=vectors)
        return features, _anchors(doc.text, spans, [q for q in quotes if q], keep_strings)

    def load(self, doc: DupDoc, features: RewriteFeatures) -> None:
        """Put a stored doc back in the index from cached ``features`` (no links are computed)."""
        if doc.id not in self._row:
            self._store(doc, *self._prepare(doc, features, keep_strings=False))

    def _get(self, doc_id: str) -> _Stored | None:
        stored = self._docs.get(doc_id)
        if stored is not None:
            self._docs.move_to_end(doc_id)
            return stored
        if self._loader is None:
            return None
        loaded = self._loader(doc_id)
        if loaded is None:
            return None
        doc, feats = loaded
        feats, anchors = self._prepare(doc, feats, keep_strings=False)
        stored = _Stored(self._metas[self._row[doc_id]], feats.spans, feats.vectors.astype(np.float16), anchors)
        self._docs[doc_id] = stored
        return stored

    def _candidates(self, vec: np.ndarray, quotes: np.ndarray) -> list[int]:
        rows: set[int] = set()
        for table, key in zip(self._buckets, self._keys(vec)):
            rows.update(table.get(key, ()))
        for q in quotes.tolist():
            posting = self._by_quote.get(q, ())
            if len(posting) <= 200:  # a stock phrase quoted everywhere is no evidence of copying
                rows.update(posting)
        if not rows:
            return []
        cand = np.fromiter(rows, dtype=np.int64, count=len(rows))
        cos = self._docvecs[cand] @ vec
        keep = cos >= self.doc_threshold
        cand, cos = cand[keep], cos[keep]
        order = np.lexsort((cand, -cos))[: self.max_candidates]
        return cand[order].tolist()

    # --- confirmation --------------------------------------------------------------------------

    def _confirm(self, new: _Stored, new_strings: dict[int, str], other: _Stored,
                 sim_new_other: np.ndarray) -> DuplicateLink | None:
        """Rewrite link between ``new`` and ``other`` or None; ``sim_new_other`` is their sentence cosines."""
        new_is_copy = is_earlier(other.meta, new.meta)
        copy, orig = (new, other) if new_is_copy else (other, new)
        sim = sim_new_other if new_is_copy else sim_new_other.T  # rows: copy sentences
        shorter = min(len(copy.spans), len(orig.spans))
        needed = max(self.min_pairs, self.min_coverage * shorter)
        hits = sim >= self.sentence_threshold
        # Cheap bound first: pairs can't outnumber the rows (or columns) with any hit.  Most candidates
        # (same topic, different story) stop here, before the O(m*n) alignment.
        if min(int(hits.any(axis=1).sum()), int(hits.any(axis=0).sum())) < needed:
            return None
        pairs = monotone_alignment(sim, self.sentence_threshold)
        if len(pairs) < needed:
            return None
        evidence: list[dict[str, Any]] = []
        anchored = 0
        for i, j, s in pairs:
            ci, oj = (i, j)
            shared_h = copy.anchors.per_sentence[ci] & orig.anchors.per_sentence[oj]
            anchored += bool(shared_h)
            evidence.append({
                "type": "sentence_pair",
                "copy_span": [int(x) for x in copy.spans[ci]],
                "original_span": [int(x) for x in orig.spans[oj]],
                "similarity": round(s, 4),
                "shared": sorted(new_strings.get(h, "") for h in shared_h),
            })
        if anchored / len(pairs) < self.min_anchored:
            return None
        coverage = len(pairs) / shorter

        def shared(kind: str) -> list[str]:
            mine, theirs = getattr(new.anchors, kind), getattr(other.anchors, kind)
            return sorted(new_strings.get(h, "") for h in np.intersect1d(mine, theirs).tolist())

        summary = {
            "type": "alignment",
            "aligned": len(pairs),
            "copy_sentences": len(copy.spans),
            "original_sentences": len(orig.spans),
            "coverage": round(coverage, 4),
            "mean_similarity": round(float(np.mean([p[2] for p in pairs])), 4),
            "anchored_share": round(anchored / len(pairs), 4),
            "shared_quotes": shared("quotes"),
            "shared_numbers": shared("figures"),
            "shared_names": shared("names"),
        }
        return make_link(new.meta, other.meta, "rewrite", min(1.0, coverage), [summary] + evidence)

    def add(self, doc: DupDoc, features: RewriteFeatures | None = None, skip: Iterable[str] = ()) -> list[DuplicateLink]:
        """Index ``doc``; return rewrite links with earlier-added docs (those in ``skip`` are not examined)."""
        if not isinstance(doc, DupDoc) or not isinstance(doc.text, str):
            raise InputError("RewriteFinder.add", f"expected a DupDoc with str text, got {type(doc).__name__}")
        if doc.id in self._row:
            return []
        feats, anchors = self._prepare(doc, features, keep_strings=True)
        strings = anchors.strings
        vec = feats.doc_vector()
        links: list[DuplicateLink] = []
        if vec is not None and self._ids:
            new = _Stored(DocMeta(doc.id, doc.published, doc.seq, doc.outlet), feats.spans,
                          feats.vectors.astype(np.float16), anchors)
            skip = set(skip)
            others = [self._get(self._ids[row]) for row in self._candidates(vec, anchors.quotes)
                      if self._ids[row] not in skip]
            links = self._confirm_all(new, strings, [o for o in others if o is not None])
        self._store(doc, feats, anchors)
        return sorted(links, key=DuplicateLink.sort_key)

    def _confirm_all(self, new: _Stored, strings: dict[int, str], others: list[_Stored]) -> list[DuplicateLink]:
        others = [o for o in others if len(o.spans)]
        if not others or not len(new.spans):
            return []
        # One matrix product for all candidates, on one BLAS thread: these products are small,
        # and waking BLAS threads on a busy machine made the layer 5-7x slower (measured).
        stacked = np.concatenate([o.vectors for o in others]).astype(np.float32)
        with _single_thread_blas():
            sims = new.vectors.astype(np.float32) @ stacked.T  # both float16-rounded: order-independent
        bounds = np.cumsum([0] + [len(o.spans) for o in others])
        links = []
        for k, other in enumerate(others):
            link = self._confirm(new, strings, other, sims[:, bounds[k] : bounds[k + 1]])
            if link is not None:
                links.append(link)
        return links

    # --- store-backed use (corpus/update.py): keys for a blocking table, candidates confirmed on demand --

    def blocking_keys(self, doc: DupDoc, features: RewriteFeatures) -> tuple[list[int], list[int]]:
        """``(band keys, quotation keys)`` of a doc: the same candidates as the in-memory index (a shared
        hyperplane-LSH band of the doc vector, or a shared quotation).  Empty for a doc without sentences."""
        feats, anchors = self._prepare(doc, features, keep_strings=False)
        vec = feats.doc_vector()
        if vec is None:
            return [], []
        bands = [blocking_key(b"r", struct.pack("<HQ", t, k)) for t, k in enumerate(self._keys(vec))]
        return bands, [blocking_key(b"q", struct.pack("<I", q)) for q in anchors.quotes.tolist()]

    def top_candidates(self, vec: np.ndarray, others: Sequence[tuple[str, np.ndarray]]) -> list[str]:
        """Ids of ``others`` (id, doc vector; in a deterministic order that breaks ties) whose article
        cosine with ``vec`` is >= ``doc_threshold``, most similar first, at most ``max_candidates``."""
        if not others:
            return []
        cos = np.stack([v for _, v in others]).astype(np.float32) @ vec.astype(np.float32)
        order = np.lexsort((np.arange(len(others)), -cos))
        return [others[i][0] for i in order if cos[i] >= self.doc_threshold][: self.max_candidates]

    def prepared(self, doc: DupDoc, features: RewriteFeatures) -> _Stored:
        """A candidate's comparison-ready form (vectors + specifics); callers may cache it (~30 KB)."""
        feats, anchors = self._prepare(doc, features, keep_strings=False)
        return _Stored(DocMeta(doc.id, doc.published, doc.seq, doc.outlet), feats.spans,
                       feats.vectors.astype(np.float16), anchors)

    def match(self, doc: DupDoc, features: RewriteFeatures, others: Sequence[_Stored]) -> list[DuplicateLink]:
        """Rewrite links between ``doc`` and each of ``others`` (selected candidates, from ``prepared``)."""
        feats, anchors = self._prepare(doc, features, keep_strings=True)
        new = _Stored(DocMeta(doc.id, doc.published, doc.seq, doc.outlet), feats.spans,
                      feats.vectors.astype(np.float16), anchors)
        return sorted(self._confirm_all(new, anchors.strings, list(others)), key=DuplicateLink.sort_key)
