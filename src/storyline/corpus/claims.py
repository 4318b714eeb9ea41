"""Claims: the sentences of a story's articles, aligned across outlets by meaning.

* :func:`article_claims` splits one article into sentence-level claims.  Spans are offsets into the
  article's *input text* (``article.offsets.span_to_input`` of the clean-text sentence), and a claim's
  ``text`` is exactly ``input_text[start:end]``, so every claim can be cited.  A claim is *reported*
  when a stored quote (direct or reported speech) covers a good part of it, and then carries that
  quote's speaker; otherwise it is in the outlet's own voice.
* :func:`align_claims` groups claims of different articles that say the same thing, using the
  paraphrase matcher of :mod:`storyline.corpus.paraphrase` (embedding cosine plus word, number and name
  overlap), so "a phone conversation lasting over two hours" meets "the two-hour call".  A group never
  holds two claims of one article.
* :func:`omissions`: claims most sources carry (at least two, and a majority) that one source lacks.

Approximate: sentence splitting is rule-based (:func:`storyline.text_utils.sentence_spans`), a claim is
a whole sentence (a sentence holding two facts is one claim), and alignment is greedy single-link with
the one-claim-per-article constraint, so a chain of near matches can join loosely related sentences.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storyline.corpus.paraphrase import PairScorer
from storyline.errors import InputError
from storyline.records import Article, Quote
from storyline.text_utils import sentence_spans, words

# Alignment threshold on the matcher's probability.  Lower than the paraphrase label threshold (0.5):
# two outlets' sentences about one fact are usually looser than MRPC paraphrases (one adds a clause, the
# other a qualifier).  Set by hand on synthetic stories and checked on the seed rewrite pair; documented.
ALIGN_THRESHOLD = 0.4
# Only pairs whose embedding cosine reaches this are scored in full (keeps alignment near-linear).
CANDIDATE_COSINE = 0.4
CANDIDATES_PER_ARTICLE = 3
MIN_CLAIM_WORDS = 4
REPORTED_OVERLAP = 0.4  # share of a sentence a quote must cover for the sentence to count as reported


@dataclass
class Claim:
    """One sentence of one article.  ``start``/``end`` index the article's input text."""

    article: str
    index: int  # position among the article's claims
    start: int
    end: int
    text: str
    source: str  # outlet, or the article id when the outlet is unknown
    voice: str = "own"  # "own" | "reported"
    speaker: str | None = None
    published: str | None = None

    @property
    def id(self) -> str:
        return f"{self.article}@{self.start}-{self.end}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "article": self.article, "source": self.source, "span": [self.start, self.end],
                "text": self.text, "voice": self.voice, "speaker": self.speaker}


@dataclass
class ClaimGroup:
    """Claims of different articles aligned as saying the same thing (a singleton is a one-source claim)."""

    id: str
    claims: list[Claim]
    scores: dict[tuple[str, str], float] = field(default_factory=dict)  # (claim id, claim id) -> match score

    @property
    def articles(self) -> list[str]:
        return sorted({c.article for c in self.claims})

    @property
    def sources(self) -> list[str]:
        return sorted({c.source for c in self.claims})

    @property
    def lead(self) -> Claim:
        """The claim shown for the group: the earliest article's (by published date, then position)."""
        return min(self.claims, key=lambda c: (c.published or "9999", c.article, c.index))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.lead.text, "sources": self.sources, "articles": self.articles,
                "claims": [c.to_dict() for c in self.claims]}


def source_of(article_id: str, outlet: str | None) -> str:
    return outlet.strip() if outlet and outlet.strip() else article_id


def _quote_fields(q: Quote | Mapping[str, Any]) -> tuple[int, int, str | None]:
    if isinstance(q, Quote):
        return q.start, q.end, q.speaker
    return int(q["start"]), int(q["end"]), q.get("speaker")


def article_claims(article: Article, input_text: str, quotes: Iterable[Quote | Mapping[str, Any]] = (),
                   min_words: int = MIN_CLAIM_WORDS) -> list[Claim]:
    """Sentence claims of ``article`` with spans into ``input_text`` (see the module docstring).

    Sentences shorter than ``min_words`` words (datelines, bylines, captions of one name) are skipped.
    """
    if not isinstance(input_text, str):
        raise InputError(article.id, "article_claims needs the article's input text as a string")
    spans = [_quote_fields(q) for q in quotes]
    source = source_of(article.id, article.outlet)
    out: list[Claim] = []
    for cs, ce in sentence_spans(article.text or ""):
        s, e = article.offsets.span_to_input(cs, ce)
        text = input_text[s:e]
        if len(words(text)) < min_words or not any(ch.isalpha() for ch in text):
            continue
        claim = Claim(article.id, len(out), s, e, text, source, published=article.published)
        _set_voice(claim, spans)
        out.append(claim)
    return out


