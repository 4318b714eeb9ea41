"""Event de-duplication across articles and timelines, on hand-made event mentions."""
from __future__ import annotations

import json
import random

import pytest

from storyline.corpus.events import deduplicate
from storyline.corpus.timeline import build_timeline, render_timeline
from storyline.errors import ConfigError
from storyline.records import EventMention


def em(actor_c: str, target_c: str, cameo: str, date: str | None, source: str, start: int = 0,
       actor: str = "Official A", target: str = "Official B", trigger: str = "met") -> EventMention:
    return EventMention(start, start + 40, actor, actor_c, target, target_c, cameo, date, source, trigger)


PUB = {"a1": "2031-05-11", "a2": "2031-05-11", "a3": "2031-05-12", "a4": "2031-05-16", "a5": "2031-05-30"}


def test_same_event_in_many_articles_is_one_event_dated_at_the_event():
    events = deduplicate({
        "a1": [em("DEU", "EST", "190", "2031-05-10", "text")],
        "a2": [em("DEU", "EST", "195", "2031-05-10", "text", start=100)],
        "a3": [em("DEU", "EST", "190", "2031-05-11", "published-1")],
    }, PUB)
    assert len(events) == 1
    ev = events[0]
    assert ev["articles"] == ["a1", "a2", "a3"]
    assert (ev["date"], ev["date_source"], ev["root"], ev["cameo"]) == ("2031-05-10", "text", "19", "190")
    assert ev["quad_class"] == 4 and ev["goldstein"] == -10.0
    assert [e["article"] for e in ev["evidence"]] == ["a1", "a2", "a3"]
    assert ev["evidence"][1]["span"] == [100, 140]


def test_background_mention_days_later_joins_the_earlier_event():
    events = deduplicate({
        "a1": [em("DEU", "EST", "112", "2031-05-10", "text")],
        "a4": [em("DEU", "EST", "112", "2031-05-16", "published")],  # "after Germany's accusation ..."
    }, PUB)
    assert len(events) == 1 and events[0]["articles"] == ["a1", "a4"]
    assert events[0]["date"] == "2031-05-10"


def test_distinct_dates_and_late_background_stay_separate():
    events = deduplicate({
        "a1": [em("DEU", "EST", "112", "2031-05-10", "text")],
        "a5": [em("DEU", "EST", "112", "2031-05-25", "published-1"),  # background of the 05-20 one
               em("DEU", "EST", "112", "2031-05-20", "text", start=200)],
        "a4": [em("DEU", "EST", "112", "2031-06-05", "published")],  # too late to be background
    }, PUB)
    assert [e["date"] for e in events] == ["2031-05-10", "2031-05-20", "2031-06-05"]
    assert [len(e["evidence"]) for e in events] == [1, 2, 1]


def test_week_dated_mention_joins_a_day_inside_that_week():
    events = deduplicate({
        "a1": [em("USA", "EST", "040", "2031-05-05", "text-approx")],  # "last week" -> Monday
        "a2": [em("USA", "EST", "040", "2031-05-08", "text")],
    }, PUB)
    assert len(events) == 1 and events[0]["date"] == "2031-05-08"


def test_symmetric_roots_merge_both_directions_directed_roots_do_not():
    meet = deduplicate({"a1": [em("DEU", "EST", "040", "2031-05-10", "text")],
                        "a2": [em("EST", "DEU", "041", "2031-05-10", "text")]}, PUB)
    assert len(meet) == 1 and meet[0]["articles"] == ["a1", "a2"]
    accuse = deduplicate({"a1": [em("DEU", "EST", "112", "2031-05-10", "text")],
                          "a2": [em("EST", "DEU", "112", "2031-05-10", "text")]}, PUB)
    assert {(e["actor_country"], e["target_country"]) for e in accuse} == {("DEU", "EST"), ("EST", "DEU")}


def test_output_is_deterministic_and_ids_are_unique():
    data = {
        "a1": [em("DEU", "EST", "190", "2031-05-10", "text"), em("FRA", "DEU", "057", None, "published")],
        "a2": [em("DEU", "EST", "190", "2031-05-10", "text"), em("FRA", "DEU", "111", "2031-05-02", "text")],
        "a3": [em("EST", "FRA", "036", "2031-05-12", "published")],
    }
    first = deduplicate(data, PUB)
    shuffled = dict(random.Random(7).sample(list(data.items()), len(data)))
    assert json.dumps(deduplicate(shuffled, PUB)) == json.dumps(first)
    assert len({e["id"] for e in first}) == len(first)
    assert [e["date"] or "9999" for e in first] == sorted(e["date"] or "9999" for e in first)


def test_mentions_without_both_countries_are_dropped():
    assert deduplicate({"a1": [em("DEU", None, "190", "2031-05-10", "text")]}, PUB) == []


def test_timeline_orders_by_event_date_and_attaches_quotes():
    events = deduplicate({
        "a1": [em("DEU", "EST", "112", "2031-05-10", "text", actor="Aldo Brenner", target="Petra Ilves")],
        "a3": [em("FRA", "DEU", "040", "2031-05-02", "text", actor="Sina Marlow", target="Aldo Brenner")],
    }, PUB)
    quotes = [{"article": "a1", "speaker": "Brenner", "text": "They broke the deal.", "span": [5, 25]},
              {"article": "a3", "speaker": "Someone Else", "text": "No comment.", "start": 1, "end": 12}]
    rows = build_timeline(events, quotes)
    assert [r["date"] for r in rows] == ["2031-05-02", "2031-05-10"]
    assert rows[0]["quotes"] == [] and rows[1]["quotes"][0]["text"] == "They broke the deal."
    assert rows[1]["sources"][0]["article"] == "a1"
    table = render_timeline(rows, "table").splitlines()
    assert table[0].startswith("date") and "2031-05-02" in table[2] and "FRA→DEU" in table[2]
    md = render_timeline(rows, "md")
    assert md.count("\n") == 4 and md.startswith("| date |")
    assert json.loads(render_timeline(rows, "json"))[1]["event_id"] == rows[1]["event_id"]
    with pytest.raises(ConfigError):
        render_timeline(rows, "xml")
