"""Duplicate detection, second layer: rewrites (an article paraphrased sentence by sentence).

A rewrite keeps another article's structure and facts but changes the wording, often adding filler
sentences (and sometimes a factual slip), so shingles do not catch it.  Detection is in two steps:

1. **Candidates** (near-linear): each article gets a vector, the MiniLM embedding of its lead (the
   first ``lead_sentences`` kept sentences as one passage).  Random-hyperplane LSH (``tables`` x ``bits``
   SimHash bands) plus an inverted index of shared verbatim quotations give candidate pairs; those with
   lead cosine >= ``doc_threshold`` are kept (at most ``max_candidates``, most similar first), and of
   those below it that share a quotation (quoted by at most ``MAX_QUOTE_POSTINGS`` articles), the
   ``max_quote_candidates`` most similar: a rewrite whose lead was reworked still quotes its source and
   is about the same event, so it ranks high among the articles sharing its quotation.  Leads
   separate topics, not stories: two reports of the same event have cosine ~0.8-0.95 too, so the next
   steps decide.  Only articles published within ``window_days`` of each other are paired (either way;
   an undated article is paired with every date): the keys of the store-backed index are filed by
   publication week, so a lookup reads the weeks around the article instead of the whole corpus (a
   lead band is shared with a few per cent of a corpus whatever the dates, which made the candidate
   search grow with the corpus).
2. **Lexical gate** (cheap, no embeddings): the same monotone alignment as step 3 on word overlap (Dice
   of the sentences' content-word stems >= ``gate_dice``) must cover >= ``gate_coverage`` of the shorter
   article.  On MRPC, 98.8 % of the sentence pairs MiniLM puts at cosine >= 0.65 have stem Dice >= 0.4,
   so the gate (coverage 0.45 against step 3's 0.5) passes what step 3 would accept while sparing the
   sentence embeddings of every other pair: only articles in a pair that passes are embedded
   sentence by sentence, and only once (the store keeps the vectors).
3. **Confirmation** by monotone sentence alignment: a dynamic programme pairs sentences of the later
   article (copy) with sentences of the earlier one (original) with cosine >= ``sentence_threshold``,
   both sides in increasing order, maximising total similarity.  A rewrite needs >= ``min_pairs`` pairs
   covering >= ``min_coverage`` of the shorter article's sentences, and of the pairs whose two sentences
   both carry a specific (a capitalised name, a number or a quotation), >= ``min_anchored`` (and at least
   ``min_anchored_pairs``) must share one, so that two template articles about different subjects do not
   pass.  Pairs of generic sentences (no specific on one side) neither help nor hurt: a rewrite of an
   article with much generic prose is still anchored by the sentences that name things.  An independent
   report of the same event shares facts but not the sentence sequence: it aligns only a few
   sentences (typically < 25 %).

Thresholds (documented in docs/duplicates.md): sentence cosine 0.65 (MiniLM's best-accuracy
threshold on MRPC is ~0.675; paraphrased news sentences score 0.65-0.95), coverage 0.5.  Everything is
approximate: a rewrite that reorders paragraphs loses coverage, a rewrite whose lead was rewritten beyond
recognition is found only through a shared quotation, a paraphrase sharing almost no words with its source
fails the lexical gate, a rewrite published more than ``window_days`` after its source is not looked for,
and candidate truncation (``max_candidates``) can make results depend slightly on
add order in very dense topics.
"""
from __future__ import annotations

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

from storyline.blas import single_thread_blas
from storyline.corpus.duplicates import (DocMeta, DupDoc, DuplicateLink, blocking_key, day_number, is_earlier,
                                          make_link)
from storyline.errors import InputError
from storyline.corpus.paraphrase import _STOPWORDS, _fold
from storyline.text_utils import name_tokens, numbers, quoted_passages, sentence_spans, words

DIM = 384
MAX_QUOTE_POSTINGS = 200  # a quotation shared by more articles is a stock phrase, no evidence of copying
BUCKET_DAYS = 7  # the store files rewrite keys by publication week (``day // BUCKET_DAYS``)
UNDATED = -1  # the bucket of an article without a publication date


