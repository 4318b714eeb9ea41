"""REST API and web UI, in process (fastapi.testclient) over a small fictional corpus."""
from __future__ import annotations

import importlib.util
import re
import sqlite3
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server extra (fastapi) is not installed")
from fastapi.testclient import TestClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from storyline.api import create_app  # noqa: E402
from storyline.api.auth import create_token, revoke_token  # noqa: E402
from storyline.api.middleware import STRICT_CSP  # noqa: E402
from storyline.store import open_store  # noqa: E402

INJECTIONS = ["' OR '1'='1", "\"; DROP TABLE articles; --", "1; DELETE FROM stories", "%", "_", "\\", "*",
              "NEAR(a b)", "title:x OR", "<script>alert(1)</script>", "../../etc/passwd", "%00", "名前",
              "a" * 300, ")", "' UNION SELECT hash FROM api_tokens --"]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    return synthetic.build_db(tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def client(corpus_db) -> TestClient:
    return TestClient(create_app(str(corpus_db)))


def copy_db(src: Path, dst: Path) -> Path:
    """A consistent copy (WAL included) for tests that write."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


@pytest.fixture
def writable(corpus_db, tmp_path):
    """(client, valid token, revoked token) over a private copy of the corpus."""
    db = copy_db(corpus_db, tmp_path / "w.db")
    with open_store(str(db)) as store:
        _id, good = create_token(store, "tests")
        bad_id, revoked = create_token(store, "old")
        assert revoke_token(store, bad_id)
    return TestClient(create_app(str(db), max_body_bytes=64 * 1024)), good, revoked


def assert_error(resp, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"]), body
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def story_id_of(client, article_id: str) -> str:
    return client.get(f"/api/v1/articles/{article_id}").json()["story"]


# -- reads -------------------------------------------------------------------------------------------
def test_stats_counts_the_corpus(client):
    stats = client.get("/api/v1/stats").json()
    assert stats["articles"] == len(synthetic.ARTICLES)
    assert stats["stories"] >= 2 and stats["quotes"] > 0 and stats["entities"] > 0
    assert stats["first_published"] == "2025-03-10"


def test_articles_cursor_pagination_visits_every_article_once(client):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/articles", params=params).json()
        seen += [a["id"] for a in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if not cursor:
            break
    assert sorted(seen) == sorted(a["id"] for a in synthetic.ARTICLES) and pages == 3


def test_article_filters(client):
    by_outlet = client.get("/api/v1/articles", params={"outlet": "Bay Times"}).json()["items"]
    assert [a["id"] for a in by_outlet] == ["strike-bay"]
    april = client.get("/api/v1/articles", params={"since": "2025-04-01", "until": "2025-04-03"}).json()["items"]
    assert {a["id"] for a in april} == {"bridge-post", "bridge-gazette"}


def test_article_detail_spans_point_into_the_input_text(client):
    a = client.get("/api/v1/articles/strike-herald").json()
    assert a["title"].startswith("Dock workers") and a["outlet"] == "Coastal Herald"
    assert a["quotes"] and a["entities"]
    for q in a["quotes"]:
        s, e = q["span"]
        assert a["input_text"][s:e] == q["text"]
    names = {e["name"] for e in a["entities"]}
    assert any("Olsen" in n for n in names)


def test_raw_returns_the_ingested_bytes_as_plain_text(client):
    r = client.get("/api/v1/articles/hostile-note/raw")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert b"onerror" in r.content  # shown as source text, never rendered


def test_not_found_errors_have_one_shape(client):
    assert_error(client.get("/api/v1/articles/nope"), 404, "not_found")
    assert_error(client.get("/api/v1/articles/nope/raw"), 404, "not_found")
    assert_error(client.get("/api/v1/stories/nope"), 404, "not_found")
    assert_error(client.get("/api/v1/stories/nope/brief"), 404, "not_found")
    assert_error(client.get("/api/v1/entities/nope"), 404, "not_found")
    assert_error(client.get("/api/v1/jobs/nope"), 404, "not_found")
    assert_error(client.get("/api/v1/no-such-endpoint"), 404)


def test_stories_list_detail_and_filters(client):
    story = story_id_of(client, "strike-herald")
    items = client.get("/api/v1/stories").json()["items"]
    assert story in {s["story"] for s in items}
    assert [s["last_seen"] for s in items] == sorted((s["last_seen"] for s in items), reverse=True)
    by_outlet = client.get("/api/v1/stories", params={"outlet": "Bay Times"}).json()["items"]
    assert [s["story"] for s in by_outlet] == [story]
    late = client.get("/api/v1/stories", params={"since": "2025-04-01"}).json()["items"]
    assert story not in {s["story"] for s in late}
    page = client.get("/api/v1/stories", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    detail = client.get(f"/api/v1/stories/{story}").json()
    assert {"strike-herald", "strike-bay"} <= set(detail["articles"])
    assert any(q["speaker"] == "Maria Olsen" for q in detail["quotes"])
    assert any(d["copy"] == "strike-relay" for d in detail["duplicates"])
    assert detail["coverage"] and detail["coverage"][0][0] == "2025-03-10"


def test_stories_entity_filter(client):
    olsen = next(e for e in client.get("/api/v1/entities", params={"q": "Olsen"}).json()["items"])
    stories = client.get("/api/v1/stories", params={"entity": olsen["name"]}).json()["items"]
    assert [s["story"] for s in stories] == [story_id_of(client, "strike-herald")]


def test_entities_and_entity_detail(client):
    items = client.get("/api/v1/entities").json()["items"]
    assert items and items[0]["mention_count"] >= items[-1]["mention_count"]
    vance = next(e for e in items if "Vance" in e["name"])
    detail = client.get(f"/api/v1/entities/{vance['id']}").json()
    assert detail["name"] == vance["name"] and detail["quotes"]
    assert all(q["speaker"].casefold() == vance["name"].casefold() for q in detail["quotes"])


def test_events_and_filters(client):
    events = client.get("/api/v1/events").json()["items"]
    assert events, "the synthetic corpus has at least one coded event"
    ev = events[0]
    same_root = client.get("/api/v1/events", params={"root": ev["root"]}).json()["items"]
    assert ev["id"] in {e["id"] for e in same_root}
    country = ev["actor_country"]
    assert all(country in (e["actor_country"], e["target_country"])
               for e in client.get("/api/v1/events", params={"country": country}).json()["items"])
    assert client.get("/api/v1/events", params={"since": "2099-01-01"}).json()["items"] == []


def test_search_finds_articles(client):
    hits = client.get("/api/v1/search", params={"q": "Linden bridge"}).json()["items"]
    assert {h["id"] for h in hits} >= {"bridge-post"}
    assert client.get("/api/v1/search", params={"q": "zzzqqq"}).json()["items"] == []
    assert_error(client.get("/api/v1/search"), 422, "validation_error")


def test_brief_is_501_until_the_module_exists(client):
    story = story_id_of(client, "bridge-post")
    r = client.get(f"/api/v1/stories/{story}/brief", params={"format": "md"})
    if importlib.util.find_spec("storyline.brief") is None:
        assert_error(r, 501, "not_implemented")
    else:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
        assert "rail bridge" in r.text.lower() and "Port Alder" not in r.text  # this story only
        as_json = client.get(f"/api/v1/stories/{story}/brief", params={"format": "json"})
        assert as_json.status_code == 200 and as_json.json()["stories"]
        as_html = client.get(f"/api/v1/stories/{story}/brief", params={"format": "html"})
        assert as_html.headers["content-type"].startswith("text/html") and "<script" not in as_html.text
        csp = as_html.headers["content-security-policy"]
        assert csp.startswith(STRICT_CSP.split("style-src")[0]) and "unsafe-inline" not in csp
        if "<style>" in as_html.text:
            assert "'sha256-" in csp
    assert_error(client.get(f"/api/v1/stories/{story}/brief", params={"format": "pdf"}), 422)


def test_unexpected_errors_are_500_without_internals(corpus_db, monkeypatch):
    from storyline import views

    def boom(store):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views, "corpus_stats", boom)
    client = TestClient(create_app(str(corpus_db)), raise_server_exceptions=False)
    err = assert_error(client.get("/api/v1/stats"), 500, "internal_error")
    assert "secret" not in err["message"]
    page = client.get("/")
    assert page.status_code == 500 and "secret" not in page.text and "Traceback" not in page.text


@pytest.mark.parametrize("url", [
    "/api/v1/articles?limit=0", "/api/v1/articles?limit=abc", "/api/v1/articles?limit=100000",
    "/api/v1/articles?cursor=1%20OR%201=1", "/api/v1/articles?since=yesterday", "/api/v1/stories?order=random",
    "/api/v1/events?root=1;2", "/api/v1/stories?until=2025-13-01'--",
])
def test_validation_errors_are_422(client, url):
    err = assert_error(client.get(url), 422, "validation_error")
    assert err["details"] and all("loc" in d and "msg" in d for d in err["details"])


@pytest.mark.parametrize("path,params", [
    ("/api/v1/articles", ["outlet", "since", "until", "cursor"]),
    ("/api/v1/stories", ["topic", "since", "until", "entity", "outlet", "cursor", "order"]),
    ("/api/v1/entities", ["q", "type", "cursor"]),
    ("/api/v1/events", ["root", "country", "since", "until", "cursor"]),
    ("/api/v1/search", ["q"]),
    ("/", ["topic", "order", "cursor"]), ("/search", ["q"]), ("/entities", ["q"]),
])
def test_injection_strings_never_cause_server_errors(client, path, params):
    for name in params:
        for payload in INJECTIONS:
            r = client.get(path, params={name: payload})
            assert r.status_code in (200, 422), (name, payload, r.status_code, r.text[:300])
            assert "sqlite" not in r.text.lower() and "syntax error" not in r.text.lower()
    assert client.get("/api/v1/stats").json()["articles"] == len(synthetic.ARTICLES)


@pytest.mark.parametrize("url", [
    "/static/../api/app.py", "/static/%2e%2e/%2e%2e/settings.py", "/static/..%2f..%2fsettings.py",
    "/static/..%5c..%5csettings.py", "/static//etc/passwd", "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
    "/api/v1/articles/..%2F..%2Fetc%2Fpasswd/raw", "/api/v1/articles/%2e%2e/raw", "/articles/..%2f..%2fetc%2fpasswd",
])
def test_path_traversal_is_refused(client, url):
    r = client.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert "root:" not in r.text and "create_app" not in r.text and "load_settings" not in r.text


# -- writes and auth -----------------------------------------------------------------------------------
NEW_ARTICLE = {"id": "api-ferry", "outlet": "Harbour Wire", "published": "2025-05-01", "title": "Ferry timetable",
               "text": "A new summer ferry timetable for the fictional isle of Mossholm begins this week, with "
                       "more sailings than in any year before.\n\n"
                       "\"Boats will run every hour,\" said Irene Dahl, the ferry operator, at the harbour office.\n\n"
                       "The island council said the extra sailings would help visitors and local workers alike.\n"}


def test_writes_need_a_valid_token(writable):
    client, good, revoked = writable
    url = "/api/v1/articles"
    assert_error(client.post(url, json=NEW_ARTICLE), 401, "unauthorized")
    assert client.post(url, json=NEW_ARTICLE).headers["www-authenticate"] == "Bearer"
    assert_error(client.post(url, json=NEW_ARTICLE, headers={"Authorization": "Bearer sl_wrong"}), 401)
    assert_error(client.post(url, json=NEW_ARTICLE, headers={"Authorization": f"Basic {good}"}), 401)
    assert_error(client.post(url, json=NEW_ARTICLE, headers={"Authorization": f"Bearer {revoked}"}), 403, "forbidden")
    assert_error(client.post("/api/v1/ingest", json={"urls": ["https://x.example/a"]}), 401)
    assert client.get("/api/v1/articles/api-ferry").status_code == 404


def test_post_article_ingests_and_is_idempotent(writable):
    client, good, _ = writable
    auth = {"Authorization": f"Bearer {good}"}
    r = client.post("/api/v1/articles", json=NEW_ARTICLE, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["new"] == 1 and r.json()["new_ids"] == ["api-ferry"]
    stored = client.get("/api/v1/articles/api-ferry").json()
    assert stored["outlet"] == "Harbour Wire" and any(q["speaker"] == "Irene Dahl" for q in stored["quotes"])
    assert {h["id"] for h in client.get("/api/v1/search", params={"q": "Mossholm"}).json()["items"]} == {"api-ferry"}
    again = client.post("/api/v1/articles", json=NEW_ARTICLE, headers=auth)
    assert again.status_code == 200 and again.json()["already_stored"] == 1 and again.json()["new"] == 0
    lighthouse = ("The fictional Mossholm lighthouse was repainted white this spring by a team of volunteers. "
                  "The work took three weeks and was paid for by the island council.")
    batch = [{"text": lighthouse + "\n\nVisitors can climb the tower again from June.", "outlet": "Isle News"},
             {"html": f"<html><body><article><p>{lighthouse}</p><p>The keeper retired after forty years of "
                      "service to the island community.</p></article></body></html>", "title": "Keeper retires"},
             {"text": "x"}]
    r = client.post("/api/v1/articles", json=batch, headers=auth)
    assert r.status_code == 201 and r.json()["new"] == 2 and all(i.startswith("api-") for i in r.json()["new_ids"])
    assert r.json()["failed"] == 1 and r.json()["failures"][0]["input"].startswith("request")


@pytest.mark.parametrize("body", [
    {"title": "no body"}, {"text": "   "}, {"text": "x", "unknown_field": 1}, {"id": "../../etc/passwd", "text": "x"},
    {"text": 5}, [], "just a string",
])
def test_invalid_article_bodies_are_422(writable, body):
    client, good, _ = writable
    assert_error(client.post("/api/v1/articles", json=body, headers={"Authorization": f"Bearer {good}"}), 422)


def test_body_over_the_limit_is_413(writable):
    client, good, _ = writable
    auth = {"Authorization": f"Bearer {good}"}
    big = {"text": "word " * 20_000}
    err = assert_error(client.post("/api/v1/articles", json=big, headers=auth), 413, "payload_too_large")
    assert err["details"]["limit"] == 64 * 1024

    def chunks():  # no Content-Length: counted while reading
        for _ in range(100):
            yield b"x" * 1024

    assert_error(client.post("/api/v1/articles", content=chunks(), headers={**auth, "content-type":
                                                                              "application/json"}), 413)


def test_ingest_job_refuses_private_addresses(writable):
    client, good, _ = writable
    r = client.post("/api/v1/ingest", json={"urls": ["http://127.0.0.1:9/x", "http://169.254.169.254/latest"]},
                    headers={"Authorization": f"Bearer {good}"})
    assert r.status_code == 202, r.text
    job = wait_for_job(client, r.json()["id"])
    assert job["status"] == "done" and job["progress"] == 1.0
    assert len(job["errors"]) == 2 and all("private" in e["reason"] for e in job["errors"])
    assert job["result"]["new"] == 0
    assert_error(client.post("/api/v1/ingest", json={"urls": ["file:///etc/passwd"]},
                             headers={"Authorization": f"Bearer {good}"}), 422)


def wait_for_job(client, job_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_ingest_job_fetches_pages_when_private_fetch_is_allowed(corpus_db, tmp_path):
    from tests_http import serve_pages

    db = copy_db(corpus_db, tmp_path / "j.db")
    with open_store(str(db)) as store:
        _id, token = create_token(store)
    page = ("<html><head><title>Mossholm regatta</title></head><body><article><h1>Mossholm regatta</h1>"
            "<p>Forty boats sailed in the fictional Mossholm regatta on Saturday, a record for the small "
            "island club.</p><p>\"The wind was perfect,\" said Petra Lind, who won the main race.</p>"
            "</article></body></html>")
    with serve_pages({"/regatta": page}) as base:
        client = TestClient(create_app(str(db), allow_private_fetch=True))
        r = client.post("/api/v1/ingest", json={"urls": [f"{base}/regatta"]}, headers={"Authorization": f"Bearer {token}"})
        job = wait_for_job(client, r.json()["id"])
    assert job["status"] == "done" and job["result"]["new"] == 1, job
    article = client.get(f"/api/v1/articles/{job['result']['new_ids'][0]}").json()
    assert article["url"] == f"{base}/regatta" and "Forty boats" in article["text"]

    # a feed: one item with embedded content, one link-only item (fetched), one link to a missing page
    embedded = ("<p>The fictional Mossholm choir sang at the harbour on Sunday evening, the first concert of "
                "the season.</p><p>More than two hundred people came to listen despite the rain.</p>")
    pages = {"/regatta2": page.replace("Forty", "Fifty")}
    with serve_pages(pages) as base:  # the handler reads ``pages`` per request: the feed can name the port
        pages["/feed.xml"] = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Isle Feed</title>'
            f'<item><title>Choir</title><link>{base}/choir</link><description><![CDATA[{embedded}]]></description>'
            f'</item><item><title>Regatta</title><link>{base}/regatta2</link></item>'
            f'<item><title>Gone</title><link>{base}/gone</link></item></channel></rss>')
        r = client.post("/api/v1/ingest", json={"feed": f"{base}/feed.xml"},
                        headers={"Authorization": f"Bearer {token}"})
        job = wait_for_job(client, r.json()["id"])
    assert job["status"] == "done" and job["result"]["new"] == 2, job
    assert [e["input"] for e in job["errors"]] == [f"{base}/gone"]
    assert job["done"] == job["total"] == 4  # feed, two links, ingest


# -- web UI --------------------------------------------------------------------------------------------
def test_every_page_has_the_strict_csp_and_no_inline_code(client):
    story = story_id_of(client, "strike-herald")
    entity = client.get("/api/v1/entities").json()["items"][0]["id"]
    for url in ["/", "/?order=coverage", f"/stories/{story}", "/articles/strike-herald",
                "/articles/strike-herald?view=input", "/entities", f"/entities/{entity}", "/search?q=bridge",
                "/api/v1/stats"]:
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-security-policy"] == STRICT_CSP
        assert r.headers["x-frame-options"] == "DENY"
        if url.startswith("/api"):
            continue
        assert "<script" not in r.text.lower() and " style=" not in r.text.lower(), url
        assert re.search(r"<[a-z][^>]*\son[a-z]+\s*=", r.text, re.I) is None, url  # no event-handler attributes


def test_river_lists_stories_with_sparklines(client):
    html = client.get("/").text
    assert "Dock workers in Port Alder walk out over pay" in html or "Port Alder strike" in html
    assert "New rail bridge" in html or "Linden rail bridge" in html
    assert html.count('class="sparkline"') >= 2


def test_story_page_shows_timeline_quotes_and_rewrites(client):
    html = client.get(f"/stories/{story_id_of(client, 'strike-herald')}").text
    assert "Maria Olsen" in html and "We will not accept these terms" in html
    assert 'class="timeline"' in html and 'class="chart"' in html
    matrix = html[html.index('class="matrix"'):html.index('id="articles"')]
    assert matrix.count('class="copy"') == 1 and matrix.count('class="orig"') == 2  # the relay copy only
    badge = re.search(r'<span class="badge[^"]*">\s*(\w+) of\s*<a href="/articles/([^"]+)"', html)
    assert badge and badge.group(2) == "strike-herald"


def test_article_page_highlights_entities_and_quotes(client):
    html = client.get("/articles/strike-bay").text
    assert re.search(r'<span class="[^"]*\bent\b[^"]*"[^>]*>Jonas Berg</span>', html)
    assert 'class="quote' in html and 'id="q0"' in html
    herald = client.get("/articles/strike-herald").text
    assert 'href="/articles/strike-relay"' in herald  # its copy is listed


def test_hostile_article_is_escaped_everywhere(client):
    for url in ["/articles/hostile-note", "/articles/hostile-note?view=input", "/", "/search?q=harbour",
                f"/stories/{story_id_of(client, 'hostile-note')}"]:
        html = client.get(url).text
        assert "<script>window.pwned" not in html and "<img src" not in html and "<svg onload" not in html, url
        assert 'href="javascript:' not in html.lower()
    html = client.get("/articles/hostile-note").text
    assert "&lt;script&gt;window.pwned" in html and "onerror=" not in html.replace("onerror=&#34;", "")


def test_unknown_pages_render_an_html_404(client):
    r = client.get("/stories/does-not-exist")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "does-not-exist" in r.text


def test_openapi_documents_the_versioned_api(client):
    spec = client.get("/openapi.json").json()
    for path in ["/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/stories/{story_id}/brief",
                 "/api/v1/search", "/api/v1/ingest", "/api/v1/jobs/{job_id}", "/api/v1/stats"]:
        assert path in spec["paths"], path
    assert not any(p in spec["paths"] for p in ["/", "/search"])
    assert client.get("/docs").status_code == 200


# -- CLI -------------------------------------------------------------------------------------------
def test_token_cli_and_serve_refusal(tmp_path):
    from click.testing import CliRunner

    from storyline.cli import serve as serve_module
    from storyline.cli.main import cli

    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    refused = runner.invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "token create" in refused.output
    created = runner.invoke(cli, ["token", "create", "--db", db, "--name", "ci"])
    assert created.exit_code == 0
    secret = created.output.splitlines()[0]
    assert secret.startswith("sl_") and len(secret) > 30
    listed = runner.invoke(cli, ["token", "list", "--db", db, "--format", "json"])
    assert "ci" in listed.output and secret not in listed.output
    with open_store(db) as store:
        stored = store.rows("SELECT hash FROM api_tokens")[0]["hash"]
    assert secret not in stored and len(stored) == 64
    assert runner.invoke(cli, ["token", "revoke", "ci", "--db", db]).exit_code == 0
    assert runner.invoke(cli, ["token", "revoke", "ci", "--db", db]).exit_code == 1
    assert serve_module.is_loopback("127.0.0.1") and serve_module.is_loopback("::1")
    assert not serve_module.is_loopback("0.0.0.0") and not serve_module.is_loopback("example.org")
