"""Named entities with alias resolution inside one article.

The small spaCy model finds most names but mislabels some (a surname tagged ORG/GPE, a capital
tagged PERSON), glues headline words onto names, keeps honorifics and possessives in spans and
misses names right after a title.  We repair that with *data* (the gazetteer: canonical names,
types, aliases, countries, titles, given names, generic words) and a few general span rules; no
rule here knows about any particular article.

Resolution inside an article (approximate by design, precision first):

* full person names ("Given Surname") cluster by a transliteration-tolerant key of the first and
  last word, so "Zelensky"/"Zelenskyy"/"Zelenskiy" spellings of one person meet;
* a bare surname links to the one full name with that surname; if two full names share it, to the
  nearest preceding one, and if none precedes it is left alone;
* different given names never merge ("Anna Berg" and "Olga Berg" stay apart);
* acronyms and trailing parts of organisation names ("XYZ", "Contact Group") link to the one
  longer organisation name they abbreviate;
* countries, capitals, demonyms and persons stay separate entities; their link is a relation
  (:func:`country_of`), never a merge.
"""
from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from storyline.errors import InputError
from storyline.nlp.doctext import doc_text, text_or_none
from storyline.records import Mention

# spaCy labels we keep: named things only (numbers, dates, money are other modules' business).
# PRODUCT and LANGUAGE are dropped: with the small model they are mostly mislabelled places.
KEEP_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "WORK_OF_ART", "LAW"})

_WORD = re.compile(r"\w+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")  # "Smith's", "Jones'"
_LEADING_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
# Separators that never occur inside one name: line breaks, spaced dashes, pipes, bullets.
_SEPARATOR = re.compile(r"\s*\n\s*|\s+[-–—|•·]\s+|\s*[|•]\s*")
# Capitalised function words of headline case ("Smith At The Summit") are never name parts.
FUNCTION_WORDS = frozenset(
    "A An The And Or But Of In On At To For From By With As Is Are Was Were Be Been Has Have Had Not No "
    "It Its This That These Those He She They We You I His Her Their Our Who What When Where Why How "
    "After Before Over Under Into Out Up Down Off Than Then So If".split()
)
_TRAIL_PUNCT = ",;:!?\"“”‘()[]{}<>*"
_LEAD_PUNCT = ",;:!?\"“”‘’'()[]{}<>*-–—"


# --------------------------------------------------------------------------- name keys


@functools.lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Lower-case ASCII-ish form: diacritics removed, so "Gonçalves" meets "Goncalves"."""
    nfkd = unicodedata.normalize("NFKD", s)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower()


_TRANSLIT_END = re.compile(r"(?:iy|yy|yi|ij|ii|ey|ei|y|i)$")


@functools.lru_cache(maxsize=65536)
def name_key(word: str) -> str:
    """Transliteration-tolerant key of one name word.

    Folds the endings that romanisations of Slavic names disagree on (-y, -yy, -iy, -yi, -ii, -i,
    -ey, -ei) so "Zelensky", "Zelenskyy" and "Zelenskiy" share a key.  Short words (< 4 letters)
    are kept exact: "Li" and "Ly" are different names.  Approximate: "Kelly" and "Kelley" meet too,
    which is why callers only compare keys for the same given name or surname-only mentions.
    """
    w = fold(word).replace("’", "'").strip(".'")
    if len(w) < 4:
        return w
    return _TRANSLIT_END.sub("y", w)


def words_of(s: str) -> list[str]:
    return _WORD.findall(s)


def person_key(name: str) -> tuple[str, str] | None:
    """(given-name key, surname key) of a full name, or None for a single word.

    Leading initials are joined ("J. D. Vance" and "JD Vance" give ("jd", "vance")); middle
    names are ignored ("Anna K. Berg" == "Anna Berg").
    """
    ws = words_of(name)
    if len(ws) < 2:
        return None
    given = ws[0]
    i = 1
    if len(ws[0]) == 1:  # initials: "J. D. Vance"
        while i < len(ws) - 1 and len(ws[i]) == 1:
            i += 1
        given = "".join(ws[:i])
    return name_key(given), name_key(ws[-1])


def _is_cap(word: str) -> bool:
    return bool(word) and word[0].isupper()


def iso3_ok(code: str | None) -> bool:
    return code is None or bool(re.fullmatch(r"[A-Z]{3}", code))


# --------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Entry:
    """One gazetteer entity.  ``country`` is ISO-3166 alpha-3 (its own code for a country)."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    role: str | None = None
    demonyms: tuple[str, ...] = ()
    relation: str | None = None  # e.g. "capital", "government seat" (relation to ``country``)
    scan: bool = True  # False: ambiguous word, only used to (re)type spans the model found