@dataclass
class RewriteFeatures:
    """Per-article data the rewrite layer needs: kept sentence spans, the lead vector and (once the
    article has been in a pair passing the lexical gate) the sentences' unit vectors.

    This is what a store caches (``to_bytes``/``from_bytes``) so that embeddings are computed once.
    ``spans`` are character offsets into ``DupDoc.text``; ``lead`` is a ``(384,)`` unit vector (None
    without kept sentences); ``vectors`` is ``(len(spans), 384)`` or None while not embedded.
    """

    spans: np.ndarray  # (k, 2) int32
    vectors: np.ndarray | None  # (k, 384) float32 or float16; None: sentences not embedded yet
    lead: np.ndarray | None = None  # (384,) float32

    @property
    def embedded(self) -> bool:
        return self.vectors is not None

    def doc_vector(self) -> np.ndarray | None:
        """The candidate-search vector (the lead's embedding), or None for an article without kept sentences."""
        if self.lead is None or not len(self.spans):
            return None
        return self.lead.astype(np.float32)

    def to_bytes(self) -> bytes:
        arrays = {"spans": self.spans.astype(np.int32)}
        if self.lead is not None:
            arrays["lead"] = self.lead.astype(np.float32)
        if self.vectors is not None:
            arrays["vectors"] = self.vectors.astype(np.float16)
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> RewriteFeatures:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                spans = npz["spans"]
                vectors = npz["vectors"] if "vectors" in npz.files else None
                lead = npz["lead"] if "lead" in npz.files else None
        except Exception as exc:  # numpy raises ValueError/OSError/KeyError/BadZipFile on bad data
            raise InputError("RewriteFeatures", f"cannot decode cached features ({exc}); recompute them") from exc
        if spans.ndim != 2 or (vectors is not None and (vectors.ndim != 2 or len(spans) != len(vectors))) \
                or (lead is not None and lead.shape != (DIM,)):
            raise InputError("RewriteFeatures", "cached features have inconsistent shapes; recompute them")
        return cls(spans=spans, vectors=vectors, lead=lead)


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


def _quote_item(quote: str) -> str:
    """A quotation as it stands among a sentence's specifics (and is hashed)."""
    return f"“{quote}”"


def _quote_hashes(quotes: Iterable[str]) -> np.ndarray:
    """Sorted uint32 hashes of quotations: the rewrite layer's quote index and blocking keys."""
    return np.array(sorted({_h(_quote_item(q)) for q in quotes}), dtype=np.uint32)


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
        items += [_quote_item(q) for q in quoted_passages(sent)]
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
    if keep_strings:
        strings.update({_h(_quote_item(q)): _quote_item(q) for q in quotes})

    def arr(xs: set[int]) -> np.ndarray:
        return np.array(sorted(xs), dtype=np.uint32)

    return _Anchors(per_sentence, strings, _quote_hashes(quotes), arr(names_h), arr(figures_h))


def _quote_texts(doc: DupDoc) -> list[str]:
    """The doc's quotations, word-normalised (the analysis's direct quotes, else quoted passages)."""
    quotes = [" ".join(words(q)) for q in doc.quotes] if doc.quotes else quoted_passages(doc.text)
    return [q for q in quotes if q]


@dataclass
class _Stems:
    """Content-word stems of each kept sentence, hashed: ``flat`` holds every sentence's stems one
    after the other, ``rows`` the sentence each belongs to, ``sizes`` the stems per sentence."""

    flat: np.ndarray  # uint32
    rows: np.ndarray  # int32
    sizes: np.ndarray  # int32


STEM_CHARS = 5  # "negotiators"/"negotiations" -> "negot": a crude, language-agnostic-ish stem


@functools.lru_cache(maxsize=1 << 16)
def _stem_hash(word: str) -> int | None:
    """Hashed stem of a casefolded word, None for stopwords and digits (the paraphrase module's
    content words, cut to ``STEM_CHARS``).  Cached: news vocabulary repeats, and this is per word."""
    if word in _STOPWORDS or word.isdigit():
        return None
    return _h(_fold(word)[:STEM_CHARS])


