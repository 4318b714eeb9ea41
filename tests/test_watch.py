"""storyline watch: feeds and pages served from a throwaway HTTP server on 127.0.0.1.

Every test polls a bounded number of rounds (``poll_round`` / ``run(once=True)``), with a zero
per-host delay and a fake sleep, so nothing waits on the clock.
"""
from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("httpx", reason="httpx is not installed")

from click.testing import CliRunner  # noqa: E402

from storyline.settings import load_settings, parse_interval  # noqa: E402
from storyline.sources import fetch  # noqa: E402
from storyline.store import open_store  # noqa: E402
from storyline.watch import FeedWatcher, read_feed_list  # noqa: E402

# --- synthetic, fictional content ---------------------------------------------------------------------
STORIES = {
    "ferry": ("Ferry service resumes", "The ferry between Ostrel and Vannby resumed on Monday after a two-week "
              "pause, the operator said. Repairs to the pier took longer than planned."),
    "library": ("Library extends hours", "The public library of Ostrel will stay open until nine in the evening "
                "from next month, the council announced. Volunteers will staff the reading room."),
    "bridge": ("Bridge inspection finds no faults", "Engineers who inspected the Vannby footbridge found no "
               "structural faults, the county said. The bridge reopens to cyclists on Friday."),
    "market": ("Winter market returns", "The winter market returns to the Ostrel harbour square this weekend "
               "with forty stalls, the organisers said. Entry is free."),
}


def page(key: str) -> bytes:
    title, body = STORIES[key]
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p></article></body></html>").encode()


def rss(items: list[tuple[str, str, bool]], title: str = "Ostrel Gazette") -> bytes:
    """``items``: (key, link, embedded?).  Link-only items carry a title and date but no body;
    a link written ``guid:<url>`` is given as ``<guid>`` only."""
    parts = []
    for key, link, embedded in items:
        head, body = STORIES[key]
        first, _, rest = body.partition(". ")
        # two paragraphs: a single-element fragment trips trafilatura's loader (reported to the lead)
        desc = f"<description><![CDATA[<p>{first}.</p><p>{rest}</p>]]></description>" if embedded else ""
        guid_only = link.startswith("guid:")  # an item whose only URL is a permalink <guid>
        link = link.removeprefix("guid:")
        link_tag = "" if guid_only else f"<link>{link}</link>"
        parts.append(f"<item><title>{head}</title>{link_tag}<guid>{link}</guid>"
                     f"<pubDate>Mon, 03 Mar 2025 08:00:00 GMT</pubDate>{desc}</item>")
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f'{"".join(parts)}</channel></rss>').encode()


# --- a small site: routes with optional ETag, status sequences, redirects, hit counts -------------------
class Site:
    def __init__(self):
        self.routes: dict[str, dict] = {}
        self.hits: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()  # requests that carried If-None-Match / If-Modified-Since
        self.agents: list[str] = []
        self.base = ""

    def add(self, path: str, body: bytes, ctype: str = "text/html; charset=utf-8", *, etag: str | None = None,
            last_modified: str | None = None, statuses: list[int] | None = None, location: str | None = None):
        self.routes[path] = {"body": body, "ctype": ctype, "etag": etag, "last_modified": last_modified,
                             "statuses": list(statuses or []), "location": location}

    def handle(self, req: BaseHTTPRequestHandler) -> None:
        path = req.path
        self.hits[path] += 1
        self.agents.append(req.headers.get("User-Agent", ""))
        route = self.routes.get(path)
        if route is None:
            return _send(req, 404, b"not here", "text/plain")
        if route["location"]:
            req.send_response(302)
            req.send_header("Location", route["location"].replace("{base}", self.base))
            req.end_headers()
            return None
        if route["statuses"]:
            return _send(req, route["statuses"].pop(0), b"busy", "text/plain", {"Retry-After": "0"})
        inm, ims = req.headers.get("If-None-Match"), req.headers.get("If-Modified-Since")
        if inm or ims:
            self.conditional[path] += 1
        if (route["etag"] and inm == route["etag"]) or (route["last_modified"] and ims == route["last_modified"]):
            return _send(req, 304, b"", None)
        headers = {k: v for k, v in (("ETag", route["etag"]), ("Last-Modified", route["last_modified"])) if v}
        return _send(req, 200, route["body"], route["ctype"], headers)