@dataclass(frozen=True)
class _Alias:
    words: tuple[str, ...]
    gaps: tuple[str, ...]
    entry: Entry
    demonym: bool  # True: this alias is a demonym of a country entry (type NORP)


def _gap_norm(g: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", g)


class Gazetteer:
    """Entities, titles, given names and generic words, indexed for fast scanning.

    Build with :func:`load_gazetteer` (cached) or ``Gazetteer.from_records(...)`` in tests.
    Later records override earlier ones for the same alias, so user files win over package data.
    """

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.by_alias: dict[str, Entry] = {}  # exact surface -> entry
        self.by_fold: dict[str, Entry] = {}  # folded surface -> entry (country_of, lookups)
        self.demonym_of: dict[str, Entry] = {}  # "Russian" -> country entry
        self.by_person_key: dict[tuple[str, str], Entry] = {}
        self._first: dict[str, list[_Alias]] = defaultdict(list)
        self.titles: set[tuple[str, ...]] = set()  # head titles: ("Prime", "Minister"), ("Mr",)
        self.triggers: set[tuple[str, ...]] = set()  # titles reliably followed by a person's name
        self.titles_lower: set[tuple[str, ...]] = set()  # "foreign minister" in running text
        self.modifiers: set[str] = set()  # words that may precede a title: Deputy, Foreign, ...
        self.modifiers_lower: set[str] = set()
        self.given_names: set[str] = set()  # folded given names
        self.generic: set[str] = set()  # words that alone are never a name: Group, Ministry, ...
        self._max_title = 1

    # -- building ------------------------------------------------------------------------
    @classmethod
    def from_records(cls, records: Iterable[dict], source: str = "<records>") -> "Gazetteer":
        gaz = cls()
        gaz.add_records(records, source)
        return gaz

    def add_records(self, records: Iterable[dict], source: str = "<records>") -> None:
        for n, rec in enumerate(records, 1):
            try:
                self._add(rec)
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(f"{source}#{n}", f"bad gazetteer record ({exc}); see docs/entities.md") from exc
        for alist in self._first.values():
            alist.sort(key=lambda a: -len(a.words))

    def _add(self, rec: dict) -> None:
        if not isinstance(rec, dict):
            raise TypeError("record must be a JSON object")
        kind = rec.get("kind", "entity")
        if kind == "title":
            for t in rec["words"]:
                ws = tuple(words_of(t))
                if ws:
                    self.titles.add(ws)
                    self.titles_lower.add(tuple(x.lower() for x in ws))
                    if rec.get("trigger", True):
                        self.triggers.add(ws)
                    self._max_title = max(self._max_title, len(ws))
            self.modifiers.update(rec.get("modifiers", ()))
            self.modifiers_lower.update(x.lower() for x in rec.get("modifiers", ()))
        elif kind == "given_names":
            self.given_names.update(fold(x) for x in rec["names"])
        elif kind == "generic":
            self.generic.update(rec["words"])
        elif kind == "entity":
            self._add_entry(rec)
        else:
            raise ValueError(f"unknown kind {kind!r}")

    def _add_entry(self, rec: dict) -> None:
        name, typ = str(rec["name"]).strip(), str(rec["type"]).strip().upper()
        if not name or not typ:
            raise ValueError("name and type must be non-empty")
        country = rec.get("country") or rec.get("iso3")
        if not iso3_ok(country):
            raise ValueError(f"country must be an ISO-3166 alpha-3 code, got {country!r}")
        entry = Entry(
            name=name,
            type=typ,
            aliases=tuple(rec.get("aliases", ())),
            country=country,
            role=rec.get("role"),
            demonyms=tuple(rec.get("demonyms", ())),
            relation=rec.get("relation"),
            scan=bool(rec.get("scan", True)),
        )
        self.entries.append(entry)
        for surface in (name, *entry.aliases):
            self._index(surface, entry, demonym=False)
        for dem in entry.demonyms:
            self.demonym_of[dem] = entry
            self.demonym_of[fold(dem)] = entry
            self._index(dem, entry, demonym=True)
        if typ == "PERSON":
            for surface in (name, *entry.aliases):
                key = person_key(surface)
                if key:
                    self.by_person_key[key] = entry

    def _index(self, surface: str, entry: Entry, demonym: bool) -> None:
        if not demonym:
            self.by_alias[surface] = entry
            self.by_fold[fold(surface)] = entry
        pieces = _WORD.split(surface)
        ws = tuple(words_of(surface))
        if not ws:
            return
        gaps = tuple(_gap_norm(g) for g in pieces[1:-1])
        if entry.scan:
            self._first[ws[0]].append(_Alias(ws, gaps, entry, demonym))

    # -- lookups -------------------------------------------------------------------------
    def lookup(self, surface: str) -> Entry | None:
        """Entry for a surface form; tolerant of case, diacritics, a leading "the" and "'s"."""
        surface = _gap_norm(surface.strip())
        hit = self.by_alias.get(surface)
        if hit is None:
            bare = _POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", surface, count=1) if surface[:4].lower() == "the " else surface)
            hit = self.by_alias.get(bare) or self.by_fold.get(fold(bare))
        return hit

    def demonym(self, surface: str) -> Entry | None:
        return self.demonym_of.get(surface) or self.demonym_of.get(fold(surface))

    def country_of(self, name: str) -> str | None:
        """ISO3 of a country, capital, demonym or person/organisation with a country, else None."""
        e = self.lookup(name) or self.demonym(name)
        if e is None:
            return None
        return e.country

    def is_title_word(self, w: str) -> bool:
        return (w,) in self.titles or w in self.modifiers

    def title_at(self, words: Sequence[str], i: int, triggers_only: bool = False) -> int:
        """Length of the longest title starting at words[i] (0 if none)."""
        table = self.triggers if triggers_only else self.titles
        for n in range(min(self._max_title, len(words) - i), 0, -1):
            if tuple(words[i : i + n]) in table:
                return n
        return 0

    def title_ending_at(self, words: Sequence[str], j: int) -> int:
        """Length of the longest title (any case) ending just before words[j] (0 if none)."""
        for n in range(min(self._max_title, j), 0, -1):
            if tuple(x.lower() for x in words[j - n : j]) in self.titles_lower:
                return n
        return 0

    def scan(self, text: str, words: Sequence[tuple[int, int]]) -> list[tuple[int, int, _Alias]]:
        """All alias occurrences (longest per start), as (start, end, alias).  Case-sensitive."""
        out = []
        n = len(words)
        strs = [text[s:e] for s, e in words]
        for i, w in enumerate(strs):
            for al in self._first.get(w, ()):
                k = len(al.words)
                if i + k > n or tuple(strs[i : i + k]) != al.words:
                    continue
                if any(_gap_norm(text[words[i + j][1] : words[i + j + 1][0]]) != al.gaps[j] for j in range(k - 1)):
                    continue
                end = words[i + k - 1][1]
                if end < len(text) and text[end] == "." and k > 1 and al.gaps[-1] == ".":
                    end += 1  # "U.S." keeps its last full stop
                out.append((words[i][0], end, al))
                break
        return out


def _read_jsonl(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read gazetteer file ({exc.strerror or exc})") from exc
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}#{n}", f"invalid JSON in gazetteer ({exc.msg}); one JSON object per line") from exc
    return out


@functools.lru_cache(maxsize=8)
def _load_cached(extra: tuple[str, ...]) -> Gazetteer:
    gaz = Gazetteer()
    pkg = resources.files("storyline").joinpath("data/gazetteer.jsonl")
    gaz.add_records(_read_jsonl(Path(str(pkg))), "storyline/data/gazetteer.jsonl")
    for p in extra:
        gaz.add_records(_read_jsonl(Path(p)), p)
    return gaz


def load_gazetteer(extra_paths: Iterable[str | Path] = ()) -> Gazetteer:
    """Package gazetteer plus user JSONL files (later files override earlier aliases).  Cached."""
    return _load_cached(tuple(str(Path(p)) for p in extra_paths))


def country_of(name_or_demonym: str, gazetteer: Gazetteer | None = None) -> str | None:
    """ISO-3166 alpha-3 code for a country, capital, demonym, or gazetteer person/org; else None."""
    return (gazetteer or load_gazetteer()).country_of(name_or_demonym)


# --------------------------------------------------------------------------- spans


@dataclass
class _Span:
    start: int
    end: int
    label: str
    source: str  # "ner" | "gaz" | "title" | "given" | "surname"
    entry: Entry | None = None
    demonym: bool = False
    role: str | None = None
    role_country: str | None = None
    name: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class EntityAnnotation:
    """A mention plus what the shared Mention record has no field for (yet)."""

    mention: Mention
    role: str | None = None  # "Russian President", "Mr", "Foreign Minister"
    country: str | None = None  # ISO3: gazetteer country, or the demonym/country in the role
    known: bool = False  # resolved through the gazetteer


class _Words:
    """Word boundaries of a text with quick span -> word-range lookups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = [m.span() for m in _WORD.finditer(text)]
        self.starts = [s for s, _ in self.spans]
        self.strs = [text[s:e] for s, e in self.spans]

    def inside(self, start: int, end: int) -> range:
        i = bisect.bisect_left(self.starts, start)
        j = i
        while j < len(self.spans) and self.spans[j][1] <= end:
            j += 1
        return range(i, j)

    def index_at(self, start: int) -> int:
        i = bisect.bisect_left(self.starts, start)
        return i if i < len(self.starts) and self.starts[i] == start else -1


def _split_separators(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a model span at line breaks and spaced dashes: nothing named crosses those."""
    out, pos = [], start
    for m in _SEPARATOR.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if e > s]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces, a leading "the", quotes/brackets and a trailing possessive."""
    for _ in range(4):
        s0, e0 = start, end
        while start < end and (text[start].isspace() or text[start] in _LEAD_PUNCT):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in _TRAIL_PUNCT):
            end -= 1
        m = _LEADING_ARTICLE.match(text, start, end)
        if m and m.end() < end:
            start = m.end()
        m = _POSSESSIVE.search(text[start:end])
        if m and m.start() > 0:
            end = start + m.start()
        if (start, end) == (s0, e0):
            break
    return start, end


def _strip_titles(span: _Span, w: _Words, gaz: Gazetteer) -> None:
    """Move a span's start past leading honorifics/titles; remember them as the role."""
    idx = list(w.inside(span.start, span.end))
    i, saw_title = 0, False
    while i < len(idx) - 1:
        n = gaz.title_at(w.strs, idx[i])
        if n and idx[i] + n - 1 <= idx[-1] - 1:
            i += n
            saw_title = True
        elif w.strs[idx[i]] in gaz.modifiers or gaz.demonym(w.strs[idx[i]]) or (
            gaz.lookup(w.strs[idx[i]]) and gaz.lookup(w.strs[idx[i]]).type == "GPE"
        ):
            i += 1
        else:
            break
    if not (saw_title and i > 0 and _is_cap(w.strs[idx[i]])):
        return
    if span.label != "PERSON":
        # "General Motors" keeps its first word; only a known person after the title is cut out
        rest = gaz.lookup(w.text[w.spans[idx[i]][0] : span.end])
        if rest is None or rest.type != "PERSON":
            return
        span.label = "PERSON"
    role_start = span.start
    span.start = w.spans[idx[i]][0]
    span.role = re.sub(r"\s+", " ", w.text[role_start : w.spans[idx[i - 1]][1]])


