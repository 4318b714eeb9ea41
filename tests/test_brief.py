"""Briefings: citations point at the cited text, HTML is self-contained and escapes hostile text."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from storyline.brief import md_escape, render_brief
from storyline.errors import ConfigError, InputError
from storyline.offsets import TextBuilder
from storyline.records import Analysis, Article, Quote, sha256_hex
from storyline.store import open_store

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">x</a> http://evil.example/x.js"

# Three fictional outlets on a fictional ferry fire; the wire copy has a "former" slip and another count.
ARTICLES = [
    ("courier-1", "Harbour Courier", "2031-03-02",
     "Ferry fire off Port Vellin",
     "Mayor Tomas Brell said 12 passengers were injured when the ferry Marisol caught fire off Port Vellin.\n\n"
     "Following a phone conversation lasting over two hours, the two harbour chiefs agreed to reopen the crossing.\n\n"
     "\"Everyone got off the ship in nine minutes,\" said captain Ines Barra of the Marisol crew.\n\n"
     "A choir from the hills will sing at the spring festival next week."),
    ("wire-1", "Coastline Wire", "2031-03-03",
     "Marisol ferry burns near Vellin",
     "Former Mayor Tomas Brell said 15 passengers were injured when the ferry Marisol caught fire off Port Vellin.\n\n"
     "After the two-hour call, the harbour chiefs said the crossing would reopen.\n\n"
     "\"Everyone got off the ship in nine minutes,\" said captain Ines Barra of the Marisol crew.\n\n"
     "Visitors quoted a sign that read " + HOSTILE + " near the quay."),
    ("post-1", "Northgate Post", "2031-03-03",
     "Blaze on the Marisol",
     "The ferry Marisol caught fire off Port Vellin, and passengers were taken ashore by lifeboat crews.\n\n"
     "Local bakeries reported record sales of spiced bread this winter."),
]


def put(store, article_id, outlet, published, title, body):
    source = "Home | News | Share this\n" + title + "\n\n" + body + "\n"
    builder = TextBuilder()
    builder.keep(source, source.index(body), source.index(body) + len(body))
    text, offsets = builder.build()
    raw = source.encode("utf-8")
    article = Article(article_id, sha256_hex(raw), f"{article_id}.txt", sha256_hex(raw), "text", title, outlet,
                      published, "meta", text, offsets)
    quotes = []
    for m in re.finditer(r"\"[^\"]+,\" said captain Ines Barra", source):
        end = source.index("\"", m.start() + 1) + 1
        quotes.append(Quote(m.start(), end, source[m.start():end], True, "Ines Barra"))
    with store.transaction():
        store.put_article(article, raw)
        store.put_analysis(article_id, Analysis(quotes=quotes), "test")
    return source


@pytest.fixture(scope="module")
def store_and_sources(tmp_path_factory):
    db = tmp_path_factory.mktemp("brief") / "brief.db"
    store = open_store(str(db))
    sources = {a[0]: put(store, *a) for a in ARTICLES}
    fire = sources["courier-1"].index("Mayor Tomas Brell said")
    with store.transaction():
        store.set_story({a[0]: ("s-ferry", "t-harbour") for a in ARTICLES})
        store.replace_events([{
            "id": "ev-1", "date": "2031-03-01", "root": "02", "cameo": "020", "label": "Make an appeal or request",
            "actor": "Tomas Brell", "target": None, "articles": ["courier-1"],
            "evidence": [{"article": "courier-1", "span": [fire, sources["courier-1"].index(".", fire) + 1],
                          "trigger": "said", "cameo": "020"}]}])
    yield store, sources, str(db)
    store.close()


@pytest.fixture(scope="module")
def brief_json(store_and_sources):
    store, _, _ = store_and_sources
    return json.loads(render_brief(store, "s-ferry", fmt="json"))["stories"][0]


def test_every_citation_is_the_exact_input_text(brief_json, store_and_sources):
    _, sources, _ = store_and_sources
    assert brief_json["citations"]
    for c in brief_json["citations"]:
        s, e = c["span"]
        assert sources[c["article"]][s:e] == c["text"]


def test_brief_contents(brief_json):
    b = brief_json
    assert b["headline"]["text"] == "Ferry fire off Port Vellin"
    assert b["independent_sources"] == 3 and len(b["articles"]) == 3
    assert [t["date"] for t in b["timeline"]] == ["2031-03-01"]
    assert b["timeline"][0]["text"].startswith("Mayor Tomas Brell said 12")
    assert [(q["speaker"], q["articles"]) for q in b["quotes"]] == [("Ines Barra", 2)]
    kinds = {d["kind"]: d for d in b["disputed"]}
    assert {"number", "role"} <= set(kinds)
    assert {kinds["number"]["a"]["value"], kinds["number"]["b"]["value"]} == {"12", "15"}
    # the source matrix: the claim both Courier and Wire carry is omitted by the Post
    call = next(c for c in b["claims"] if "two hours" in c["text"] or "two-hour" in c["text"])
    assert b["matrix"]["Northgate Post"][call["id"]]["state"] == "omitted"
    assert b["matrix"]["Harbour Courier"][call["id"]]["state"] == "stated"
    slip = next(c for c in b["claims"] if "passengers were injured" in c["text"])
    assert b["matrix"]["Coastline Wire"][slip["id"]]["state"] == "contradicted"
    assert b["matrix"]["Harbour Courier"][slip["id"]]["state"] == "contradicted"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.ids, self.text = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, k, v or "") for k, v in attrs)
        self.ids.update(v for k, v in attrs if k == "id")

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_and_escapes_hostile_text(store_and_sources):
    store, _, _ = store_and_sources
    page = render_brief(store, "s-ferry", fmt="html")
    parsed = _Collect()
    parsed.feed(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "iframe" not in parsed.tags
    assert not [a for a in parsed.attrs if a[1].startswith("on")]  # no event handlers
    assert not [a for a in parsed.attrs if a[1] == "src"]  # no remote (or any) assets
    hrefs = [v for _, k, v in parsed.attrs if k == "href"]
    assert hrefs and all(h.startswith("#") for h in hrefs)  # only links inside the page
    assert all(h[1:] in parsed.ids for h in hrefs)  # every citation link has its anchor
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:|//|javascript:)", page, re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, inert
    assert HOSTILE in "".join(parsed.text)  # and shown faithfully
    assert '<meta name="viewport"' in page and "<style>" in page


def test_html_highlights_each_cited_span(store_and_sources, brief_json):
    store, _, _ = store_and_sources
    page = render_brief(store, "s-ferry", fmt="html")
    for c in brief_json["citations"][:5]:
        anchor = f'<a id="s0-c{c["n"]}"></a>'
        assert anchor in page
        after = re.sub(r'^(?:<a id="s0-c\d+"></a>)+', "", page[page.index(anchor):])
        assert after.startswith("<mark>")


def test_markdown_has_footnotes_and_inert_text(store_and_sources, brief_json):
    store, _, _ = store_and_sources
    md = render_brief(store, "s-ferry", fmt="md")
    assert md.startswith("# Ferry fire off Port Vellin")
    for c in brief_json["citations"]:
        assert f"[^s-ferry-{c['n']}]:" in md
    assert "<script>" not in md
    escaped = md_escape(HOSTILE)
    assert "<" not in escaped.replace("\\<", "") and "\\<script\\>" in escaped


def test_selection_and_errors(store_and_sources):
    store, _, _ = store_and_sources
    assert json.loads(render_brief(store, topic="t-harbour", fmt="json"))["stories"][0]["story"] == "s-ferry"
    assert json.loads(render_brief(store, since="2031-04-01", fmt="json"))["stories"] == []
    assert "No stories match" in render_brief(store, topic="nothing", fmt="md")
    with pytest.raises(InputError):
        render_brief(store, "no-such-story")
    with pytest.raises(ConfigError):
        render_brief(store, "s-ferry", fmt="pdf")
    with pytest.raises(ConfigError):
        render_brief(store, since="last tuesday")


def test_cli_brief_writes_html(store_and_sources, tmp_path):
    from storyline.cli import brief_cmd  # noqa: F401 - registers the commands
    from storyline.cli.main import cli

    _, _, db = store_and_sources
    out = tmp_path / "brief.html"
    result = CliRunner().invoke(cli, ["brief", "s-ferry", "--db", db, "--format", "html", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = CliRunner().invoke(cli, ["brief", "missing", "--db", db])
    assert result.exit_code == 1 and "no such story" in result.output