def _send(req, status: int, body: bytes, ctype: str | None, headers: dict | None = None) -> None:
    req.send_response(status)
    if ctype:
        req.send_header("Content-Type", ctype)
    for key, value in (headers or {}).items():
        req.send_header(key, value)
    req.send_header("Content-Length", str(len(body)))
    req.end_headers()
    if body and status != 304:
        req.wfile.write(body)


@contextmanager
def serve(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            site.handle(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site.base
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site():
    s = Site()
    with serve(s):
        yield s


def make_settings(tmp_path, **watch):
    opts = {"allow_private": True, "per_host_delay": 0, "timeout": 2, "retries": 1, **watch}
    return load_settings(environ={}, overrides={
        "store": {"db": str(tmp_path / "news.db")},
        "ingest": {"workers": 1, "analyze": False, "corpus_stages": False},
        "watch": opts})


@contextmanager
def watcher(tmp_path, feeds, **watch):
    settings = make_settings(tmp_path, **watch)
    sleeps: list[float] = []
    with open_store(settings.store.db) as store, \
            FeedWatcher(feeds, store, settings, sleep=sleeps.append, backoff=0.25) as w:
        w.sleeps = sleeps
        yield w, store


# --- tests ---------------------------------------------------------------------------------------------
def test_new_items_are_ingested_once_and_a_304_costs_nothing(tmp_path, site):
    site.add("/feed.xml", rss([("ferry", f"{site.base}/ferry", True), ("library", f"{site.base}/library", True)]),
             "application/rss+xml", etag='"v1"')
    with watcher(tmp_path, [f"{site.base}/feed.xml"]) as (w, store):
        first = w.poll_round()
        assert first.feeds[0].status == "new" and len(first.new_ids) == 2
        assert store.count("articles") == 2
        article = store.get_article(first.new_ids[0])
        assert article.title == "Ferry service resumes" and article.outlet == "Ostrel Gazette"
        second = w.poll_round()
    assert second.feeds[0].status == "not-modified" and second.new_ids == []
    assert site.conditional["/feed.xml"] == 1  # the second request carried the stored ETag
    with open_store(str(tmp_path / "news.db")) as store:
        assert store.count("articles") == 2
        assert store.get_state(f"watch.feed:{site.base}/feed.xml")["etag"] == '"v1"'


def test_a_changed_feed_adds_only_its_new_items(tmp_path, site):
    feed = f"{site.base}/feed.xml"
    stamp = format_datetime(datetime(2025, 3, 3, 8, tzinfo=timezone.utc), usegmt=True)
    site.add("/feed.xml", rss([("ferry", f"{site.base}/ferry", True)]), "application/rss+xml", last_modified=stamp)
    with watcher(tmp_path, [feed]) as (w, store):
        assert len(w.poll_round().new_ids) == 1
        assert w.poll_round().feeds[0].status == "not-modified"  # Last-Modified round trip
        # the publisher adds an item and the feed carries no validator any more
        site.add("/feed.xml", rss([("bridge", f"{site.base}/bridge", True), ("ferry", f"{site.base}/ferry", True)]),
                 "application/rss+xml")
        third = w.poll_round()
        assert third.feeds[0].status == "new" and len(third.new_ids) == 1 and third.feeds[0].already == 1
        assert w.poll_round().feeds[0].status == "unchanged"  # same bytes again: not even parsed
        assert store.count("articles") == 2


def test_link_only_items_are_fetched_once(tmp_path, site):
    site.add("/ferry", page("ferry"))
    site.add("/feed.xml", rss([("ferry", "/ferry", False)]), "application/rss+xml")  # a relative link, too
    with watcher(tmp_path, [f"{site.base}/feed.xml"], user_agent="storyline-test/1.0 (fictional)") as (w, store):
        report = w.poll_round()
        assert report.failures == [] and report.feeds[0].fetched == 1
        article = store.get_article(report.new_ids[0])
        assert "resumed on Monday" in article.text
        assert article.published == "2025-03-03" and article.outlet == "Ostrel Gazette"  # from the feed item
        assert article.meta["url"] == f"{site.base}/ferry"
        # a new item appears; the page already fetched is not asked for again
        site.add("/library", page("library"))
        site.add("/feed.xml", rss([("library", f"guid:{site.base}/library", False), ("ferry", "/ferry", False)]),
                 "application/rss+xml")
        assert len(w.poll_round().new_ids) == 1
    assert site.hits["/ferry"] == 1 and site.hits["/library"] == 1
    assert all(agent == "storyline-test/1.0 (fictional)" for agent in site.agents)


def test_a_broken_feed_is_recorded_and_the_next_feed_still_works(tmp_path, site):
    site.add("/broken.xml", b"<rss><channel><item><title>cut off", "application/rss+xml")
    site.add("/good.xml", rss([("market", f"{site.base}/market", True)]), "application/rss+xml")
    site.add("/down.xml", b"", statuses=[500, 500, 500])
    feeds = [f"{site.base}/broken.xml", f"{site.base}/missing.xml", f"{site.base}/down.xml",
             "ftp://example.invalid/feed", f"{site.base}/good.xml"]
    with watcher(tmp_path, feeds) as (w, store):
        report = w.poll_round()
        failures = store.failures()
    assert [f.status for f in report.feeds] == ["failed", "failed", "failed", "failed", "new"]
    assert len(report.new_ids) == 1
    reasons = {f["input"]: f["reason"] for f in failures}
    assert "well-formed" in reasons[f"{site.base}/broken.xml"]
    assert "404" in reasons[f"{site.base}/missing.xml"]
    assert "500" in reasons[f"{site.base}/down.xml"] and "after 2 attempts" in reasons[f"{site.base}/down.xml"]
    assert "http" in reasons["ftp://example.invalid/feed"]
    assert w.sleeps == [0.25]  # one retry of the 500, with the first backoff step


def test_transient_page_failures_are_retried_with_backoff(tmp_path, site):
    site.add("/bridge", page("bridge"), statuses=[503, 503])
    site.add("/feed.xml", rss([("bridge", f"{site.base}/bridge", False)]), "application/rss+xml")
    with watcher(tmp_path, [f"{site.base}/feed.xml"], retries=1) as (w, store):
        first = w.poll_round()
        assert first.new_ids == [] and "503" in first.failures[0].reason
        assert w.sleeps == [0.25]
        site.add("/feed.xml", rss([("bridge", f"{site.base}/bridge", False), ("ferry", f"{site.base}/x", True)]),
                 "application/rss+xml")
        second = w.poll_round()  # not remembered as done: fetched again, and now it works
        assert len(second.new_ids) == 2 and second.feeds[0].fetched == 1
    assert site.hits["/bridge"] == 3


def test_robots_txt_disallow_is_respected(tmp_path, site):
    site.add("/robots.txt", b"User-agent: storyline\nDisallow: /private/\n\nUser-agent: *\nDisallow:\n", "text/plain")
    site.add("/private/ferry", page("ferry"))
    site.add("/public/library", page("library"))
    site.add("/feed.xml", rss([("ferry", f"{site.base}/private/ferry", False),
                               ("library", f"{site.base}/public/library", False)]), "application/rss+xml")
    with watcher(tmp_path, [f"{site.base}/feed.xml"]) as (w, store):
        report = w.poll_round()
        assert len(report.new_ids) == 1
        assert [f.input for f in report.failures] == [f"{site.base}/private/ferry"]
        assert "robots.txt" in report.failures[0].reason
        w.poll_round()
    assert site.hits["/private/ferry"] == 0 and site.hits["/public/library"] == 1
    assert site.hits["/robots.txt"] == 1  # cached per host


def test_ssrf_guard_refuses_loopback_without_allow_private(tmp_path, site):
    site.add("/feed.xml", rss([("ferry", f"{site.base}/ferry", True)]), "application/rss+xml")
    with watcher(tmp_path, [f"{site.base}/feed.xml"], allow_private=False) as (w, store):
        report = w.poll_round()
        assert report.feeds[0].status == "failed" and "private" in report.failures[0].reason
        assert store.count("articles") == 0 and len(store.failures()) == 1
    assert sum(site.hits.values()) == 0  # refused before any request, robots.txt included


def test_redirects_to_loopback_are_refused(tmp_path, site, monkeypatch):
    # Pretend 127.0.0.1 is public so the first hop goes through; 127.0.0.2 (loopback) must still be refused.
    real = fetch.address_allowed
    monkeypatch.setattr(fetch, "address_allowed", lambda ip, allow_private=False: ip == "127.0.0.1" or real(ip))
    port = site.base.rsplit(":", 1)[1]
    site.add("/go", b"", location=f"http://127.0.0.2:{port}/library")
    site.add("/library", page("library"))
    site.add("/feed.xml", rss([("ferry", f"{site.base}/go", False)]), "application/rss+xml")
    site.add("/moved.xml", b"", location=f"http://127.0.0.2:{port}/feed.xml")
    with watcher(tmp_path, [f"{site.base}/feed.xml", f"{site.base}/moved.xml"], allow_private=False) as (w, store):
        report = w.poll_round()
    assert [f.status for f in report.feeds] == ["new", "failed"]
    assert report.new_ids == [] and len(report.failures) == 2
    assert all("127.0.0.2" in f.reason and "private" in f.reason for f in report.failures)
    assert site.hits["/library"] == 0


def test_new_articles_update_the_corpus(tmp_path, site, monkeypatch):
    from storyline.corpus import update

    calls: list[list[str]] = []
    monkeypatch.setattr(update, "update_corpus", lambda store, settings, ids: calls.append(list(ids)) or {"n": 1})
    site.add("/feed.xml", rss([("ferry", f"{site.base}/ferry", True)]), "application/rss+xml", etag='"a"')
    settings = make_settings(tmp_path)
    settings.ingest.corpus_stages = True
    with open_store(settings.store.db) as store, FeedWatcher([f"{site.base}/feed.xml"], store, settings) as w:
        assert w.run(rounds=2, interval=0) == 2
    assert calls == [["ferry"]]  # once, for the new id only; the 304 round adds nothing


def test_run_stops_when_asked(tmp_path, site):
    site.add("/feed.xml", rss([("ferry", f"{site.base}/ferry", True)]), "application/rss+xml")
    stop = threading.Event()
    with watcher(tmp_path, [f"{site.base}/feed.xml"]) as (w, _store):
        assert w.run(interval=0, stop=stop, on_round=lambda _r: stop.set()) == 1


def test_cli_watch_once(tmp_path, site):
    from storyline.cli import cli
    import storyline.cli.watch_cmd  # noqa: F401 — registers the command until the package imports it

    site.add("/feed.xml", rss([("ferry", f"{site.base}/ferry", True)]), "application/rss+xml")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# fictional feeds\n{site.base}/feed.xml  Ostrel Gazette\n\n", encoding="utf-8")
    db = str(tmp_path / "cli.db")
    args = ["watch", str(feeds), "--db", db, "--once", "--allow-private", "--per-host-delay", "0", "--no-analyze"]
    result = CliRunner().invoke(cli, args, env={"STORYLINE_INGEST__CORPUS_STAGES": "false"})
    assert result.exit_code == 0, result.output
    assert "1 new articles" in result.output
    feeds.write_text(f"{site.base}/nothing.xml\n", encoding="utf-8")
    result = CliRunner().invoke(cli, args, env={"STORYLINE_INGEST__CORPUS_STAGES": "false"})
    assert result.exit_code == 1 and "404" in result.output
    result = CliRunner().invoke(cli, [*args, "--interval", "soon"])
    assert result.exit_code == 2 and "duration" in result.output


@pytest.mark.parametrize("text,seconds", [("30s", 30), ("10m", 600), ("1h", 3600), ("1.5h", 5400), ("45", 45),
                                          (90, 90)])
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-5m", "0s", "10 parsecs", ""])
def test_parse_interval_rejects(text):
    with pytest.raises(ValueError):
        parse_interval(text)


def test_read_feed_list(tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text("# comment\n\nhttps://a.example/rss  # Alpha\nhttps://b.example/atom\nhttps://a.example/rss\n")
    assert read_feed_list(path) == ["https://a.example/rss", "https://b.example/atom"]
    path.write_text("# nothing\n")
    with pytest.raises(Exception, match="no feed URLs"):
        read_feed_list(path)