def _role_before(span: _Span, w: _Words, gaz: Gazetteer, ends: dict[int, _Span]) -> None:
    """Role phrase right before a person ("Russian Foreign Minister" Sergei ...) and its country.

    Walks left over titles, modifiers ("deputy", "former") and place/organisation mentions
    ("US", "Ukraine's", "NATO"); a comma is only crossed right before the name
    ("Deputy Foreign Minister, Jane Doe").
    """
    i = w.index_at(span.start)
    if i <= 0:
        return
    j, saw_title, country = i, False, None
    while j > 0:
        gap = w.text[w.spans[j - 1][1] : w.spans[j][0]]
        if gap not in (" ", ". ") and not (gap == ", " and j == i):
            break
        ws = w.strs[j - 1]
        if ws == "s" and j >= 2 and w.text[w.spans[j - 2][1] : w.spans[j - 1][0]] in ("'", "’"):
            j -= 1  # possessive "Ukraine's": look at the word before the apostrophe
            ws = w.strs[j - 1]
        matched = gaz.title_ending_at(w.strs, j)
        other = ends.get(w.spans[j - 1][1])
        if matched:
            saw_title = True
            j -= matched
        elif ws.lower() in gaz.modifiers_lower:
            j -= 1
        elif other is not None and other.label in ("GPE", "ORG", "NORP"):
            if other.entry is not None and other.entry.country:
                country = country or other.entry.country
            j = bisect.bisect_left(w.starts, other.start)
        else:
            break
    if saw_title and j < i:
        span.role = re.sub(r"\s+", " ", w.text[w.spans[j][0] : w.spans[i - 1][1]]).strip(" ,")
        span.role_country = country


