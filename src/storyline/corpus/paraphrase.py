"""Sentence-pair similarity: "do these two sentences say the same thing?"

One matcher serves two callers: :func:`score_pairs` (the ``storyline paraphrase`` command) and claim
alignment across the articles of a story (:mod:`storyline.corpus.claims`).  A pair's score is a
probability computed from similarity features (:data:`FEATURES`):

* the cosine of the two sentences' MiniLM embeddings (:mod:`storyline.embed`),
* word, content-word, word-bigram, word-trigram and character-trigram Jaccard overlaps, word
  containment and the longest common word subsequence,
* the share and count of content words one side has and the other lacks,
* number agreement (number words such as "two" count as 2) and capitalised-name agreement,
* length ratio and difference.

The model is a logistic regression over these features and their pairwise products; its weights
(``storyline/data/paraphrase_model.json``, plain JSON, no pickle) were fitted on the MRPC training
pairs only; ``docs/compare.md`` says how and gives the cross-validated accuracy.
MRPC pairs all overlap lexically, so the model is best at telling close paraphrases from near misses;
scores on unrelated sentences are low, as they should be, but not calibrated there.
"""
from __future__ import annotations

import difflib
import functools
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from storyline.errors import InputError, ModelNotInstalledError
from storyline.text_utils import name_tokens, normalize, words

MODEL_FILE = "paraphrase_model.json"

# Features, in the order the weights expect them.
FEATURES = (
    "cosine", "word_jaccard", "content_jaccard", "bigram_jaccard", "char3_jaccard", "unmatched_max",
    "unmatched_min", "number_agreement", "number_conflict", "name_agreement", "length_ratio",
    "lcs_ratio", "trigram_jaccard", "log_length_diff", "word_containment", "log_unmatched_max",
    "log_unmatched_min", "number_subset", "name_difference",
)

_STOPWORDS = frozenset(
    """a an the and or but if of in on at to for from by with without as is are was were be been being has have
    had do does did will would shall should can could may might must it its this that these those there here
    he she they we you i his her their our your my me him them us who whom which what when where why how
    not no so than then too very just also into over under about after before up down out off again more most
    such only own same other some any each few both all said says say""".split()
)

# Number words -> digits, so "two-hour call" and "over two hours" share the figure 2.
_NUMBER_WORDS = {
    w: str(i) for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split())
}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                      "eighty": "80", "ninety": "90", "hundred": "100", "dozen": "12"})
_SCALE_WORDS = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
_FIGURE_RE = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)*)(?:\s*(%|percent|per cent))?(?:\s+(thousand|million|billion|trillion))?",
    re.IGNORECASE)


def figures(text: str) -> set[str]:
    """Figures in ``text`` as canonical strings: "1,200" -> "1200", "2.5 billion" -> "2500000000", "two" -> "2".

    Percent signs are kept ("5%") so that 5% and 5 points stay apart.  Approximate: ordinal and
    compound number words ("twenty-five") are not parsed beyond their parts.
    """
    out: set[str] = set()
    for m in _FIGURE_RE.finditer(text):
        raw = m.group(1).replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        if m.group(3):
            value *= _SCALE_WORDS[m.group(3).lower()]
        canon = f"{value:.6f}".rstrip("0").rstrip(".")
        out.add(canon + ("%" if m.group(2) else ""))
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _NUMBER_WORDS:
            out.add(_NUMBER_WORDS[w])
    return out


def content_words(text: str) -> set[str]:
    """Casefolded words minus stopwords, with a crude plural/-ed/-ing fold so "talks" meets "talk"."""
    return {_fold(w) for w in words(text) if w not in _STOPWORDS and not w.isdigit()}


