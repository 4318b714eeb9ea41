"""Build the storyline demo corpus from texts.py, annotations.py and people.py.

Run ``python3 src/storyline/demo/corpus/.build/build.py`` after editing a text; it rewrites articles/,
meta.jsonl, MANIFEST.json, demo_gazetteer.jsonl and demo_actors.tsv next to this folder (the output is
committed, so nothing runs at install time).  Hidden folder: ingesting the corpus skips it.
"""
from __future__ import annotations

import gzip
import html
import json
import random
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the package folder free of __pycache__
sys.path.insert(0, str(Path(__file__).parent))
from annotations import ANNOTATIONS  # noqa: E402
from texts import ARTICLES  # noqa: E402
from people import PEOPLE  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
ART = OUT / "articles"

OUTLETS = {
    "Coastline Wire": ("coastlinewire.example", "wire", "Coastline Wire staff"),
    "Northgate Daily": ("northgatedaily.example", "news", "Hannah Oakridge"),
    "The Harbour Courier": ("harbourcourier.example", "news", "Ewan Strachan"),
    "Valley Ledger": ("valleyledger.example", "world", "Marta Leclerc"),
    "The Fjordline Post": ("fjordlinepost.example", "politics", "Sigrid Naustdal"),
    "Seaboard Times": ("seaboardtimes.example", "fishing", "Rory Blackwood"),
    "Tidewater Gazette": ("tidewatergazette.example", "news", "Colin Marsh"),
    "Meridian Review": ("meridianreview.example", "analysis", "Ines Falkner"),
    "The Altiplano Observer": ("altiplanoobserver.example", "region", "Lucía Mendoza Paz"),
    "Elswick Evening Star": ("elswickstar.example", "local", "Becky Hartington"),
}
TOPICS = {
    "north-sea-fisheries": "North Sea fisheries dispute (Norway - United Kingdom)",
    "andean-water": "Andean water: the Tambillo basin (Peru - Chile - Bolivia)",
    "port-elswick-local": "Port Elswick local news",
}
STORIES = {
    "a1-bergen-talks": ("north-sea-fisheries", "First round of mackerel talks in Bergen, framework agreed", "2025-03-10"),
    "a3-trawler-seizure": ("north-sea-fisheries", "Norway seizes the British trawler Morning Gannet; UK protests", "2025-03-16"),
    "a2-aberdeen-talks": ("north-sea-fisheries", "Second round in Aberdeen fails; accusations and UK sanctions", "2025-03-31"),
    "b1-arica-accord": ("andean-water", "Peru, Chile and Bolivia sign the Tambillo water accord in Arica", "2025-04-15"),
    "b2-drought-aid": ("andean-water", "Drought: Peruvian aid to Bolivia, Bolivia accuses Chile, protest, phone call", "2025-05-08"),
    "c1-harbour-marathon": ("port-elswick-local", "Port Elswick Harbour Marathon", "2025-05-04"),
    "c2-museum-reopening": ("port-elswick-local", "Elswick Maritime Museum reopens", "2025-05-24"),
}

# id -> (format, file).  Formats: txt | txt-cp1252 | txt-bom | txt-chrome | html | html.gz | jsonl-text |
# jsonl-html | rss | atom
FORMATS = {
    "a1-coastline-wire": "txt", "a1-harbour-courier": "txt", "a1-valley-ledger-rewrite": "txt",
    "a1-seaboard-near": "txt", "a1-northgate-copy": "html", "a1-fjordline-post": "html",
    "a3-coastline-wire": "txt", "a3-harbour-courier-chrome": "txt-chrome", "a3-northgate-daily": "html",
    "a3-tidewater-01": "jsonl-text", "a3-meridian-02": "jsonl-html", "a3-seaboard-times": "txt",
    "a2-coastline-wire": "txt", "a2-harbour-courier": "html.gz", "a2-northgate-sanctions": "rss",
    "a2-fjordline-post": "txt-bom", "a2-meridian-analysis": "atom",
    "b1-altiplano-observer": "txt-cp1252", "b1-coastline-wire": "txt", "b1-northgate-copy": "txt",
    "b1-valley-ledger": "html", "b1-tidewater-03": "jsonl-text", "b1-meridian-accord": "atom",
    "b2-coastline-wire": "txt", "b2-altiplano-observer": "txt", "b2-meridian-protest": "atom",
    "b2-valley-ledger-04": "jsonl-html", "b2-northgate-phonecall": "rss",
    "c1-elswick-star": "txt", "c1-valley-ledger": "txt", "c1-harbour-courier": "txt", "c1-tidewater-05": "jsonl-text",
    "c2-valley-ledger": "html", "c2-elswick-star": "txt", "c2-harbour-courier": "txt", "c2-northgate-museum": "rss",
}
JSONL_FILE = "tidewater_meridian_export.jsonl"
RSS_FILE = "northgate_daily_feed.rss"
ATOM_FILE = "meridian_review_feed.atom"
TIMES = {"Coastline Wire": "06:05", "Northgate Daily": "07:30", "The Harbour Courier": "08:12",
         "Valley Ledger": "09:45", "The Fjordline Post": "10:20", "Seaboard Times": "11:02",
         "Tidewater Gazette": "12:40", "Meridian Review": "14:15", "The Altiplano Observer": "16:30",
         "Elswick Evening Star": "18:05"}


