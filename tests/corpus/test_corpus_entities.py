"""Cross-article entity resolution on hand-made mentions (names are invented)."""
from __future__ import annotations

import pytest

from storyline.corpus.entities import EntityResolver, resolve_corpus
from storyline.errors import InputError
from storyline.records import Mention


def M(name: str, type_: str = "PERSON", start: int = 0, text: str | None = None) -> Mention:
    text = text or name
    return Mention(start=start, end=start + len(text), text=text, name=name, type=type_)


def by_name(entities):
    return {e.name: e for e in entities}


def test_bare_surname_links_to_unique_full_name_across_articles():
    ents = resolve_corpus({"a": [M("Anna Berg")], "b": [M("Berg", start=10)]})
    assert len(ents) == 1
    e = ents[0]
    assert e.name == "Anna Berg" and e.mention_count == 2 and e.article_count == 2
    assert e.aliases == {"Anna Berg": 1, "Berg": 1}
    assert e.mentions == [("a", 0, 9), ("b", 10, 14)]


def test_bare_surname_stays_apart_when_corpus_is_ambiguous():
    ents = resolve_corpus({"a": [M("Anna Berg")], "b": [M("Berg", start=3)], "c": [M("Olga Berg")]})
    names = by_name(ents)
    assert set(names) == {"Anna Berg", "Olga Berg", "Berg"}
    assert names["Berg"].mentions == [("b", 3, 7)]


def test_transliteration_merges_only_with_same_given_name():
    ents = resolve_corpus(
        {
            "a": [M("Volodar Shevkiy")],
            "b": [M("Volodar Shevky", start=5)],
            "c": [M("Ivan Shevky", start=1)],
        }
    )
    assert len(ents) == 2
    vol = [e for e in ents if e.name.startswith("Volodar")][0]
    assert vol.article_count == 2 and set(vol.aliases) == {"Volodar Shevkiy", "Volodar Shevky"}


def test_types_never_mix():
    ents = resolve_corpus(
        {"a": [M("Tarnovia", "GPE"), M("Tarnovian", "NORP", 20), M("Tarnovia", "PERSON", 40)]}
    )
    assert sorted(e.type for e in ents) == ["GPE", "NORP", "PERSON"]


def test_acronym_links_to_unique_long_organisation():
    ents = resolve_corpus({"a": [M("Northern Rivers Water Authority", "ORG")], "b": [M("NRWA", "ORG", 7)]})
    assert len(ents) == 1 and ents[0].name == "Northern Rivers Water Authority"


def test_incremental_add_merges_later_full_name_and_redirects():
    r = EntityResolver()
    [(m1, eid1)] = r.add("b", [M("Berg", start=4)])
    assert r.entity(eid1).name == "Berg"
    [(m2, eid2)] = r.add("a", [M("Anna Berg")])
    assert r.canonical(eid1) == eid2
    ents = r.entities()
    assert len(ents) == 1 and ents[0].mention_count == 2 and ents[0].name == "Anna Berg"


def test_re_adding_an_article_replaces_it():
    r = EntityResolver()
    r.add("a", [M("Anna Berg"), M("Berg", start=20)])
    r.add("a", [M("Anna Berg")])
    [e] = r.entities()
    assert e.mention_count == 1 and e.aliases == {"Anna Berg": 1}
    r.remove("a")
    assert r.entities() == []


def test_batch_result_does_not_depend_on_article_names():
    data1 = {"x1": [M("Berg", start=2)], "x2": [M("Anna Berg")]}
    data2 = {"y2": [M("Berg", start=2)], "y1": [M("Anna Berg")]}
    e1, e2 = resolve_corpus(data1), resolve_corpus(data2)
    assert [(e.id, e.name, e.mention_count) for e in e1] == [(e.id, e.name, e.mention_count) for e in e2]


def test_country_from_annotations_and_gazetteer():
    from storyline.nlp.entities import EntityAnnotation, load_gazetteer

    gaz = load_gazetteer()
    ents = resolve_corpus(
        {"a": [EntityAnnotation(M("Helena Varsk"), role="German Finance Minister", country="DEU"), M("Kyiv", "GPE", 30)]},
        gaz,
    )
    names = by_name(ents)
    assert names["Helena Varsk"].country == "DEU"
    assert names["Kyiv"].country == "UKR"


def test_bad_input_raises_named_error():
    r = EntityResolver()
    with pytest.raises(InputError):
        r.add("", [M("Anna Berg")])
    with pytest.raises(InputError):
        r.add("a", ["not a mention"])  # type: ignore[list-item]
