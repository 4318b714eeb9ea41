"""Cheap per-article features for story grouping.

Two channels are extracted from an article:

* ``lexical``: content words (lower-cased, stop words dropped, a crude suffix strip) - what *kind* of
  event the article is about ("escape", "rehab", "earthquake").
* ``specific``: what tells two look-alike events apart - proper nouns (given entities, else capitalised
  tokens that are not sentence-initial and never seen lower-cased in the same article), numbers, and
  three-word shingles of quoted speech.

Everything here is heuristic and language-specific (English).  A capitalised-token "entity" is only an
approximation of NER: it misses lower-case names and catches some capitalised common words; the
lower-case test removes most of the latter.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

Vector = dict[str, float]

# Small English stop list: function words plus news filler that carries no event identity.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told according one two three new would may
    might must shall us mr mrs ms dr st yet still even however since per via around among upon
    s t don didn doesn isn wasn weren won wouldn couldn shouldn ve ll re m d""".split()
)

# Capitalised words that start clauses or name calendar units; not names of people or places.
# Weekdays/months stay in the lexical channel (they help a little) but are not "specific".
_CAPITAL_NOISE = frozenset(
    """the a an he she it they we i you his her its their our this that these those there here when
    where what who why how but and or if in on at for from by with after before as while during
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december mr mrs ms dr sir""".split()
)

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\u2019\-]*[A-Za-z]|[A-Za-z]|\d[\d,.:/\-]*\d|\d")
# A capital right after one of these (ignoring spaces) starts a sentence, clause or quote.
_INITIAL_AFTER = frozenset(".!?:;\"\u201c\u201d\u2018\u2019([\n")
# Straight or curly double quotes; single quotes are too ambiguous with apostrophes.
_QUOTE_RE = re.compile(r"[\u201c\"]([^\u201c\u201d\"\n]{12,400})[\u201d\"]")

Token = tuple[str, bool, int]  # (token, sentence/line/quote-initial, line number)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Very light suffix stripping so 'escapes'/'escaped'/'escaping' share a feature (approximate)."""
    for suffix, keep in (("ies", 4), ("ing", 5), ("ed", 4), ("es", 4), ("s", 4)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep - 1 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _normalise_token(tok: str) -> str:
    tok = tok.replace("\u2019", "'")
    if tok.endswith("'s"):
        tok = tok[:-2]
    return tok.strip("'-")


def tokenize(text: str) -> list[Token]:
    """Tokens with an 'initial' flag (capitals there say nothing about names) and their line number."""
    out: list[Token] = []
    line = 0
    last_end = 0
    for m in _WORD_RE.finditer(text):
        gap = text[last_end : m.start()]
        line += gap.count("\n")
        stripped = gap.rstrip(" \t")
        # Only spaces since the last token (or none): the previous character is a word character.
        initial = m.start() == 0 or (bool(stripped) and stripped[-1] in _INITIAL_AFTER)
        last_end = m.end()
        tok = _normalise_token(m.group(0))
        if tok:
            out.append((tok, initial, line))
    return out


def _title_lines(text: str) -> set[int]:
    """Headline-style lines capitalise most words; their capitals are not evidence of a name."""
    out = set()
    for i, line in enumerate(text.split("\n")):
        words = [w for w in re.findall(r"[A-Za-z]+", line) if len(w) > 3]
        if len(words) >= 3 and sum(1 for w in words if w[0].isupper()) / len(words) > 0.6:
            out.add(i)
    return out


def lexical_terms(text: str, tokens: list[Token] | None = None) -> Counter[str]:
    counts: Counter[str] = Counter()
    for tok, _, _ in tokens if tokens is not None else tokenize(text):
        low = tok.lower()
        if low in STOP_WORDS or low[0].isdigit() or len(low) < 2:
            continue
        counts[stem(low)] += 1
    return counts


def proper_nouns(text: str, tokens: list[Token] | None = None) -> Counter[str]:
    """Capitalised tokens that are not sentence-initial and never appear lower-cased in this text."""
    tokens = tokens if tokens is not None else tokenize(text)
    lowered_seen = {t.lower() for t, _, _ in tokens if t[:1].islower()}
    titles = _title_lines(text)
    counts: Counter[str] = Counter()
    for tok, initial, line in tokens:
        if initial or line in titles or not tok[:1].isupper() or len(tok) < 2:
            continue
        low = tok.lower()
        if low in _CAPITAL_NOISE or low in STOP_WORDS or low in lowered_seen:
            continue
        counts[low] += 1
    return counts


def numbers(text: str, tokens: list[Token] | None = None) -> Counter[str]:
    """Numbers as written (commas dropped).  Ages, tolls, magnitudes, years all tell events apart."""
    counts: Counter[str] = Counter()
    for tok, _, _ in tokens if tokens is not None else tokenize(text):
        if tok[0].isdigit():
            counts[tok.replace(",", "").rstrip(".")] += 1
    return counts


def quote_shingles(text: str, size: int = 3) -> Counter[str]:
    counts: Counter[str] = Counter()
    for m in _QUOTE_RE.finditer(text):
        words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", m.group(1))]
        for i in range(len(words) - size + 1):
            counts[" ".join(words[i : i + size])] += 1
    return counts


def specific_terms(text: str, entities: Iterable[tuple[str, str]] | None = None,
                   tokens: list[Token] | None = None) -> Counter[str]:
    """Prefixed 'specific' features: e: entity, n: number, q: quote shingle."""
    tokens = tokens if tokens is not None else tokenize(text)
    counts: Counter[str] = Counter()
    given = list(entities or [])
    if given:
        for name, _type in given:
            name = name.strip().lower()
            if name:
                counts["e:" + name] += 1
                # Surnames and single tokens let 'Reid' meet 'Tara Reid'.
                for part in name.split():
                    if part not in STOP_WORDS and len(part) > 1:
                        counts["e:" + part] += 1
    else:
        for tok, c in proper_nouns(text, tokens).items():
            counts["e:" + tok] += c
    for tok, c in numbers(text, tokens).items():
        counts["n:" + tok] += c
    for sh, c in quote_shingles(text).items():
        counts["q:" + sh] += c
    return counts


def extract(text: str, entities: Iterable[tuple[str, str]] | None = None) -> tuple[Counter[str], Counter[str]]:
    """(lexical, specific) features of one text, tokenising it once."""
    tokens = tokenize(text)
    return lexical_terms(text, tokens), specific_terms(text, entities, tokens)


def tfidf(counts: Mapping[str, int], df: Mapping[str, int], n_docs: int) -> Vector:
    """Sublinear tf times smoothed idf, L2-normalised.  Unseen terms get the idf of a df=1 term."""
    vec: Vector = {}
    for term, c in counts.items():
        idf = math.log((1 + n_docs) / (1 + df.get(term, 0))) + 1.0
        vec[term] = (1.0 + math.log(c)) * idf
    return normalise(vec)


def normalise(vec: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm == 0:
        return {}
    return {k: v / norm for k, v in vec.items()}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def add_into(acc: dict[str, float], vec: Mapping[str, float], scale: float = 1.0) -> None:
    for k, v in vec.items():
        acc[k] = acc.get(k, 0.0) + scale * v