def url_for(a: dict) -> str:
    domain, section, _ = OUTLETS[a["outlet"]]
    y, m, d = a["published"].split("-")
    return f"https://www.{domain}/{section}/{y}/{m}/{d}/{a['id']}"


def paragraphs(a: dict) -> list[str]:
    return [p.strip() for p in a["body"].split("\n\n") if p.strip()]


# ---------------------------------------------------------------- derived articles (copies)

def derive(arts: dict[str, dict]) -> None:
    wire = arts["a1-coastline-wire"]
    arts["a1-northgate-copy"] = dict(wire, id="a1-northgate-copy", outlet="Northgate Daily",
                                     title="Mackerel deal framework agreed in Bergen")
    near_body = (wire["body"].replace("difficult but constructive", "hard but constructive")
                 .replace("met for more than six hours", "met for over six hours")
                 .replace("cautious welcome", "guarded welcome"))
    near_body += "\n\nThe Seaboard Times understands that the Aberdeen meeting could slip into early April."
    assert near_body.count("hard but constructive") == 1
    arts["a1-seaboard-near"] = dict(wire, id="a1-seaboard-near", outlet="Seaboard Times", body=near_body,
                                    title="Norway and UK agree mackerel framework at Bergen talks")
    b1 = arts["b1-coastline-wire"]
    arts["b1-northgate-copy"] = dict(b1, id="b1-northgate-copy", outlet="Northgate Daily",
                                     title="Three-nation pact signed to manage Tambillo aquifer")


RELATIONS = {
    "a1-northgate-copy": {"exact_copy_of": "a1-coastline-wire"},
    "b1-northgate-copy": {"exact_copy_of": "b1-coastline-wire"},
    "a1-seaboard-near": {"near_copy_of": "a1-coastline-wire"},
    "a1-valley-ledger-rewrite": {"rewrite_of": "a1-harbour-courier",
                                 "factual_slip": "caps the combined catch at 290,000 tonnes (source: 280,000)",
                                 "filler_sentences": ["Fishing has long been a sensitive subject on both sides of the North Sea.",
                                                      "Mackerel is among the most valuable species landed in British ports.",
                                                      "Readers can follow all of our coverage of the fishing industry on our website."]},
    "a1-harbour-courier": {"same_event_as": "a1-coastline-wire"},
    "b1-altiplano-observer": {"same_event_as": "b1-coastline-wire"},
}

# ---------------------------------------------------------------- renderers

COOKIE = ('<div id="cookie-banner" class="consent"><p>We use cookies to personalise content and ads and to '
          'analyse our traffic. By clicking Accept all cookies you agree to our use of cookies.</p>'
          '<button>Accept all cookies</button> <button>Manage preferences</button></div>')


def jsonld(a: dict, url: str) -> str:
    _, _, author = OUTLETS[a["outlet"]]
    ts = f"{a['published']}T{TIMES[a['outlet']]}:00+00:00"
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
            "datePublished": ts, "dateModified": ts, "mainEntityOfPage": url,
            "author": {"@type": "Person", "name": author},
            "publisher": {"@type": "Organization", "name": a["outlet"],
                          "logo": {"@type": "ImageObject", "url": url.split("/", 3)[0] + "//" + url.split("/")[2] + "/logo.png"}}}
    return json.dumps(data, ensure_ascii=False, indent=1)


def body_html(a: dict) -> str:
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs(a))


