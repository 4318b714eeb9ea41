"""Fetch one URL over HTTP(S) for ingestion, with an SSRF guard.

The guard refuses private, loopback, link-local, multicast, reserved and unspecified addresses
(unless ``allow_private``).  It is applied twice: before the request (every address the host
name resolves to must be public) and again at connect time, inside the HTTP client's network
backend, on the address actually dialled — so a DNS answer that changes between the check and
the connection (DNS rebinding) is caught too.  Redirects are followed by hand, each hop checked.
Approximate: the connect-time check relies on an httpcore hook (see ``_GuardedTransport``).

For polling (``storyline watch``) the same guarded request also does conditional GET
(``If-None-Match`` / ``If-Modified-Since`` → ``Response.status == 304``), a custom user agent, a
reusable client, and bounded retries with exponential backoff (``fetch_with_retries``) on transient
failures only (timeouts, connection errors, 429 and 5xx); refusals and 4xx are never retried.
"""
from __future__ import annotations

import email.utils
import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from storyline.errors import InputError, MissingExtraError
from storyline.records import RawDoc
from storyline.sources.base import DEFAULT_MAX_BYTES, id_from_url
from storyline.sources.decode import decode_bytes, normalise_newlines

MAX_REDIRECTS = 5
USER_AGENT = "storyline/0.1 (+https://example.invalid/storyline; local news reader)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_BACKOFF = 30.0  # seconds; also caps a server's Retry-After
TOTAL_TIMEOUT_FACTOR = 6  # a response trickling in slower than this many timeouts is abandoned


class TransientFetchError(InputError):
    """A fetch failure worth retrying later (timeout, connection error, HTTP 429/5xx)."""

    def __init__(self, input: str, reason: str, retry_after: float | None = None):
        super().__init__(input, reason)
        self.retry_after = retry_after


@dataclass
class Response:
    """One HTTP response after redirects.  ``status`` is 200-299, or 304 for a conditional GET
    whose resource did not change (then ``body`` is empty); other statuses only with
    ``raise_for_status=False``."""

    url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


def address_allowed(ip: str, allow_private: bool = False) -> bool:
    """True if ``ip`` is a public unicast address (or anything, when ``allow_private``)."""
    if allow_private:
        return True
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return addr.is_global and not (addr.is_multicast or addr.is_reserved or addr.is_unspecified)


