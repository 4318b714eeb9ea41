"""Duplicate detection, first layer: exact and near copies (and the hook for the rewrite layer).

* **exact**: same text after :func:`storyline.text_utils.normalize` (casefold, punctuation and whitespace
  ignored), found through a hash table.
* **near**: Jaccard similarity of word 5-shingle sets >= ``threshold`` (0.5).  Candidates come from a
  MinHash LSH index (datasketch, 128 permutations); each candidate is then checked on the *exact*
  Jaccard of the shingle sets when both texts are known, else on the MinHash estimate (+-0.05 at 128
  permutations), so the LSH's false positives never become links.
* **rewrite**: delegated to an optional second layer (:class:`storyline.corpus.rewrites.RewriteFinder`)
  with the same ``add`` contract; pairs already linked as exact/near are not re-examined there.

Every pair is linked at most once, with the strongest kind (exact > near > rewrite).  The *original* of
a pair is the doc published first (see :func:`is_earlier`), so the set of links does not depend on the
order in which documents are added.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import struct
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.errors import InputError
from storyline.text_utils import content_hash, shingle_hashes

if TYPE_CHECKING:  # avoid importing the rewrite layer (and numpy-heavy embeddings) unless used
    from storyline.corpus.rewrites import RewriteFinder

Kind = Literal["exact", "near", "rewrite"]
KIND_RANK = {"exact": 0, "near": 1, "rewrite": 2}

_SIG_MAGIC = b"SLMH"
_SIG_VERSION = 1
_SCHEME = "affine32"
_EMPTY_HASH = bytes.fromhex(content_hash(""))  # datasketch's 32-bit MinHash scheme: 4 bytes per permutation


@functools.lru_cache(maxsize=16)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) for ``threshold``; cached because finding them takes ~40 ms."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def blocking_key(tag: bytes, *parts: bytes) -> int:
    """A 64-bit signed key (what the store's ``dup_keys`` table holds) for one LSH band or hash.

    ``tag`` separates key families (exact hash, MinHash band, rewrite band, quotation): equal keys of
    different families are a 2**-64 accident, and candidates are always confirmed afterwards."""
    digest = hashlib.blake2b(tag + b"".join(parts), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def near_evidence(hv: np.ndarray, other_hv: np.ndarray, shingles: np.ndarray | None = None,
                  other_shingles: np.ndarray | None = None) -> tuple[float, dict[str, Any]]:
    """Score and evidence of a near-duplicate candidate pair: the exact Jaccard of the shingle sets
    when both are given, else the MinHash estimate (standard error ~0.04 at 0.5, 128 permutations)."""
    estimated = float(np.mean(other_hv == hv))
    evidence: dict[str, Any] = {"type": "shingles", "estimated_jaccard": round(estimated, 4)}
    score = estimated
    if shingles is not None and other_shingles is not None and len(shingles):
        shared = len(np.intersect1d(shingles, other_shingles, assume_unique=True))
        union = len(shingles) + len(other_shingles) - shared
        score = shared / union if union else 0.0
        evidence.update(jaccard=round(score, 4), shared_shingles=shared,
                        containment=round(shared / min(len(shingles), len(other_shingles)), 4))
    return score, evidence


@dataclass
class DupDoc:
    """What the duplicate finder needs of an article.  ``seq`` is the ingest order (ties on dates)."""

    id: str
    text: str
    published: str | None = None  # "YYYY-MM-DD" or ISO datetime
    seq: int = 0
    outlet: str | None = None
    quotes: list[str] = field(default_factory=list)  # quotation texts, if already extracted


@dataclass
class DuplicateLink:
    """``copy`` duplicates ``original`` (which was published first).  ``score`` is in [0, 1].

    ``evidence`` is a list of dicts, each with a ``type``: ``"hash"`` (exact), ``"shingles"`` (near),
    ``"alignment"`` and ``"sentence_pair"`` (rewrite; spans are character offsets into ``DupDoc.text``).
    """

    copy: str
    original: str
    kind: Kind
    score: float
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sort_key(self) -> tuple:
        return (KIND_RANK[self.kind], self.original, self.copy)


@dataclass(frozen=True)
class DocMeta:
    """The ordering facts of a stored doc (kept in memory for every doc)."""

    id: str
    published: str | None
    seq: int
    outlet: str | None = None


def _split_published(published: str | None) -> tuple[str, str] | None:
    """``(date, time)`` of a published value; time is "" when absent.  Approximate: no timezones."""
    if not published or not isinstance(published, str) or len(published) < 10:
        return None
    return published[:10], published[11:19] if len(published) > 11 else ""


def day_number(published: str | None) -> int | None:
    """The proleptic ordinal of a published value's date (``date.toordinal``), None without a readable
    date.  Approximate like :func:`is_earlier`: the date as written, no timezones."""
    parts = _split_published(published)
    if parts is None:
        return None
    try:
        return dt.date.fromisoformat(parts[0]).toordinal()
    except ValueError:
        return None


def is_earlier(a: DocMeta, b: DocMeta) -> bool:
    """True when ``a`` counts as published before ``b`` (so ``a`` is the original of the pair).

    Dates are compared when both are known, times only when both carry one (timezones are ignored:
    approximate); otherwise, and on ties, the lower ``seq`` (ingest order) wins, then the smaller id.
    The decision depends on the two docs only, which makes link directions independent of add order.
    """
    pa, pb = _split_published(a.published), _split_published(b.published)
    if pa and pb:
        if pa[0] != pb[0]:
            return pa[0] < pb[0]
        if pa[1] and pb[1] and pa[1] != pb[1]:
            return pa[1] < pb[1]
    if a.seq != b.seq:
        return a.seq < b.seq
    return a.id < b.id


def make_link(a: DocMeta, b: DocMeta, kind: Kind, score: float, evidence: list[dict[str, Any]]) -> DuplicateLink:
    """A link between ``a`` and ``b`` pointing from the later doc to the earlier one."""
    original, copy = (a, b) if is_earlier(a, b) else (b, a)
    return DuplicateLink(copy=copy.id, original=original.id, kind=kind, score=round(float(score), 4),
                         evidence=evidence)


def _check_doc(doc: DupDoc) -> None:
    if not isinstance(doc, DupDoc):
        raise InputError("duplicates", f"expected a DupDoc, got {type(doc).__name__}")
    if not isinstance(doc.id, str) or not doc.id:
        raise InputError("duplicates", "a DupDoc needs a non-empty string id")
    if not isinstance(doc.text, str):
        raise InputError(doc.id, f"DupDoc.text must be str, got {type(doc.text).__name__}")


class DuplicateFinder:
    """Incremental exact/near duplicate index (plus an optional rewrite layer).

    ``add(doc)`` compares ``doc`` with every doc added or loaded before and returns the new links
    (amortised O(1) per doc: one hash lookup, one LSH query, a few candidate checks).  A store persists
    ``signature(doc)`` (exact hash + MinHash, ~530 bytes) and rebuilds the index with ``load`` without
    re-reading texts.  Re-adding a known id returns no links.
    """

    def __init__(self, threshold: float = 0.5, num_perm: int = 128, shingle_size: int = 5,
                 min_words: int = 10, seed: int = 1, rewrites: RewriteFinder | None = None):
        if not 0.0 < threshold <= 1.0:
            raise InputError("DuplicateFinder", f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.min_words = min_words  # shorter texts are too generic for near matching
        self.seed = seed
        self.rewrites = rewrites
        self._permutations = MinHash(num_perm=num_perm, seed=seed, scheme=_SCHEME).permutations
        self._lsh = MinHashLSH(num_perm=num_perm, params=_lsh_params(threshold, num_perm))
        self._meta: dict[str, DocMeta] = {}
        self._by_hash: dict[bytes, list[str]] = {}
        self._hashvalues: dict[str, np.ndarray] = {}
        self._shingles: dict[str, np.ndarray] = {}  # exact shingle sets, when the text is known

    def __len__(self) -> int:
        return len(self._meta)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._meta

    # --- signatures ----------------------------------------------------------------------------

    def _minhash(self, hashvalues: np.ndarray) -> MinHash:
        return MinHash(num_perm=self.num_perm, seed=self.seed, hashvalues=hashvalues,
                       permutations=self._permutations, scheme=_SCHEME)

    def _compute(self, text: str) -> tuple[bytes, np.ndarray | None, np.ndarray]:
        """(exact hash, MinHash values or None when too short, shingle hash set)."""
        shingles = shingle_hashes(text, self.shingle_size)
        return bytes.fromhex(content_hash(text)), self._hashvalues_of(shingles), shingles

    def _hashvalues_of(self, shingles: np.ndarray) -> np.ndarray | None:
        """MinHash values of a shingle set, or None when the text is too short for near matching."""
        if len(shingles) + self.shingle_size - 1 < self.min_words:
            return None
        m = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=int, permutations=self._permutations,
                    scheme=_SCHEME)
        m.update_batch(shingles.tolist())
        return m.hashvalues.astype(np.uint32)

    def signature(self, doc: DupDoc) -> bytes:
        """Bytes to persist for ``doc``: exact-text hash and MinHash values (empty MinHash if too short)."""
        _check_doc(doc)
        exact, hv, _ = self._compute(doc.text)
        return self._pack(exact, hv)

    def _pack(self, exact: bytes, hv: np.ndarray | None) -> bytes:
        n = 0 if hv is None else len(hv)
        head = _SIG_MAGIC + struct.pack("<BHI", _SIG_VERSION, n, self.seed)
        return head + exact + (b"" if hv is None else hv.astype("<u4").tobytes())

    def blocking_keys(self, signature: bytes) -> tuple[int, list[int]]:
        """``(exact key, band keys)`` of a signature for a store-backed index: two docs share a band key
        exactly when datasketch's LSH (same bands x rows) would make them candidates."""
        exact, hv = self.unpack("signature", signature)
        bands: list[int] = []
        if hv is not None:
            b, r = _lsh_params(self.threshold, self.num_perm)
            raw = hv.astype("<u4")
            bands = [blocking_key(b"m", struct.pack("<H", i), raw[i * r:(i + 1) * r].tobytes()) for i in range(b)]
        return blocking_key(b"x", exact), bands

    @staticmethod
    def is_empty(exact: bytes) -> bool:
        """An empty text's hash: an empty text is nobody's duplicate."""
        return exact == _EMPTY_HASH

    def unpack(self, doc_id: str, signature: bytes) -> tuple[bytes, np.ndarray | None]:
        """``(exact-text hash, MinHash values or None)`` of a stored signature (InputError if foreign)."""
        return self._unpack(doc_id, signature)

    def _unpack(self, doc_id: str, signature: bytes) -> tuple[bytes, np.ndarray | None]:
        head = len(_SIG_MAGIC) + struct.calcsize("<BHI")
        if not isinstance(signature, (bytes, bytearray, memoryview)) or bytes(signature[:4]) != _SIG_MAGIC:
            raise InputError(doc_id, "not a duplicate signature (wrong magic); recompute it with DuplicateFinder.signature")
        version, n, seed = struct.unpack("<BHI", bytes(signature[4:head]))
        if version != _SIG_VERSION or seed != self.seed or n not in (0, self.num_perm):
            raise InputError(doc_id, f"signature made with other settings (version {version}, seed {seed}, "
                                     f"{n} permutations); recompute it with DuplicateFinder.signature")
        body = bytes(signature[head:])
        if len(body) != 16 + 4 * n:
            raise InputError(doc_id, "truncated duplicate signature; recompute it with DuplicateFinder.signature")
        hv = np.frombuffer(body[16:], dtype="<u4").astype(np.uint32) if n else None
        return body[:16], hv

    # --- index ---------------------------------------------------------------------------------

    def _index(self, meta: DocMeta, exact: bytes, hv: np.ndarray | None, shingles: np.ndarray | None) -> None:
        self._meta[meta.id] = meta
        if exact != _EMPTY_HASH:  # an empty text is nobody's duplicate
            self._by_hash.setdefault(exact, []).append(meta.id)
        if hv is not None:
            self._hashvalues[meta.id] = hv
            self._lsh.insert(meta.id, self._minhash(hv), check_duplication=False)
        if shingles is not None and len(shingles):
            self._shingles[meta.id] = shingles

    def load(self, doc_id: str, signature: bytes, published: str | None = None, seq: int = 0,
             outlet: str | None = None, text: str | None = None) -> None:
        """Put a stored doc back in the index from its ``signature`` (no links are computed).

        Without ``text``, near matches against this doc are judged on the MinHash estimate only.
        """
        if doc_id in self._meta:
            return
        exact, hv = self._unpack(doc_id, signature)
        shingles = shingle_hashes(text, self.shingle_size) if text is not None else None
        self._index(DocMeta(doc_id, published, seq, outlet), exact, hv, shingles)

    def _near_links(self, meta: DocMeta, hv: np.ndarray, shingles: np.ndarray, skip: set[str]) -> list[DuplicateLink]:
        links = []
        for other in self._lsh.query(self._minhash(hv)):
            if other in skip or other == meta.id:
                continue
            score, evidence = near_evidence(hv, self._hashvalues[other], shingles, self._shingles.get(other))
            if score >= self.threshold:
                links.append(make_link(meta, self._meta[other], "near", score, [evidence]))
        return links

    def add(self, doc: DupDoc, signature: bytes | None = None, **rewrite_kwargs: Any) -> list[DuplicateLink]:
        """Index ``doc`` and return its links with the docs already indexed (sorted, strongest first).

        ``signature`` may be passed when the caller already computed it (the text is still needed for
        exact Jaccard checks).  Extra keyword arguments go to the rewrite layer's ``add`` (e.g. cached
        sentence ``features``).
        """
        _check_doc(doc)
        if doc.id in self._meta:
            return []
        meta = DocMeta(doc.id, doc.published, doc.seq, doc.outlet)
        if signature is not None:  # the MinHash is in the signature: only the shingles are needed
            exact, hv = self._unpack(doc.id, signature)
            shingles = shingle_hashes(doc.text, self.shingle_size)
        else:
            exact, hv, shingles = self._compute(doc.text)
        links: list[DuplicateLink] = []
        if exact != _EMPTY_HASH:
            for other in self._by_hash.get(exact, []):
                links.append(make_link(meta, self._meta[other], "exact", 1.0,
                                       [{"type": "hash", "normalized_hash": exact.hex()}]))
        linked = {lk.original if lk.copy == doc.id else lk.copy for lk in links}
        if hv is not None:
            links += self._near_links(meta, hv, shingles, linked)
            linked |= {lk.original if lk.copy == doc.id else lk.copy for lk in links}
        self._index(meta, exact, hv, shingles)
        if self.rewrites is not None:
            links += self.rewrites.add(doc, skip=linked, **rewrite_kwargs)
        return sorted(links, key=DuplicateLink.sort_key)


def find_duplicates(docs: Iterable[DupDoc], threshold: float = 0.5, rewrites: bool | RewriteFinder = False,
                    **finder_kwargs: Any) -> list[DuplicateLink]:
    """All duplicate links among ``docs`` (batch use), sorted by kind, original, copy.

    ``rewrites=True`` adds the rewrite layer with default settings (needs the embedding model; sentence
    vectors are computed for all docs in one batch first); pass a ``RewriteFinder`` to configure it.
    Docs are added in (date, seq) order, which gives the same links as any other order.
    """
    docs = list(docs)
    for doc in docs:
        _check_doc(doc)
    layer = None
    features: dict[str, Any] = {}
    if rewrites is not False and rewrites is not None:  # (an empty RewriteFinder is falsy: has __len__)
        from storyline.corpus.rewrites import RewriteFinder

        layer = rewrites if isinstance(rewrites, RewriteFinder) else RewriteFinder()
        features = dict(zip((d.id for d in docs), layer.features_many(docs)))
    finder = DuplicateFinder(threshold=threshold, rewrites=layer, **finder_kwargs)
    links: list[DuplicateLink] = []
    for doc in sorted(docs, key=lambda d: (_split_published(d.published) or ("9999", ""), d.seq, d.id)):
        extra = {"features": features[doc.id]} if layer is not None else {}
        links += finder.add(doc, **extra)
    return sorted(links, key=DuplicateLink.sort_key)