def _ner_spans(doc, w: _Words, gaz: Gazetteer) -> list[_Span]:
    text = doc_text(doc)
    out = []
    for ent in doc.ents:
        if ent.label_ not in KEEP_LABELS:
            continue
        for s, e in _split_separators(text, ent.start_char, ent.end_char):
            s, e = _trim(text, s, e)
            if e <= s:
                continue
            sp = _Span(s, e, ent.label_, "ner")
            _strip_titles(sp, w, gaz)
            if _only_roles(sp, w, gaz):
                continue
            out.append(sp)
    return out


def _only_roles(sp: _Span, w: _Words, gaz: Gazetteer) -> bool:
    """A span made only of titles/modifiers/generic words ("Defence", "Group") names nobody."""
    ws = [w.strs[i] for i in w.inside(sp.start, sp.end)]
    if not ws:
        return True
    if gaz.lookup(w.text[sp.start : sp.end]):
        return False
    return all(x in gaz.generic or x in gaz.modifiers or (x,) in gaz.titles for x in ws)


def _gaz_spans(w: _Words, gaz: Gazetteer) -> list[_Span]:
    out = []
    for s, e, al in gaz.scan(w.text, w.spans):
        label = "NORP" if al.demonym else al.entry.type
        out.append(_Span(s, e, label, "gaz", entry=al.entry, demonym=al.demonym))
    return out