def resolve_checked(host: str, port: int, allow_private: bool = False) -> list[str]:
    """Every address ``host`` resolves to; raises InputError if any of them is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(host, f"cannot resolve host name: {exc}") from exc
    addrs = sorted({info[4][0] for info in infos})
    blocked = [a for a in addrs if not address_allowed(a, allow_private)]
    if blocked:
        raise InputError(host, f"refusing to fetch from a private/loopback/link-local address ({', '.join(blocked)}); "
                               "set allow_private to fetch from local networks")
    return addrs


def check_url(url: str, allow_private: bool = False) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(url, "only http:// and https:// URLs can be fetched")
    if not parts.hostname:
        raise InputError(url, "URL has no host name")
    if parts.username or parts.password:
        raise InputError(url, "URLs with embedded credentials are refused")
    resolve_checked(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), allow_private)


def _client(timeout: float, allow_private: bool, user_agent: str | None = None):
    try:
        import httpx
    except ImportError as exc:  # pragma: no cover — httpx comes with the server extra
        raise MissingExtraError("httpx", "server", "fetching URLs") from exc
    return httpx.Client(transport=_GuardedTransport(allow_private), timeout=httpx.Timeout(timeout),
                        follow_redirects=False, trust_env=False, headers={"User-Agent": user_agent or USER_AGENT})


def make_client(timeout: float = 10, allow_private: bool = False, user_agent: str | None = None):
    """An httpx.Client with the SSRF guard at connect time, for many requests (close it when done)."""
    return _client(timeout, allow_private, user_agent)


def _guarded_transport_class():
    import httpcore
    import httpx

    class GuardedBackend(httpcore.SyncBackend):
        def __init__(self, allow_private: bool):
            self.allow_private = allow_private

        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            addrs = resolve_checked(host, port, self.allow_private)
            return super().connect_tcp(addrs[0], port, timeout, local_address, socket_options)

    class GuardedTransport(httpx.HTTPTransport):
        def __init__(self, allow_private: bool):
            super().__init__(trust_env=False)
            # httpx has no public hook for the network backend; swap the pool it built for one
            # that dials through GuardedBackend (TLS still verifies the original host name).
            self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),
                                                 network_backend=GuardedBackend(allow_private))

    return GuardedTransport


def _GuardedTransport(allow_private: bool):  # noqa: N802 — a factory that reads like a class
    return _guarded_transport_class()(allow_private)


def fetch_response(url: str, *, allow_private: bool = False, timeout: float = 10,
                   max_bytes: int = DEFAULT_MAX_BYTES, headers: Mapping[str, str] | None = None,
                   user_agent: str | None = None, client=None, raise_for_status: bool = True) -> Response:
    """GET ``url`` once, following redirects by hand (each hop checked by the SSRF guard).

    Raises InputError naming the URL (TransientFetchError for what a retry may fix).  Pass
    ``If-None-Match`` / ``If-Modified-Since`` in ``headers`` for a conditional GET (304 is returned,
    not raised).  ``client`` (from ``make_client``) is reused and left open; otherwise one is made.
    """
    if client is not None:
        return _follow(client, url, allow_private, timeout, max_bytes, dict(headers or {}), user_agent,
                       raise_for_status)
    with _client(timeout, allow_private, user_agent) as own:
        return _follow(own, url, allow_private, timeout, max_bytes, dict(headers or {}), None, raise_for_status)


def _follow(client, url: str, allow_private: bool, timeout: float, max_bytes: int, headers: dict[str, str],
            user_agent: str | None, raise_for_status: bool) -> Response:
    import httpx

    if user_agent:
        headers["User-Agent"] = user_agent
    deadline = time.monotonic() + timeout * TOTAL_TIMEOUT_FACTOR
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(url, allow_private)
        try:
            with client.stream("GET", url, headers=headers) as resp:
                if resp.status_code == 304:  # before is_redirect: httpx counts 304 as a redirect status
                    return _response(resp, b"")
                if resp.is_redirect:
                    location = resp.headers.get("location")
                    if not location:
                        raise InputError(url, f"HTTP {resp.status_code} redirect without a Location header")
                    url = urljoin(url, location)
                    continue
                if resp.status_code >= 400 and raise_for_status:
                    _raise_for_status(url, resp)
                return _response(resp, _read_limited(resp, url, max_bytes, deadline, timeout))
        except httpx.TimeoutException as exc:
            raise TransientFetchError(url, f"timed out after {timeout} s") from exc
        except httpx.TransportError as exc:
            raise TransientFetchError(url, f"cannot fetch: {exc}") from exc
        except httpx.HTTPError as exc:
            raise InputError(url, f"cannot fetch: {exc}") from exc
    raise InputError(url, f"more than {MAX_REDIRECTS} redirects")


def _read_limited(resp, url: str, max_bytes: int, deadline: float, timeout: float) -> bytes:
    body = bytearray()
    for chunk in resp.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise InputError(url, f"response is larger than {max_bytes / 1e6:.1f} MB")
        if time.monotonic() > deadline:  # per-read timeouts alone let a slow trickle go on forever
            raise TransientFetchError(url, f"response took longer than {timeout * TOTAL_TIMEOUT_FACTOR:g} s")
    return bytes(body)


def _response(resp, body: bytes) -> Response:
    return Response(url=str(resp.url), status=resp.status_code, content_type=resp.headers.get("content-type", ""),
                    body=body, etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"))


def _raise_for_status(url: str, resp) -> None:
    reason = f"HTTP {resp.status_code} {resp.reason_phrase}"
    if resp.status_code in RETRY_STATUSES:
        raise TransientFetchError(url, reason, _retry_after(resp.headers.get("retry-after")))
    raise InputError(url, reason)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None if absent/unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def fetch_with_retries(url: str, *, retries: int = 2, backoff: float = 1.0, max_backoff: float = MAX_BACKOFF,
                       sleep: Callable[[float], None] = time.sleep, **kwargs) -> Response:
    """``fetch_response`` retried up to ``retries`` times on TransientFetchError.

    Waits ``backoff * 2**attempt`` seconds (at most ``max_backoff``; a server's Retry-After is
    honoured up to the same cap) between attempts.  Other errors are raised at once.
    """
    for attempt in range(retries + 1):
        try:
            return fetch_response(url, **kwargs)
        except TransientFetchError as exc:
            if attempt >= retries:
                if retries:
                    raise TransientFetchError(exc.input, f"{exc.reason} (after {retries + 1} attempts)",
                                              exc.retry_after) from exc
                raise
            delay = backoff * 2 ** attempt
            if exc.retry_after is not None:
                delay = max(delay, exc.retry_after)
            sleep(min(delay, max_backoff))
    raise AssertionError("unreachable")  # pragma: no cover


def fetch_bytes(url: str, *, allow_private: bool = False, timeout: float = 10,
                max_bytes: int = DEFAULT_MAX_BYTES, user_agent: str | None = None) -> tuple[str, str, bytes]:
    """GET ``url`` (checking every redirect hop); returns ``(final_url, content_type, body)``."""
    resp = fetch_response(url, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent)
    return resp.url, resp.content_type, resp.body


def fetch_url(url: str, allow_private: bool = False, timeout: float = 10,
              max_bytes: int = DEFAULT_MAX_BYTES, *, user_agent: str | None = None, retries: int = 0,
              client=None) -> RawDoc:
    """Fetch one article page as a RawDoc (HTML or plain text).  Raises InputError naming the URL."""
    resp = fetch_with_retries(url, retries=retries, allow_private=allow_private, timeout=timeout,
                              max_bytes=max_bytes, user_agent=user_agent, client=client)
    return doc_from_response(url, resp.url, resp.content_type, resp.body)


def doc_from_response(url: str, final_url: str, ctype: str, body: bytes) -> RawDoc:
    """A fetched page as a RawDoc: HTML if declared or if it looks like markup, else plain text."""
    declared = _charset(ctype)
    text, _enc = decode_bytes(body, url, declared)
    doc_id = id_from_url(final_url, "url-" + RawDoc("", "", "", body).raw_hash[:12])
    meta = {"url": final_url}
    if ctype.split(";")[0].strip().lower() in HTML_TYPES or text.lstrip()[:1] == "<":
        return RawDoc(id=doc_id, uri=final_url, kind="html", raw=body, html=text, meta=meta)
    return RawDoc(id=doc_id, uri=final_url, kind="text", raw=body, text=normalise_newlines(text), meta=meta)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"\' ')
    return None


def feed_links(data: bytes, name: str) -> tuple[int, list[str]]:
    """``(items with embedded content, links of items without)`` of an RSS/Atom document."""
    from storyline.sources.feeds import is_feed, parse_feed

    if not is_feed(data):
        raise InputError(name, "not an RSS or Atom feed")
    embedded, links = 0, []
    for item in parse_feed(data, name, name):
        if isinstance(item, RawDoc):
            embedded += 1
        elif item.raw:
            link = _item_link(item.raw)
            if link and link.startswith(("http://", "https://")):
                links.append(link)
    return embedded, links


def _item_link(raw_item: bytes) -> str | None:
    from defusedxml.ElementTree import fromstring

    element = fromstring(raw_item)
    for child in element.iter():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "link":
            href = child.get("href") or (child.text or "").strip()
            if href and child.get("rel", "alternate") == "alternate":
                return href
    return None
