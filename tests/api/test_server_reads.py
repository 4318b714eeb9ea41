"""The server's fast paths: security headers outermost, pooled read connections, the read cache
(identical to uncached views, invalidated by any write) and writes in a separate writer process."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server extra (fastapi) is not installed")
from fastapi.testclient import TestClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from storyline import views  # noqa: E402
from storyline.api import create_app  # noqa: E402
from storyline.api import jobs  # noqa: E402
from storyline.api.auth import create_token  # noqa: E402
from storyline.api.middleware import STRICT_CSP  # noqa: E402
from storyline.api.ratelimit import RateLimits, parse_rate  # noqa: E402
from storyline.api.reads import ReadCache, ReadStores  # noqa: E402
from storyline.errors import InputError, StorylineError  # noqa: E402
from storyline.settings import load_settings  # noqa: E402
from storyline.store import open_store  # noqa: E402

LIST_PARAMS = [{}, {"limit": 2}, {"limit": 2, "cursor": "2"}, {"order": "coverage"}, {"since": "2025-03-11"},
               {"until": "2025-03-10"}, {"outlet": "Daily Relay"}, {"topic": "no-such-topic"}]


def fast_settings(db: Path):
    return load_settings(overrides={"store": {"db": str(db)}, "ingest": {"workers": 1, "analyze": False}},
                         environ={})


@pytest.fixture
def db(tmp_path) -> Path:
    """The fictional corpus without analysis (quick), private to each test (tests write to it)."""
    from storyline.app import ingest_and_update

    path = tmp_path / "reads.db"
    report = ingest_and_update([synthetic.write_jsonl(tmp_path / "a.jsonl")], fast_settings(path))
    assert report.failed == 0
    return path


def add_article(db: Path, n: int) -> None:
    """A write from another connection (as the writer process or a CLI would do)."""
    from storyline.app import ingest_and_update

    article = {"id": f"late-{n}", "outlet": "Late Gazette", "published": "2025-04-02",
               "title": f"Fictional ferry timetable changes, part {n}",
               "text": f"The fictional ferry company of Testport changed its timetable, part {n}. "
                       "Morning boats now leave half an hour later, and the evening boat was dropped.\n\n"
                       "\"Passengers asked for later departures,\" said Ola Testperson, a fictional spokesman.\n"}
    path = db.parent / f"late-{n}.jsonl"
    report = ingest_and_update([synthetic.write_jsonl(path, [article])], fast_settings(db))
    assert report.new == 1, report.to_dict()


def assert_security_headers(resp) -> None:
    assert resp.headers.get("content-security-policy"), (resp.status_code, resp.headers)
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["x-frame-options"] == "DENY"


# -- security headers ------------------------------------------------------------------------------
def test_a_429_carries_the_csp_and_nosniff_headers(db):
    limits = RateLimits(parse_rate("1/min"), None)
    client = TestClient(create_app(str(db), rate_limits=limits, web=False))
    assert client.get("/api/v1/stats").status_code == 200
    resp = client.get("/api/v1/stats")
    assert resp.status_code == 429
    assert resp.headers["content-security-policy"] == STRICT_CSP
    assert_security_headers(resp)


def test_every_kind_of_error_and_static_file_carries_the_headers(db, monkeypatch):
    client = TestClient(create_app(str(db), max_body_bytes=1024), raise_server_exceptions=False)
    with open_store(str(db)) as store:
        secret = create_token(store, "headers")[1]
    big = client.post("/api/v1/articles", content=b"x" * 4096, headers={"Authorization": f"Bearer {secret}",
                                                                       "Content-Type": "application/json"})
    assert big.status_code == 413
    missing_json = client.get("/api/v1/articles/no-such-article")
    missing_page = client.get("/articles/no-such-article")
    assert (missing_json.status_code, missing_page.status_code) == (404, 404)
    static = client.get("/static/favicon.svg")
    assert static.status_code == 200

    def boom(store):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "corpus_stats", boom)
    crashed = client.get("/api/v1/stats")
    assert crashed.status_code == 500 and "secret internals" not in crashed.text
    for resp in (big, missing_json, missing_page, static, crashed):
        assert_security_headers(resp)


# -- pooled read connections -----------------------------------------------------------------------
def test_pooled_connections_are_reused_and_see_later_writes(db):
    pool = ReadStores(str(db))
    store = pool.lease()
    before = store.count("articles")
    pool.release(store)
    add_article(db, 1)
    again = pool.lease()
    assert again is store  # reused, not reopened
    assert again.count("articles") == before + 1  # no stale snapshot kept between requests
    again.conn.execute("BEGIN")  # a connection left inside a transaction is not pooled again
    pool.release(again)
    assert pool.lease() is not again
    pool.close()


# -- the read cache --------------------------------------------------------------------------------
def test_cached_story_pages_and_stats_equal_uncached_and_a_write_invalidates_them(db):
    cache = ReadCache(str(db))
    with open_store(str(db), readonly=True) as store:
        for round_ in range(2):  # the second round is served from the cache
            for params in LIST_PARAMS:
                assert cache.story_page(store, **params) == views.list_stories(store, **params), (round_, params)
            assert cache.stats(store) == views.corpus_stats(store)
        stale_stats, stale_page = cache.stats(store), cache.story_page(store)
        add_article(db, 2)
        assert cache.stats(store) == views.corpus_stats(store)
        assert cache.stats(store)["articles"] == stale_stats["articles"] + 1
        fresh_page = cache.story_page(store)
        assert fresh_page == views.list_stories(store) and fresh_page != stale_page
    cache.close()


def test_the_story_list_over_http_follows_writes(db):
    client = TestClient(create_app(str(db), web=False))
    first = client.get("/api/v1/stories").json()
    assert client.get("/api/v1/stories").json() == first
    add_article(db, 3)
    after = client.get("/api/v1/stories").json()
    assert after != first
    assert any("late-3" in s["articles"] for s in after["items"])
    assert client.get("/api/v1/stats").json()["articles"] == len(synthetic.ARTICLES) + 1


# -- the writer process ----------------------------------------------------------------------------
def test_writes_run_in_a_separate_writer_process(db):
    app = create_app(str(db), fast_settings(db), write_process=True)
    with open_store(str(db)) as store:
        secret = create_token(store, "writer")[1]
    with TestClient(app) as client:  # the lifespan stops the writer process at the end
        payload = {"id": "proc-1", "title": "Fictional regatta postponed", "outlet": "Testport Tide",
                   "published": "2025-05-01", "text": "The fictional regatta of Testport was postponed by a week. Strong winds "
                                                     "were forecast for the weekend, and the harbour was closed.\n\n"
                                                     "\"Safety comes first,\" said Kari Testdottir, a fictional "
                                                     "race officer.\n"}
        resp = client.post("/api/v1/articles", json=payload, headers={"Authorization": f"Bearer {secret}"})
        assert resp.status_code == 201, resp.text
        assert resp.json()["new_ids"] == ["proc-1"]
        pool = app.state.writer._pool  # started by the first write
        assert pool is not None and pool._processes and os.getpid() not in pool._processes
        assert client.get("/api/v1/articles/proc-1").status_code == 200
        again = client.post("/api/v1/articles", json=payload, headers={"Authorization": f"Bearer {secret}"})
        assert again.status_code == 200 and again.json()["already_stored"] == 1
    assert app.state.writer._pool is None


def test_writer_process_errors_come_back_as_storyline_errors(monkeypatch):
    def failing(folder, settings, meta):
        raise InputError("request", "not a valid article")  # its constructor does not unpickle

    monkeypatch.setattr(jobs, "_ingest", failing)
    outcome = jobs._ingest_outcome("folder", None, None)
    assert outcome[0] == "error" and outcome[1] is None
    with pytest.raises(StorylineError, match="not a valid article"):
        jobs._unpack(outcome)
    monkeypatch.setattr(jobs, "_ingest", lambda *a: (_ for _ in ()).throw(ValueError("plain")))
    with pytest.raises(ValueError, match="plain"):  # picklable exceptions come back as themselves
        jobs._unpack(jobs._ingest_outcome("folder", None, None))
