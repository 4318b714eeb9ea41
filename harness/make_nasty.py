"""Write the nasty-input corpus (harness/nasty/) deterministically: inputs built to break readers.

    python harness/make_nasty.py            # (re)writes harness/nasty/
    python harness/make_nasty.py --big DIR  # also the 10 MB single-line files (never committed)

Every file is small (< 200 KB); the 10 MB single line is generated at run time by ``big_inputs``.
All text is written here (neutral filler), nothing is copied from anywhere.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent / "nasty"
FILLER = ("The committee met on Tuesday to discuss the budget for the new bridge. Members agreed to publish "
          "the figures next week, a spokesperson said. ")


def _gz(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """~100 KB of gzip that inflates to 100 MB of zeros (over any sane per-document limit)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as fh:
        chunk = b"\0" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)
    return buf.getvalue()


def nested_html(depth: int = 5000) -> bytes:
    return (b"<html><body>" + b"<div>" * depth + FILLER.encode() + b"</div>" * depth + b"</body></html>")


def warc_record(payload: bytes, *, ctype: str = "text/html", length: int | None = None,
                rec_type: str = "response") -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype.encode() + b"\r\n\r\n" + payload
    head = (f"WARC/1.0\r\nWARC-Type: {rec_type}\r\nWARC-Target-URI: http://example.invalid/a\r\n"
            f"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: "
            f"{len(http) if length is None else length}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def rss(items: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel><title>Nasty Feed</title>'
            f"{items}</channel></rss>").encode("utf-8")


ITEM = "<item><title>Bridge</title><link>http://example.invalid/bridge</link><description>{}</description></item>"

BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
                  '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>')
EXTERNAL = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
EXTERNAL_DTD = '<!DOCTYPE rss SYSTEM "http://example.invalid/evil.dtd">'
PARAMETER = '<!DOCTYPE foo [<!ENTITY % pe SYSTEM "http://example.invalid/pe.dtd"> %pe;]>'