def _title_spans(w: _Words, gaz: Gazetteer) -> list[_Span]:
    """Capitalised words right after a title ("Mr Smith", "Admiral Jane Doe") are a person."""
    out = []
    n = len(w.strs)
    i = 0
    while i < n:
        # capitalisation first: most words are lower case, and the title lookup is the dearer test
        k = gaz.title_at(w.strs, i, triggers_only=True) if _is_cap(w.strs[i]) else 0
        if not k:
            i += 1
            continue
        j = i + k
        # allow "Mr. Smith" and "President, Jane Doe"
        names = []
        while j < n and len(names) < 3:
            gap = w.text[w.spans[j - 1][1] : w.spans[j][0]]
            allowed = (" ", ". ", ", ") if not names else (" ",)
            word = w.strs[j]
            if gap not in allowed or not _is_cap(word) or word.isupper() and len(word) > 1 and not names:
                break
            known = gaz.lookup(word)
            if gaz.is_title_word(word) or word in gaz.generic or gaz.demonym(word) or (known and known.type != "PERSON"):
                if names:
                    break
                j += 1
                continue  # "President Vice ..." : keep walking over stacked titles
            names.append(j)
            j += 1
        if names:
            sp = _Span(w.spans[names[0]][0], w.spans[names[-1]][1], "PERSON", "title")
            out.append(sp)
        i += k
    return out


def _given_name_spans(w: _Words, gaz: Gazetteer) -> list[_Span]:
    """"Given Surname" pairs the model missed: a known given name then one capitalised word.

    Only two words (three with a middle initial, "Jane Q. Doe"): headline case glues verbs and
    nouns onto names ("Jane Doe Wins"), so longer guesses are wrong more often than right.
    """
    out = []
    n = len(w.strs)
    for i, word in enumerate(w.strs):
        if i + 1 >= n or not _is_cap(word) or word.isupper() or fold(word) not in gaz.given_names:
            continue
        j = i + 1
        if len(w.strs[j]) == 1 and w.text[w.spans[j - 1][1] : w.spans[j][0]] == " " and j + 1 < n:
            if w.text[w.spans[j][1] : w.spans[j + 1][0]] != ". ":
                continue
            j += 1  # middle initial
        nxt = w.strs[j]
        gap = w.text[w.spans[j - 1][1] : w.spans[j][0]]
        if gap not in (" ", ". ") or (gap == ". " and j == i + 1) or not _is_cap(nxt) or nxt.isupper():
            continue
        if nxt in FUNCTION_WORDS or len(nxt) < 2 or gaz.is_title_word(nxt) or nxt in gaz.generic:
            continue
        if gaz.lookup(nxt) or gaz.demonym(nxt):
            continue
        out.append(_Span(w.spans[i][0], w.spans[j][1], "PERSON", "given"))
    return out


def _is_known_whole(sp: _Span, gaz: Gazetteer, text: str) -> bool:
    return gaz.lookup(text[sp.start : sp.end]) is not None