def _set_voice(claim: Claim, quotes: Sequence[tuple[int, int, str | None]]) -> None:
    """Reported when one quote covers REPORTED_OVERLAP of the sentence; speaker of the best-covering quote."""
    best, best_cover = None, 0
    for qs, qe, speaker in quotes:
        cover = min(qe, claim.end) - max(qs, claim.start)
        if cover > best_cover:
            best, best_cover = speaker, cover
    if best_cover >= REPORTED_OVERLAP * max(1, claim.end - claim.start):
        claim.voice, claim.speaker = "reported", best


def align_claims(claims: Sequence[Claim], scorer: PairScorer | None = None, threshold: float = ALIGN_THRESHOLD,
                 candidate_cosine: float = CANDIDATE_COSINE) -> list[ClaimGroup]:
    """Group claims of different articles that say the same thing.

    Pairs are scored with the paraphrase matcher; pairs at or above ``threshold`` are merged greedily,
    best first, never putting two claims of one article in a group.  Every claim ends in exactly one
    group.  Groups are ordered by their first claim (article order of first appearance, then position)
    and numbered ``c1, c2, ...``; output is deterministic for a given input.
    """
    claims = list(claims)
    scorer = scorer or PairScorer()
    edges = scored_pairs(claims, scorer, candidate_cosine)
    parent = list(range(len(claims)))
    members: dict[int, set[int]] = {i: {i} for i in range(len(claims))}
    arts: dict[int, set[str]] = {i: {c.article} for i, c in enumerate(claims)}
    kept: dict[tuple[int, int], float] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for score, i, j in edges:
        if score < threshold:
            break
        ri, rj = root(i), root(j)
        if ri == rj or arts[ri] & arts[rj]:
            continue
        parent[rj] = ri
        members[ri] |= members.pop(rj)
        arts[ri] |= arts.pop(rj)
        kept[(i, j)] = score
    return _number_groups(claims, [sorted(m) for m in members.values()], kept)


def scored_pairs(claims: Sequence[Claim], scorer: PairScorer, candidate_cosine: float = CANDIDATE_COSINE,
                 per_article: int = CANDIDATES_PER_ARTICLE) -> list[tuple[float, int, int]]:
    """``(score, i, j)`` for claim pairs of different articles worth scoring, best first.

    A pair is scored when its cosine reaches ``candidate_cosine`` and it is among the ``per_article`` most
    similar claims of the other article for either side: a claim can join one claim per article, so
    the rest would only cost time (the matcher's lexical features run in Python).
    """
    if len(claims) < 2:
        return []
    scorer.prepare(c.text for c in claims)
    vecs = np.stack([scorer.vector(c.text) for c in claims])
    cos = vecs @ vecs.T
    art = np.array([c.article for c in claims])
    keep = np.zeros(cos.shape, dtype=bool)
    for a in np.unique(art):
        cols = np.flatnonzero(art == a)
        block = cos[:, cols]
        k = min(per_article, len(cols))
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        keep[np.arange(len(claims))[:, None], cols[top]] = True
    keep |= keep.T
    ii, jj = np.nonzero(np.triu(keep & (cos >= candidate_cosine), k=1) & (art[:, None] != art[None, :]))
    edges = [(scorer.score(claims[i].text, claims[j].text, float(cos[i, j])), int(i), int(j)) for i, j in zip(ii, jj)]
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    return edges


def _number_groups(claims: Sequence[Claim], groups: list[list[int]], kept: dict[tuple[int, int], float]
                   ) -> list[ClaimGroup]:
    order = {}
    for c in claims:
        order.setdefault(c.article, len(order))
    groups.sort(key=lambda g: min((order[claims[i].article], claims[i].index) for i in g))
    out = []
    for n, g in enumerate(groups, 1):
        members = sorted((claims[i] for i in g), key=lambda c: (order[c.article], c.index))
        scores = {(claims[i].id, claims[j].id): s for (i, j), s in kept.items() if i in g}
        out.append(ClaimGroup(f"c{n}", members, scores))
    return out


def omissions(groups: Sequence[ClaimGroup], sources: Iterable[str]) -> list[dict[str, Any]]:
    """Claims carried by at least two sources and a majority of ``sources``, with the sources lacking them.

    ``sources`` are all sources of the story (outlets, or article ids for unknown outlets).  A copy and
    its original count as two sources here; callers wanting independent sources pass those only.
    """
    everyone = sorted(set(sources))
    out = []
    for g in groups:
        have = set(g.sources) & set(everyone)
        if len(have) >= 2 and len(have) * 2 > len(everyone):
            missing = [s for s in everyone if s not in have]
            if missing:
                out.append({"group": g.id, "text": g.lead.text, "carried_by": sorted(have), "missing_from": missing})
    return out
