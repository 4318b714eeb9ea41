"""Event coding on synthetic sentences about fictional officials of real countries, plus the seed check."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from storyline.nlp.events import actor_role, cameo_info, extract_events, load_lexicon, norm_alias
from storyline.nlp.model import parse
from storyline.records import TimeExpr
from tests.conftest import need_shared

PUBLISHED = "2031-03-12"  # a Wednesday

FICTIONAL_ACTORS = """alias\tcountry\trole\tkind
aldo brenner\tDEU\tGOV\tperson
brenner\tDEU\tGOV\tperson
sina marlow\tFRA\tGOV\tperson
marlow\tFRA\tGOV\tperson
petra ilves\tEST\tGOV\tperson
ilves\tEST\tGOV\tperson
"""


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory):
    path = tmp_path_factory.mktemp("lex") / "actors.tsv"
    path.write_text(FICTIONAL_ACTORS, encoding="utf-8")
    return load_lexicon(actor_files=[path])


def code(text: str, lexicon, times: list[TimeExpr] | None = None, published: str | None = PUBLISHED):
    return extract_events(parse(text), None, times or [], published, lexicon=lexicon)


def time_at(text: str, phrase: str, value: str, kind: str = "date") -> TimeExpr:
    start = text.index(phrase)
    return TimeExpr(start, start + len(phrase), phrase, value, kind)


def test_accusation_is_coded_with_speaker_as_actor(lexicon):
    text = "Aldo Brenner accused Estonia of violating the border agreement."
    (ev,) = code(text, lexicon)
    assert (ev.actor_country, ev.target_country, ev.cameo) == ("DEU", "EST", "112")
    assert ev.actor == "Aldo Brenner" and ev.trigger == "accused"
    # past tense without a date: the day before publication, flagged as such
    assert (ev.date, ev.date_source) == ("2031-03-11", "published-1")
    assert text[ev.start:ev.end] == text


@pytest.mark.parametrize("text", [
    "Aldo Brenner did not accuse Estonia of anything.",                     # negation
    "Aldo Brenner never accused Estonia of anything.",                      # negation
    "Aldo Brenner has not criticized Estonia.",                             # negation
    'Sina Marlow spoke for an hour. "Germany attacked Estonia twice and nobody noticed."',  # quoted
    "If the talks fail, Aldo Brenner would criticize Estonia.",             # conditional + modal
    "Will Aldo Brenner meet Petra Ilves next week?",                         # question
    'Sina Marlow told reporters: "We have attacked Germany twice and we will do it again."',  # quote
    "Sina Marlow said that Germany attacked Estonia.",                      # reported speech
    "The committee criticized Estonia for the delay.",                      # actor without a country
    "Aldo Brenner might reject the proposal from Sina Marlow.",             # modal
    "Aldo Brenner praised Germany.",                                        # same country: not coded
])
def test_no_event_where_nothing_is_asserted(lexicon, text):
    assert code(text, lexicon) == []


def test_light_verb_with_event_noun_and_text_date(lexicon):
    text = "German forces launched drone strikes on Estonian positions on Monday."
    when = time_at(text, "on Monday", "2031-03-10")
    (ev,) = code(text, lexicon, [when])
    assert (ev.actor_country, ev.target_country) == ("DEU", "EST")
    assert ev.cameo == "195" and ev.cameo[:2] == "19"
    assert (ev.date, ev.date_source) == ("2031-03-10", "text")
    assert actor_role(ev.actor, lexicon) == "MIL"


def test_week_expression_gives_week_start_marked_approximate(lexicon):
    text = "Aldo Brenner held talks with Petra Ilves in Tallinn last week."
    when = time_at(text, "last week", "2031-W10", "week")
    (ev,) = code(text, lexicon, [when])
    assert ev.cameo.startswith("04")
    assert (ev.date, ev.date_source) == ("2031-03-03", "text-approx")


def test_clear_future_meeting_is_intent_and_other_futures_are_skipped(lexicon):
    (ev,) = code("Aldo Brenner will meet Petra Ilves in Tallinn.", lexicon)
    assert ev.cameo == "036" and (ev.actor_country, ev.target_country) == ("DEU", "EST")
    assert ev.date == PUBLISHED and ev.date_source == "published"
    assert code("Aldo Brenner will criticize Estonia.", lexicon) == []


def test_nominal_event_with_possessive_actor(lexicon):
    (ev,) = code("Brenner's meeting with Sina Marlow ended without a statement.", lexicon)
    assert (ev.actor_country, ev.target_country, ev.cameo[:2]) == ("DEU", "FRA", "04")


def test_titles_and_demonyms_give_countries(lexicon):
    (ev,) = code("The French foreign minister condemned Estonia over the expulsions.", lexicon)
    assert (ev.actor_country, ev.target_country, ev.cameo) == ("FRA", "EST", "111")
    (ev,) = code("Estonia's prime minister rejected the offer from Germany.", lexicon)
    assert (ev.actor_country, ev.target_country, ev.cameo[:2]) == ("EST", "DEU", "12")


def test_relational_nouns_do_not_inherit_the_possessor_country(lexicon):
    assert code("Estonia's allies accused Germany of stalling.", lexicon) == []


def test_without_publication_date_fallback_date_is_none(lexicon):
    (ev,) = code("Aldo Brenner accused Estonia of stalling.", lexicon, published=None)
    assert ev.date is None


def test_lexicon_tables_are_complete():
    lex = load_lexicon()
    roots = {c for c in lex.cameo if len(c) == 2}
    assert roots == {f"{i:02d}" for i in range(1, 21)}
    assert cameo_info("0871")[2] == 2 and cameo_info("195") == ("Employ aerial weapons", -10.0, 4)
    assert cameo_info("1123")[2] == 3 and cameo_info("051")[2] == 1
    assert lex.actor("the Kremlin").country == "RUS" and lex.actor("U.S.").country == "USA"
    assert norm_alias("U-S") == "us"


def test_bad_extension_file_raises_named_error(tmp_path):
    from storyline.errors import InputError

    bad = tmp_path / "verbs.tsv"
    bad.write_text("kind\tpattern\tcameo\nV\tscold\t999\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown CAMEO code"):
        load_lexicon(verb_files=[bad])


# ------------------------------------------------------------------------------------- seeds


def _seed_events(seeds) -> list[dict]:
    from storyline.corpus.events import deduplicate

    try:
        from storyline.clean.text import clean_text
    except ImportError:  # cleaning written elsewhere: raw text (boilerplate included) also works
        clean_text = None
    try:
        from storyline.nlp.entities import extract_entities
    except ImportError:
        extract_entities = None
    try:
        from storyline.nlp.times import extract_times
    except ImportError:
        extract_times = None
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    by_article, published = {}, {}
    for art in gold["articles"].values():
        stem = art["file"].split(".")[0]
        raw = (seeds / art["file"]).read_text(encoding="utf-8")
        doc = parse(clean_text(raw).text if clean_text else raw)
        mentions = extract_entities(doc) if extract_entities else None
        times = extract_times(doc, art["published"]) if extract_times else []
        by_article[stem] = extract_events(doc, mentions, times, art["published"])
        published[stem] = art["published"]
    return deduplicate(by_article, published)


def test_seed_events_meet_the_gold_check(tmp_path):
    seeds = need_shared("seeds")
    out = tmp_path / "events.json"
    out.write_text(json.dumps(_seed_events(seeds)), encoding="utf-8")
    run = subprocess.run([sys.executable, str(seeds / "score_seeds.py"), "events", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_target_from_possessor_or_national_asset(lexicon):
    (ev,) = code("Aldo Brenner condemned Estonia's missile test.", lexicon)
    assert (ev.actor_country, ev.target_country, ev.cameo) == ("DEU", "EST", "111")
    (ev,) = code("German troops attacked Estonian border posts.", lexicon)
    assert (ev.actor_country, ev.target_country, ev.cameo[:2]) == ("DEU", "EST", "19")
    # a clause hanging off the object does not lend it a country
    assert code("Aldo Brenner praised volunteers willing to serve in Estonia.", lexicon) == []
