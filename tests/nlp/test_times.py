"""Time expressions: synthetic sentences (written for these tests) and the seed gold."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from storyline.nlp.model import parse
from storyline.nlp.times import extract_times, iso_week, resolve_weekday

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PUB = dt.date(2024, 3, 13)  # a Wednesday


def times(sentence: str, published: str | None = PUB.isoformat()):
    doc = parse(sentence)
    found = extract_times(doc, published)
    for t in found:  # every span is exact, whatever the sentence
        assert t.text == doc.text[t.start:t.end]
    return found


def only(sentence: str, published: str | None = PUB.isoformat()):
    found = times(sentence, published)
    assert len(found) == 1, found
    return found[0]


def nearest(day: dt.date, weekday: int, step: int) -> dt.date:
    """Independent reference: walk from ``day`` by ``step`` until the weekday matches."""
    while day.weekday() != weekday:
        day += dt.timedelta(days=step)
    return day


@pytest.mark.parametrize("weekday", range(7))
def test_weekday_past_tense_is_the_latest_one_not_after_publication(weekday):
    t = only(f"The harbour board met on {WEEKDAYS[weekday]} to discuss the ferry timetable.")
    assert t.text == f"on {WEEKDAYS[weekday]}"
    assert t.resolves_to == nearest(PUB, weekday, -1).isoformat()
    assert t.kind == "date"


@pytest.mark.parametrize("weekday", range(7))
@pytest.mark.parametrize("frame", [
    "The harbour board will meet on {}.",
    "The harbour board is meeting on {}.",
    "The harbour board is set to vote on {}.",
    "The harbour board is going to decide on {}.",
])
def test_weekday_future_tense_is_the_next_one_not_before_publication(weekday, frame):
    t = only(frame.format(WEEKDAYS[weekday]))
    assert t.resolves_to == nearest(PUB, weekday, +1).isoformat()


def test_same_weekday_as_publication_is_the_publication_day_in_both_tenses():
    assert only("The mayor spoke on Wednesday.").resolves_to == PUB.isoformat()
    assert only("The mayor will speak on Wednesday.").resolves_to == PUB.isoformat()


def test_last_and_next_weekday_skip_the_publication_day():
    assert only("The mayor spoke last Wednesday.").resolves_to == "2024-03-06"
    assert only("The mayor will speak next Wednesday.").resolves_to == "2024-03-20"


def test_possessive_and_part_of_day_forms():
    t = only("Sunday's ferry strike was short.")
    assert (t.text, t.resolves_to) == ("Sunday", "2024-03-10")
    t = only("Crowds gathered on Monday night, the police said.")
    assert (t.text, t.resolves_to) == ("on Monday night", "2024-03-11")


def test_present_tense_clause_does_not_make_a_nominal_weekday_future():
    # "comes" is present tense, but the meeting it mentions was on Monday already
    t = only("The strike comes after a tense meeting with managers on Monday.")
    assert t.resolves_to == "2024-03-11"


def test_lower_case_weekday_words_are_ignored():
    assert times("a monday feeling") == []


@pytest.mark.parametrize("published, phrase, want", [
    ("2021-01-01", "last week", "2020-W52"),  # ISO 2020 has 53 weeks; 1 January 2021 is in W53
    ("2021-01-01", "this week", "2020-W53"),
    ("2021-01-01", "next week", "2021-W01"),
    ("2024-12-30", "this week", "2025-W01"),  # a Monday that belongs to next year's week 1
    ("2024-12-30", "last week", "2024-W52"),
    ("2024-06-10", "last week", "2024-W23"),  # published on a Monday: the whole previous week
])
def test_iso_weeks_across_year_ends(published, phrase, want):
    t = only(f"The ferries ran late {phrase}.", published)
    assert (t.text, t.resolves_to, t.kind) == (phrase, want, "week")


def test_months_and_years_relative_to_publication():
    t = only("Exports fell last month.", "2024-01-15")
    assert (t.resolves_to, t.kind) == ("2023-12", "month")
    t = only("Exports will recover next year.", "2024-01-15")
    assert (t.resolves_to, t.kind) == ("2025", "year")


def test_day_words():
    found = times("The mayor resigned yesterday, the council meets today and votes tomorrow.")
    assert [(t.text, t.resolves_to) for t in found] == [
        ("yesterday", "2024-03-12"), ("today", "2024-03-13"), ("tomorrow", "2024-03-14")]


@pytest.mark.parametrize("published, sentence, want", [
    ("2025-01-03", "The treaty was signed on 28 December.", "2024-12-28"),  # past: previous year
    ("2025-01-03", "The bridge will reopen on 10 January.", "2025-01-10"),
    ("2025-12-30", "The bridge will reopen on January 5.", "2026-01-05"),  # future: next year
    ("2025-03-01", "The exhibition closed on 20 December.", "2024-12-20"),
    ("2025-06-10", "The festival opened on 2 June.", "2025-06-02"),
])
def test_dates_without_a_year_pick_the_year_closest_to_publication_by_tense(published, sentence, want):
    assert only(sentence, published).resolves_to == want


def test_explicit_dates_and_months():
    assert only("The treaty was signed on August 15, 2019.").resolves_to == "2019-08-15"
    assert only("The treaty was signed on 15 August 2019.").resolves_to == "2019-08-15"
    t = only("The plant closed in May 2021.")
    assert (t.text, t.resolves_to, t.kind) == ("May 2021", "2021-05", "month")
    t = only("Since taking office in January, the mayor has cut fares.")
    assert (t.text, t.resolves_to, t.kind) == ("January", "2024-01", "month")


def test_modal_may_is_not_a_month():
    assert times("The council may decide later.") == []


@pytest.mark.parametrize("sentence, text, want", [
    ("The call lasted two hours.", "two hours", "PT2H"),
    ("The strike lasted 3 days.", "3 days", "P3D"),
    ("The hearing took 90 minutes.", "90 minutes", "PT90M"),
    ("Repairs will take several weeks.", "several weeks", None),
])
def test_durations(sentence, text, want):
    t = only(sentence)
    assert (t.text, t.resolves_to, t.kind) == (text, want, "duration")


@pytest.mark.parametrize("published, sentence, want", [
    ("2024-03-13", "Protesters gathered over the weekend.", "2024-03-09/2024-03-10"),
    ("2024-03-13", "Protesters will gather over the weekend.", "2024-03-16/2024-03-17"),
    ("2024-03-17", "Protesters gathered over the weekend.", "2024-03-16/2024-03-17"),  # a Sunday
    ("2024-03-13", "The talks ended last weekend.", "2024-03-09/2024-03-10"),
    ("2024-03-13", "The talks resume next weekend.", "2024-03-16/2024-03-17"),
])
def test_weekends_are_saturday_sunday_ranges(published, sentence, want):
    t = only(sentence, published)
    assert (t.resolves_to, t.kind) == (want, "range")
    first = dt.date.fromisoformat(want.split("/")[0])
    assert first.weekday() == 5


def test_this_morning_is_the_publication_day():
    t = only("The mayor spoke this morning.")
    assert (t.text, t.resolves_to) == ("this morning", PUB.isoformat())


def test_ago_resolves_to_a_day():
    t = only("The rebels seized the depot three days ago.")
    assert (t.text, t.resolves_to, t.kind) == ("three days ago", "2024-03-10", "date")


@pytest.mark.parametrize("sentence, want", [
    ("Prices rose in recent days.", "2024-03-06/2024-03-13"),
    ("Talks are expected in the coming days.", "2024-03-14/2024-03-18"),
    ("A deal may come in the next couple of weeks.", "2024-03-14/2024-03-27"),
    ("Sales rose earlier this month.", "2024-03-01/2024-03-12"),
    ("Sales will rise later this week.", "2024-03-14/2024-03-17"),
])
def test_fuzzy_expressions_are_ranges_around_publication(sentence, want):
    t = only(sentence)
    assert (t.resolves_to, t.kind) == (want, "range")
    first, last = (dt.date.fromisoformat(x) for x in want.split("/"))
    assert first <= last


def test_without_publication_date_only_absolute_expressions_resolve():
    found = times("The treaty signed on 15 August 2019 was discussed on Monday.", None)
    assert [(t.text, t.resolves_to) for t in found] == [("15 August 2019", "2019-08-15"), ("on Monday", None)]


def test_resolve_weekday_and_iso_week_helpers():
    monday = dt.date(2024, 3, 11)
    assert resolve_weekday(monday, 6, "past") == dt.date(2024, 3, 10)
    assert resolve_weekday(monday, 0, "future", strict=True) == dt.date(2024, 3, 18)
    assert iso_week(dt.date(2021, 1, 3)) == "2020-W53"


def test_empty_and_odd_text_do_not_crash():
    assert times("") == []
    assert times("On on on Monday Monday 31 February 2024 99 hours") is not None


# ---------------------------------------------------------------------------- seed gold


def test_seed_relative_dates_all_resolve(seeds_dir, tmp_path):
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    out = tmp_path / "times.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for article in gold["articles"].values():
            text = (seeds_dir / article["file"]).read_text(encoding="utf-8")
            found = extract_times(parse(text), article["published"])
            row = {"id": article["file"].split(".")[0],
                   "times": [{"span": [t.start, t.end], "text": t.text, "resolves_to": t.resolves_to}
                             for t in found]}
            fh.write(json.dumps(row) + "\n")
    result = subprocess.run([sys.executable, str(seeds_dir / "score_seeds.py"), "times", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
