"""robots.txt cache and per-host delay (fake fetcher and clock: no network, no waiting)."""
from __future__ import annotations

import pytest

from storyline.sources.politeness import (MAX_CRAWL_DELAY, HostThrottle, Politeness, RobotsAnswer, RobotsCache,
                                          RobotsDisallowed, origin_of, robots_url, rules_from_answer)

AGENT = "storyline/0.1 (+https://example.invalid/storyline; local news reader)"
ROBOTS = b"""User-agent: storyline
Disallow: /drafts/
Crawl-delay: 5

User-agent: *
Disallow: /
"""


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class FakeRobots:
    def __init__(self, answers: dict[str, RobotsAnswer]):
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, url: str) -> RobotsAnswer:
        self.asked.append(url)
        return self.answers.get(url, RobotsAnswer(404))


def test_origin_and_robots_url():
    assert origin_of("https://News.Example/a/b?c") == "https://news.example:443"
    assert origin_of("http://news.example:8080/a") == "http://news.example:8080"
    assert robots_url("https://user@news.example:8443/a/b?q") == "https://news.example:8443/robots.txt"


@pytest.mark.parametrize("answer,allowed", [(RobotsAnswer(404), True), (RobotsAnswer(403), True),
                                            (RobotsAnswer(500), False), (RobotsAnswer(None), False),
                                            (RobotsAnswer(429), False), (RobotsAnswer(200, b""), True)])
def test_error_answers_follow_rfc_9309(answer, allowed):
    assert rules_from_answer(answer).can_fetch("storyline", "https://a.example/story") is allowed


def test_rules_match_the_user_agent_product_token():
    fetcher = FakeRobots({"https://a.example/robots.txt": RobotsAnswer(200, ROBOTS)})
    robots = RobotsCache(fetcher, AGENT)
    assert robots.allowed("https://a.example/news/1")
    assert not robots.allowed("https://a.example/drafts/1")
    assert robots.crawl_delay("https://a.example/news/1") == 5
    other = RobotsCache(fetcher, "otherbot/2.0")
    assert not other.allowed("https://a.example/news/1")  # the catch-all group disallows everything else


def test_rules_are_cached_per_origin_until_they_expire():
    clock = FakeClock()
    fetcher = FakeRobots({"https://a.example/robots.txt": RobotsAnswer(200, ROBOTS),
                          "https://b.example/robots.txt": RobotsAnswer(503)})
    robots = RobotsCache(fetcher, AGENT, ttl=3600, error_ttl=60, clock=clock)
    for path in ("/x", "/y", "/drafts/z"):
        robots.allowed("https://a.example" + path)
    assert not robots.allowed("https://b.example/x")
    assert fetcher.asked == ["https://a.example/robots.txt", "https://b.example/robots.txt"]
    clock.now += 120  # past the error lifetime, not the normal one
    fetcher.answers["https://b.example/robots.txt"] = RobotsAnswer(404)
    assert robots.allowed("https://b.example/x") and robots.allowed("https://a.example/x")
    assert fetcher.asked.count("https://b.example/robots.txt") == 2
    assert fetcher.asked.count("https://a.example/robots.txt") == 1
    clock.now += 3600
    robots.allowed("https://a.example/x")
    assert fetcher.asked.count("https://a.example/robots.txt") == 2


def test_throttle_spaces_requests_per_host():
    clock = FakeClock()
    throttle = HostThrottle(2.0, clock=clock, sleep=clock.sleep)
    assert throttle.wait("https://a.example/1") == 0
    assert throttle.wait("https://b.example/1") == 0  # another host: no wait
    clock.now += 0.5
    assert throttle.wait("https://a.example/2") == pytest.approx(1.5)
    assert throttle.wait("https://a.example/3", delay=10) == pytest.approx(10)  # a longer crawl-delay wins
    clock.now += 30
    assert throttle.wait("https://a.example/4") == 0
    assert clock.slept == [pytest.approx(1.5), pytest.approx(10)]


def test_politeness_refuses_disallowed_urls_and_waits_for_the_host():
    clock = FakeClock()
    slow = ROBOTS.replace(b"Crawl-delay: 5", b"Crawl-delay: 100000")
    fetcher = FakeRobots({"https://a.example/robots.txt": RobotsAnswer(200, ROBOTS),
                          "https://slow.example/robots.txt": RobotsAnswer(200, slow)})
    polite = Politeness(fetcher, AGENT, delay=1.0, clock=clock, sleep=clock.sleep)
    with pytest.raises(RobotsDisallowed, match="robots.txt"):
        polite.before_request("https://a.example/drafts/1")
    polite.before_request("https://a.example/news/1")  # crawl-delay 5 s after the robots.txt request
    polite.before_request("https://a.example/news/2")
    polite.before_request("https://slow.example/news/1")
    assert clock.slept == [pytest.approx(5), pytest.approx(5), pytest.approx(MAX_CRAWL_DELAY)]