def _article_surnames(ner: list[_Span], w: _Words, gaz: Gazetteer) -> set[str]:
    """Surname keys of the full person names the model found in this article.

    A candidate whose first word is itself another candidate's surname ("Smith Pushes" in a
    headline next to "Jane Smith") is a glued headline span, not a person, and adds nothing.
    """
    cands = []
    for sp in ner:
        ws = [w.strs[i] for i in w.inside(sp.start, sp.end)]
        if sp.label != "PERSON" and not (ws and fold(ws[0]) in gaz.given_names and len(ws) <= 3):
            continue  # a mislabelled "Given Surname" counts too
        if 2 <= len(ws) <= 4 and all(_is_cap(x) and x not in FUNCTION_WORDS and x not in gaz.generic for x in ws):
            cands.append(ws)
    last = {name_key(ws[-1]) for ws in cands}
    return {name_key(ws[-1]) for ws in cands if name_key(ws[0]) not in last}


def _glued_people(sp: _Span, w: _Words, surnames: set[str]) -> bool:
    """A model span made of known surnames glued to other words ("Smith Says", "Smith-Jones")."""
    idx = list(w.inside(sp.start, sp.end))
    if len(idx) < 2:
        return False
    known = [name_key(w.strs[i]) in surnames for i in idx]
    return (sp.label == "PERSON" and known[0]) or all(known)


def _reconcile(ner: list[_Span], gsp: list[_Span], tsp: list[_Span], w: _Words, gaz: Gazetteer) -> list[_Span]:
    """Pick one non-overlapping set of spans; the gazetteer corrects types and bad boundaries."""
    text = w.text
    surnames = _article_surnames(ner, w, gaz)
    g_by_start = defaultdict(list)
    for g in gsp:
        g_by_start[g.start].append(g)
    g_starts = sorted(g_by_start)
    cands: list[tuple[int, _Span]] = []  # (priority, span)

    def gaz_inside(sp: _Span) -> list[_Span]:
        i = bisect.bisect_left(g_starts, sp.start)
        res = []
        while i < len(g_starts) and g_starts[i] < sp.end:
            res.extend(g for g in g_by_start[g_starts[i]] if g.end <= sp.end)
            i += 1
        return res

    for sp in ner:
        inner = gaz_inside(sp)
        exact = [g for g in inner if g.start == sp.start and g.end == sp.end]
        if exact:
            g = exact[0]
            if g.entry.scan or sp.label != "PERSON":
                sp.label, sp.entry, sp.demonym = g.label, g.entry, g.demonym
            cands.append((1, sp))
            continue
        if not _is_known_whole(sp, gaz, text) and (
            _split_into_known(sp, inner, w, gaz) or _glued_people(sp, w, surnames)
        ):
            continue  # gazetteer hits inside, or the later surname pass, replace this span
        if sp.entry is None:
            e = gaz.lookup(text[sp.start : sp.end])
            if e is not None and (e.scan or sp.label != "PERSON"):
                sp.entry, sp.label = e, e.type
        cands.append((1, sp))
    for g in gsp:
        cands.append((2, g))
    for t in tsp:
        cands.append((0, t))
    # longest first; on equal length the gazetteer wins, then the model, then title guesses
    cands.sort(key=lambda c: (-c[1].length, -c[0], c[1].start))
    taken: list[tuple[int, int]] = []
    chosen: list[_Span] = []
    for _, sp in cands:
        i = bisect.bisect_left(taken, (sp.start, sp.end))
        if i > 0 and taken[i - 1][1] > sp.start:
            continue
        if i < len(taken) and taken[i][0] < sp.end:
            continue
        taken.insert(i, (sp.start, sp.end))
        chosen.append(sp)
    chosen.sort(key=lambda s: s.start)
    return chosen


def _split_into_known(sp: _Span, inner: list[_Span], w: _Words, gaz: Gazetteer) -> bool:
    """Should a model span give way to the gazetteer names inside it?

    Yes when two or more known names cover all its words ("Smith-Jones" summit labels), or when a
    PERSON span *starts* with a known single-word person alias ("Smith Pushes" in a headline): a
    surname does not precede a given name in the text styles we read.
    """
    if not inner:
        return False
    idx = list(w.inside(sp.start, sp.end))
    covered = {i for g in inner for i in w.inside(g.start, g.end)}
    if len(inner) >= 2 and all(i in covered for i in idx) and (
        sp.label == "PERSON" or all(g.label == "PERSON" for g in inner)
    ):
        return True  # "Smith-Jones" talks; not "African-American", which is one group
    first = min(inner, key=lambda g: g.start)
    if (
        sp.label == "PERSON"
        and first.start == sp.start
        and first.label == "PERSON"
        and len(list(w.inside(first.start, first.end))) == 1
        and len(idx) > 1
    ):
        return True
    # a multi-word PERSON span that contains two known people is two people
    return sp.label == "PERSON" and sum(g.label == "PERSON" for g in inner) >= 2


