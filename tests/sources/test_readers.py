"""Each reader on inputs written here (fictional content), plus the bad-input contract."""
from __future__ import annotations

import gzip
import io
import json

import pytest

from storyline.records import Failure, RawDoc
from storyline.sources import kind_of, read_paths
from storyline.sources.meta import load_sidecar

ARTICLE = "Harbour board approves new ferry timetable\n\nThe Eastport harbour board voted on Tuesday to add two evening sailings.\n"


def docs_and_failures(items):
    items = list(items)
    return [i for i in items if isinstance(i, RawDoc)], [i for i in items if isinstance(i, Failure)]


def test_text_file_id_is_name_up_to_first_dot(tmp_path):
    path = tmp_path / "ferry-2024.v2.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    docs, fails = docs_and_failures(read_paths([path]))
    assert not fails
    assert docs[0].id == "ferry-2024" and docs[0].kind == "text" and docs[0].text == ARTICLE


def test_crlf_is_normalised_like_python_text_mode(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.replace("\n", "\r\n").encode())
    (doc,), _ = docs_and_failures(read_paths([path]))
    assert doc.text == ARTICLE == path.open(encoding="utf-8").read()


def test_legacy_encodings_and_bom(tmp_path):
    (tmp_path / "cp.txt").write_bytes("Caf\u00e9 owners in Sm\u00f8rby \u201cwelcome\u201d the plan.\n".encode("cp1252"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + "Na\u00efve title\n\nBody text here.\n".encode())
    docs, fails = docs_and_failures(read_paths([tmp_path]))
    texts = {d.id: d.text for d in docs}
    assert not fails
    assert texts["cp"].startswith("Caf\u00e9 owners in Sm\u00f8rby \u201cwelcome\u201d")
    assert texts["bom"].startswith("Na\u00efve title")  # BOM removed


def test_html_and_gzipped_html(tmp_path):
    html = "<html><head><title>T</title></head><body><p>Hello harbour.</p></body></html>"
    (tmp_path / "page.html").write_text(html)
    (tmp_path / "zipped.html.gz").write_bytes(gzip.compress(html.encode()))
    docs, fails = docs_and_failures(read_paths([tmp_path]))
    assert not fails and sorted(d.id for d in docs) == ["page", "zipped"]
    assert all(d.kind == "html" and "Hello harbour" in d.html for d in docs)


def test_jsonl_records_keep_extra_keys_and_report_bad_lines(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [json.dumps({"id": "a1", "text": "First article body.", "outlet": "Valley Ledger", "section": "local"}),
             "{not json",
             json.dumps({"id": "a2", "html": "<p>Second article.</p>", "published": "2024-03-05"}),
             json.dumps(["a list"]),
             json.dumps({"id": "a3"})]
    path.write_text("\n".join(lines) + "\n")
    docs, fails = docs_and_failures(read_paths([path]))
    assert [d.id for d in docs] == ["a1", "a2"]
    assert docs[0].meta == {"outlet": "Valley Ledger", "section": "local"} and docs[1].kind == "html"
    assert [f.input.rsplit("#", 1)[1] for f in fails] == ["line2", "line4", "line5"]
    assert "not valid JSON" in fails[0].reason and "neither a 'text' nor an 'html'" in fails[2].reason


def test_rss_and_atom_with_embedded_content(tmp_path):
    rss = """<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
    <channel><title>Coastline Wire</title>
    <item><title>Pier reopens</title><link>https://example.org/news/pier-reopens.html</link>
      <pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
      <content:encoded><![CDATA[<p>The old pier reopened on Tuesday.</p>]]></content:encoded></item>
    <item><title>Link only</title><link>https://example.org/news/other</link></item>
    </channel></rss>"""
    atom = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Northgate Daily</title>
    <entry><title>Bridge vote</title><id>tag:example.org,2024:bridge-vote</id>
      <link href="https://example.org/bridge-vote"/><published>2024-03-06T08:00:00Z</published>
      <content type="html">&lt;p&gt;Councillors voted.&lt;/p&gt;</content></entry></feed>"""
    (tmp_path / "feed.rss").write_text(rss)
    (tmp_path / "feed.atom").write_text(atom)
    docs, fails = docs_and_failures(read_paths([tmp_path]))
    by_id = {d.id: d for d in docs}
    assert by_id["pier-reopens"].meta["published"] == "2024-03-05"
    assert by_id["pier-reopens"].meta["outlet"] == "Coastline Wire"
    assert "Councillors voted" in by_id["bridge-vote"].html and by_id["bridge-vote"].meta["published"] == "2024-03-06"
    assert len(fails) == 1 and "no embedded content" in fails[0].reason


def test_feed_entity_expansion_is_refused(tmp_path):
    bomb = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
    <rss><channel><item><title>&lol2;</title><description>x</description></item></channel></rss>"""
    (tmp_path / "bomb.xml").write_text(bomb)
    docs, fails = docs_and_failures(read_paths([tmp_path]))
    assert not docs and "not a well-formed or safe" in fails[0].reason


def _warc(path, records):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, ctype, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.0")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def test_warc_html_records_and_non_html_record(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    _warc(path, [("https://example.org/a/museum-reopens", "text/html; charset=utf-8", b"<p>Museum reopens.</p>"),
                 ("https://example.org/logo.png", "image/png", b"\x89PNG\r\n")])
    docs, fails = docs_and_failures(read_paths([path]))
    assert [d.id for d in docs] == ["museum-reopens"] and docs[0].meta["url"].endswith("museum-reopens")
    assert len(fails) == 1 and "not HTML" in fails[0].reason and "image/png" in fails[0].reason


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty input"),
    ("blank.txt", b"  \n\n ", "empty input"),
    ("junk.html", bytes(range(256)) * 40, "binary data"),
    ("bad.html.gz", b"\x1f\x8b\x08\x00garbage", "gzip"),
    ("bad.warc", b"this is not a warc", "WARC"),
    ("notfeed.xml", b"<?xml version='1.0'?><catalog/>", "neither RSS nor Atom"),
])
def test_bad_inputs_fail_with_named_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    docs, fails = docs_and_failures(read_paths([path]))
    assert not docs and len(fails) == 1
    assert name in fails[0].input and reason in fails[0].reason


def test_huge_file_and_zip_bomb_are_refused_by_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 300_000)  # 1.5 MB
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * 3_000_000))
    docs, fails = docs_and_failures(read_paths([tmp_path], max_bytes=1_000_000))
    assert not docs
    reasons = {f.input.rsplit("/", 1)[-1]: f.reason for f in fails}
    assert "over the 1.0 MB limit" in reasons["big.txt"] and "zip bomb" in reasons["bomb.html.gz"]


def test_missing_path_is_a_failure_not_a_crash(tmp_path):
    _, fails = docs_and_failures(read_paths([tmp_path / "nope.txt"]))
    assert "no such file" in fails[0].reason


def test_sidecar_metadata_wins_and_csv_works(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    side = tmp_path / "meta.csv"
    side.write_text("id,published,outlet\na,2024-03-05T09:00:00Z,Harbour Courier\n")
    docs, _ = docs_and_failures(read_paths([tmp_path], load_sidecar(side), exclude=[side]))
    assert docs[0].meta["published"] == "2024-03-05" and docs[0].meta["outlet"] == "Harbour Courier"


def test_kind_of_looks_through_gz():
    from pathlib import Path

    assert kind_of(Path("x.jsonl")) == "jsonl" and kind_of(Path("x.warc.gz")) == "warc"
    assert kind_of(Path("x.htm.gz")) == "html" and kind_of(Path("README")) == "sniff"