def _fold(w: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def _jaccard(a: set, b: set, empty: float = 1.0) -> float:
    if not a and not b:
        return empty
    return len(a & b) / len(a | b)


def _char3(text: str) -> set[str]:
    s = normalize(text)
    return {s[i : i + 3] for i in range(max(0, len(s) - 2))}


@dataclass(frozen=True)
class Lexical:
    """The per-sentence parts of the features, computed once per sentence."""

    tokens: tuple[str, ...]
    words: frozenset[str]
    content: frozenset[str]
    bigrams: frozenset[str]
    char3: frozenset[str]
    figures: frozenset[str]
    names: frozenset[str]
    length: int

    @classmethod
    def of(cls, text: str) -> Lexical:
        toks = words(text)
        return cls(tuple(toks), frozenset(toks), frozenset(content_words(text)),
                   frozenset(f"{x} {y}" for x, y in zip(toks, toks[1:])), frozenset(_char3(text)),
                   frozenset(figures(text)), frozenset(name_tokens(text)), len(toks))


def pair_features(cos: float, a: Lexical, b: Lexical) -> list[float]:
    """The feature vector (in :data:`FEATURES` order) of one pair; symmetric in ``a`` and ``b``."""
    ca, cb = set(a.content), set(b.content)
    un_a = len(ca - cb) / len(ca) if ca else 0.0
    un_b = len(cb - ca) / len(cb) if cb else 0.0
    conflict = 1.0 if a.figures and b.figures and a.figures != b.figures else 0.0
    matcher = difflib.SequenceMatcher(None, a.tokens, b.tokens, autojunk=False)
    common = sum(block.size for block in matcher.get_matching_blocks())
    wa, wb = set(a.words), set(b.words)
    return [
        float(cos), _jaccard(wa, wb), _jaccard(ca, cb), _jaccard(set(a.bigrams), set(b.bigrams), 0.0),
        _jaccard(set(a.char3), set(b.char3)), max(un_a, un_b), min(un_a, un_b),
        _jaccard(set(a.figures), set(b.figures)), conflict, _jaccard(set(a.names), set(b.names)),
        min(a.length, b.length) / max(a.length, b.length, 1),
        common / max(a.length, b.length, 1), _jaccard(_trigrams(a.tokens), _trigrams(b.tokens), 0.0),
        math.log1p(abs(a.length - b.length)), len(wa & wb) / max(min(len(wa), len(wb)), 1),
        math.log1p(max(len(ca - cb), len(cb - ca))), math.log1p(min(len(ca - cb), len(cb - ca))),
        1.0 if a.figures <= b.figures or b.figures <= a.figures else 0.0,
        float(len(a.names ^ b.names)),
    ]


def _trigrams(tokens: tuple[str, ...]) -> set[tuple[str, ...]]:
    return {tokens[i : i + 3] for i in range(len(tokens) - 2)}


@dataclass(frozen=True)
class PairModel:
    """Logistic regression over standardised features and their pairwise products (degree 2).

    ``z = (x - mean) / scale``; ``q = [z, z_i * z_j for i <= j]`` (scikit-learn's PolynomialFeatures
    order); ``p = sigmoid(intercept + coef . (q - mean2) / scale2)``.
    """

    mean: np.ndarray
    scale: np.ndarray
    mean2: np.ndarray
    scale2: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    info: dict

    def expand(self, feats: np.ndarray) -> np.ndarray:
        z = (feats - self.mean) / self.scale
        n = z.shape[1]
        cols = [z] + [z[:, i : i + 1] * z[:, i:] for i in range(n)]
        return (np.hstack(cols) - self.mean2) / self.scale2

    def probabilities(self, feats: np.ndarray) -> np.ndarray:
        feats = np.asarray(feats, dtype=np.float64)
        if len(feats) == 0:
            return np.zeros(0)
        logits = self.intercept + self.expand(feats.reshape(len(feats), -1)) @ self.coef
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))

    def probability(self, feats: Sequence[float]) -> float:
        return float(self.probabilities(np.asarray([feats], dtype=np.float64))[0])