# --------------------------------------------------------------------------- resolution


def _surface(text: str, sp: _Span) -> str:
    return re.sub(r"\s+", " ", text[sp.start : sp.end]).strip()


def _nwords(text: str, sp: _Span) -> int:
    return len(words_of(text[sp.start : sp.end]))


def _repair_types(spans: list[_Span], w: _Words, gaz: Gazetteer) -> list[_Span]:
    """Retype and add person mentions using what the article itself says about its people."""
    text = w.text
    full = [s for s in spans if s.label == "PERSON" and _nwords(text, s) >= 2]
    # given-name evidence: a two/three-word ORG/GPE/LOC starting with a known given name
    for s in spans:
        if s.entry is None and s.label in ("ORG", "GPE", "LOC", "FAC", "NORP") and 2 <= _nwords(text, s) <= 3:
            ws = words_of(text[s.start : s.end])
            if fold(ws[0]) in gaz.given_names and all(_is_cap(x) for x in ws) and ws[-1] not in gaz.generic:
                s.label = "PERSON"
                full.append(s)
    surnames = {name_key(words_of(text[s.start : s.end])[-1]) for s in full}
    givens = {name_key(words_of(text[s.start : s.end])[0]) for s in full}
    surnames |= {name_key(words_of(s.entry.name)[-1]) for s in spans if s.entry and s.entry.type == "PERSON"}
    for s in spans:
        if s.label != "PERSON" and _nwords(text, s) == 1 and name_key(text[s.start : s.end]) in surnames:
            if s.entry is None or s.entry.type == "PERSON":
                s.label = "PERSON"
        elif s.label != "PERSON" and s.entry is None and _nwords(text, s) == 1 and name_key(text[s.start : s.end]) in givens:
            s.label = "PERSON"  # a given name alone ("Marta" tagged GPE) next to "Marta Kowalczyk"
    # label vote: the same surface tagged PERSON elsewhere in the article is a person
    votes: dict[str, Counter] = defaultdict(Counter)
    for s in spans:
        if s.entry is None:
            votes[_surface(text, s)][s.label] += 1
    for s in spans:
        if s.entry is None and s.label in ("ORG", "GPE", "LOC", "FAC"):
            c = votes[_surface(text, s)]
            if c["PERSON"] and c["PERSON"] >= c[s.label]:
                s.label = "PERSON"
    # surnames the model skipped entirely
    covered = [(s.start, s.end) for s in spans]
    starts = [c[0] for c in covered]
    added = []
    for (ws, we), word in zip(w.spans, w.strs):
        if not _is_cap(word) or word.isupper() or word in FUNCTION_WORDS or name_key(word) not in surnames:
            continue
        i = bisect.bisect_right(starts, ws) - 1
        if i >= 0 and covered[i][1] > ws:
            continue
        if i + 1 < len(covered) and covered[i + 1][0] < we:
            continue
        added.append(_Span(ws, we, "PERSON", "surname"))
    return sorted(spans + added, key=lambda s: s.start)


def _resolve_people(spans: list[_Span], text: str, gaz: Gazetteer) -> None:
    persons = [s for s in spans if s.label == "PERSON"]
    clusters: dict[tuple[str, str], list[_Span]] = defaultdict(list)
    full_positions: list[tuple[int, tuple[str, str]]] = []
    singles = []
    for s in persons:
        surf = _surface(text, s)
        key = person_key(s.entry.name) if s.entry and s.entry.type == "PERSON" else None
        if key is None:
            key = person_key(surf)
        if key is None or (_nwords(text, s) < 2 and not s.entry):
            singles.append(s)
            continue
        if _nwords(text, s) < 2:
            # a single word known to the gazetteer: link only if no other full name claims it
            singles.append(s)
            continue
        clusters[key].append(s)
        full_positions.append((s.start, key))
    canon: dict[tuple[str, str], str] = {}
    for key, members in clusters.items():
        known = [m.entry.name for m in members if m.entry and m.entry.type == "PERSON"]
        if not known:
            e = gaz.by_person_key.get(key)
            known = [e.name] if e else []
        if known:
            canon[key] = known[0]
        else:
            cnt = Counter(_surface(text, m) for m in members)
            canon[key] = sorted(cnt, key=lambda x: (-cnt[x], [m.start for m in members if _surface(text, m) == x][0]))[0]
        for m in members:
            m.name = canon[key]
    by_surname: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_given: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in clusters:
        by_surname[key[1]].append(key)
        by_given[key[0]].append(key)
    bare_groups: dict[str, list[_Span]] = defaultdict(list)
    for s in singles:
        k = name_key(words_of(_surface(text, s))[-1])
        cands = by_surname.get(k, [])
        if s.entry is not None and s.entry.type == "PERSON":
            ekey = person_key(s.entry.name)
            if ekey in clusters and len(cands) <= 1:
                s.name = canon[ekey]
                continue
            if not cands:
                s.name = s.entry.name
                continue
        if len(cands) == 1:
            s.name = canon[cands[0]]
        elif len(cands) > 1:
            before = [key for pos, key in full_positions if pos < s.start and key in cands]
            s.name = canon[before[-1]] if before else _surface(text, s)
        elif len(by_given.get(k, [])) == 1:
            s.name = canon[by_given[k][0]]  # a given name alone: the one full name it starts
        else:
            bare_groups[k].append(s)
    for members in bare_groups.values():
        cnt = Counter(_surface(text, m) for m in members)
        best = sorted(cnt, key=lambda x: (-cnt[x], [m.start for m in members if _surface(text, m) == x][0]))[0]
        for m in members:
            m.name = best


