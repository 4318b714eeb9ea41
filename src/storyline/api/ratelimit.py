"""Rate limiting: in-memory token buckets per client IP (every request) and per API token (writes).

A limit such as ``120/min`` is a bucket holding 120 requests that refills at 2 per second, so a
client may burst up to the full allowance and then continues at the average rate.  Over the limit
the server answers 429 with the standard error body and a ``Retry-After`` header (whole seconds,
rounded up).

Approximate by design: buckets live in one process (several server workers each keep their own,
so the effective limit is multiplied by the number of workers), and the table of buckets is
bounded (least recently used keys are forgotten first, which can only make a limit more lenient).
The client IP is the ASGI peer address; behind a reverse proxy that is the proxy unless the
server is told to trust ``X-Forwarded-For`` (uvicorn's ``--forwarded-allow-ips``).  IPv6 clients
are keyed by their /64 network, since one host usually owns a whole /64.
"""
from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from storyline.settings import parse_rate as settings_parse_rate

Clock = Callable[[], float]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Rate:
    """``count`` requests per ``period`` seconds (also the burst size)."""

    count: int
    period: float

    @property
    def per_second(self) -> float:
        return self.count / self.period

    def __str__(self) -> str:
        return f"{self.count}/{self.period:g}s"


def parse_rate(value: str | Rate) -> Rate:
    """``"120/min"``, ``"10/s"``, ``"1000/1h"``, ``"5/30s"`` → :class:`Rate`.  ValueError otherwise."""
    if isinstance(value, Rate):
        return value
    return Rate(*settings_parse_rate(value))


class TokenBucketLimiter:
    """Token buckets keyed by any string; thread-safe; at most ``max_keys`` buckets kept.

    ``clock`` is injectable (monotonic seconds) so tests can move time without sleeping."""

    def __init__(self, rate: Rate, *, clock: Clock = time.monotonic, max_keys: int = 100_000):
        self.rate = rate
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, last refill)
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take one request from ``key``'s bucket.  Returns 0 when allowed, else the seconds until
        one request will be available (nothing is taken then)."""
        now = self.clock()
        capacity, per_second = float(self.rate.count), self.rate.per_second
        with self._lock:
            tokens, last = self._buckets.pop(key, (capacity, now))
            tokens = min(capacity, tokens + max(0.0, now - last) * per_second)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / per_second
            if not wait:
                tokens -= 1
            self._buckets[key] = (tokens, now)  # re-inserted last: most recently used
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(frozen=True)
class RateLimits:
    """What the server limits: requests per client IP (all), and writes per API token."""

    per_ip: Rate | None = parse_rate("120/min")
    per_token_write: Rate | None = parse_rate("30/min")

    @classmethod
    def off(cls) -> RateLimits:
        return cls(None, None)

    @classmethod
    def from_settings(cls, server) -> RateLimits:
        """From a ``ServerSettings`` section (``storyline.settings``)."""
        if not server.rate_limiting:
            return cls.off()
        return cls(parse_rate(server.rate_limit), parse_rate(server.write_rate_limit))

    @property
    def enabled(self) -> bool:
        return self.per_ip is not None or self.per_token_write is not None


def client_key(host: str | None) -> str:
    """The bucket key of a peer address: the address itself, or its /64 network for IPv6."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host  # e.g. "testclient" under Starlette's TestClient
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def retry_after_seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


class RateLimitMiddleware:
    """ASGI middleware: 429 + ``Retry-After`` when the client IP's (or, for writes, the token's)
    bucket is empty.  Write requests with a bearer token that is not valid are passed through
    untouched by the token limit: the route answers them 401/403 (the IP limit still applies)."""

    def __init__(self, app, limits: RateLimits, db: str, *, clock: Clock = time.monotonic):
        self.app = app
        self.db = db
        self.per_ip = TokenBucketLimiter(limits.per_ip, clock=clock) if limits.per_ip else None
        self.per_token = (TokenBucketLimiter(limits.per_token_write, clock=clock)
                          if limits.per_token_write else None)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.per_ip is not None:
            wait = self.per_ip.acquire("ip:" + client_key((scope.get("client") or (None,))[0]))
            if wait:
                return await _reject(send, wait, "client address", self.per_ip.rate)
        if self.per_token is not None and scope.get("method", "GET") in WRITE_METHODS:
            token_id = await self._token_id(scope)
            if token_id is not None:
                wait = self.per_token.acquire("token:" + token_id)
                if wait:
                    return await _reject(send, wait, f"token {token_id}", self.per_token.rate)
        return await self.app(scope, receive, send)

    async def _token_id(self, scope) -> str | None:
        from storyline.api.auth import bearer_from_header

        headers = dict(scope.get("headers") or [])
        presented = bearer_from_header(headers.get(b"authorization", b"").decode("latin-1"))
        if not presented:
            return None
        import anyio

        # a database read: off the event loop, like the routes' own queries
        return await anyio.to_thread.run_sync(self._lookup_token, presented)

    def _lookup_token(self, presented: str) -> str | None:
        from storyline.api.auth import check_token
        from storyline.store import open_store

        try:
            with open_store(self.db, readonly=True) as store:
                result = check_token(store, presented)
        except Exception:  # noqa: BLE001 — the route reports database problems; the limiter must not
            return None
        return result.token_id if result.ok else None


async def _reject(send, wait: float, what: str, rate: Rate) -> None:
    from storyline.api.middleware import _error_body

    retry = retry_after_seconds(wait)
    body = _error_body("rate_limited", f"too many requests for this {what}: the limit is {rate.count} per "
                                       f"{rate.period:g} s; retry in {retry} s",
                       {"limit": rate.count, "period_seconds": rate.period, "retry_after": retry})
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(retry).encode())]})
    await send({"type": "http.response.body", "body": body})