@functools.lru_cache(maxsize=1)
def load_model() -> PairModel:
    """The shipped weights (``storyline/data/paraphrase_model.json``)."""
    try:
        data = json.loads(resources.files("storyline.data").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        raise ModelNotInstalledError(f"storyline/data/{MODEL_FILE} is missing or unreadable ({exc}); "
                                     "reinstall storyline") from exc
    if list(data.get("features", [])) != list(FEATURES):
        raise ModelNotInstalledError(f"storyline/data/{MODEL_FILE} was fitted for other features; reinstall storyline")
    arrays = {k: np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "mean2", "scale2", "coef")}
    n = len(FEATURES)
    if arrays["coef"].shape != (n + n * (n + 1) // 2,) or data.get("degree") != 2:
        raise ModelNotInstalledError(f"storyline/data/{MODEL_FILE} has unexpected shapes; reinstall storyline")
    info = {k: v for k, v in data.items() if k not in arrays}
    return PairModel(**arrays, intercept=float(data["intercept"]), threshold=float(data.get("threshold", 0.5)),
                     info=info)


def label(score: float, threshold: float | None = None) -> int:
    """1 (paraphrase) when ``score`` reaches the model's threshold (0.5 unless the weights say otherwise)."""
    return 1 if score >= (load_model().threshold if threshold is None else threshold) else 0


Encoder = Callable[[Sequence[str]], np.ndarray]


def _default_encoder(texts: Sequence[str]) -> np.ndarray:
    from storyline.embed import get_embedder

    return get_embedder().encode(list(texts))


class PairScorer:
    """Scores sentence pairs; embeds and analyses each distinct sentence once (cached across calls).

    ``encode`` defaults to the shared MiniLM embedder; tests may pass another function returning
    L2-normalised row vectors.
    """

    def __init__(self, encode: Encoder | None = None, model: PairModel | None = None):
        self._encode = encode or _default_encoder
        self.model = model or load_model()
        self._vectors: dict[str, np.ndarray] = {}
        self._lexical: dict[str, Lexical] = {}

    def prepare(self, texts: Iterable[str]) -> None:
        """Embed every text not seen yet, in one batch."""
        todo = sorted({t for t in texts if t not in self._vectors})
        if todo:
            vecs = self._encode(todo)
            for t, v in zip(todo, vecs):
                self._vectors[t] = np.asarray(v, dtype=np.float32)

    def vector(self, text: str) -> np.ndarray:
        self.prepare([text])
        return self._vectors[text]

    def lexical(self, text: str) -> Lexical:
        lex = self._lexical.get(text)
        if lex is None:
            lex = self._lexical[text] = Lexical.of(text)
        return lex

    def features(self, a: str, b: str, cos: float | None = None) -> list[float]:
        if cos is None:
            cos = float(self.vector(a) @ self.vector(b))
        return pair_features(cos, self.lexical(a), self.lexical(b))

    def score(self, a: str, b: str, cos: float | None = None) -> float:
        return self.model.probability(self.features(a, b, cos))

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        _check_pairs(pairs)
        self.prepare(t for pair in pairs for t in pair)
        feats = np.asarray([self.features(a, b) for a, b in pairs], dtype=np.float64)
        return [float(p) for p in self.model.probabilities(feats)]


def _check_pairs(pairs: Sequence[tuple[str, str]]) -> None:
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
            raise InputError("score_pairs", f"pair {i} is not a pair of strings: {pair!r:.80}")


def score_pairs(pairs: Sequence[tuple[str, str]], scorer: PairScorer | None = None) -> list[float]:
    """Paraphrase probability (0..1) of each ``(a, b)`` pair; :func:`label` turns one into 0/1."""
    return (scorer or PairScorer()).score_pairs(list(pairs))


def read_pairs_jsonl(lines: Iterable[str], name: str = "PAIRS.jsonl") -> list[dict]:
    """``{"id","a","b"}`` records from JSON lines; a bad line raises InputError naming the line."""
    from storyline.sources.base import json_object_lines

    out = []
    for n, rec in json_object_lines(lines, name, line_prefix=""):
        if not isinstance(rec.get("a"), str) or not isinstance(rec.get("b"), str):
            raise InputError(f"{name}#{n}", "needs string fields \"a\" and \"b\" (and an \"id\")")
        out.append({"id": rec.get("id", n), "a": rec["a"], "b": rec["b"]})
    return out
