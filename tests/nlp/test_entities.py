"""Entity extraction and in-article alias resolution.  All sentences are invented for these tests."""
from __future__ import annotations

import json

import pytest

from storyline.errors import InputError
from storyline.nlp.entities import (
    Gazetteer,
    annotate_entities,
    country_of,
    extract_entities,
    load_gazetteer,
    name_key,
    person_key,
)
from storyline.nlp.model import parse


def ents(text: str, gaz: Gazetteer | None = None):
    mentions = extract_entities(parse(text), gaz)
    for m in mentions:  # offsets always point at the surface text
        assert text[m.start : m.end] == m.text
    return mentions


def names_of(mentions, surface: str) -> set[str]:
    return {m.name for m in mentions if m.text == surface}


def test_title_variants_and_possessive_link_to_full_name():
    text = (
        "Prime Minister Halvard Quennell met reporters in the capital on Monday. "
        "Mr Quennell said the talks were useful. Later, Quennell's office confirmed the deal."
    )
    ms = ents(text)
    people = [m for m in ms if m.type == "PERSON"]
    assert len(people) == 3
    assert {m.name for m in people} == {"Halvard Quennell"}
    assert all("Mr" not in m.text and "'s" not in m.text for m in people)
    roles = [a.role for a in annotate_entities(parse(text)) if a.mention.type == "PERSON"]
    assert roles[0] == "Prime Minister" and roles[1] == "Mr"


def test_same_given_name_different_surnames_never_merge():
    text = (
        "Foreign Minister Sergei Ostrakov and his deputy Sergei Belmontov arrived in Geneva. "
        "Ostrakov spoke first."
    )
    ms = ents(text)
    assert names_of(ms, "Sergei Ostrakov") == {"Sergei Ostrakov"}
    assert names_of(ms, "Sergei Belmontov") == {"Sergei Belmontov"}
    assert names_of(ms, "Ostrakov") == {"Sergei Ostrakov"}


def test_ambiguous_surname_links_to_nearest_preceding_or_stays_alone():
    after = ents("Anna Lindqvar met Piotr Lindqvar in Oslo. Lindqvar said the meeting went well.")
    assert names_of(after, "Lindqvar") == {"Piotr Lindqvar"}
    assert names_of(after, "Anna Lindqvar") == {"Anna Lindqvar"}
    before = ents("Lindqvar opened the session. Anna Lindqvar and Piotr Lindqvar then spoke.")
    assert names_of(before, "Lindqvar") == {"Lindqvar"}


def test_given_name_alone_links_to_the_one_full_name_it_starts():
    ms = ents("Marta Kowalczyk beat Ewa Nowicka in the final. Marta thanked her coach.")
    assert names_of(ms, "Marta") == {"Marta Kowalczyk"}
    assert {m.type for m in ms if m.text == "Marta"} == {"PERSON"}


def test_transliteration_variants_merge_for_same_given_name():
    ms = ents("Oleksiy Marchenkiy arrived. Marchenky said he was pleased. Oleksiy Marchenkyy left at noon.")
    people = {m.name for m in ms if m.type == "PERSON"}
    assert len(people) == 1
    assert len([m for m in ms if m.type == "PERSON"]) == 3


def test_organisation_named_after_person_stays_an_organisation():
    ms = ents("President Idris Valken opened the Valken Foundation in the capital. Valken thanked donors.")
    foundation = [m for m in ms if m.text == "Valken Foundation"]
    assert foundation and foundation[0].type == "ORG" and foundation[0].name == "Valken Foundation"
    assert names_of(ms, "Valken") == {"Idris Valken"}


def test_acronym_and_trailing_part_link_to_organisation():
    ms = ents(
        "The Northern Rivers Water Authority (NRWA) raised prices. "
        "The Water Authority said costs had risen, and NRWA officials agreed."
    )
    orgs = [m for m in ms if m.type == "ORG"]
    assert {m.text for m in orgs} >= {"NRWA", "Water Authority", "Northern Rivers Water Authority"}
    assert {m.name for m in orgs} == {"Northern Rivers Water Authority"}


def test_demonym_country_and_government_seat_are_separate_entities():
    ms = ents("Russian officials met Ukrainian diplomats in Istanbul. The Kremlin said Putin would not attend.")
    by_text = {m.text: m for m in ms}
    assert by_text["Russian"].type == "NORP"
    assert by_text["Kremlin"].type == "ORG"
    assert by_text["Putin"].type == "PERSON" and by_text["Putin"].name != by_text["Kremlin"].name
    assert country_of("Russian") == "RUS" and country_of("Ukrainians") == "UKR"
    assert country_of("Kyiv") == "UKR" and country_of("Kremlin") == "RUS"
    assert country_of("Narnia") is None


def test_honorific_with_full_stop_and_role_country():
    text = "Dr. Helena Varsk, a chemist, said Dr Varsk would return. German Finance Minister Olaf Brandtner agreed."
    anns = annotate_entities(parse(text))
    varsk = [a for a in anns if "Varsk" in a.mention.text]
    assert [a.mention.text for a in varsk] == ["Helena Varsk", "Varsk"]
    assert {a.mention.name for a in varsk} == {"Helena Varsk"}
    brandtner = [a for a in anns if a.mention.name == "Olaf Brandtner"]
    assert brandtner and brandtner[0].country == "DEU" and "Finance Minister" in brandtner[0].role


