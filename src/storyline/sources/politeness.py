"""Politeness for automated fetching: robots.txt (cached per host) and a per-host delay.

* robots.txt follows RFC 9309 on errors: a 4xx answer means "no rules" (everything allowed); a
  5xx or 429 answer or an unreachable server means "disallow everything" until it is asked again
  (after ``error_ttl`` seconds).  Rules are cached per origin (scheme, host, port) for ``ttl`` seconds.
* Matching uses ``urllib.robotparser``, which is approximate: it takes the first matching rule in
  file order, not the longest match RFC 9309 asks for, and does not understand ``*``/``$``
  wildcards inside paths.  The user agent's first word (``storyline`` in ``storyline/0.1 …``) is
  the name looked up in ``User-agent:`` lines.
* The delay between two requests to one host is the larger of ``delay`` and the host's
  ``Crawl-delay`` (capped at ``MAX_CRAWL_DELAY`` so one robots.txt cannot stall the watcher).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from storyline.errors import InputError

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB; more is ignored
DEFAULT_TTL = 24 * 3600.0
DEFAULT_ERROR_TTL = 300.0
MAX_CRAWL_DELAY = 60.0


class RobotsDisallowed(InputError):
    """robots.txt of the host does not let this user agent fetch the URL."""


@dataclass
class RobotsAnswer:
    """What fetching a robots.txt gave: an HTTP status and body, or ``status=None`` if unreachable."""

    status: int | None
    body: bytes = b""


RobotsFetcher = Callable[[str], RobotsAnswer]


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url`` (lower-cased, default port made explicit)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.rsplit('@', 1)[-1]}/robots.txt"


def _unreachable(answer: RobotsAnswer) -> bool:
    # 429 "too many requests" is a server asking us to back off, not "no robots.txt here"
    return answer.status is None or answer.status >= 500 or answer.status == 429


def rules_from_answer(answer: RobotsAnswer) -> RobotFileParser:
    """A parser holding the rules an answer implies (see the module docstring for error cases)."""
    parser = RobotFileParser()
    if _unreachable(answer):
        parser.disallow_all = True
    elif answer.status >= 400:
        parser.allow_all = True
    else:
        text = answer.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
    return parser


class RobotsCache:
    """robots.txt rules per origin, fetched on first use and kept for ``ttl`` seconds."""

    def __init__(self, fetch: RobotsFetcher, user_agent: str, *, ttl: float = DEFAULT_TTL,
                 error_ttl: float = DEFAULT_ERROR_TTL, clock: Callable[[], float] = time.monotonic):
        self.fetch = fetch
        self.agent = user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"
        self.ttl, self.error_ttl, self.clock = ttl, error_ttl, clock
        self._cache: dict[str, tuple[float, RobotFileParser]] = {}

    def rules(self, url: str) -> RobotFileParser:
        origin = origin_of(url)
        cached = self._cache.get(origin)
        if cached and cached[0] > self.clock():
            return cached[1]
        answer = self.fetch(robots_url(url))
        parser = rules_from_answer(answer)
        lifetime = self.error_ttl if _unreachable(answer) else self.ttl
        self._cache[origin] = (self.clock() + lifetime, parser)
        return parser

    def allowed(self, url: str) -> bool:
        return self.rules(url).can_fetch(self.agent, url)

    def crawl_delay(self, url: str) -> float | None:
        delay = self.rules(url).crawl_delay(self.agent)
        return float(delay) if delay is not None else None


class HostThrottle:
    """Keeps at least ``delay`` seconds between the starts of two requests to one host."""

    def __init__(self, delay: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self._last: dict[str, float] = {}

    def wait(self, url: str, delay: float | None = None) -> float:
        """Sleep until ``url``'s host may be asked again, then mark it asked.  Returns seconds slept."""
        host = origin_of(url)
        gap = max(self.delay, delay or 0.0)
        last = self._last.get(host)
        slept = 0.0
        if last is not None:
            slept = max(0.0, last + gap - self.clock())
            if slept:
                self.sleep(slept)
        self._last[host] = self.clock()
        return slept


class Politeness:
    """robots.txt + per-host delay in one call: ``before_request(url)`` raises or waits.

    The robots.txt request itself is throttled like any other request to the host.
    """

    def __init__(self, fetch: RobotsFetcher, user_agent: str, delay: float, *, ttl: float = DEFAULT_TTL,
                 error_ttl: float = DEFAULT_ERROR_TTL, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.throttle = HostThrottle(delay, clock=clock, sleep=sleep)
        self.robots = RobotsCache(self._throttled(fetch), user_agent, ttl=ttl, error_ttl=error_ttl, clock=clock)

    def _throttled(self, fetch: RobotsFetcher) -> RobotsFetcher:
        def throttled(url: str) -> RobotsAnswer:
            self.throttle.wait(url)
            return fetch(url)
        return throttled

    def before_request(self, url: str) -> None:
        """Raise RobotsDisallowed if robots.txt forbids ``url``; else wait for the host's turn."""
        if not self.robots.allowed(url):
            raise RobotsDisallowed(url, f"robots.txt of {origin_of(url)} disallows this URL for "
                                        f"user agent '{self.robots.agent}'; not fetched")
        crawl_delay = self.robots.crawl_delay(url)
        self.throttle.wait(url, min(crawl_delay, MAX_CRAWL_DELAY) if crawl_delay else None)
