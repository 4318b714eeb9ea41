"""Rate limiting: token buckets per client IP (all requests) and per API token (writes).

Time is an injectable clock moved by hand: no sleeps."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server extra (fastapi) is not installed")
from fastapi.testclient import TestClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from storyline.api import create_app  # noqa: E402
from storyline.api.auth import create_token  # noqa: E402
from storyline.api.ratelimit import Rate, RateLimits, TokenBucketLimiter, client_key, parse_rate  # noqa: E402
from storyline.errors import ConfigError  # noqa: E402
from storyline.settings import load_settings  # noqa: E402
from storyline.store import open_store  # noqa: E402


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    """Two fictional articles, no analysis: enough for reads and writes, quick to build."""
    folder = tmp_path_factory.mktemp("ratelimit")
    db = folder / "rl.db"
    from storyline.app import ingest_and_update

    settings = load_settings(overrides={"store": {"db": str(db)}, "ingest": {"workers": 1, "analyze": False}},
                             environ={})
    report = ingest_and_update([synthetic.write_jsonl(folder / "a.jsonl", synthetic.ARTICLES[:2])], settings)
    assert report.failed == 0
    return db


@pytest.fixture(scope="module")
def tokens(small_db) -> tuple[str, str]:
    with open_store(str(small_db)) as store:
        return create_token(store, "rl-one")[1], create_token(store, "rl-two")[1]


def limited_client(db: Path, clock: FakeClock, per_ip: str | None, per_token: str | None,
                   host: str = "127.0.0.1") -> TestClient:
    limits = RateLimits(parse_rate(per_ip) if per_ip else None, parse_rate(per_token) if per_token else None)
    return TestClient(create_app(str(db), rate_limits=limits, clock=clock, web=False), client=(host, 50000))


def assert_429(resp) -> int:
    assert resp.status_code == 429, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == "rate_limited"
    retry = int(resp.headers["retry-after"])
    assert retry >= 1 and body["error"]["details"]["retry_after"] == retry
    return retry


def article_payload(n: int) -> dict:
    return {"id": f"rl-post-{n}", "title": f"Fictional notice {n}", "outlet": "Test Wire",
            "text": f"Notice number {n} about the fictional harbour of Port Alder was posted on Monday.\n"}


# -- parsing and the bucket itself ------------------------------------------------------------------
@pytest.mark.parametrize("text, count, period", [("120/min", 120, 60), ("10/s", 10, 1), ("5/30s", 5, 30),
                                                 ("1000/1h", 1000, 3600), (" 3 / 2m ", 3, 120)])
def test_parse_rate(text, count, period):
    assert parse_rate(text) == Rate(count, period)


@pytest.mark.parametrize("bad", ["", "120", "0/min", "-1/s", "ten/min", "5/fortnight", "5/"])
def test_parse_rate_rejects_nonsense(bad):
    with pytest.raises(ValueError):
        parse_rate(bad)


def test_bad_rate_in_settings_is_a_config_error():
    with pytest.raises(ConfigError, match="server.rate_limit"):
        load_settings(overrides={"server": {"rate_limit": "lots"}}, environ={})
    with pytest.raises(ConfigError, match="server"):
        load_settings(overrides={"server": {"per_ip": "1/s"}}, environ={})  # extra keys stay forbidden


def test_bucket_allows_a_burst_then_refills_at_the_average_rate():
    clock = FakeClock()
    bucket = TokenBucketLimiter(Rate(3, 3.0), clock=clock)  # 3 at once, then 1 per second
    assert [bucket.acquire("a") for _ in range(3)] == [0, 0, 0]
    wait = bucket.acquire("a")
    assert wait == pytest.approx(1.0)
    clock.advance(0.5)
    assert bucket.acquire("a") == pytest.approx(0.5)  # a refused request takes nothing
    clock.advance(0.5)
    assert bucket.acquire("a") == 0
    assert bucket.acquire("a") > 0
    clock.advance(100)  # refills up to the burst size, not beyond
    assert [bucket.acquire("a") for _ in range(4)][-1] > 0


def test_bucket_keys_are_independent_and_the_table_is_bounded():
    clock = FakeClock()
    bucket = TokenBucketLimiter(Rate(1, 60.0), clock=clock, max_keys=50)
    assert bucket.acquire("x") == 0 and bucket.acquire("x") > 0
    assert bucket.acquire("y") == 0
    for i in range(200):
        bucket.acquire(f"k{i}")
    assert len(bucket) == 50


def test_bucket_is_thread_safe():
    bucket = TokenBucketLimiter(Rate(500, 3600.0), clock=FakeClock())  # no refill during the test
    allowed = []

    def worker():
        allowed.append(sum(1 for _ in range(100) if bucket.acquire("shared") == 0))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 500  # exactly the bucket's content, never more


def test_client_keys():
    assert client_key("203.0.113.7") == "203.0.113.7"
    assert client_key("2001:db8:1:2:3:4:5:6") == client_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert client_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_key(None) == "unknown"
    assert client_key("testclient") == "testclient"


# -- through the app ------------------------------------------------------------------------------------
def test_burst_beyond_the_ip_limit_gets_429_with_retry_after_and_json_shape(small_db):
    clock = FakeClock()
    client = limited_client(small_db, clock, "5/min", None)  # loopback is not exempt
    assert all(client.get("/api/v1/stats").status_code == 200 for _ in range(5))
    retry = assert_429(client.get("/api/v1/stats"))
    assert retry == 12  # one request refills every 60/5 s
    assert_429(client.get("/api/v1/articles"))  # the limit is per client, across endpoints
    clock.advance(retry)
    assert client.get("/api/v1/stats").status_code == 200  # refilled
    assert_429(client.get("/api/v1/stats"))


def test_different_ips_have_separate_buckets(small_db):
    clock = FakeClock()
    limits = RateLimits(parse_rate("2/min"), None)
    app = create_app(str(small_db), rate_limits=limits, clock=clock, web=False)
    one, two = TestClient(app, client=("198.51.100.1", 1)), TestClient(app, client=("198.51.100.2", 1))
    assert [one.get("/api/v1/stats").status_code for _ in range(3)] == [200, 200, 429]
    assert [two.get("/api/v1/stats").status_code for _ in range(3)] == [200, 200, 429]


def test_write_limit_is_per_token(small_db, tokens):
    clock = FakeClock()
    client = limited_client(small_db, clock, None, "2/min")
    first, second = ({"Authorization": f"Bearer {t}"} for t in tokens)
    assert client.post("/api/v1/articles", json=article_payload(1), headers=first).status_code in (200, 201)
    assert client.post("/api/v1/articles", json=article_payload(2), headers=first).status_code in (200, 201)
    assert_429(client.post("/api/v1/articles", json=article_payload(3), headers=first))
    # another token is independent; reads are not counted against the write limit
    assert client.post("/api/v1/articles", json=article_payload(3), headers=second).status_code in (200, 201)
    assert client.get("/api/v1/stats").status_code == 200
    clock.advance(30)
    assert client.post("/api/v1/articles", json=article_payload(4), headers=first).status_code in (200, 201)


def test_unknown_tokens_still_get_401_not_429(small_db):
    client = limited_client(small_db, FakeClock(), None, "1/min")
    for _ in range(3):
        resp = client.post("/api/v1/articles", json=article_payload(9), headers={"Authorization": "Bearer sl_nope"})
        assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"


def test_ip_limit_also_covers_writes(small_db, tokens):
    client = limited_client(small_db, FakeClock(), "1/min", "100/min")
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    assert client.post("/api/v1/articles", json=article_payload(1), headers=headers).status_code in (200, 201)
    assert_429(client.post("/api/v1/articles", json=article_payload(1), headers=headers))


def test_limits_from_settings():
    server = load_settings(overrides={"server": {"rate_limit": "7/s", "write_rate_limit": "3/h"}}, environ={}).server
    assert RateLimits.from_settings(server) == RateLimits(Rate(7, 1), Rate(3, 3600))
    off = load_settings(overrides={"server": {"rate_limiting": False}}, environ={}).server
    assert not RateLimits.from_settings(off).enabled


def test_in_process_apps_are_not_limited_unless_asked(small_db):
    client = TestClient(create_app(str(small_db), web=False))
    assert all(client.get("/api/v1/stats").status_code == 200 for _ in range(150))


def serve_app(monkeypatch, db: Path, *flags: str):
    """Run ``storyline serve`` with uvicorn.run replaced: returns (exit code, the app it would serve)."""
    import uvicorn
    from click.testing import CliRunner

    from storyline.cli import cli

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.setdefault("app", app))
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--no-web", *flags])
    return result.exit_code, served.get("app"), result.output


def test_serve_limits_loopback_clients_by_default_and_no_rate_limit_turns_it_off(small_db, monkeypatch):
    code, app, _ = serve_app(monkeypatch, small_db, "--rate-limit", "3/min")
    assert code == 0
    client = TestClient(app, client=("127.0.0.1", 40000))
    assert [client.get("/api/v1/stats").status_code for _ in range(4)] == [200, 200, 200, 429]
    code, app, _ = serve_app(monkeypatch, small_db, "--rate-limit", "3/min", "--no-rate-limit")
    client = TestClient(app, client=("127.0.0.1", 40000))
    assert code == 0 and all(client.get("/api/v1/stats").status_code == 200 for _ in range(6))


def test_serve_rejects_a_bad_rate_as_usage_error(small_db, monkeypatch):
    code, app, output = serve_app(monkeypatch, small_db, "--write-rate-limit", "fast")
    assert code == 2 and app is None and "--write-rate-limit" in output


def test_web_pages_are_limited_too(small_db):
    limits = RateLimits(parse_rate("1/min"), None)
    client = TestClient(create_app(str(small_db), rate_limits=limits, clock=FakeClock()))
    assert client.get("/").status_code == 200
    assert_429(client.get("/"))
