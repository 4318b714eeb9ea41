"""The web UI in a real browser (Debian's chromium driven by Playwright), over a live uvicorn server.

Skips with a reason when chromium or the playwright package is absent.  Never downloads a browser.
Screenshots for the docs: ``python3 tests/web/test_browser.py --screenshots docs/img [--db demo.db]``.
"""
from __future__ import annotations

import importlib.util
import socket
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(db: Path):
    """uvicorn in a thread on 127.0.0.1:<free port>; yields the base URL."""
    import uvicorn

    from storyline.api import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
            yield page
        finally:
            browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    pytest.importorskip("uvicorn", reason="the server extra (uvicorn) is not installed")
    import synthetic

    db = synthetic.build_db(tmp_path_factory.mktemp("browser"))
    with live_server(db) as base, browser_page() as page:
        problems: list[str] = []
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        yield base, page, problems


def story_link(page, title_part: str):
    return page.locator("a.story-title", has_text=title_part).first


def test_river_story_search_and_article(site, tmp_path):
    base, page, problems = site
    page.goto(base + "/")
    titles = page.locator("a.story-title").all_inner_texts()
    assert any("Port Alder" in t for t in titles) and any("bridge" in t.lower() for t in titles), titles
    assert page.locator("svg.sparkline").count() >= 2
    page.screenshot(path=str(tmp_path / "river.png"))

    story_link(page, "Port Alder").click()
    page.wait_for_load_state()
    assert "/stories/" in page.url
    assert page.locator("#timeline svg.timeline").count() == 1 or page.locator("#timeline .empty").count() == 1
    quotes = page.locator("#quotes blockquote").all_inner_texts()
    assert any("We will not accept these terms" in q for q in quotes), quotes
    assert "Maria Olsen" in page.locator("#quotes").inner_text()
    assert page.locator("table.matrix tbody tr").count() >= 3
    story_url = page.url
    if importlib.util.find_spec("storyline.brief") is not None:  # its inline <style> is allowed by hash
        page.goto(story_url.replace("/stories/", "/api/v1/stories/") + "/brief?format=html")
        assert page.locator("main").count() == 1
        page.goto(story_url)

    page.fill("header form.search input[name=q]", "Linden")
    page.click("header form.search button")
    page.wait_for_load_state()
    results = page.locator("ol.results li a").all_inner_texts()
    assert any("bridge" in r.lower() for r in results), results
    page.locator("ol.results li a").first.click()
    page.wait_for_load_state()
    assert "/articles/" in page.url and page.locator("article.text span.ent").count() > 0
    assert problems == []


def test_hostile_article_executes_nothing(site):
    base, page, problems = site
    for url in ["/articles/hostile-note", "/articles/hostile-note?view=input", "/search?q=harbour", "/"]:
        page.goto(base + url)
        page.wait_for_load_state()
        assert page.evaluate("typeof window.pwned") == "undefined", url
        assert page.locator("article.text script, article.text img, article.text svg").count() == 0
    page.goto(base + "/articles/hostile-note")
    assert "<script>window.pwned=1</script>" in page.locator("h1").inner_text()  # shown as text
    assert page.locator("a[href^='javascript:']").count() == 0
    assert problems == []


def take_screenshots(base: str, out: Path) -> list[Path]:
    """River, the story with the most events (ties: most covered) and its first original article."""
    import httpx

    stories = httpx.get(base + "/api/v1/stories", params={"order": "coverage", "limit": 20}).json()["items"]
    details = [httpx.get(f"{base}/api/v1/stories/{s['story']}").json() for s in stories]
    best = max(details, key=lambda d: (len(d["events"]), d["independent_sources"])) if details else None
    out.mkdir(parents=True, exist_ok=True)
    shots = [out / "river.png", out / "story.png", out / "article.png"]
    with browser_page() as page:
        page.set_viewport_size({"width": 1000, "height": 760})
        page.goto(base + "/?order=coverage")
        page.screenshot(path=str(shots[0]))
        if best is None:
            return shots[:1]
        page.set_viewport_size({"width": 1000, "height": 1100})
        page.goto(f"{base}/stories/{best['story']}")
        page.screenshot(path=str(shots[1]))
        copies = {d["copy"] for d in best["duplicates"]}
        first = next((a["id"] for a in best["article_rows"] if a["id"] not in copies), best["articles"][0])
        page.set_viewport_size({"width": 1000, "height": 900})
        page.goto(f"{base}/articles/{first}")
        page.screenshot(path=str(shots[2]))
    return shots


def build_demo_db(folder: Path) -> Path:
    from storyline.app import ingest_and_update
    from storyline.demo import demo_extensions, demo_inputs
    from storyline.settings import load_settings

    root, meta, exclude = demo_inputs()
    db = folder / "demo.db"
    settings = load_settings(overrides={"store": {"db": str(db)}, "nlp": demo_extensions()}, environ={})
    ingest_and_update([root], settings, meta=meta, exclude=exclude)
    return db


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--screenshots", type=Path, required=True, help="output folder, e.g. docs/img")
    parser.add_argument("--db", type=Path, help="database to show (default: the synthetic test corpus)")
    parser.add_argument("--demo", action="store_true", help="build a database from the bundled demo corpus")
    ns = parser.parse_args()
    if ns.demo:
        import tempfile

        ns.db = build_demo_db(Path(tempfile.mkdtemp(prefix="storyline-demo-")))
    if ns.db is None:
        import tempfile

        import synthetic

        ns.db = synthetic.build_db(Path(tempfile.mkdtemp(prefix="storyline-shots-")))
    with live_server(ns.db) as base:
        for path in take_screenshots(base, ns.screenshots):
            print(path, path.stat().st_size, "bytes")
