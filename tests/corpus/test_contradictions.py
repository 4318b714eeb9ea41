"""Contradictions: each kind on fictional sentence pairs; the seed rewrite's factual slip; no false alarms."""
from __future__ import annotations

import json

import pytest

from storyline.corpus.claims import align_claims, article_claims
from storyline.corpus.contradictions import HIGH_CONFIDENCE, compare_claims, find_contradictions, text_claim


def kinds(a: str, b: str, speaker_a: str | None = None, speaker_b: str | None = None) -> dict[str, tuple]:
    found = compare_claims(text_claim(a, "x", speaker_a), text_claim(b, "y", speaker_b))
    return {c.kind: (c.a_value, c.b_value, c.confidence) for c in found}


def test_number():
    got = kinds("Officials said 12 people were injured in the ferry fire at Port Vellin.",
                "Officials said fifteen people were injured in the ferry fire at Port Vellin.")
    assert got["number"][:2] == ("12", "fifteen") and got["number"][2] >= HIGH_CONFIDENCE
    # more detail on one side is not a conflict; the same figure in words is not either
    assert "number" not in kinds("Twelve people were hurt in the fire.", "12 people were hurt in the fire on Sunday.")
    assert "number" not in kinds("The fire injured people.", "The fire injured 12 people.")


def test_date():
    got = kinds("The summit in Dorrance opened on 12 March 2031.", "The summit in Dorrance opened on March 14, 2031.")
    assert got == {"date": ("12 March", "March 14", got["date"][2])}  # the day is a date, not a figure
    weekday = kinds("The Marrowby council will vote on the bridge plan on Tuesday.",
                    "The Marrowby council will vote on the bridge plan on Thursday.")
    assert weekday["date"][:2] == ("Tuesday", "Thursday")
    assert weekday["date"][2] < HIGH_CONFIDENCE  # weekdays are relative to publication: never sure
    assert kinds("The harbour reopened in 2029.", "The harbour reopened in 2030.")["date"][:2] == ("2029", "2030")


def test_role():
    got = kinds("Pictured: Mayor Tomas Brell and former Harbour Commissioner Lena Okafor at the pier.",
                "Harbour Commissioner Lena Okafor spoke at the pier with Mayor Tomas Brell.")
    assert got["role"][:2] == ("former Harbour Commissioner Lena Okafor", "Harbour Commissioner Lena Okafor")
    assert got["role"][2] >= HIGH_CONFIDENCE
    assert kinds("ex-President Hal Varga waved.", "President Hal Varga waved.")["role"][2] >= HIGH_CONFIDENCE
    # a longer title for the same office, or another person's title, is no conflict
    assert "role" not in kinds("Northland President Hal Varga waved.", "President Hal Varga waved to us.")
    assert "role" not in kinds("Former President Ada Varga waved.", "President Hal Varga waved.")


def test_negation():
    got = kinds("Governor Ada Quill signed the harbour bill into law.",
                "Governor Ada Quill did not sign the harbour bill into law.")
    assert got["negation"][1] == "not" and got["negation"][2] >= HIGH_CONFIDENCE
    assert "negation" not in kinds("Quill did not sign the bill.", "Quill hasn't signed the bill.")


def test_speaker():
    got = kinds("We will rebuild the pier by spring.", "We will rebuild the pier by spring.",
                speaker_a="Lena Okafor", speaker_b="Tomas Brell")
    assert got["speaker"][:2] == ("Lena Okafor", "Tomas Brell")
    assert got["speaker"][2] < HIGH_CONFIDENCE  # attribution is heuristic
    assert "speaker" not in kinds("We will rebuild.", "We will rebuild.", "Lena Okafor", "Okafor")
    described = kinds("We will rebuild the pier.", "We will rebuild the pier.", "a harbour official", "Brell's aide")
    assert described["speaker"][2] < 0.5  # descriptions: too vague to call a dispute


def test_spans_point_into_each_claims_article():
    a = text_claim("Officials said 12 people were hurt.", "x")
    b = text_claim("Officials said 15 people were hurt.", "y")
    a.start, a.end = 100, 100 + len(a.text)  # as if the sentence sat at offset 100 of its article
    (c,) = compare_claims(a, b)
    assert (c.a_span, c.b_span) == ((115, 117), (15, 17))
    assert c.to_dict()["a"]["span"] == [115, 117]


# --- the seed articles (read from ../shared in place) ---------------------------------------------------

@pytest.fixture(scope="module")
def seed_claims():
    from tests.conftest import need_shared

    from storyline.clean.text import clean_text
    from storyline.nlp.model import parse
    from storyline.nlp.quotes import extract_quotes
    from storyline.records import Article, Quote

    seeds = need_shared("seeds")
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    out = {}
    for key, g in gold["articles"].items():
        raw = (seeds / g["file"]).read_text(encoding="utf-8")
        cleaned = clean_text(raw)
        article = Article(key, key, g["file"], key, "text", cleaned.title, None, g["published"], None,
                          cleaned.text, cleaned.offsets)
        quotes = []
        for q in extract_quotes(parse(cleaned.text)):
            s, e = cleaned.offsets.span_to_input(q.start, q.end)
            quotes.append(Quote(s, e, raw[s:e], q.direct, q.speaker))
        out[key] = article_claims(article, raw, quotes)
        assert all(raw[c.start:c.end] == c.text for c in out[key])
    return out


def story_contradictions(seed_claims, keys):
    claims = [c for k in keys for c in seed_claims[k]]
    return find_contradictions(align_claims(claims), claims)


def test_seed_rewrite_slip_is_found(seed_claims):
    found = story_contradictions(seed_claims, ["001", "004"])
    high = [c for c in found if c.high]
    assert len(high) == 1, [c.to_dict() for c in high]
    slip = high[0]
    assert slip.kind == "role"
    values = {slip.a.article: slip.a_value, slip.b.article: slip.b_value}
    assert values["004"].startswith("former ") and values["001"] == values["004"][len("former "):]


def test_no_false_alarms_in_the_other_seed_stories(seed_claims):
    for keys in (["002", "003"], ["000"]):
        assert [c.to_dict() for c in story_contradictions(seed_claims, keys) if c.high] == []