def _sentence_stems(text: str, spans: np.ndarray) -> _Stems:
    flat: list[int] = []
    rows: list[int] = []
    sizes: list[int] = []
    for row, (s, e) in enumerate(spans):
        stems = {h for w in words(text[s:e]) if (h := _stem_hash(w)) is not None}
        flat += stems
        rows += [row] * len(stems)
        sizes.append(len(stems))
    return _Stems(np.array(flat, dtype=np.uint32), np.array(rows, dtype=np.int32), np.array(sizes, dtype=np.int32))


def stem_dice(new: _Stems, others: Sequence[_Stems]) -> np.ndarray:
    """Dice overlap of every sentence of ``new`` with every sentence of ``others`` (stacked along the
    columns, in order): one small matrix product instead of a Python loop over sentence pairs."""
    vocab = np.unique(new.flat)
    total = sum(len(o.sizes) for o in others)
    if not len(new.sizes) or not total:
        return np.zeros((len(new.sizes), total), dtype=np.float32)
    mine = np.zeros((len(new.sizes), len(vocab)), dtype=np.float32)
    mine[new.rows, np.searchsorted(vocab, new.flat)] = 1.0
    theirs = np.zeros((total, len(vocab)), dtype=np.float32)
    offset = 0
    for o in others:
        cols = np.searchsorted(vocab, o.flat)
        inside = cols < len(vocab)
        hit = inside.copy()
        hit[inside] = vocab[cols[inside]] == o.flat[inside]
        theirs[o.rows[hit] + offset, cols[hit]] = 1.0
        offset += len(o.sizes)
    sizes = np.concatenate([o.sizes for o in others]).astype(np.float32)
    with single_thread_blas():
        inter = mine @ theirs.T
    denom = new.sizes.astype(np.float32)[:, None] + sizes[None, :]
    return np.where(denom > 0, 2 * inter / np.maximum(denom, 1), 0.0).astype(np.float32)


