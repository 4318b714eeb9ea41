"""URL fetcher: SSRF guard (before the request, at connect time, on every redirect)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("httpx", reason="httpx (server extra) is not installed")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from tests_http import serve_pages  # noqa: E402

from storyline.errors import InputError  # noqa: E402
from storyline.sources import fetch  # noqa: E402

PAGE = "<html><head><title>Fictional fair</title></head><body><p>The Mossholm fair opened.</p></body></html>"


@pytest.mark.parametrize("ip,ok", [("8.8.8.8", True), ("2606:4700::1111", True), ("127.0.0.1", False),
                                   ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
                                   ("169.254.169.254", False), ("::1", False), ("fe80::1", False),
                                   ("::ffff:127.0.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
                                   ("100.64.0.1", False), ("fd00::1", False)])
def test_address_allowed(ip, ok):
    assert fetch.address_allowed(ip) is ok
    assert fetch.address_allowed(ip, allow_private=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "http://user:pw@127.0.0.1/",
                                 "http:///nohost", "gopher://127.0.0.1:70/"])
def test_bad_urls_are_refused(url):
    with pytest.raises(InputError):
        fetch.fetch_url(url, allow_private=True, timeout=2)


def test_private_addresses_are_refused_unless_allowed():
    with serve_pages({"/fair": PAGE}) as base:
        with pytest.raises(InputError, match="private"):
            fetch.fetch_url(f"{base}/fair", timeout=2)
        with pytest.raises(InputError, match="private"):
            fetch.fetch_url(base.replace("127.0.0.1", "localhost") + "/fair", timeout=2)
        doc = fetch.fetch_url(f"{base}/fair", allow_private=True, timeout=2)
    assert doc.kind == "html" and "Mossholm fair" in doc.html and doc.meta["url"] == f"{base}/fair"
    assert doc.id == "fair"


def test_redirect_hops_are_checked(monkeypatch):
    # Pretend 127.0.0.1 is public so the first hop is fetched; the redirect to 10.x must still be refused.
    real = fetch.address_allowed
    monkeypatch.setattr(fetch, "address_allowed", lambda ip, allow_private=False: ip == "127.0.0.1" or real(ip))
    with serve_pages({"/ok": PAGE}, redirects={"/r": "http://10.1.2.3/secret", "/r2": "/ok"}) as base:
        with pytest.raises(InputError, match="10.1.2.3"):
            fetch.fetch_url(f"{base}/r", timeout=2)
        assert fetch.fetch_url(f"{base}/r2", timeout=2).meta["url"] == f"{base}/ok"


def test_connect_time_guard_catches_what_the_pre_check_missed(monkeypatch):
    # Simulates DNS rebinding: the pre-request check passes, the address dialled is loopback.
    monkeypatch.setattr(fetch, "check_url", lambda url, allow_private=False: None)
    with serve_pages({"/fair": PAGE}) as base:
        with pytest.raises(InputError, match="private"):
            fetch.fetch_url(f"{base}/fair", timeout=2)


def test_oversized_and_missing_pages():
    with serve_pages({"/big": "x" * 5000}) as base:
        with pytest.raises(InputError, match="larger than"):
            fetch.fetch_url(f"{base}/big", allow_private=True, timeout=2, max_bytes=1000)
        with pytest.raises(InputError, match="404"):
            fetch.fetch_url(f"{base}/missing", allow_private=True, timeout=2)


def test_feed_links():
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Isle</title>'
           b'<item><title>a</title><link>https://isle.example/a</link></item>'
           b'<item><title>b</title><link>https://isle.example/b</link><description>Embedded body text.</description>'
           b'</item><item><title>c</title><link>javascript:alert(1)</link></item></channel></rss>')
    assert fetch.feed_links(rss, "feed") == (1, ["https://isle.example/a"])
    with pytest.raises(InputError):
        fetch.feed_links(b"<html></html>", "feed")
