"""A small load smoke test: 20 concurrent clients for 3 s plus one writer against a real uvicorn
server (in a thread, 127.0.0.1) — every request must succeed.  Latency is not asserted here (the
machine may be busy); docs/load.md has the full-size figures from harness/load.py."""
from __future__ import annotations

import asyncio
import importlib.util
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server extra (fastapi) is not installed")
pytest.importorskip("uvicorn", reason="the server extra (uvicorn) is not installed")
pytest.importorskip("httpx", reason="the load harness needs httpx")

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

from storyline.api import create_app  # noqa: E402
from storyline.api.ratelimit import RateLimits  # noqa: E402

HARNESS = Path(__file__).resolve().parents[2] / "harness" / "load.py"


def load_harness():
    spec = importlib.util.spec_from_file_location("storyline_load_harness", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_twenty_clients_and_a_writer_get_no_errors(tmp_path):
    import uvicorn

    from storyline.app import ingest_and_update
    from storyline.settings import load_settings

    harness = load_harness()
    db = tmp_path / "load.db"
    # no analysis, here and in the server's writes: the smoke test is about concurrency, not NLP
    settings = load_settings(overrides={"store": {"db": str(db)}, "ingest": {"workers": 1, "analyze": False}},
                             environ={})
    assert ingest_and_update([synthetic.write_jsonl(tmp_path / "a.jsonl")], settings).failed == 0
    sample = harness.sample_db(str(db))
    args = harness.parse_args(["--db", str(db), "--clients", "20", "--duration", "3", "--think", "0.05",
                               "--writer", "--write-every", "1", "--write-batch", "2", "--timeout", "30"])
    port = free_port()
    app = create_app(str(db), settings, rate_limits=RateLimits.off())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        with harness.write_token(str(db)) as token:
            results, elapsed = asyncio.run(harness.run_clients(port, sample, args, token))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    report = harness.summarise(results, elapsed, args, str(db))
    assert report["error_count"] == 0, report["errors"]
    assert report["reads"] >= 20 and len(report["routes"]) == len(harness.ROUTES)
    assert report["cpu_s"]["clients"] > 0
    assert report["writer"]["articles_written"] >= 2
