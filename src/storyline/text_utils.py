"""Small text helpers shared by several stages (no spaCy: these must stay fast and dependency-free).

* :func:`normalize` / :func:`content_hash` — a casefolded, punctuation- and whitespace-insensitive form of
  a text and its hash (used for exact-duplicate detection).
* :func:`words` / :func:`shingles` — word tokens and word n-gram shingles.
* :func:`sentence_spans` — a rule-based sentence splitter returning character spans into the input.
* :func:`quoted_passages`, :func:`numbers`, :func:`name_tokens` — cheap "specifics" (quotations, figures,
  capitalised names) used as evidence that two texts talk about the same facts.

Everything here is approximate by design: the splitter knows common English abbreviations only, and
:func:`name_tokens` is a capitalisation heuristic, not named-entity recognition.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable

import numpy as np

Span = tuple[int, int]

_WORD_RE = re.compile(r"\w+", re.UNICODE)

# Abbreviations after which a period does not end a sentence (lower-cased, without the period).
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep pres rev hon fr
    inc ltd co corp bros dept est approx vs etc al fig no nos vol pp ed eds jan feb mar apr jun jul aug
    sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m""".split()
)

# A sentence may end at . ! ? (optionally followed by closing quotes/brackets), then whitespace, then
# something that can start a sentence (capital, digit, opening quote or bracket).
_BOUNDARY_RE = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«(\[]?[A-Z0-9])""")


def normalize(text: str) -> str:
    """Casefolded text with punctuation removed and whitespace collapsed (NFKC first).

    Two texts that differ only in case, punctuation, quote style or spacing normalise to the same string.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD_RE.findall(text))


def content_hash(text: str) -> str:
    """Hex digest (128-bit BLAKE2b) of :func:`normalize` ``(text)``."""
    return hashlib.blake2b(normalize(text).encode("utf-8"), digest_size=16).hexdigest()


def words(text: str) -> list[str]:
    """Casefolded word tokens (``\\w+`` after NFKC)."""
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(tokens: list[str], k: int = 5) -> list[str]:
    """Word k-shingles (space-joined).  A text shorter than ``k`` words yields one shingle of all its words."""
    if not tokens:
        return []
    if len(tokens) < k:
        return [" ".join(tokens)]
    return [" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]


def shingle_hashes(text: str, k: int = 5) -> np.ndarray:
    """Sorted unique 32-bit CRC32 hashes of the word k-shingles of ``text`` (uint32 array).

    CRC32 is stable across processes (unlike ``hash()``), so signatures built from it can be stored.
    Collisions at 32 bits are rare enough not to matter for Jaccard estimates.
    """
    hs = [zlib.crc32(s.encode("utf-8")) for s in shingles(words(text), k)]
    return np.unique(np.asarray(hs, dtype=np.uint32))


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes a known abbreviation or a single initial ("J. Smith")."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    token = text[start:dot].lower()
    if not token:
        return False
    if len(token) == 1 and token.isalpha():
        return True  # an initial
    return token in _ABBREVIATIONS


def sentence_spans(text: str) -> list[Span]:
    """Character spans of sentences in ``text`` (rule-based, no model).

    Newlines always end a sentence (news bodies keep one paragraph per line; titles and captions stay
    separate).  Inside a line, a sentence ends at ``.``/``!``/``?`` (plus closing quotes) followed by a
    space and a capital, digit or opening quote, unless the period closes a common abbreviation or an
    initial.  Spans are stripped of surrounding whitespace; empty spans are dropped.
    """
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in _BOUNDARY_RE.finditer(line.group()):
            end = line.start() + m.end()
            if text[line.start() + m.start()] == "." and _is_abbreviation(text, line.start() + m.start()):
                continue
            spans.append((start, end))
            start = end
        spans.append((start, line.end()))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


_QUOTE_RE = re.compile(r"""“([^”]{3,600})”|"([^"\n]{3,600})"|«([^»]{3,600})»""")


def quoted_passages(text: str, min_words: int = 3) -> list[str]:
    """Normalised passages between double quotes with at least ``min_words`` words."""
    out = []
    for m in _QUOTE_RE.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        norm = normalize(inner)
        if len(norm.split()) >= min_words:
            out.append(norm)
    return out


_NUMBER_RE = re.compile(r"(?<![\w.])\d[\d,.]*\d|\b\d\b")


def numbers(text: str) -> set[str]:
    """Figures in ``text`` with separators removed ("1,200" -> "1200"); single digits included."""
    return {m.group().replace(",", "").rstrip(".") for m in _NUMBER_RE.finditer(text)}


_CAP_RE = re.compile(r"\b[A-Z][\w'’-]*[a-z][\w'’-]*|\b[A-Z]{2,}\b")
_STOP_CAPS = frozenset(
    """the a an and but or if in on at of for to by with from as this that these those it its he she
    they we i you his her their our my your there here when while after before however meanwhile
    also then so yet still despite although though since because during monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august september
    october november december mr mrs ms dr president minister""".split()
)


_OPENERS = "\"“‘«(["


def _opens_sentence(text: str, pos: int) -> bool:
    """True when the word at ``pos`` starts the text, a line, a sentence or a quotation."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] == "\n" or text[i] in _OPENERS:
        return True
    if i < pos - 1:  # there was a space: look at what ends the previous word
        j = i
        while j >= 0 and text[j] in "\"'”’)]":
            j -= 1
        if j >= 0 and text[j] in ".!?:":
            return not (text[j] == "." and _is_abbreviation(text, j))
    return False


def name_tokens(text: str) -> set[str]:
    """Casefolded capitalised words that look like parts of names (a heuristic, not NER).

    Sentence-initial words are skipped (their capital says nothing); callers wanting names per sentence
    should intersect the sentence's words with the names of the whole text.
    Capitalised function words, weekdays, months and titles are dropped so that two unrelated texts do
    not share "names" like "The" or "Monday".  Possessive endings are stripped ("Kyiv's" -> "kyiv").
    """
    out = set()
    for m in _CAP_RE.finditer(text):
        if _opens_sentence(text, m.start()):
            continue  # capitalised only because it opens a sentence: not evidence of a name
        tok = re.sub(r"['’]s$", "", m.group()).casefold()
        if tok not in _STOP_CAPS and len(tok) > 1:
            out.add(tok)
    return out


def overlap(a: Iterable[str], b: Iterable[str]) -> set[str]:
    """Intersection of two iterables of strings, as a set."""
    return set(a) & set(b)
