"""Hostile and random inputs never crash ingest: each is stored or recorded as a failure with a reason."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from storyline.errors import InputError
from storyline.ingest import ingest
from storyline.pipeline import CleanStep
from storyline.records import Failure, RawDoc, Skipped
from storyline.settings import load_settings
from storyline.sources import read_file
from storyline.sources.feeds import parse_feed
from storyline.store import open_store

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "harness"))

import fuzz  # noqa: E402 — harness/fuzz.py
import make_nasty  # noqa: E402 — harness/make_nasty.py

EXTS = [".txt", ".html", ".jsonl", ".rss", ".warc", ".atom", ".html.gz", ".xml"]
PROPERTY = hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def outcomes(path: Path) -> list:
    """Read and clean one file the way ingest does; nothing may raise."""
    return list(CleanStep().run(read_file(path)))


def assert_accounted(items: list) -> None:
    for item in items:
        if isinstance(item, Failure):
            assert item.reason and item.input
        else:
            assert isinstance(item, (tuple, Skipped)), item
            if isinstance(item, tuple):
                doc, article = item
                assert isinstance(doc, RawDoc) and article.text.strip()


@pytest.mark.parametrize("ext", EXTS)
@PROPERTY
@given(data=st.binary(max_size=3000))
def test_random_bytes_never_crash_the_readers(tmp_path, ext, data):
    path = tmp_path / f"in{ext}"
    path.write_bytes(data)
    assert_accounted(outcomes(path))


@pytest.mark.parametrize("ext", [".txt", ".html", ".jsonl"])
@PROPERTY
@given(text=st.text(max_size=2000))
def test_random_text_never_crashes_the_readers(tmp_path, ext, text):
    path = tmp_path / f"in{ext}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_accounted(outcomes(path))


@PROPERTY
@given(title=st.text(max_size=80), body=st.text(min_size=1, max_size=1500))
def test_random_jsonl_records_store_or_fail(tmp_path, title, body):
    import json

    path = tmp_path / "rec.jsonl"
    path.write_text(json.dumps({"id": "r", "title": title, "text": body}) + "\n", encoding="utf-8")
    with open_store(str(tmp_path / "h.db")) as store:
        report = ingest([path], store, load_settings(overrides={"ingest": {"analyze": False, "workers": 1}}))
        assert report.new + report.already + report.failed >= 1
        assert store.count("articles") + store.count("failures") >= 1


# -- the nasty corpus ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nasty_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty")
    files = make_nasty.write_all(root / "in")
    db = root / "nasty.db"
    settings = load_settings(overrides={"store": {"db": str(db)}, "ingest": {"analyze": False, "workers": 1}})
    with open_store(str(db)) as store:
        ingest(files, store, settings)
        items, crashes = fuzz.expected_docs(files, settings.ingest.max_bytes)
        yield store, items, crashes


def test_nasty_corpus_is_fully_accounted_for(nasty_db):
    store, items, crashes = nasty_db
    assert crashes == 0 and fuzz.account(store, items) == []
    assert store.count("articles") > 5  # the hostile-but-valid ones (RTL, NUL-bytes, script) are stored


def reason_of(store, name: str) -> str:
    rows = store.rows("SELECT reason FROM failures WHERE input LIKE ?", (f"%{name}%",))
    return " | ".join(r["reason"] for r in rows)


@pytest.mark.parametrize("name, expected", [
    ("zip-bomb.html.gz", "zip bomb"),
    ("truncated.html.gz", "gzip"),
    ("billion-laughs.rss", "not a well-formed or safe"),
    ("external-entity.rss", "not a well-formed or safe"),
    ("parameter-entity.rss", "not a well-formed or safe"),
    ("deep-json.jsonl", "nested too deeply"),
    ("garbage.warc", "WARC"),
    ("not-html.warc", "not HTML"),
])
def test_nasty_inputs_fail_with_a_reason(nasty_db, name, expected):
    store, _, _ = nasty_db
    assert expected in reason_of(store, name)


def test_script_and_handlers_never_reach_the_text(nasty_db):
    store, _, _ = nasty_db
    for row in store.rows("SELECT text FROM articles"):
        assert "alert(" not in row["text"] and "onerror" not in row["text"]
        assert "root:" not in row["text"]  # no /etc/passwd through an external entity


def test_ten_megabyte_single_line(tmp_path):
    text_file, jsonl_file = make_nasty.big_inputs(tmp_path)
    for path in (text_file, jsonl_file):
        items = list(read_file(path))  # reading only: cleaning 10 MB is the harness's job
        assert len(items) == 1 and isinstance(items[0], RawDoc)
    small = list(read_file(text_file, max_bytes=1_000_000))
    assert isinstance(small[0], Failure) and "limit" in small[0].reason


# -- XML safety of feeds (defusedxml) --------------------------------------------------------------------
@pytest.mark.parametrize("prolog", [make_nasty.BILLION_LAUGHS, make_nasty.EXTERNAL, make_nasty.PARAMETER])
def test_feed_entities_are_refused(prolog):
    data = make_nasty.rss(make_nasty.ITEM.format("&lol4;" if "lol" in prolog else "text"), prolog)
    with pytest.raises(InputError, match="not a well-formed or safe"):
        list(parse_feed(data, "feed.rss", "file:///feed.rss"))


def test_feed_external_dtd_is_not_fetched():
    """A DOCTYPE naming an external DTD is either refused or ignored, never fetched (no network here)."""
    data = make_nasty.rss(make_nasty.ITEM.format("The bridge budget was approved."), make_nasty.EXTERNAL_DTD)
    try:
        docs = list(parse_feed(data, "feed.rss", "file:///feed.rss"))
    except InputError as exc:
        assert "safe" in str(exc)
    else:
        assert [d.meta.get("title") for d in docs] == ["Bridge"]


# -- the harness at test size ----------------------------------------------------------------------------
def test_fuzz_harness_small_sample(tmp_path):
    result = fuzz.run_fuzz(n=300, seed=11, work=tmp_path, chunk=150, nasty=False, big=False, corpus_stages=False,
                           log=lambda _m: None)
    assert result["crashes"] == 0, result["crash_details"]
    assert result["unaccounted"] == 0, result["lost_examples"]
    assert result["check_ok"] and result["documents"] >= 300
    assert result["articles"] > 0 and result["failures"] > 0


def test_feed_with_unknown_encoding_is_a_failure_not_a_crash():
    data = (b'<?xml version="1.0" encoding="no-such-8"?><rss><channel><item><description>x</description></item>'
            b"</channel></rss>")
    with pytest.raises(InputError, match="unknown character encoding"):
        list(parse_feed(data, "feed.rss", "file:///feed.rss"))


def test_lone_surrogate_in_jsonl_is_stored_with_a_replacement_character(nasty_db):
    store, _, _ = nasty_db
    rows = store.rows("SELECT text FROM articles WHERE source_uri LIKE ?", ("%lone-surrogate%",))
    assert len(rows) == 1 and "\ufffd" in rows[0]["text"]
