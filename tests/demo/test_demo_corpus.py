"""The bundled demo corpus matches its MANIFEST: formats parse, planted kinds are present, truth holds.

Body text is extracted here with the standard library and lxml only (no storyline cleaning), so these
tests check the corpus itself; the last tests run storyline's own readers/cleaner over it.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from storyline.demo import corpus_dir
from tests.conftest import need_shared
from tests.demo.similarity import jaccard, shingles

ROOT = corpus_dir()
MANIFEST = json.loads((ROOT / "MANIFEST.json").read_text(encoding="utf-8"))
ARTICLES = {a["id"]: a for a in MANIFEST["articles"]}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"


def _paras_from_html(markup: str) -> list[str]:
    tree = lxml.html.fromstring(markup)
    return [p.text_content().strip() for p in tree.xpath("//p") if p.text_content().strip()]


def _page_body(markup: str) -> list[str]:
    tree = lxml.html.fromstring(markup)
    return [p.text_content().strip() for p in tree.xpath('//div[contains(@class, "article-body")]//p')]


def _feed_items(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    if root.tag == "rss":
        return [item.find(CONTENT_NS).text for item in root.iter("item")]
    return [entry.find(f"{ATOM}content").text for entry in root.iter(f"{ATOM}entry")]


def body_of(art: dict) -> list[str]:
    """Body paragraphs of one manifest article, extracted from its file (not from the manifest)."""
    path = ROOT / art["file"]
    fmt = art["format"]
    if fmt.startswith("txt"):
        text = path.read_bytes().decode(art["encoding"])
        blocks = [p.strip() for p in text.split("\n\n")[1:] if p.strip()]
        # page chrome planted in plain text: every chrome block holds one of the manifest's "without" lines
        return [b for b in blocks if not any(c in b for c in art["without"])]
    if fmt in ("html", "html.gz"):
        data = path.read_bytes()
        return _page_body((gzip.decompress(data) if fmt == "html.gz" else data).decode("utf-8"))
    if fmt.startswith("jsonl"):
        rec = json.loads(path.read_text(encoding="utf-8").splitlines()[art["record"] - 1])
        assert rec["id"] == art["id"]
        return rec["text"].split("\n\n") if "text" in rec else _paras_from_html(rec["html"])
    if fmt in ("rss", "atom"):
        return _paras_from_html(_feed_items(path)[art["record"] - 1])
    raise AssertionError(f"unknown format {fmt}")


BODIES = {aid: body_of(a) for aid, a in ARTICLES.items()}


def text_of(aid: str) -> str:
    return "\n\n".join(BODIES[aid])




# ------------------------------------------------------------------------------ inventory


def test_counts_and_kinds_present():
    assert len(ARTICLES) >= 36
    formats = Counter(a["format"] for a in ARTICLES.values())
    for fmt in ("txt", "txt-cp1252", "txt-bom", "txt-chrome", "html", "html.gz", "jsonl-text", "jsonl-html",
                "rss", "atom"):
        assert formats[fmt] >= 1, fmt
    assert 2 <= formats["rss"] <= 3 and 2 <= formats["atom"] <= 3
    assert {b["kind"] for b in MANIFEST["broken"]} == {"binary_junk", "empty", "truncated_jsonl_line"}
    pairs = MANIFEST["pairs"]
    for kind in ("exact_copies", "near_copies", "rewrites", "same_event_independent"):
        assert pairs[kind], kind
    topics = {a["topic"] for a in ARTICLES.values()}
    assert len(topics) >= 2 and len({a["story"] for a in ARTICLES.values()}) >= 4
    assert topics <= set(MANIFEST["topics"]) and {a["story"] for a in ARTICLES.values()} <= set(MANIFEST["stories"])


def test_every_file_is_described_and_exists():
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "articles").iterdir()}
    described = {f["file"] for f in MANIFEST["files"]}
    assert on_disk == described
    for art in ARTICLES.values():
        assert (ROOT / art["file"]).is_file(), art["file"]


def test_word_counts_and_snippets_from_files():
    for aid, paras in BODIES.items():
        words = len(" ".join(paras).split())
        assert 150 <= words <= 450, (aid, words)
        assert words == ARTICLES[aid]["words"], aid
        for snippet in ARTICLES[aid]["with"]:
            assert snippet in text_of(aid), (aid, snippet)


def test_ids_unique_and_urls_fictional():
    assert len({a["url"] for a in ARTICLES.values()}) == len(ARTICLES)
    for art in ARTICLES.values():
        host = art["url"].split("/")[2]
        assert host.endswith(".example"), art["url"]  # RFC 2606: cannot be a real outlet
        assert art["url"].rstrip("/").rsplit("/", 1)[-1] == art["id"]  # feed readers take ids from URLs


# ------------------------------------------------------------------------------ formats


def test_html_pages_carry_metadata_and_chrome():
    pages = [a for a in ARTICLES.values() if a["format"] in ("html", "html.gz")]
    assert len(pages) >= 5
    for art in pages:
        data = (ROOT / art["file"]).read_bytes()
        markup = (gzip.decompress(data) if art["format"] == "html.gz" else data).decode("utf-8")
        tree = lxml.html.fromstring(markup)
        assert tree.xpath('//meta[@property="og:title"]/@content') == [art["title"]]
        assert tree.xpath('//meta[@property="article:published_time"]/@content')[0].startswith(art["published"])
        ld = json.loads(tree.xpath('//script[@type="application/ld+json"]/text()')[0])
        assert ld["@type"] == "NewsArticle" and ld["datePublished"].startswith(art["published"])
        assert ld["publisher"]["name"] == art["outlet"]
        assert tree.xpath("//nav") and tree.xpath("//footer") and tree.xpath('//*[@id="cookie-banner"]')
        body = text_of(art["id"])
        for chrome in art["without"]:
            assert chrome in markup and chrome not in body, (art["id"], chrome)


def test_gz_is_gzip():
    art = next(a for a in ARTICLES.values() if a["format"] == "html.gz")
    assert (ROOT / art["file"]).read_bytes()[:2] == b"\x1f\x8b"


def test_jsonl_has_one_truncated_line_and_valid_records():
    jfile = next(f for f in MANIFEST["files"] if f["format"] == "jsonl")
    lines = (ROOT / jfile["file"]).read_text(encoding="utf-8").splitlines()
    assert 5 <= len(lines) <= 7
    good = []
    for n, line in enumerate(lines, 1):
        if n in jfile["broken_lines"]:
            with pytest.raises(json.JSONDecodeError):
                json.loads(line)
        else:
            rec = json.loads(line)
            assert {"id", "title", "url", "outlet", "published"} <= set(rec) and ("text" in rec) != ("html" in rec)
            good.append(rec["id"])
    assert good == jfile["articles"] and 4 <= len(good) <= 6


def test_feeds_parse_with_full_content():
    for fmt in ("rss", "atom"):
        f = next(f for f in MANIFEST["files"] if f["format"] == fmt)
        items = _feed_items(ROOT / f["file"])
        assert len(items) == len(f["articles"])
        assert all(len(_paras_from_html(i)) >= 4 for i in items)


def test_encodings():
    cp = next(a for a in ARTICLES.values() if a["format"] == "txt-cp1252")
    raw = (ROOT / cp["file"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "Matías" in text and "\u201c" in text  # accents and cp1252 curly quotes (0x93/0x94)
    bom = next(a for a in ARTICLES.values() if a["format"] == "txt-bom")
    raw = (ROOT / bom["file"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw[3:].decode("utf-8").startswith(bom["title"])


def test_broken_files_are_broken():
    for b in MANIFEST["broken"]:
        data = (ROOT / b["file"]).read_bytes()
        if b["kind"] == "empty":
            assert data == b""
        elif b["kind"] == "binary_junk":
            assert b"\x00" in data and b["file"].endswith(".html")
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")


def test_sidecar_covers_every_text_file():
    rows = [json.loads(line) for line in (ROOT / "meta.jsonl").read_text(encoding="utf-8").splitlines()]
    txt = {a["id"] for a in ARTICLES.values() if a["format"].startswith("txt")}
    assert {r["id"] for r in rows} == txt
    for r in rows:
        art = ARTICLES[r["id"]]
        assert Path(art["file"]).name.split(".", 1)[0] == r["id"]
        assert (r["published"], r["outlet"], r["url"]) == (art["published"], art["outlet"], art["url"])
        dt.date.fromisoformat(r["published"])


# ------------------------------------------------------------------------------ planted relations


def test_exact_copies_text_identical_bytes_different():
    for src, copy in MANIFEST["pairs"]["exact_copies"]:
        assert BODIES[src] == BODIES[copy]
        assert (ROOT / ARTICLES[src]["file"]).read_bytes() != (ROOT / ARTICLES[copy]["file"]).read_bytes()
        assert ARTICLES[src]["outlet"] != ARTICLES[copy]["outlet"]
    assert any(ARTICLES[c]["format"] != ARTICLES[s]["format"] for s, c in MANIFEST["pairs"]["exact_copies"])


def test_near_copy_is_close_but_not_equal():
    for src, copy in MANIFEST["pairs"]["near_copies"]:
        a, b = text_of(src), text_of(copy)
        assert a != b
        assert jaccard(a, b) > 0.7
        assert abs(len(a.split()) - len(b.split())) <= 30


def test_rewrite_paraphrases_with_slip_and_filler():
    for src, rw in MANIFEST["pairs"]["rewrites"]:
        a, b, meta = text_of(src), text_of(rw), ARTICLES[rw]
        assert dt.date.fromisoformat(meta["published"]) - dt.date.fromisoformat(ARTICLES[src]["published"]) \
            == dt.timedelta(days=1)
        assert jaccard(a, b) < 0.3  # paraphrased, not copied: few 5-word runs survive
        vocab_a, vocab_b = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
        assert len(vocab_a & vocab_b) / len(vocab_a | vocab_b) > 0.4  # ... but the same words and names
        assert abs(len(BODIES[src]) - len(BODIES[rw])) <= 4  # sentence by sentence, plus filler
        for filler in meta["filler_sentences"]:
            assert filler in b and filler not in a
        assert "280,000" in a and "290,000" in b and "290,000" not in a  # the planted factual slip


def test_same_event_pair_written_independently():
    for a, b in MANIFEST["pairs"]["same_event_independent"]:
        assert ARTICLES[a]["story"] == ARTICLES[b]["story"] and ARTICLES[a]["outlet"] != ARTICLES[b]["outlet"]
        assert jaccard(text_of(a), text_of(b)) < 0.15


def test_stories_in_a_topic_are_distinct_events():
    by_story = {s: [a for a in ARTICLES.values() if a["story"] == s] for s in MANIFEST["stories"]}
    assert all(len(v) >= 3 for v in by_story.values())
    fisheries = [s for s, v in MANIFEST["stories"].items() if v["topic"] == "north-sea-fisheries"]
    assert len({MANIFEST["stories"][s]["date"] for s in fisheries}) == len(fisheries) >= 2


# ------------------------------------------------------------------------------ quotes, times, events


def test_quote_styles_and_snippets():
    styles = Counter()
    for aid, art in ARTICLES.items():
        for q in art.get("quotes", []):
            assert q["snippet"] in text_of(aid), (aid, q)
            styles[q["style"]] += 1
    for style in ("straight", "curly", "guillemet", "single", "multi_paragraph", "reported"):
        assert styles[style] >= 1, style
    assert any(q["speaker"].lower().startswith(("a ", "an ")) for a in ARTICLES.values() for q in a.get("quotes", []))
    # the multi-paragraph quote really spans paragraphs: its first paragraph opens but does not close
    aid, q = next((aid, q) for aid, a in ARTICLES.items() for q in a.get("quotes", []) if q["style"] == "multi_paragraph")
    para = next(p for p in BODIES[aid] if q["snippet"] in p)
    assert para.startswith('"') and para.count('"') == 1
    assert BODIES[aid][BODIES[aid].index(para) + 1].startswith('"')


def test_time_expressions_resolve_against_publication_date():
    checked = 0
    for aid, art in ARTICLES.items():
        pub = dt.date.fromisoformat(art["published"])
        for t in art.get("times", []):
            assert t["text"].lower() in text_of(aid).lower(), (aid, t)
            words = t["text"].lower().split()
            if len(words) == 2 and words[0] == "on" and words[1] in WEEKDAYS:
                day = dt.date.fromisoformat(t["resolves_to"])
                assert day.weekday() == WEEKDAYS.index(words[1]), (aid, t)
                assert 0 <= (pub - day).days < 7 or 0 < (day - pub).days < 7, (aid, t)
                checked += 1
    assert checked >= 15


def test_events_use_iso3_and_known_cameo_codes():
    cameo = {line.split("\t")[0] for line in
             (Path(corpus_dir()).parents[1] / "data" / "cameo.tsv").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")}
    roots = Counter()
    for art in ARTICLES.values():
        for e in art.get("events", []):
            assert re.fullmatch(r"[A-Z]{3}", e["actor"]) and re.fullmatch(r"[A-Z]{3}", e["target"])
            assert e["cameo"] in cameo, e
            roots[e["cameo"][:2]] += 1
    for root in ("04", "05", "07", "11", "14", "16", "17"):
        assert roots[root] >= 1, root


# ------------------------------------------------------------------------------ lexicons


def _gazetteer() -> list[dict]:
    lines = (ROOT / "demo_gazetteer.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("//")]


def test_gazetteer_names_every_named_speaker():
    gaz = _gazetteer()
    assert all(set(r) <= {"name", "type", "country", "role", "aliases"} and r["type"] in ("PERSON", "ORG", "GPE")
               for r in gaz)
    names = {r["name"] for r in gaz}
    for art in ARTICLES.values():
        for q in art.get("quotes", []):
            if not q["speaker"].lower().startswith(("a ", "an ")):
                assert q["speaker"] in names, q["speaker"]


def test_lexicons_load_with_storyline():
    entities = pytest.importorskip("storyline.nlp.entities")
    events = pytest.importorskip("storyline.nlp.events")
    gaz = entities.load_gazetteer([ROOT / "demo_gazetteer.jsonl"])
    assert gaz.country_of("Halvorsen") == "NOR" and gaz.country_of("Matías Ferrada Lagos") == "CHL"
    lex = events.load_lexicon(actor_files=[ROOT / "demo_actors.tsv"])
    info = lex.actor("Whitcombe")
    assert (info.country, info.role) == ("GBR", "GOV")


# ------------------------------------------------------------------------------ through storyline


@pytest.fixture(scope="module")
def read_and_cleaned():
    sources = pytest.importorskip("storyline.sources")
    meta = pytest.importorskip("storyline.sources.meta")
    clean = pytest.importorskip("storyline.clean")
    from storyline.records import Failure

    docs, failures = {}, []
    for item in sources.read_paths([ROOT / "articles"], sidecar=meta.load_sidecar(ROOT / "meta.jsonl")):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            docs[item.id] = clean.clean_document(item)
    return docs, failures


def test_storyline_reads_every_article_and_reports_every_broken_input(read_and_cleaned):
    docs, failures = read_and_cleaned
    assert set(docs) == set(ARTICLES)
    assert len(failures) == len(MANIFEST["broken"])
    for b in MANIFEST["broken"]:
        assert any(Path(f.input.split("#")[0]).name == Path(b["file"]).name for f in failures), b


def test_storyline_finds_dates_and_bodies(read_and_cleaned):
    docs, _ = read_and_cleaned
    for aid, art in docs.items():
        assert (art.published or "")[:10] == ARTICLES[aid]["published"], aid
        for snippet in ARTICLES[aid]["with"]:
            assert snippet in art.text, (aid, snippet)


def test_storyline_strips_most_planted_chrome(read_and_cleaned):
    docs, _ = read_and_cleaned
    leaks = [(aid, c) for aid, a in ARTICLES.items() for c in a["without"] if c in docs[aid].text]
    planted = sum(len(a["without"]) for a in ARTICLES.values())
    # a floor, not perfection: plain-text chrome removal is heuristic (see docs/demo.md)
    assert len(leaks) <= planted // 10, leaks


def test_no_seed_text_in_the_demo_corpus():
    """The corpus is written for storyline: no 8-word run of the development seeds may appear in it."""
    seeds = need_shared("seeds")
    seen: set[tuple[str, ...]] = set()
    for path in seeds.glob("*.txt"):
        seen |= shingles(path.read_text(encoding="utf-8", errors="replace"), k=8)
    ours = set().union(*(shingles(text_of(aid), k=8) for aid in ARTICLES))
    assert not (seen & ours)