def initials(name: str) -> str:
    """Initials of the capitalised words: "Ukraine Defence Contact Group" -> "UDCG"."""
    return "".join(x[0] for x in words_of(name) if _is_cap(x))


def _resolve_orgs(spans: list[_Span], text: str, gaz: Gazetteer) -> None:
    orgs = [s for s in spans if s.label == "ORG"]
    long_names = sorted({s.name for s in orgs if len(words_of(s.name)) >= 2})
    for s in orgs:
        if s.entry is not None:
            continue
        surf = s.name
        ws = words_of(surf)
        if len(ws) == 1 and surf.isupper() and 2 <= len(surf) <= 8:
            hits = [n for n in long_names if initials(n) == surf]
            if len(hits) == 1:
                s.name = hits[0]
        elif len(ws) >= 2:
            tail = [x.lower() for x in ws]
            hits = [
                n
                for n in long_names
                if n != surf and len(words_of(n)) > len(ws) and [x.lower() for x in words_of(n)[-len(ws) :]] == tail
            ]
            if len(hits) == 1:
                s.name = hits[0]


def _base_name(sp: _Span, text: str) -> str:
    if sp.entry is not None:
        if sp.demonym:
            return sp.entry.demonyms[0] if sp.entry.demonyms else sp.entry.name
        return sp.entry.name
    surface = _surface(text, sp)
    if sp.label == "NORP" and len(surface) > 4 and surface.endswith("s") and not surface.endswith("ss"):
        return surface[:-1]  # a group is named in the singular: "Republicans" -> "Republican"
    return surface


def annotate_entities(doc, gazetteer: Gazetteer | None = None) -> list[EntityAnnotation]:
    """Entity mentions of a parsed article with canonical names, roles and countries."""
    if isinstance(doc, str):  # convenience: plain text is parsed with the one shared model
        from storyline.nlp.model import parse

        doc = parse(doc)
    if not (hasattr(doc, "ents") and isinstance(text_or_none(doc), str)):
        raise InputError(type(doc).__name__, "expected a spaCy Doc from storyline.nlp.model.parse(text) or a str")
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    text = doc_text(doc)
    w = _Words(text)
    ner = _ner_spans(doc, w, gaz)
    guesses = _title_spans(w, gaz) + _given_name_spans(w, gaz)
    spans = _reconcile(ner, _gaz_spans(w, gaz), guesses, w, gaz)
    spans = _repair_types(spans, w, gaz)
    ends = {sp.end: sp for sp in spans if sp.label != "PERSON"}
    for sp in spans:
        sp.name = _base_name(sp, text)
        if sp.label == "PERSON":
            _role_before(sp, w, gaz, ends)
    _resolve_people(spans, text, gaz)
    _resolve_orgs(spans, text, gaz)
    out = []
    for sp in spans:
        m = Mention(start=sp.start, end=sp.end, text=text[sp.start : sp.end], name=sp.name, type=sp.label)
        country = sp.entry.country if sp.entry is not None else sp.role_country
        if country is None and sp.label == "PERSON":
            e = gaz.lookup(sp.name)
            country = e.country if e is not None else None
        out.append(EntityAnnotation(m, role=sp.role, country=country, known=sp.entry is not None))
    return out


def extract_entities(doc, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Entity mentions (offsets into ``doc.text``) with article-level canonical names."""
    return [a.mention for a in annotate_entities(doc, gazetteer)]