@pytest.mark.parametrize(
    "text",
    [
        "Quennell Questions Varsk's Budget Plan\n\nPrime Minister Halvard Quennell on Tuesday criticised "
        "Finance Minister Helena Varsk. Quennell said the plan was weak, and Varsk replied.",
        "Quennell-Varsk summit ends\n\nHalvard Quennell and Helena Varsk met in Oslo. "
        "The Quennell-Varsk talks lasted two hours.",
    ],
)
def test_headline_spans_glued_to_names_are_split(text):
    ms = ents(text)
    people = [m for m in ms if m.type == "PERSON"]
    assert {m.name for m in people} == {"Halvard Quennell", "Helena Varsk"}
    head = text.split("\n")[0]
    in_head = [m for m in people if m.end <= len(head)]
    assert {m.text for m in in_head} == {"Quennell", "Varsk"}
    assert not [m for m in ms if m.end <= len(head) and m.type != "PERSON" and "Quennell" in m.text]


def test_capitals_are_places_with_a_country_relation():
    ms = ents("Kyiv said on Monday that talks with Moscow had stalled, and Kyiv would wait.")
    kyiv = [m for m in ms if m.text == "Kyiv"]
    assert len(kyiv) == 2 and all(m.type == "GPE" and m.name == "Kyiv" for m in kyiv)
    assert country_of("Kyiv") == "UKR" and country_of("Moscow") == "RUS"


def test_user_gazetteer_extends_and_overrides(tmp_path):
    path = tmp_path / "mine.jsonl"
    rows = [
        {"name": "Quilla Marsh-Oduya", "type": "PERSON", "country": "KEN", "aliases": ["Marsh-Oduya"]},
        {"name": "Vell Harbour Board", "type": "ORG", "aliases": ["VHB"], "country": "NZL"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    gaz = load_gazetteer([path])
    assert load_gazetteer([path]) is gaz  # cached
    ms = ents("Marsh-Oduya criticised the VHB on Tuesday.", gaz)
    assert names_of(ms, "Marsh-Oduya") == {"Quilla Marsh-Oduya"}
    assert names_of(ms, "VHB") == {"Vell Harbour Board"}
    assert gaz.country_of("VHB") == "NZL"


def test_bad_gazetteer_files_raise_named_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "X", "type": "PERSON"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl#2"):
        load_gazetteer([bad])
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"name": "X", "type": "GPE", "country": "xx"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="alpha-3"):
        load_gazetteer([wrong])
    with pytest.raises(InputError):
        load_gazetteer([tmp_path / "missing.jsonl"])


def test_empty_and_odd_input_do_not_crash():
    with pytest.raises(InputError, match="spaCy Doc"):
        extract_entities(42)  # type: ignore[arg-type]
    assert [m.name for m in extract_entities("Mr Halvard Quennell arrived.")] == ["Halvard Quennell"]
    assert ents("") == []
    assert ents("   \n\n  ") == []
    ents("’s 's — – | • The The Mr Mr. President")


def test_name_keys():
    assert name_key("Zelenskyy") == name_key("Zelensky") == name_key("Zelenskiy")
    assert name_key("Li") != name_key("Ly")
    assert person_key("J. D. Vance") == person_key("JD Vance")
    assert person_key("Anna K. Berg") == person_key("Anna Berg")
    assert person_key("Berg") is None


def test_package_gazetteer_is_modest_and_well_formed():
    from importlib import resources

    data = resources.files("storyline").joinpath("data/gazetteer.jsonl").read_bytes()
    assert len(data) < 300_000
    gaz = load_gazetteer()
    countries = [e for e in gaz.entries if e.type == "GPE" and e.relation is None and e.demonyms]
    assert len(countries) > 150


def test_seed_entities_check(seeds_dir, tmp_path):
    """The seed gold check (score_seeds.py entities) holds on the raw seed texts."""
    import subprocess
    import sys

    from storyline.corpus.entities import resolve_corpus

    gaz = load_gazetteer()
    files = sorted(seeds_dir.glob("0*.txt"))
    per = {f.stem: annotate_entities(parse(f.read_text(encoding="utf-8")), gaz) for f in files}
    rows: dict[str, dict] = {aid: {} for aid in per}
    for e in resolve_corpus(per, gaz):
        for aid, s, t in e.mentions:
            rows[aid].setdefault(e.id, {"name": e.name, "type": e.type, "mentions": []})["mentions"].append([s, t])
    out = tmp_path / "seed_entities.jsonl"
    out.write_text("".join(json.dumps({"id": a, "entities": list(d.values())}) + "\n" for a, d in rows.items()))
    res = subprocess.run(
        [sys.executable, str(seeds_dir / "score_seeds.py"), "entities", str(out)], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout + res.stderr