def related_links(a: dict, arts: dict[str, dict]) -> str:
    others = [o for o in arts.values() if o["story"].split("-")[0][0] == a["story"][0] and o["id"] != a["id"]][:3]
    items = "".join(f'<li><a href="{url_for(o)}">{html.escape(o["title"])}</a> <span class="date">{o["published"]}</span></li>'
                    for o in others)
    return f'<aside class="related"><h2>Related stories</h2><ul>{items}</ul></aside>'


def render_page(a: dict, arts: dict[str, dict], variant: int) -> str:
    url = url_for(a)
    domain, section, author = OUTLETS[a["outlet"]]
    ts = f"{a['published']}T{TIMES[a['outlet']]}:00+00:00"
    t = html.escape(a["title"])
    nav = "".join(f'<li><a href="https://www.{domain}/{s.lower()}">{s}</a></li>'
                  for s in ("Home", "News", "World", "Business", "Sport", "Culture", "Opinion"))
    head = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t} | {html.escape(a['outlet'])}</title>
<meta name="description" content="{html.escape(paragraphs(a)[0][:150])}">
<meta property="og:type" content="article">
<meta property="og:title" content="{t}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{html.escape(a['outlet'])}">
<meta property="article:published_time" content="{ts}">
<meta property="article:section" content="{section}">
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="/static/site.css">
<script type="application/ld+json">
{jsonld(a, url)}
</script>
<script>window.dataLayer = window.dataLayer || []; window.dataLayer.push({{"page": "article"}});</script>
</head>"""
    footer = (f'<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>'
              f'<li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>'
              f'<p>&copy; 2025 {html.escape(a["outlet"])}. All rights reserved. A fictional outlet for the storyline demo.</p></footer>')
    newsletter = ('<div class="newsletter"><h3>Get the morning briefing</h3><p>Sign up to our newsletter and get the '
                  'top stories in your inbox every day.</p><form><input type="email" placeholder="Your email">'
                  '<button>Subscribe</button></form></div>')
    share = ('<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> '
             '<a href="#">Share by email</a></div>')
    if variant == 0:
        body = f"""<body>
{COOKIE}
<header class="masthead"><a class="logo" href="/">{html.escape(a['outlet'])}</a><nav><ul>{nav}</ul></nav></header>
<main>
<article class="story">
<h1 class="headline">{t}</h1>
<p class="byline">By {html.escape(author)}</p>
<time datetime="{ts}">{a['published']}</time>
{share}
<div class="article-body">
{body_html(a)}
</div>
</article>
{newsletter}
{related_links(a, arts)}
</main>
{footer}
</body>
</html>
"""
    else:
        body = f"""<body class="page-article">
