"""Contradictions between claims of different articles about the same story.

Checked between *aligned* claims (:func:`storyline.corpus.claims.align_claims`), each finding with
both spans (offsets into each article's input text) and a confidence in 0..1:

* ``number``: one figure where the other has another ("12 people" / "15 people").
* ``date``: a different weekday, day of the month or year.
* ``negation``: one claim negates what the other asserts ("did not sign" / "signed").
* ``speaker``: the same words attributed to different speakers.
* ``role``: one person given different titles ("President X" / "former President X").  Titles are a
  property of the person, not of one sentence, so this check runs over every pair of claims of different
  articles naming the same person, aligned or not.

Confidence reflects how often such a difference is a real conflict rather than a looser wording:
a "former" dropped or added before the same title is rarely innocent (0.9); a different figure with the
same unit in otherwise matching sentences is strong (up to 0.85); weekdays, speakers (attribution is
heuristic) and negations in loosely matching sentences stay below :data:`HIGH_CONFIDENCE`.
All of it is surface-level: no paraphrase of negation ("refused" vs "agreed"), no arithmetic on ranges.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.corpus.claims import Claim, ClaimGroup
from storyline.corpus.paraphrase import _FIGURE_RE, _NUMBER_WORDS, _SCALE_WORDS, _fold, content_words

HIGH_CONFIDENCE = 0.8
Span = tuple[int, int]


@dataclass
class Contradiction:
    kind: str  # number | date | role | negation | speaker
    a: Claim
    b: Claim
    a_span: Span  # input-text offsets in a.article
    b_span: Span  # input-text offsets in b.article
    a_value: str
    b_value: str
    confidence: float

    @property
    def high(self) -> bool:
        return self.confidence >= HIGH_CONFIDENCE

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "confidence": round(self.confidence, 3),
                "a": {"article": self.a.article, "source": self.a.source, "claim": [self.a.start, self.a.end],
                      "span": list(self.a_span), "value": self.a_value},
                "b": {"article": self.b.article, "source": self.b.source, "claim": [self.b.start, self.b.end],
                      "span": list(self.b_span), "value": self.b_value}}


def text_claim(text: str, article: str = "a", speaker: str | None = None, source: str | None = None) -> Claim:
    """A claim made from a bare sentence (spans are offsets into ``text``): for tests and ad-hoc checks."""
    return Claim(article, 0, 0, len(text), text, source or article, "reported" if speaker else "own", speaker)


# --- small surface analyses --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Item:
    value: str
    start: int  # offsets inside the claim text
    end: int
    unit: str = ""


_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d)$")
_NEXT_WORD_RE = re.compile(r"[\s-]*([A-Za-z]+)")


def _figure_items(text: str) -> list[_Item]:
    """Figures with their spans and the word after them (the unit); years and days of dates are left to
    the date check."""
    dates = [(m.start(), m.end()) for m in _DAY_MONTH_RE.finditer(text)]
    out = []
    for m in _FIGURE_RE.finditer(text):
        raw = m.group(1).replace(",", "")
        if (_YEAR_RE.match(raw) and not m.group(2)) or any(s <= m.start() < e for s, e in dates):
            continue
        try:
            value = float(raw) * (_SCALE_WORDS[m.group(3).lower()] if m.group(3) else 1)
        except ValueError:
            continue
        canon = f"{value:.6f}".rstrip("0").rstrip(".") + ("%" if m.group(2) else "")
        out.append(_Item(canon, m.start(), m.end(), _unit_after(text, m.end())))
    for m in re.finditer(r"\b[A-Za-z]+\b", text):
        w = m.group().lower()
        if w in _NUMBER_WORDS:
            out.append(_Item(_NUMBER_WORDS[w], m.start(), m.end(), _unit_after(text, m.end())))
    return out


def _unit_after(text: str, pos: int) -> str:
    m = _NEXT_WORD_RE.match(text, pos)
    word = m.group(1).lower() if m else ""
    if word in {"of", "more", "less", "fewer", "additional", "other", "new"}:  # "5 more people": look one further
        m2 = _NEXT_WORD_RE.match(text, m.end()) if m else None
        word = m2.group(1).lower() if m2 else word
    return _fold(word) if word.endswith("s") and len(word) > 3 else word


_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTHS = "january february march april may june july august september october november december".split()
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS) + "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_DAY_MONTH_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\b\.?|\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(d.capitalize() for d in _WEEKDAYS) + r")\b")
_YEAR_IN_TEXT_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _month_no(name: str) -> int:
    name = name.lower()[:3]
    return next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(name))


def _date_items(text: str) -> dict[str, list[_Item]]:
    """Weekdays, day-of-month dates ("12 March", "March 12") and years, by granularity."""
    days = []
    for m in _DAY_MONTH_RE.finditer(text):
        day, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if 1 <= int(day) <= 31:
            days.append(_Item(f"{_month_no(month):02d}-{int(day):02d}", m.start(), m.end()))
    return {
        "weekday": [_Item(m.group(1).lower(), m.start(), m.end()) for m in _WEEKDAY_RE.finditer(text)],
        "day": days,
        "year": [_Item(m.group(1), m.start(), m.end()) for m in _YEAR_IN_TEXT_RE.finditer(text)],
    }


_NEGATION_RE = re.compile(r"\b(?:not|no|never|nobody|nothing|none|neither|nor|cannot)\b|n['’]t\b", re.IGNORECASE)
_NEGATORS = {"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "cannot", "t"}

# Words that make a capitalised phrase a title ("Foreign Minister", "US President").
_ROLE_WORDS = frozenset(
    """president minister secretary chancellor premier leader spokesman spokeswoman spokesperson chief general
    admiral governor senator mayor ambassador representative envoy king queen prince princess director chairman
    chairwoman chair ceo commissioner judge justice prosecutor commander head speaker emperor pope
    secretary-general attorney sheriff captain colonel marshal""".split()
)
# Spellings of one office, so that "spokesman" and "spokesperson" are no conflict.
_ROLE_SYNONYMS = {"spokesman": "spokesperson", "spokeswoman": "spokesperson", "chairman": "chair",
                  "chairwoman": "chair", "chairperson": "chair"}
# Modifiers in front of a title that change who holds the office *now*.
_TEMPORAL = frozenset({"former", "ex", "late", "then", "outgoing", "incoming", "acting", "interim", "president-elect"})
_RANK = frozenset({"deputy", "vice", "assistant", "junior", "senior", "first"})
_TOKEN_RE = re.compile(r"[A-Za-z](?:[\w'’-]|\.(?=\w))*")  # "U.S" keeps its inner dot, not a final one


@dataclass(frozen=True)
class _Titled:
    surname: str
    given: str  # first given name, casefolded ("" if none)
    title: frozenset[str]  # casefolded title words, modifiers included
    start: int
    end: int
    text: str


def _strip_possessive(tok: str) -> str:
    return re.sub(r"['’]s?$", "", tok)


def _caps(tok: str) -> bool:
    return tok[:1].isupper() or (tok.lower().startswith("ex-") and tok[3:4].isupper())


def _titled_people(text: str) -> list[_Titled]:
    """People named with a capitalised title in front ("former US President Jane Doe")."""
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    out = []
    i = 0
    while i < len(toks):
        if not _caps(toks[i][0]):
            i += 1
            continue
        j = i + 1  # extend over capitalised tokens separated by spaces only (a comma ends the run)
        while j < len(toks) and _caps(toks[j][0]) and not text[toks[j - 1][2]:toks[j][1]].strip():
            j += 1
        run = toks[i:j]
        i = max(j, i + 1)
        words = [t[0].lower().rstrip(".") for t in run]
        roles = [k for k, w in enumerate(words) if _ROLE_SYNONYMS.get(w.split("-")[-1], w.split("-")[-1]) in _ROLE_WORDS]
        if not roles or roles[-1] >= len(run) - 1:
            continue
        k = roles[-1]
        name = [_strip_possessive(t[0]) for t in run[k + 1:]]
        title = {_ROLE_SYNONYMS.get(p, p) for w in words[: k + 1] for p in w.replace(".", "").split("-") if p}
        start = run[0][1]
        # lowercase modifiers just before the run ("former", "then-")
        before = text[:start].rstrip()
        m = re.search(r"([A-Za-z-]+)[\s-]*$", before)
        while m and m.group(1).lower().strip("-") in _TEMPORAL | _RANK and before[m.start(1):][:1].islower():
            title.add(m.group(1).lower().strip("-"))
            start = m.start(1)
            before = text[:start].rstrip()
            m = re.search(r"([A-Za-z-]+)[\s-]*$", before)
        end = run[-1][2] - (len(run[-1][0]) - len(_strip_possessive(run[-1][0])))
        out.append(_Titled(name[-1].casefold(), name[0].casefold() if len(name) > 1 else "", frozenset(title),
                           start, end, text[start:end]))
    return out


def _same_person(a: _Titled, b: _Titled) -> bool:
    return a.surname == b.surname and (not a.given or not b.given or a.given == b.given)


# --- the checks ----------------------------------------------------------------------------------------------

def _rest_overlap(a: str, b: str) -> float:
    """Content-word Jaccard of two claims, ignoring figures and negators (how alike the rest is)."""
    wa = {w for w in content_words(a) if w not in _NEGATORS}
    wb = {w for w in content_words(b) if w not in _NEGATORS}
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def _make(kind: str, a: Claim, b: Claim, ia: _Item | Span, ib: _Item | Span, va: str, vb: str, conf: float
          ) -> Contradiction:
    sa = (ia.start, ia.end) if isinstance(ia, _Item) else ia
    sb = (ib.start, ib.end) if isinstance(ib, _Item) else ib
    return Contradiction(kind, a, b, (a.start + sa[0], a.start + sa[1]), (b.start + sb[0], b.start + sb[1]),
                         va, vb, round(min(conf, 0.99), 3))


def _countable(text: str, item: _Item) -> bool:
    return item.value != "1" or text[item.start].isdigit()


def number_conflicts(a: Claim, b: Claim) -> list[Contradiction]:
    """Figures only one claim has, paired with the other's by unit ("12 people" / "15 people").

    Without a shared unit a pair is reported only when each claim has exactly one such figure and the
    rest of the two sentences matches.  "one" is ignored: mostly a pronoun or "one of", not a count.
    """
    fa = [x for x in _figure_items(a.text) if _countable(a.text, x)]
    fb = [y for y in _figure_items(b.text) if _countable(b.text, y)]
    only_a = [x for x in fa if x.value not in {y.value for y in fb}]
    only_b = [y for y in fb if y.value not in {x.value for x in fa}]
    if not only_a or not only_b:
        return []  # one side merely gives more figures: detail, not conflict
    rest = _rest_overlap(a.text, b.text)
    out = []
    for x in only_a:
        same_unit = [y for y in only_b if x.unit and y.unit == x.unit]
        if same_unit:
            y, conf = same_unit[0], 0.75 + (0.1 if rest >= 0.5 else 0.0)
        elif len(only_a) == len(only_b) == 1 and rest >= 0.5:
            y, conf = only_b[0], 0.55
        else:
            continue
        out.append(_make("number", a, b, x, y, a.text[x.start:x.end], b.text[y.start:y.end], conf))
    return out


def date_conflicts(a: Claim, b: Claim) -> list[Contradiction]:
    da, db = _date_items(a.text), _date_items(b.text)
    rest = _rest_overlap(a.text, b.text)
    base = {"weekday": 0.45, "day": 0.7, "year": 0.65}  # weekdays are relative: "said Monday" vs "met Sunday"
    out = []
    for grain, items_a in da.items():
        va, vb = {x.value for x in items_a}, {y.value for y in db[grain]}
        if not va or not vb or va & vb:
            continue
        x, y = items_a[0], db[grain][0]
        conf = base[grain] + (0.15 if rest >= 0.5 else 0.0)
        out.append(_make("date", a, b, x, y, a.text[x.start:x.end], b.text[y.start:y.end], conf))
    return out


def negation_conflicts(a: Claim, b: Claim) -> list[Contradiction]:
    na, nb = list(_NEGATION_RE.finditer(a.text)), list(_NEGATION_RE.finditer(b.text))
    if bool(na) == bool(nb):
        return []
    rest = _rest_overlap(a.text, b.text)
    if rest < 0.5:
        return []  # loosely matching sentences: a "not" on one side is mostly another clause
    conf = 0.85 if rest >= 0.7 else 0.6
    neg = (na or nb)[0]
    span_neg = (neg.start(), neg.end())
    if na:
        return [_make("negation", a, b, span_neg, (0, len(b.text)), neg.group(), "(asserted)", conf)]
    return [_make("negation", a, b, (0, len(a.text)), span_neg, "(asserted)", neg.group(), conf)]


def _last_name(speaker: str) -> str:
    toks = re.findall(r"[\w'’-]+", speaker)
    return _strip_possessive(toks[-1]).casefold() if toks else ""


def _is_name(speaker: str) -> bool:
    """A proper name ("Lena Okafor"), not a description ("a harbour official", "Okafor's spokesman")."""
    toks = speaker.split()
    return bool(toks) and all(t[:1].isupper() for t in toks) and not re.search(r"['’]s\b", speaker)


def speaker_conflicts(a: Claim, b: Claim) -> list[Contradiction]:
    if a.voice != "reported" or b.voice != "reported" or not a.speaker or not b.speaker:
        return []
    la, lb = _last_name(a.speaker), _last_name(b.speaker)
    if not la or not lb or la == lb:
        return []
    if la in b.text.casefold() or lb in a.text.casefold():
        return []  # the "other" speaker is named in the sentence too: an attribution slip, not a dispute
    named = _is_name(a.speaker) and _is_name(b.speaker)
    # Attribution is heuristic (pronouns, previous paragraphs): never a high-confidence finding alone.
    conf = 0.65 if named else 0.45
    return [_make("speaker", a, b, (0, len(a.text)), (0, len(b.text)), a.speaker, b.speaker, conf)]


def role_conflicts(a: Claim, b: Claim, people_a: list[_Titled] | None = None,
                   people_b: list[_Titled] | None = None) -> list[Contradiction]:
    out = []
    for x in _titled_people(a.text) if people_a is None else people_a:
        for y in _titled_people(b.text) if people_b is None else people_b:
            if not _same_person(x, y) or x.title == y.title:
                continue
            conf = _role_confidence(x.title, y.title)
            if conf:
                out.append(_make("role", a, b, (x.start, x.end), (y.start, y.end), x.text, y.text, conf))
    return out


def _role_confidence(ta: frozenset[str], tb: frozenset[str]) -> float:
    """How surely two titles of one person conflict (0: they do not)."""
    role_a, role_b = ta & _ROLE_WORDS, tb & _ROLE_WORDS
    if not role_a & role_b:
        return 0.45  # a different office altogether: often two true titles ("party leader", "senator")
    if (ta & _TEMPORAL) != (tb & _TEMPORAL):
        return 0.9  # "former President" vs "President": the office is held or it is not
    if (ta & _RANK) != (tb & _RANK):
        return 0.75  # "Deputy Minister" vs "Minister"
    qa, qb = ta - _ROLE_WORDS, tb - _ROLE_WORDS
    if qa <= qb or qb <= qa:
        return 0.0  # one title just says more ("President" / "US President")
    return 0.6  # "Foreign Minister" vs "Defence Minister" (or "US" vs "American": surface only)


PAIR_CHECKS: tuple[Callable[[Claim, Claim], list[Contradiction]], ...] = (
    number_conflicts, date_conflicts, negation_conflicts, speaker_conflicts, role_conflicts)


def compare_claims(a: Claim, b: Claim) -> list[Contradiction]:
    """Every contradiction between two claims that are taken to say the same thing."""
    return [c for check in PAIR_CHECKS for c in check(a, b)]


def find_contradictions(groups: Sequence[ClaimGroup], claims: Iterable[Claim] = ()) -> list[Contradiction]:
    """Contradictions inside each claim group, plus role conflicts anywhere among ``claims``.

    Sorted by confidence (highest first), then article and position; one finding per kind, article pair
    and pair of values (the most confident).
    """
    found: list[Contradiction] = []
    for g in groups:
        for i, a in enumerate(g.claims):
            for b in g.claims[i + 1:]:
                if a.article != b.article:
                    found.extend(compare_claims(a, b))
    # Role check over every claim naming a titled person; claims are bucketed by surname first.
    by_surname: dict[str, list[tuple[Claim, list[_Titled]]]] = {}
    for c in claims:
        people = _titled_people(c.text)
        for surname in {p.surname for p in people}:
            by_surname.setdefault(surname, []).append((c, people))
    seen: set[tuple[str, str]] = set()
    for bucket in by_surname.values():
        for i, (a, pa) in enumerate(bucket):
            for b, pb in bucket[i + 1:]:
                if a.article != b.article and (a.id, b.id) not in seen:
                    seen.add((a.id, b.id))
                    found.extend(role_conflicts(a, b, pa, pb))
    return _dedupe(found)


def _dedupe(found: list[Contradiction]) -> list[Contradiction]:
    best: dict[tuple, Contradiction] = {}
    for c in found:
        a, b, va, vb = c.a, c.b, c.a_value.casefold(), c.b_value.casefold()
        if (a.article, a.start) > (b.article, b.start):
            a, b, va, vb = b, a, vb, va
        key = (c.kind, a.article, b.article, va, vb)
        if key not in best or c.confidence > best[key].confidence:
            best[key] = c
    return sorted(best.values(), key=lambda c: (-c.confidence, c.a.article, c.a.start, c.b.article, c.b.start, c.kind))