def files() -> dict[str, Callable[[], bytes]]:
    """name -> bytes builder.  Names say what each file tries."""
    text = FILLER * 4
    return {
        "zip-bomb.html.gz": zip_bomb,
        "truncated.html.gz": lambda: _gz(b"<html><body><p>" + text.encode() + b"</p></body></html>")[:60],
        "not-really.txt.gz": lambda: b"\x1f\x8b\x08\x00garbage after a gzip magic number",
        "deeply-nested.html": nested_html,
        "unclosed-tags.html": lambda: b"<html><body>" + b"<p><b><i><span>" * 2000 + text.encode(),
        "nul-bytes.txt": lambda: text.encode().replace(b" ", b"\0"),
        "nul-only.txt": lambda: b"\0" * 4096,
        "invalid-utf8.txt": lambda: (text.encode() + b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc"
                                     + text.encode()),
        "mixed-encodings.txt": lambda: (text.encode("utf-8") + "Café déjà vu ".encode("latin-1")
                                        + "Ärger über Öl ".encode("utf-8") + "Смета ".encode("cp1251")
                                        + "予算 ".encode("shift_jis")),
        "utf16-bom.txt": lambda: text.encode("utf-16"),
        "utf16-no-bom.txt": lambda: text.encode("utf-16-le"),
        "bom-then-latin1.txt": lambda: b"\xef\xbb\xbf" + "Déjà ".encode("latin-1") + text.encode(),
        "rtl-and-zero-width.txt": lambda: ("The budget \u202eregdub eht\u202c was approved \u200b\u200c\u200d\ufeff by "
                                           "\u05d5\u05e2\u05d3\u05d4 and \u0644\u062c\u0646\u0629 members. "
                                           + text).encode("utf-8"),
        "combining-marks.txt": lambda: ("Z\u0351\u0357\u035b" * 300 + " " + text).encode("utf-8"),
        "lone-surrogate-escape.jsonl": lambda: (b'{"id": "s1", "text": "bad \\ud800 surrogate ' + text.encode()
                                                + b'"}\n'),
        "control-chars.txt": lambda: bytes(range(0, 32)) * 20 + text.encode(),
        "only-whitespace.txt": lambda: b" \t\r\n" * 500,
        "empty.txt": lambda: b"",
        "cr-only-newlines.txt": lambda: text.replace(". ", ".\r").encode(),
        "long-word.txt": lambda: b"a" * 150_000,
        "script-onerror.html": lambda: (b"<html><head><script>alert(1)</script></head><body>"
                                        b"<img src=x onerror=\"alert(2)\"><p onclick=\"evil()\">" + text.encode()
                                        + b"</p><svg onload=alert(3)></svg><iframe src=\"javascript:alert(4)\">"
                                        b"</iframe></body></html>"),
        "meta-charset-lies.html": lambda: (b'<html><head><meta charset="utf-16"></head><body><p>'
                                           + text.encode() + b"</p></body></html>"),
        "bogus-charset.html": lambda: (b'<html><head><meta charset="x-no-such-charset"></head><body><p>'
                                       + text.encode() + b"</p></body></html>"),
        "comment-bomb.html": lambda: b"<html><body>" + b"<!--" * 5000 + text.encode() + b"</body></html>",
        "malformed-lines.jsonl": lambda: (b'{"id": "ok1", "text": "' + text.encode() + b'"}\n'
                                          b'{"id": "broken", "text": \n'
                                          b'[1, 2, 3]\n"just a string"\nnull\n'
                                          b'{"id": "num", "text": 12345}\n'
                                          b'{"id": {"nested": true}, "text": "' + text.encode()
                                          + b' id is an object"}\n'
                                          b'{"text": "' + text.encode() + b' no id", "published": "not a date"}\n'
                                          b'{"id": "deep", "text": "x", "meta": ' + b"[" * 5000 + b"]" * 5000 + b"}\n"
                                          b'\xff\xfe{"id": "bom"}\n'),
        "deep-json.jsonl": lambda: b'{"id": "d", "text": "t", "x": ' + b"[" * 90000 + b"]" * 90000 + b"}\n",
        "billion-laughs.rss": lambda: rss(ITEM.format("&lol4;"), BILLION_LAUGHS),
        "external-entity.rss": lambda: rss(ITEM.format("&xxe;"), EXTERNAL),
        "external-dtd.rss": lambda: rss(ITEM.format(text), EXTERNAL_DTD),
        "parameter-entity.rss": lambda: rss(ITEM.format(text), PARAMETER),
        "truncated-feed.rss": lambda: rss(ITEM.format(text) * 3)[:-40],
        "feed-without-items.rss": lambda: rss(""),
        "feed-html-injection.rss": lambda: rss(ITEM.format("&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;"
                                                         + text + "&lt;/p&gt;")),
        "atom-link-only.atom": lambda: (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A'
                                        b'</title><entry><title>x</title><link href="http://example.invalid/x"/>'
                                        b"</entry></feed>"),
        "truncated.warc": lambda: warc_record(b"<html><body><p>" + text.encode() + b"</p></body></html>")[:200],
        "lying-length.warc": lambda: warc_record(b"<html><body><p>" + text.encode() + b"</p></body></html>",
                                                 length=10_000_000),
        "negative-length.warc": lambda: warc_record(b"<html><p>x</p></html>", length=-5),
        "not-html.warc": lambda: warc_record(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, ctype="image/png"),
        "garbage.warc": lambda: b"WARC/1.0\r\nthis is not a header\r\n\r\n" + bytes(range(256)) * 4,
        "request-only.warc": lambda: warc_record(b"GET / HTTP/1.1\r\n\r\n", rec_type="request"),
        "binary.html": lambda: bytes((i * 7919) % 256 for i in range(50_000)),
        "no-extension": lambda: b"<html><body><p>" + text.encode() + b"</p></body></html>",
        "xml-not-feed.xml": lambda: b'<?xml version="1.0"?><config><a>1</a></config>',
    }


def big_inputs(folder: Path) -> list[Path]:
    """The 10 MB single-line inputs (text and JSONL): generated, never committed."""
    folder.mkdir(parents=True, exist_ok=True)
    line = (FILLER * (10_000_000 // len(FILLER) + 1))[:10_000_000].replace("\n", " ")
    text = folder / "ten-mb-one-line.txt"
    text.write_text(line, encoding="utf-8")
    jsonl = folder / "ten-mb-one-line.jsonl"
    jsonl.write_text(json.dumps({"id": "big", "text": line}) + "\n", encoding="utf-8")
    return [text, jsonl]


def write_all(folder: Path = HERE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, build in files().items():
        data = build()
        assert len(data) < 200_000, f"{name} is {len(data)} bytes; nasty files stay under 200 KB"
        path = folder / name
        path.write_bytes(data)
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=HERE)
    p.add_argument("--big", type=Path, default=None, help="also write the 10 MB single-line files here")
    args = p.parse_args(argv)
    written = write_all(args.out)
    if args.big:
        written += big_inputs(args.big)
    total = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} files, {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