<div class="topbar"><span>Subscribe from £1 a week</span> <a href="/login">Sign in</a></div>
<header><div class="brand">{html.escape(a['outlet'])}</div><nav class="primary"><ul>{nav}</ul></nav>
<form class="search"><input name="q" placeholder="Search"></form></header>
<div class="ad-slot">Advertisement</div>
<div id="content">
<div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/{section}">{section.title()}</a></div>
<article itemscope itemtype="https://schema.org/NewsArticle">
<header><h1 itemprop="headline">{t}</h1>
<div class="meta"><span class="author">{html.escape(author)}</span> &middot; <span class="read-time">4 min read</span></div>
</header>
<div class="article-body" itemprop="articleBody">
{body_html(a)}
</div>
{share}
</article>
<section class="comments"><h3>Comments</h3><p>Comments are closed for this article.</p></section>
{related_links(a, arts)}
</div>
{newsletter}
{COOKIE}
{footer}
</body>
</html>
"""
    return head + "\n" + body


def render_small_page(a: dict) -> str:
    """HTML carried inside a JSONL record: a trimmed page, as many exporters store it."""
    return (f'<html><head><title>{html.escape(a["title"])}</title></head><body>'
            f'<nav><a href="/">Home</a> | <a href="/analysis">Analysis</a></nav>'
            f'<article><h1>{html.escape(a["title"])}</h1>{body_html(a)}</article>'
            f'<footer>&copy; 2025 {html.escape(a["outlet"])}</footer></body></html>')


CHROME_TOP = """Home | News | Fishing | Business | Sport | Opinion
The Harbour Courier
3 Min Read
Share on Facebook
Share on X
Share via Email
Copy link
07:42
By Harbour Courier reporter"""
CHROME_MID = ["Advertisement",
              "Listen to our podcast: The Quayside, new episodes every Thursday",
              "Sign up to our newsletter\nGet the day's top stories from the coast, every morning at 7am.\nEnter your email address\nSubscribe",
              "FTSE 100 8,712.45 ▲ 0.31%\nBRENT CRUDE $74.12 ▼ 0.82%\nGBP/NOK 13.6120 ▲ 0.05%"]
CHROME_BOTTOM = """Comments (14)
Leave a comment
Name *
Email *
Post Comment
Most read
1. Harbour dredging work to start in April
2. New ferry timetable announced
3. School football: Peterhead Juniors reach final
08:15
© 2025 The Harbour Courier. All rights reserved."""
CHROME_LINES = ["3 Min Read", "Share on Facebook", "Listen to our podcast", "Sign up to our newsletter",
                "Enter your email address", "FTSE 100", "BRENT CRUDE", "Leave a comment", "Post Comment",
                "Most read", "All rights reserved", "Advertisement", "07:42"]


def render_chrome_txt(a: dict) -> str:
    ps = paragraphs(a)
    out = [a["title"], CHROME_TOP]
    for i, p in enumerate(ps):
        out.append(p)
        if 0 < i <= len(CHROME_MID) * 2 and i % 2 == 1:
            out.append(CHROME_MID[i // 2])
    out.append(CHROME_BOTTOM)
    return "\n\n".join(out) + "\n"


def render_txt(a: dict) -> str:
    return a["title"] + "\n\n" + "\n\n".join(paragraphs(a)) + "\n"


def rfc822(a: dict) -> str:
    import datetime as dt
    d = dt.datetime.fromisoformat(f"{a['published']}T{TIMES[a['outlet']]}:00+00:00")
    return d.strftime("%a, %d %b %Y %H:%M:%S +0000")


def render_rss(items: list[dict]) -> str:
    parts = []
    for a in items:
        parts.append(f"""  <item>
    <title>{html.escape(a['title'])}</title>
    <link>{url_for(a)}</link>
    <guid isPermaLink="true">{url_for(a)}</guid>
    <pubDate>{rfc822(a)}</pubDate>
    <dc:creator>{html.escape(OUTLETS[a['outlet']][2])}</dc:creator>
    <description>{html.escape(paragraphs(a)[0])}</description>
    <content:encoded><![CDATA[{body_html(a)}]]></content:encoded>
  </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Northgate Daily</title>
  <link>https://www.northgatedaily.example/</link>
  <description>Latest stories from Northgate Daily (a fictional outlet).</description>
  <language>en-gb</language>
{chr(10).join(parts)}
</channel>
</rss>
"""


def render_atom(items: list[dict]) -> str:
    parts = []
    for a in items:
        ts = f"{a['published']}T{TIMES[a['outlet']]}:00Z"
        parts.append(f"""  <entry>
    <id>tag:meridianreview.example,2025:{a['id']}</id>
    <title>{html.escape(a['title'])}</title>
    <link rel="alternate" type="text/html" href="{url_for(a)}"/>
    <published>{ts}</published>
    <updated>{ts}</updated>
    <author><name>{html.escape(OUTLETS[a['outlet']][2])}</name></author>
    <summary>{html.escape(paragraphs(a)[0])}</summary>
    <content type="html">{html.escape(body_html(a))}</content>
  </entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Meridian Review</title>
  <id>tag:meridianreview.example,2025:feed</id>
  <link rel="self" href="https://www.meridianreview.example/feed.atom"/>
  <updated>2025-05-10T14:15:00Z</updated>
{chr(10).join(parts)}
</feed>
"""


# ---------------------------------------------------------------- build

def snippets(a: dict) -> list[str]:
    ps = paragraphs(a)
    first = " ".join(ps[0].split()[:8])
    last = " ".join(ps[-1].split()[-8:])
    return [first, last]


def write_lexicons() -> None:
    with (OUT / "demo_gazetteer.jsonl").open("w", encoding="utf-8") as fh:
        fh.write("// storyline demo gazetteer: fictional people and organisations of the demo corpus.\n")
        fh.write("// Same format as storyline/data/gazetteer.jsonl: one JSON object per line.\n")
        for name, typ, country, role, aliases, _ in PEOPLE:
            rec = {"name": name, "type": typ, "country": country, "role": role, "aliases": aliases}
            fh.write(json.dumps({k: v for k, v in rec.items() if v not in (None, [])}, ensure_ascii=False) + "\n")
    rows = ["# storyline demo actors: the demo's fictional people and organisations as CAMEO actors.",
            "# Same format as storyline/data/actors.tsv: alias (lower case), ISO3 country, CAMEO role, kind.",
            "alias\tcountry\trole\tkind"]
    for name, typ, country, _, aliases, cameo_role in PEOPLE:
        if typ not in ("PERSON", "ORG") or country is None:
            continue
        kind = "person" if typ == "PERSON" else "org"
        for alias in [name, *aliases]:
            if alias.lower().startswith(("mr ", "ms ", "mrs ", "dr ")):
                continue  # honorific forms are matched via the bare surname
            rows.append(f"{alias.lower()}\t{country}\t{cameo_role or '-'}\t{kind}")
    (OUT / "demo_actors.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def main() -> None:
    if ART.exists():
        shutil.rmtree(ART)  # only generated output; .build/ (this folder) is left alone
    ART.mkdir(parents=True)
    arts: dict[str, dict] = {}
    for a in ARTICLES:
        a = dict(a, id=a["id"].replace("_", "-"))
        arts[a["id"]] = a
    derive(arts)
    assert set(arts) == set(FORMATS), set(arts) ^ set(FORMATS)

    files: list[dict] = []
    manifest_articles: list[dict] = []
    meta_rows: list[dict] = []
    jsonl_lines: list[str] = []
    rss_items: list[dict] = []
    atom_items: list[dict] = []
    for aid in sorted(arts, key=lambda k: (arts[k]["published"], k)):
        a = arts[aid]
        fmt = FORMATS[aid]
        entry = {"id": aid, "format": fmt, "title": a["title"], "outlet": a["outlet"], "published": a["published"],
                 "url": url_for(a), "story": a["story"], "topic": STORIES[a["story"]][0],
                 "words": len(" ".join(paragraphs(a)).split()), "with": snippets(a), "without": []}
        entry.update(RELATIONS.get(aid, {}))
        ann = ANNOTATIONS.get(aid)
        if ann:
            for q in ann["quotes"]:
                assert q["snippet"] in a["body"], (aid, q)
            entry.update(annotated=True, **ann)
        else:
            entry["annotated"] = False
        if fmt.startswith("txt"):
            name = f"{aid}.txt"
            text = render_chrome_txt(a) if fmt == "txt-chrome" else render_txt(a)
            if fmt == "txt-cp1252":
                data, enc = text.encode("cp1252"), "cp1252"
            elif fmt == "txt-bom":
                data, enc = b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"
            else:
                data, enc = text.encode("utf-8"), "utf-8"
            if fmt == "txt-chrome":
                entry["without"] = CHROME_LINES
            (ART / name).write_bytes(data)
            meta_rows.append({"id": aid, "published": a["published"], "outlet": a["outlet"], "url": url_for(a)})
            entry.update(file=f"articles/{name}", encoding=enc)
            files.append({"file": f"articles/{name}", "format": "txt", "encoding": enc, "articles": [aid]})
        elif fmt in ("html", "html.gz"):
            page = render_page(a, arts, variant=0 if aid.endswith(("copy", "daily")) else 1)
            name = f"{aid}.{fmt}"
            data = page.encode("utf-8")
            if fmt == "html.gz":
                data = gzip.compress(data, mtime=0)
            (ART / name).write_bytes(data)
            entry.update(file=f"articles/{name}", encoding="utf-8")
            entry["without"] = ["Accept all cookies", "Sign up to our newsletter", "All rights reserved", "Related stories"]
            files.append({"file": f"articles/{name}", "format": fmt, "encoding": "utf-8", "articles": [aid]})
        elif fmt.startswith("jsonl"):
            rec = {"id": aid, "title": a["title"], "url": url_for(a), "outlet": a["outlet"],
                   "published": f"{a['published']}T{TIMES[a['outlet']]}:00Z"}
            if fmt == "jsonl-html":
                rec["html"] = render_small_page(a)
            else:
                rec["text"] = "\n\n".join(paragraphs(a))
            jsonl_lines.append(json.dumps(rec, ensure_ascii=False))
            entry.update(file=f"articles/{JSONL_FILE}", record=len(jsonl_lines))
        elif fmt == "rss":
            rss_items.append(a)
            entry.update(file=f"articles/{RSS_FILE}", record=len(rss_items))
        elif fmt == "atom":
            atom_items.append(a)
            entry.update(file=f"articles/{ATOM_FILE}", record=len(atom_items))
        manifest_articles.append(entry)

    # JSONL: a truncated record goes in as line 4 (a writer killed mid-line, then resumed)
    broken_line = json.dumps({"id": "c2-tidewater-lost", "title": "Museum volunteers wanted", "text": "The Elswick Maritime"})[:70]
    jsonl_lines.insert(3, broken_line)
    for e in manifest_articles:
        if e.get("file") == f"articles/{JSONL_FILE}" and e["record"] >= 4:
            e["record"] += 1
    (ART / JSONL_FILE).write_text("\n".join(jsonl_lines) + "\n", encoding="utf-8")
    jsonl_ids = [e["id"] for e in manifest_articles if e.get("file") == f"articles/{JSONL_FILE}"]
    files.append({"file": f"articles/{JSONL_FILE}", "format": "jsonl", "encoding": "utf-8", "articles": jsonl_ids,
                  "broken_lines": [4]})
    (ART / RSS_FILE).write_text(render_rss(rss_items), encoding="utf-8")
    files.append({"file": f"articles/{RSS_FILE}", "format": "rss", "encoding": "utf-8",
                  "articles": [a["id"] for a in rss_items]})
    (ART / ATOM_FILE).write_text(render_atom(atom_items), encoding="utf-8")
    files.append({"file": f"articles/{ATOM_FILE}", "format": "atom", "encoding": "utf-8",
                  "articles": [a["id"] for a in atom_items]})

    # broken inputs
    rng = random.Random(20250311)
    (ART / "broken-binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(1500) + b"\x00" * 64)
    (ART / "broken-empty.txt").write_bytes(b"")
    broken = [
        {"file": "articles/broken-binary.html", "kind": "binary_junk", "expect": "read or clean Failure, no article"},
        {"file": "articles/broken-empty.txt", "kind": "empty", "expect": "read or clean Failure, no article"},
        {"file": f"articles/{JSONL_FILE}", "record": 4, "kind": "truncated_jsonl_line",
         "expect": "one read Failure for line 4; the other lines are read"},
    ]
    for b in broken[:2]:
        files.append({"file": b["file"], "format": "broken", "articles": [], "broken": b["kind"]})

    with (OUT / "meta.jsonl").open("w", encoding="utf-8") as fh:
        for row in sorted(meta_rows, key=lambda r: r["id"]):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    write_lexicons()
    manifest = {
        "version": 1,
        "about": ("storyline demo corpus: fictional officials, outlets, firms and places (the Tambillo basin, Port "
                  "Elswick) in a real-world-style setting so that events code with ISO-3166 alpha-3 countries. "
                  "Every article was written for this project. Ingest articles/ with meta.jsonl as sidecar."),
        "articles_dir": "articles",
        "sidecar": "meta.jsonl",
        "gazetteer": "demo_gazetteer.jsonl",
        "actors": "demo_actors.tsv",
        "topics": TOPICS,
        "stories": {k: {"topic": v[0], "label": v[1], "date": v[2]} for k, v in STORIES.items()},
        "files": sorted(files, key=lambda f: f["file"]),
        "articles": manifest_articles,
        "broken": broken,
        "pairs": {
            "exact_copies": [[RELATIONS[k]["exact_copy_of"], k] for k in RELATIONS if "exact_copy_of" in RELATIONS[k]],
            "near_copies": [[RELATIONS[k]["near_copy_of"], k] for k in RELATIONS if "near_copy_of" in RELATIONS[k]],
            "rewrites": [[RELATIONS[k]["rewrite_of"], k] for k in RELATIONS if "rewrite_of" in RELATIONS[k]],
            "same_event_independent": [[RELATIONS[k]["same_event_as"], k] for k in RELATIONS if "same_event_as" in RELATIONS[k]],
        },
        "first_reports": {s: min((e for e in manifest_articles if e["story"] == s),
                                 key=lambda e: (e["published"], TIMES[e["outlet"]]))["id"] for s in STORIES},
    }
    (OUT / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(len(manifest_articles), "articles;", sorted((e["words"], e["id"]) for e in manifest_articles)[:3],
          sorted((e["words"], e["id"]) for e in manifest_articles)[-3:])


if __name__ == "__main__":
    main()
