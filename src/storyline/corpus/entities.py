"""Cross-article entity resolution.

Articles arrive with mentions already resolved *inside* each article
(:mod:`storyline.nlp.entities`).  Here the same person/organisation/place is joined across
articles:

* full person names join on a transliteration-tolerant (given name, surname) key, so
  "Anna Berg" everywhere is one entity and "Olga Berg" another;
* a bare surname (an article that only says "Berg") joins the full name only when exactly one
  full name in the corpus has that surname; otherwise it stays its own "surname" entity;
* an acronym-only organisation ("XYZ") joins the one multi-word organisation with those initials;
* everything else joins on (type, folded canonical name).  Types never mix: a person is never
  merged with a country, a demonym with its country, a government seat with its leader.

:class:`EntityResolver` is incremental: ``add`` one article at a time and ids stay stable.  When a
full name arrives after bare-surname mentions of the same person were stored, the surname entity
is folded into it (its old id redirects, see :meth:`EntityResolver.canonical`).  Approximation:
once folded, a later *second* full name with the same surname does not split the earlier fold.
:func:`resolve_corpus` avoids that order effect by registering every full name before linking.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from storyline.errors import InputError
from storyline.nlp.entities import EntityAnnotation, Gazetteer, fold, initials, name_key, person_key, words_of
from storyline.records import Mention

MentionRef = tuple[str, int, int]  # (article_id, start, end)


@dataclass
class CorpusEntity:
    id: str
    name: str
    type: str
    aliases: dict[str, int]  # surface form -> count
    mention_count: int
    article_count: int
    country: str | None
    mentions: list[MentionRef]


@dataclass
class _State:
    id: str
    type: str
    names: Counter = field(default_factory=Counter)  # article-level canonical names
    short_names: Counter = field(default_factory=Counter)  # bare surnames / acronyms
    aliases: Counter = field(default_factory=Counter)
    mentions: set[MentionRef] = field(default_factory=set)
    articles: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)

    def absorb(self, other: "_State") -> None:
        self.names.update(other.names)
        self.short_names.update(other.short_names)
        self.aliases.update(other.aliases)
        self.mentions |= other.mentions
        self.articles.update(other.articles)
        self.countries.update(other.countries)


def _slug(name: str) -> str:
    return re.sub(r"\s+", " ", fold(name)).strip()


def _long_key(m_name: str, m_type: str) -> str | None:
    """Id of a mention that names its entity fully, or None for a short form."""
    if m_type == "PERSON":
        key = person_key(m_name)
        return f"person:{key[0]} {key[1]}" if key else None
    if m_type == "ORG" and _is_acronym(m_name):
        return None
    return f"{m_type.lower()}:{_slug(m_name)}"


def _is_acronym(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", name))


def _short_key(m_name: str, m_type: str) -> tuple[str, str]:
    """Index key linking a short form to long names: surname key or acronym."""
    if m_type == "PERSON":
        ws = words_of(m_name)
        return ("PERSON", name_key(ws[-1]) if ws else "")
    return ("ORG", m_name)


def _short_keys_of_long(m_name: str, m_type: str) -> list[tuple[str, str]]:
    if m_type == "PERSON":
        key = person_key(m_name)
        return [("PERSON", key[1])] if key else []
    if m_type == "ORG" and len(words_of(m_name)) >= 2:
        ini = initials(m_name)
        return [("ORG", ini)] if len(ini) >= 2 else []
    return []


class EntityResolver:
    """Incremental cross-article resolver.  Deterministic for a given order of ``add`` calls."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gaz = gazetteer
        self._ents: dict[str, _State] = {}
        self._long_ids: dict[tuple[str, str], set[str]] = defaultdict(set)  # short key -> long ids
        self._short_ids: dict[tuple[str, str], str] = {}  # short key -> id of its own entity
        self._redirect: dict[str, str] = {}
        self._by_article: dict[str, list[tuple[str, str, int, int, str, str | None]]] = {}

    # -- public ---------------------------------------------------------------------------
    def prime(self, mentions: Iterable[Mention | EntityAnnotation]) -> None:
        """Register the full names among ``mentions`` (no mentions stored).

        Lets batch resolution decide "is this surname unambiguous in the corpus?" before any
        bare surname is linked, so the result does not depend on article order.
        """
        for m, _ in map(_unwrap, mentions):
            lk = _long_key(m.name, m.type)
            if lk is None:
                continue
            for sk in _short_keys_of_long(m.name, m.type):
                self._long_ids[sk].add(lk)

    def add(self, article_id: str, mentions: Sequence[Mention | EntityAnnotation]) -> list[tuple[Mention, str]]:
        """Resolve one article's mentions; returns (mention, entity id) in input order.

        Adding an article id again replaces what it contributed before.
        """
        if not isinstance(article_id, str) or not article_id:
            raise InputError(repr(article_id), "article id must be a non-empty string")
        if article_id in self._by_article:
            self.remove(article_id)
        unwrapped = [_unwrap(x) for x in mentions]
        # long forms first, so a short form in the same article can link to them
        for m, _ in unwrapped:
            lk = _long_key(m.name, m.type)
            if lk is not None:
                self._register_long(lk, m.name, m.type)
        out, record = [], []
        for m, country in unwrapped:
            eid = self._entity_for(m)
            st = self._ents[eid]
            self._store(st, article_id, m, country)
            record.append((eid, m.text, m.start, m.end, m.name, country))
            out.append((m, eid))
        self._by_article[article_id] = record
        return out

    def remove(self, article_id: str) -> None:
        """Forget one article's mentions (entities left without mentions disappear)."""
        for eid, surface, start, end, name, country in self._by_article.pop(article_id, []):
            st = self._ents.get(self.canonical(eid))
            if st is None:
                continue
            ref = (article_id, start, end)
            if ref not in st.mentions:
                continue
            st.mentions.discard(ref)
            _dec(st.aliases, surface)
            _dec(st.names, name)
            _dec(st.short_names, name)
            _dec(st.articles, article_id)
            if country:
                _dec(st.countries, country)
            if not st.mentions:
                del self._ents[st.id]

    def canonical(self, entity_id: str) -> str:
        """Follow merges: the id an earlier returned id now lives under."""
        seen = set()
        while entity_id in self._redirect and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self._redirect[entity_id]
        return entity_id

    def entities(self) -> list[CorpusEntity]:
        """All entities, most mentioned first, ties by type and name (deterministic)."""
        out = [self._export(st) for st in self._ents.values() if st.mentions]
        out.sort(key=lambda e: (-e.mention_count, e.type, e.name, e.id))
        return out

    def entity(self, entity_id: str) -> CorpusEntity | None:
        st = self._ents.get(self.canonical(entity_id))
        return self._export(st) if st and st.mentions else None

    # -- internals ------------------------------------------------------------------------
    def _register_long(self, lk: str, name: str, typ: str) -> None:
        for sk in _short_keys_of_long(name, typ):
            self._long_ids[sk].add(lk)
            longs = self._long_ids[sk]
            short_id = self._short_ids.get(sk)
            # a short-form entity stored before its only full name arrived joins it now
            if len(longs) == 1 and short_id is not None and short_id in self._ents:
                target = self._ensure(lk, typ)
                target.absorb(self._ents.pop(short_id))
                self._redirect[short_id] = lk
                del self._short_ids[sk]

    def _entity_for(self, m: Mention) -> str:
        lk = _long_key(m.name, m.type)
        if lk is not None and (m.type != "PERSON" or len(words_of(m.name)) >= 2):
            self._ensure(lk, m.type)
            return lk
        sk = _short_key(m.name, m.type)
        longs = self._long_ids.get(sk, set())
        if len(longs) == 1:
            target = next(iter(longs))
            self._ensure(target, m.type)
            return target
        sid = self._short_ids.get(sk)
        if sid is None or sid not in self._ents:
            sid = f"{m.type.lower()}:~{sk[1].lower()}"
            self._short_ids[sk] = sid
        self._ensure(sid, m.type)
        return sid

    def _ensure(self, eid: str, typ: str) -> _State:
        st = self._ents.get(eid)
        if st is None:
            st = self._ents[eid] = _State(eid, typ)
        return st

    def _store(self, st: _State, article_id: str, m: Mention, country: str | None) -> None:
        ref = (article_id, m.start, m.end)
        if ref in st.mentions:
            return
        st.mentions.add(ref)
        st.aliases[m.text] += 1
        is_long = _long_key(m.name, m.type) is not None and (m.type != "PERSON" or len(words_of(m.name)) >= 2)
        (st.names if is_long else st.short_names)[m.name] += 1
        st.articles[article_id] += 1
        if country:
            st.countries[country] += 1

    def _export(self, st: _State) -> CorpusEntity:
        names = st.names or st.short_names
        name = sorted(names, key=lambda n: (-names[n], -len(n), n))[0]
        country = None
        if self._gaz is not None:
            country = self._gaz.country_of(name)
        if country is None and st.countries:
            country = sorted(st.countries, key=lambda c: (-st.countries[c], c))[0]
        return CorpusEntity(
            id=st.id,
            name=name,
            type=st.type,
            aliases=dict(sorted(st.aliases.items())),
            mention_count=len(st.mentions),
            article_count=len(st.articles),
            country=country,
            mentions=sorted(st.mentions),
        )


def _unwrap(x: Mention | EntityAnnotation) -> tuple[Mention, str | None]:
    if isinstance(x, EntityAnnotation):
        return x.mention, x.country
    if isinstance(x, Mention):
        return x, None
    raise InputError(repr(x)[:60], "expected a Mention or EntityAnnotation")


def _dec(c: Counter, k) -> None:
    if c.get(k, 0) > 1:
        c[k] -= 1
    else:
        c.pop(k, None)


def resolve_corpus(
    per_article: Mapping[str, Sequence[Mention | EntityAnnotation]], gazetteer: Gazetteer | None = None
) -> list[CorpusEntity]:
    """Resolve all articles at once (sorted by id; full names registered before any linking)."""
    resolver = EntityResolver(gazetteer)
    for aid in sorted(per_article):
        resolver.prime(per_article[aid])
    for aid in sorted(per_article):
        resolver.add(aid, per_article[aid])
    return resolver.entities()
