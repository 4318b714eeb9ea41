"""Publication dates: synthetic pages written for these tests, and the dates bench (read in place)."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json

import pytest

from storyline.clean.published import find_published, parse_date_value, text_date, url_date

DATES_TRUTH_SHA256 = "3761dfda1000a99617162a9b5753c293d0bfa5b0573873ecc8888a58f56ebf59"
BENCH_FLOOR = 0.89  # htmldate alone with original_date=True scores 0.89 on this set


def page(head: str = "", body: str = "<p>Nothing to see.</p>") -> str:
    return f"<html><head><title>Harbour news</title>{head}</head><body><h1>Ferry timetable</h1>{body}</body></html>"


def test_jsonld_date_published_wins_over_modified():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ferry timetable",
          "dateModified": "2023-05-09T10:00:00+02:00", "datePublished": "2023-05-07T08:30:00+02:00"}
    html = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert find_published(html) == ("2023-05-07", "html:jsonld")


def test_jsonld_in_a_graph_and_local_day_kept():
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Harbour news"},
        {"@type": "Article", "datePublished": "2023-05-07T23:30:00-05:00"}]}
    html = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    # the publisher's own day, not the UTC day (which would be 8 May)
    assert find_published(html) == ("2023-05-07", "html:jsonld")


@pytest.mark.parametrize("tag", [
    '<meta property="article:published_time" content="2022-11-03T09:00:00Z">',
    '<meta name="parsely-pub-date" content="2022-11-03T09:00:00Z">',
    '<meta name="sailthru.date" content="2022-11-03 09:00:00">',
    '<meta name="DC.date.issued" content="2022-11-03">',
    '<meta itemprop="datePublished" content="2022-11-03">',
])
def test_meta_tags(tag):
    html = page(tag + '<meta property="article:modified_time" content="2022-12-01T09:00:00Z">')
    assert find_published(html) == ("2022-11-03", "html:meta")


def test_time_element_with_itemprop():
    html = page(body='<article><time itemprop="datePublished" datetime="2021-02-14T07:00">14 Feb</time>'
                     "<p>Text.</p></article>")
    assert find_published(html) == ("2021-02-14", "html:meta")


def test_url_dates():
    assert url_date("https://news.example.org/2020/05/03/ferry-timetable") == dt.date(2020, 5, 3)
    assert url_date("https://news.example.org/local/20200503-ferry.html") == dt.date(2020, 5, 3)
    assert url_date("https://news.example.org/story/1202005031234") is None  # an id, not a date
    assert url_date("https://news.example.org/story?d=2020-05-03") is None  # query strings are ignored
    assert find_published(page(), url="https://news.example.org/2020/05/03/x") == ("2020-05-03", "url")


def test_url_date_overrides_a_contradicting_meta_date():
    html = page('<meta property="article:published_time" content="2020-09-30T09:00:00Z">')
    assert find_published(html, url="https://news.example.org/2020/05/03/x") == ("2020-05-03", "url")
    # one day apart is a time-zone difference: the markup (with a time) is kept
    html = page('<meta property="article:published_time" content="2020-05-04T01:00:00+09:00">')
    assert find_published(html, url="https://news.example.org/2020/05/03/x") == ("2020-05-04", "html:meta")


def test_future_dates_are_rejected():
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    html = page(f'<meta property="article:published_time" content="{future}">')
    assert find_published(html)[0] != future


def test_copyright_year_alone_gives_no_date():
    html = page(body="<p>Ferries run every hour.</p><footer>© 2019 Harbour News. All rights reserved.</footer>")
    assert find_published(html) == (None, None)


def test_visible_dateline_in_html_without_markup():
    html = page(body="<p>Published 3 May 2024</p><p>The ferries ran late again this week.</p>")
    day, source = find_published(html)
    assert day == "2024-05-03"
    assert source in ("html:htmldate", "html:text")


def test_plain_text_dateline():
    text = "Harbour news\nFerry timetable changes\nPublished 3 May 2024, 10:15\n\nThe ferries ran late."
    assert find_published(text=text) == ("2024-05-03", "text")
    text = "Ferry timetable changes\nMay 3, 2024\nUpdated: May 9, 2024\n\nThe ferries ran late."
    assert find_published(text=text) == ("2024-05-03", "text")


def test_text_date_prefers_published_over_updated_and_ignores_copyright():
    assert text_date("Updated 9 May 2024\nFirst published 2 May 2024\nBody") == dt.date(2024, 5, 2)
    assert text_date("© 3 May 2019 Harbour News\nBody") is None
    assert text_date("Body text without any date.") is None


@pytest.mark.parametrize("value, want", [
    ("2020-08-25|00h23", dt.date(2020, 8, 25)),
    ("Tue, Sep 15 2020 10:01:41 EDT", dt.date(2020, 9, 15)),
    ("15 September 2020", dt.date(2020, 9, 15)),
    ("20200915", dt.date(2020, 9, 15)),
    ("1600164000", dt.date(2020, 9, 15)),
    ("2020-02-30", None),
    ("1970-01-01", None),
    (None, None),
    (["2020-09-15"], None),
])
def test_parse_date_value(value, want):
    assert parse_date_value(value) == want


@pytest.mark.parametrize("junk", [
    None, "", "   ", "<<<>>>", "<html><head><meta content=></head>", "\x00\x01\x02",
    "<html>" + "<div>" * 3000, '<script type="application/ld+json">{"datePublished": [1, {}]}</script>',
    '<script type="application/ld+json">' + "[" * 5000 + "</script>",
    '<?xml version="1.0" encoding="utf-8"?><html><body>x</body></html>',
])
def test_garbage_never_crashes(junk):
    day, source = find_published(junk, url="not a url", text=junk)
    assert (day is None) == (source is None)


# ---------------------------------------------------------------------------- bench


@pytest.fixture(scope="module")
def bench_predictions():
    from tests.conftest import need_shared

    folder = need_shared("bench", "dates")
    truth_path = folder / "truth.jsonl"
    digest = hashlib.sha256(truth_path.read_bytes()).hexdigest()
    if digest != DATES_TRUTH_SHA256:
        pytest.skip(f"dates bench truth.jsonl changed (sha256 {digest[:12]}...): floor was set on another version")
    rows = [json.loads(line) for line in truth_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    preds = {}
    for row in rows:
        html = gzip.decompress((folder / "html" / f"{row['id']}.html.gz").read_bytes()).decode("utf-8", "replace")
        preds[row["id"]] = find_published(html, row["url"])
    return rows, preds


def test_dates_bench_floor(bench_predictions):
    rows, preds = bench_predictions
    right = sum(preds[r["id"]][0] == r["date"] for r in rows)
    assert right / len(rows) >= BENCH_FLOOR, f"accuracy {right / len(rows):.3f} < {BENCH_FLOOR}"


def test_dates_bench_sources_are_labelled(bench_predictions):
    _, preds = bench_predictions
    labels = {"html:jsonld", "html:meta", "html:time", "url", "html:htmldate", "html:text", "text"}
    assert all(src in labels for day, src in preds.values() if day)