@dataclass
class _Stored:
    meta: DocMeta
    spans: np.ndarray
    vectors: np.ndarray | None  # float16 to halve memory; None until the sentences are embedded
    anchors: _Anchors
    stems: _Stems


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
    before.  Without ``features`` (or with features whose sentences are not embedded yet) the sentences
    are embedded with :func:`storyline.embed.get_embedder`: the in-memory index embeds every article;
    the store-backed path (:mod:`storyline.corpus.update`) embeds only articles passing the lexical gate.
    Memory: ~25 KB per article (float16 sentence vectors); pass ``loader`` (id -> ``(DupDoc,
    RewriteFeatures)`` or None) with ``max_cached`` to keep only recent articles in memory at scale.
    """

    def __init__(self, sentence_threshold: float = 0.65, min_coverage: float = 0.5, min_pairs: int = 4,
                 min_anchored: float = 0.5, doc_threshold: float = 0.8, min_sentence_words: int = 5,
                 max_sentences: int = 300, tables: int = 32, bits: int = 14, max_candidates: int = 50,
                 max_quote_candidates: int = 3,
                 lead_sentences: int = 8, gate_dice: float = 0.4, gate_coverage: float = 0.45,
                 min_anchored_pairs: int = 2, window_days: int = 14,
                 seed: int = 7, embedder: Any = None, max_cached: int | None = None,
                 loader: Callable[[str], tuple[DupDoc, RewriteFeatures] | None] | None = None):
        if not isinstance(window_days, int) or isinstance(window_days, bool) or window_days < 0:
            raise InputError("RewriteFinder", f"window_days must be a whole number of days >= 0, got {window_days!r}")
        self.sentence_threshold = sentence_threshold
        self.min_coverage = min_coverage
        self.min_pairs = min_pairs
        self.min_anchored = min_anchored
        self.min_anchored_pairs = min_anchored_pairs
        self.doc_threshold = doc_threshold
        self.lead_sentences = lead_sentences
        self.gate_dice = gate_dice
        self.gate_coverage = gate_coverage
        self.min_sentence_words = min_sentence_words
        self.max_sentences = max_sentences
        self.max_candidates = max_candidates
        self.max_quote_candidates = max_quote_candidates
        self.window_days = window_days  # 0: no limit
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
        self._days = np.full(1024, UNDATED, dtype=np.int64)  # per row: day_number of published, or UNDATED
        self._docs: OrderedDict[str, _Stored] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    # --- features ------------------------------------------------------------------------------

    def sentence_spans(self, text: str) -> np.ndarray:
        """Spans of the sentences used for alignment (>= ``min_sentence_words`` words; first ``max_sentences``)."""
        spans = [(s, e) for s, e in sentence_spans(text) if len(words(text[s:e])) >= self.min_sentence_words]
        return np.array(spans[: self.max_sentences], dtype=np.int32).reshape(-1, 2)

    def _encode(self, texts: list[str], max_tokens: int = 128, batch_size: int = 32) -> np.ndarray:
        if self._embedder is None:
            from storyline.embed import get_embedder

            self._embedder = get_embedder()
        return self._embedder.encode(texts, batch_size=batch_size, max_tokens=max_tokens)

    def features(self, doc: DupDoc) -> RewriteFeatures:
        """Sentence spans, lead vector and sentence vectors of one doc."""
        return self.features_many([doc])[0]

    def features_many(self, docs: Sequence[DupDoc], sentences: bool = True) -> list[RewriteFeatures]:
        """Features of many docs with batched embedding calls (much faster than one by one).

        ``sentences=False`` computes the spans and the lead vectors only (one passage per article,
        ~1/5 of the embedding work): what candidate search needs; :meth:`embed_many` adds the rest."""
        spans = [self.sentence_spans(d.text) for d in docs]
        # The lead passage: the model was trained on up to 256 word pieces, ~8 news sentences.
        leads_of = [i for i, sp in enumerate(spans) if len(sp)]
        # Batches of 8: attention over 256 pieces x 12 heads costs ~3 MB per passage in onnxruntime's arena.
        passages = [" ".join(docs[i].text[s:e] for s, e in spans[i][: self.lead_sentences]) for i in leads_of]
        leads = self._encode(passages, max_tokens=256, batch_size=8) if passages else np.zeros((0, DIM), np.float32)
        lead_by = dict(zip(leads_of, leads))
        out = [RewriteFeatures(spans=sp, vectors=None, lead=lead_by.get(i)) for i, sp in enumerate(spans)]
        return self.embed_many(docs, out) if sentences else out

    def embed_many(self, docs: Sequence[DupDoc], features: Sequence[RewriteFeatures]) -> list[RewriteFeatures]:
        """``features`` with the sentence vectors filled in (one batched call for all docs missing them)."""
        todo = [k for k, f in enumerate(features) if f.vectors is None]
        sentences = [docs[k].text[s:e] for k in todo for s, e in features[k].spans]
        vectors = self._encode(sentences) if sentences else np.zeros((0, DIM), dtype=np.float32)
        out, at = list(features), 0
        for k in todo:
            n = len(features[k].spans)
            out[k] = RewriteFeatures(spans=features[k].spans, vectors=vectors[at : at + n], lead=features[k].lead)
            at += n
        return out

    # --- index ---------------------------------------------------------------------------------

    def _keys(self, vec: np.ndarray) -> list[int]:
        bits = (vec @ self._planes > 0).reshape(-1, self.bits)
        return (bits @ self._powers).tolist()

    def _store(self, stored: _Stored, doc_vec: np.ndarray | None) -> None:
        row = len(self._ids)
        self._ids.append(stored.meta.id)
        self._row[stored.meta.id] = row
        self._metas.append(stored.meta)
        if row >= len(self._docvecs):  # amortised doubling
            self._docvecs = np.concatenate([self._docvecs, np.zeros_like(self._docvecs)])
            self._days = np.concatenate([self._days, np.full_like(self._days, UNDATED)])
        day = day_number(stored.meta.published)
        self._days[row] = UNDATED if day is None else day
        stored.anchors.strings = {}  # readable strings are only needed for the doc being added
        self._docs[stored.meta.id] = stored
        if self._max_cached is not None:
            while len(self._docs) > self._max_cached:
                self._docs.popitem(last=False)
        if doc_vec is None:
            return
        self._docvecs[row] = doc_vec
        for table, key in zip(self._buckets, self._keys(doc_vec)):
            table.setdefault(key, []).append(row)
        for q in stored.anchors.quotes.tolist():
            self._by_quote.setdefault(q, []).append(row)

    def _checked(self, doc: DupDoc, features: RewriteFeatures | None, embed: bool) -> RewriteFeatures:
        """``features`` validated against ``doc`` (computed when None; sentences embedded if ``embed``)."""
        if features is None:
            return self.features_many([doc], sentences=embed)[0]
        spans = np.asarray(features.spans, dtype=np.int32).reshape(-1, 2)
        vectors = None if features.vectors is None else np.asarray(features.vectors)
        if vectors is not None and (len(spans) != len(vectors) or (len(vectors) and vectors.shape[1] != DIM)):
            raise InputError(doc.id, f"rewrite features do not match: {len(spans)} spans, vectors {vectors.shape}")
        if len(spans) and (spans.min() < 0 or spans.max() > len(doc.text)):
            raise InputError(doc.id, "rewrite feature spans fall outside the text; recompute the features")
        features = RewriteFeatures(spans=spans, vectors=vectors, lead=features.lead)
        if len(spans) and features.lead is None:  # cached before leads existed: add it (no sentence work)
            features.lead = self.features_many([doc], sentences=False)[0].lead
        return self.embed_many([doc], [features])[0] if embed else features

    def complete(self, doc: DupDoc, features: RewriteFeatures) -> RewriteFeatures:
        """``features`` checked against ``doc``, with the lead vector added if it was cached without one."""
        return self._checked(doc, features, embed=False)

    def _prepare(self, doc: DupDoc, features: RewriteFeatures | None, keep_strings: bool,
                 embed: bool = True) -> tuple[_Stored, np.ndarray | None]:
        """The comparison-ready form of ``doc`` and its candidate-search vector."""
        features = self._checked(doc, features, embed)
        anchors = _anchors(doc.text, features.spans, _quote_texts(doc), keep_strings)
        vectors = None if features.vectors is None else features.vectors.astype(np.float16)
        stored = _Stored(DocMeta(doc.id, doc.published, doc.seq, doc.outlet), features.spans, vectors, anchors,
                         _sentence_stems(doc.text, features.spans))
        return stored, features.doc_vector()

    def load(self, doc: DupDoc, features: RewriteFeatures) -> None:
        """Put a stored doc back in the index from cached ``features`` (no links are computed; sentences
        not embedded yet are embedded now: the in-memory index keeps every article comparable)."""
        if doc.id not in self._row:
            self._store(*self._prepare(doc, features, keep_strings=False))

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
        stored, _vec = self._prepare(*loaded, keep_strings=False)
        stored.meta = self._metas[self._row[doc_id]]
        self._docs[doc_id] = stored
        return stored

    def in_window(self, day: int | None, other: int | None) -> bool:
        """Whether two articles (``day_number`` of their dates, None when undated) may be paired."""
        return not self.window_days or day is None or other is None or abs(day - other) <= self.window_days

    def _candidates(self, vec: np.ndarray, quotes: np.ndarray, day: int | None) -> list[int]:
        def inside(rows: Iterable[int]) -> list[int]:
            rows = list(rows)
            if not self.window_days or day is None or not rows:
                return rows
            days = self._days[rows]
            keep = (days == UNDATED) | (np.abs(days - day) <= self.window_days)
            return [r for r, k in zip(rows, keep.tolist()) if k]

        rows: set[int] = set()
        for table, key in zip(self._buckets, self._keys(vec)):
            rows.update(inside(table.get(key, ())))
        quoted: set[int] = set()
        for q in quotes.tolist():
            posting = inside(self._by_quote.get(q, ()))  # a stock phrase within the window
            if len(posting) <= MAX_QUOTE_POSTINGS:
                quoted.update(posting)
        rows |= quoted
        if not rows:
            return []
        cand = np.fromiter(sorted(rows), dtype=np.int64, count=len(rows))  # ties: earlier added first
        is_quoted = np.isin(cand, np.fromiter(quoted, dtype=np.int64, count=len(quoted)))
        return cand[self._pick(self._docvecs[cand] @ vec, is_quoted)].tolist()

    def _pick(self, cos: np.ndarray, quoted: np.ndarray) -> list[int]:
        """Indices of the candidates kept (step 1), given their lead cosines and whether each shares a
        quotation; ties go to the lower index.  Both candidate paths (in-memory, store) use this."""
        order = np.lexsort((np.arange(len(cos)), -cos)).tolist()
        above = [i for i in order if cos[i] >= self.doc_threshold][: self.max_candidates]
        below = [i for i in order if cos[i] < self.doc_threshold and quoted[i]][: self.max_quote_candidates]
        return above + below

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
        anchored = anchorable = 0
        for i, j, s in pairs:
            ci, oj = (i, j)
            mine, theirs = copy.anchors.per_sentence[ci], orig.anchors.per_sentence[oj]
            shared_h = mine & theirs
            anchored += bool(shared_h)
            anchorable += bool(mine) and bool(theirs)
            evidence.append({
                "type": "sentence_pair",
                "copy_span": [int(x) for x in copy.spans[ci]],
                "original_span": [int(x) for x in orig.spans[oj]],
                "similarity": round(s, 4),
                "shared": sorted(new_strings.get(h, "") for h in shared_h),
            })
        if anchored < self.min_anchored_pairs or anchored / max(1, anchorable) < self.min_anchored:
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
            "anchored_share": round(anchored / max(1, anchorable), 4),
            "anchorable_pairs": anchorable,
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
        new, vec = self._prepare(doc, features, keep_strings=True)
        strings = new.anchors.strings
        links: list[DuplicateLink] = []
        if vec is not None and self._ids:
            skip = set(skip)
            others = [self._get(self._ids[row]) for row in self._candidates(vec, new.anchors.quotes,
                                                                          day_number(doc.published))
                      if self._ids[row] not in skip]
            links = self._confirm_all(new, strings, [o for o in others if o is not None])
        self._store(new, vec)
        return sorted(links, key=DuplicateLink.sort_key)

    def gate(self, new: _Stored, others: Sequence[_Stored]) -> list[_Stored]:
        """The ``others`` whose lexical alignment with ``new`` could make a rewrite (step 2; no vectors)."""
        others = [o for o in others if len(o.spans)]
        if not others or not len(new.spans):
            return []
        dice = stem_dice(new.stems, [o.stems for o in others])
        bounds = np.cumsum([0] + [len(o.spans) for o in others])
        kept = []
        for k, other in enumerate(others):
            sim = dice[:, bounds[k] : bounds[k + 1]]
            needed = max(self.min_pairs, self.gate_coverage * min(sim.shape))
            hits = sim >= self.gate_dice
            if min(int(hits.any(axis=1).sum()), int(hits.any(axis=0).sum())) < needed:
                continue  # the cheap bound: most same-topic candidates stop here
            if len(monotone_alignment(sim, self.gate_dice)) >= needed:
                kept.append(other)
        return kept

    def _confirm_all(self, new: _Stored, strings: dict[int, str], others: list[_Stored]) -> list[DuplicateLink]:
        others = self.gate(new, others)
        if not others:
            return []
        if new.vectors is None or any(o.vectors is None for o in others):
            raise InputError(new.meta.id, "rewrite confirmation needs embedded sentences (RewriteFinder.embed_many)")
        # One matrix product for all candidates, on one BLAS thread: these products are small,
        # and waking BLAS threads on a busy machine made the layer 5-7x slower (measured).
        stacked = np.concatenate([o.vectors for o in others]).astype(np.float32)
        with single_thread_blas():
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
        """``(band keys, quotation keys)`` a store files ``doc`` under: the same candidates as the
        in-memory index (a shared hyperplane-LSH band of the lead vector, or a shared quotation), filed
        under the doc's publication week.  Empty for a doc without sentences."""
        day = day_number(doc.published)
        bands, quotes = self.lookup_keys(doc, features, [UNDATED if day is None else day // BUCKET_DAYS])
        return bands, list(quotes)

    def lookup_buckets(self, day: int | None, span: tuple[int, int] | None) -> list[int]:
        """The week buckets holding every article that may pair with one published on ``day`` (None:
        undated): the weeks within ``window_days`` of it, or every week of ``span`` (the first and last
        day_number of the store's dated articles; None: no dated article) when the doc is undated or
        the window unlimited, and the undated bucket."""
        if day is not None and self.window_days:
            first, last = day - self.window_days, day + self.window_days
        elif span is not None:
            first, last = span
        else:
            return [UNDATED]
        return list(range(first // BUCKET_DAYS, last // BUCKET_DAYS + 1)) + [UNDATED]

    def lookup_keys(self, doc: DupDoc, features: RewriteFeatures,
                    buckets: Sequence[int]) -> tuple[list[int], dict[int, int]]:
        """``(band keys, {quotation key: quotation hash})`` of ``doc`` in each of ``buckets`` (see
        :meth:`lookup_buckets`); the quotation hash lets a caller count a quotation's articles across
        weeks.  Empty for a doc without sentences."""
        vec = self._checked(doc, features, embed=False).doc_vector()
        if vec is None:
            return [], {}
        keys = self._keys(vec)
        quotes = _quote_hashes(_quote_texts(doc)).tolist()
        bands = [blocking_key(b"R", struct.pack("<HQq", t, k, b)) for b in buckets for t, k in enumerate(keys)]
        return bands, {blocking_key(b"Q", struct.pack("<Iq", q, b)): q for b in buckets for q in quotes}

    def top_candidates(self, vec: np.ndarray, others: Sequence[tuple[str, np.ndarray]],
                       quoted: Iterable[str] = ()) -> list[str]:
        """Ids of ``others`` (id, doc vector; in a deterministic order that breaks ties) whose lead
        cosine with ``vec`` is >= ``doc_threshold`` (most similar first, at most ``max_candidates``),
        then the ``max_quote_candidates`` most similar of those below it that share a quotation with it
        (``quoted``: a rewrite whose lead was reworked, e.g. a paragraph added up front, still quotes
        its source)."""
        if not others:
            return []
        quoted = set(quoted)
        cos = np.stack([v for _, v in others]).astype(np.float32) @ vec.astype(np.float32)
        return [others[i][0] for i in self._pick(cos, np.array([o[0] in quoted for o in others], dtype=bool))]

    def prepared(self, doc: DupDoc, features: RewriteFeatures, keep_strings: bool = False) -> _Stored:
        """A doc's comparison-ready form (specifics, stems, vectors if embedded); callers may cache it."""
        return self._prepare(doc, features, keep_strings=keep_strings, embed=False)[0]

    def with_vectors(self, stored: _Stored, features: RewriteFeatures) -> _Stored:
        """``stored`` with the sentence vectors of ``features`` (embedded for it after the gate)."""
        if features.vectors is None or len(features.vectors) != len(stored.spans):
            raise InputError(stored.meta.id, "sentence vectors do not match the prepared sentences")
        return _Stored(stored.meta, stored.spans, features.vectors.astype(np.float16), stored.anchors, stored.stems)

    def match(self, new: _Stored, others: Sequence[_Stored]) -> list[DuplicateLink]:
        """Rewrite links between ``new`` (from ``prepared(..., keep_strings=True)``) and each of ``others``
        (selected candidates, from ``prepared``); all of them embedded (:meth:`with_vectors`)."""
        return sorted(self._confirm_all(new, new.anchors.strings, list(others)), key=DuplicateLink.sort_key)
