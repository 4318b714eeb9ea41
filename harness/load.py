"""Load harness: many concurrent readers (and optionally one writer) against ``storyline serve``.

    python harness/load.py --db load.db --clients 200 --duration 30 --writer
    python harness/load.py --db load.db --clients 20 --duration 5 --think 0     # saturation, small

What it does:

1. creates a write token in DB (``storyline.api.auth.create_token``; revoked again at the end) and
   samples story ids, article ids and search words from the database;
2. starts ``python -m storyline serve --db DB --host 127.0.0.1 --port <free> --no-rate-limit`` in a
   subprocess (uvicorn, one process; its log goes to a file next to the report) and waits until
   /api/v1/stats answers;
3. runs ``--clients`` asyncio clients (each with its own keep-alive connection, ``RawConnection``: a
   minimal HTTP/1.1 GET client on asyncio streams) for ``--duration`` seconds.  Each client loops:
   pick a route at random (weights in ``ROUTES``), request it, record status and latency, then wait
   ``--think`` seconds on average (exponential, so arrivals are bursty like real users; ``--think 0``
   is a closed-loop saturation test).  Why not httpx: at 200 clients one ``httpx.AsyncClient`` used
   ~6.5 ms of CPU per request, three times the server's, on the same two cores (docs/load.md);
4. with ``--writer``, one warm-up post (untimed: the server's first write loads the language
   models) and then one more client posts ``--write-batch`` new fictional articles to
   POST /api/v1/articles every ``--write-every`` seconds (analysis on, as the server is configured);
5. stops the server and prints requests/s, p50/p95/p99 latency per route, the errors (any status
   other than 2xx, timeouts and connection failures) and the CPU seconds used during the run by the
   clients, the server process and its writer process, optionally as JSON (``--json``).

Bounded: the number of clients, the duration (plus ``--timeout``/``--write-timeout`` for requests in
flight) and the server start-up time are all capped; the harness always ends by itself and always stops the server.
It only ever talks to 127.0.0.1.  Latency is measured in the client, so it includes the client's own
scheduling delay: the clients share the machine's cores with the server.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import httpx

# route name → (weight, path template); {story}, {article} and {word} are filled from the database
ROUTES: dict[str, tuple[int, str]] = {
    "GET /api/v1/stories": (15, "/api/v1/stories?limit=20"),
    "GET /api/v1/search": (20, "/api/v1/search?q={word}&limit=20"),
    "GET /api/v1/stories/{id}": (15, "/api/v1/stories/{story}"),
    "GET /api/v1/articles/{id}": (15, "/api/v1/articles/{article}"),
    "GET /stories/{id} (page)": (15, "/stories/{story}"),
    "GET /articles/{id} (page)": (15, "/articles/{article}"),
    "GET /api/v1/stats": (5, "/api/v1/stats"),
}
HOST = "127.0.0.1"


@dataclass
class Sample:
    """Ids and words to request, drawn from the database once."""

    stories: list[str]
    articles: list[str]
    words: list[str]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    write_latencies: list[float] = field(default_factory=list)
    written: int = 0
    warmup_write_s: float | None = None
    client_cpu_s: float | None = None
    server_cpu_s: dict | None = None


# -- set-up ---------------------------------------------------------------------------------------
def sample_db(db: str, n: int = 500, seed: int = 1) -> Sample:
    """Random story ids, article ids and title words (read-only; the server is not running yet)."""
    rng = random.Random(seed)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        stories = [r[0] for r in con.execute("SELECT DISTINCT story FROM story_articles")]
        articles = [r[0] for r in con.execute("SELECT id FROM articles")]
        titles = [r[0] or "" for r in con.execute("SELECT title FROM articles ORDER BY random() LIMIT 2000")]
    finally:
        con.close()
    if not stories or not articles:
        raise SystemExit(f"error: {db} has no stories or no articles; build the corpus first (see docs/load.md)")
    words = sorted({w.lower() for t in titles for w in re.findall(r"[A-Za-z]{4,}", t)})
    return Sample(rng.sample(stories, min(n, len(stories))), rng.sample(articles, min(n, len(articles))),
                  rng.sample(words, min(n, len(words))) or ["news"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def write_token(db: str):
    """A token for the writer, revoked afterwards (its row stays, like any revoked token)."""
    from storyline.api.auth import create_token, revoke_token
    from storyline.store import open_store

    with open_store(db) as store:
        token_id, secret = create_token(store, "load-harness")
    try:
        yield secret
    finally:
        with open_store(db) as store:
            revoke_token(store, token_id)


@contextmanager
def server(db: str, port: int, log_path: Path, startup_timeout: float):
    """``storyline serve`` in a subprocess on loopback with rate limiting off; always stopped."""
    cmd = [sys.executable, "-m", "storyline", "serve", "--db", db, "--host", HOST, "--port", str(port),
           "--no-rate-limit"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            wait_until_up(proc, port, startup_timeout)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_until_up(proc: subprocess.Popen, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"error: the server exited with status {proc.returncode} (see its log)")
        try:
            if httpx.get(f"http://{HOST}:{port}/api/v1/stats", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"error: the server did not answer within {timeout:g} s")


def process_tree_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) of process ``pid`` ("server") and of its child processes
    ("children": the writer process), read from /proc (Linux; empty elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    out = {"server": 0.0, "children": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        me, parent = int(stat.parent.name), int(fields[1])
        if me == pid or parent == pid:
            out["server" if me == pid else "children"] += (int(fields[11]) + int(fields[12])) / tick
    return out


# -- clients --------------------------------------------------------------------------------------
def pick_request(rng: random.Random, sample: Sample, routes: dict[str, tuple[int, str]]) -> tuple[str, str]:
    names = list(routes)
    name = rng.choices(names, weights=[routes[n][0] for n in names])[0]
    path = routes[name][1].format(story=quote(rng.choice(sample.stories), safe=""),
                                  article=quote(rng.choice(sample.articles), safe=""),
                                  word=quote(rng.choice(sample.words), safe=""))
    return name, path


class RawConnection:
    """One keep-alive HTTP/1.1 connection for GET requests, on asyncio streams.

    A much lighter client than ``httpx.AsyncClient`` (which spent about as much CPU per request as
    the server at 200 clients): the clients share the machine's cores with the server, so a heavy
    client inflates the server's latency.  It handles Content-Length and chunked bodies, and
    retries a request once on a fresh connection when a *reused* connection turns out to be closed
    by the server before any byte of the answer arrived (the keep-alive race; browsers do the same)."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        """GET ``path``; returns the status (raises OSError/asyncio errors on failure)."""
        return await asyncio.wait_for(self._get(path), self.timeout)

    async def _get(self, path: str) -> int:
        reused = self.writer is not None
        try:
            return await self._exchange(path)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            self.close()
            if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                raise
        return await self._exchange(path)

    async def _exchange(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode("ascii"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            await self._read_chunked()
        else:
            await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    async def _read_chunked(self) -> None:
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await self.reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:
                return

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def reader(port: int, sample: Sample, routes: dict, deadline: float, think: float, seed: int,
                 results: Results, timeout: float) -> None:
    rng = random.Random(seed)
    conn = RawConnection(HOST, port, timeout)
    await asyncio.sleep(rng.uniform(0, min(1.0, think or 0.1)))  # spread the start
    try:
        while time.monotonic() < deadline:
            name, path = pick_request(rng, sample, routes)
            t0 = time.perf_counter()
            try:
                status = await conn.get(path)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                    ValueError) as exc:
                status = type(exc).__name__
                conn.close()
            results.latencies[name].append(time.perf_counter() - t0)
            if not (isinstance(status, int) and 200 <= status < 300):
                results.errors[f"{name}: {status}"] += 1
            if think:
                await asyncio.sleep(min(rng.expovariate(1 / think), max(0.0, deadline - time.monotonic())))
    finally:
        conn.close()


def fictional_articles(run: str, start: int, n: int) -> list[dict]:
    """New, clearly fictional articles (unique per run so every post stores something)."""
    return [{"id": f"load-{run}-{i}", "outlet": "Load Test Wire", "published": "2025-06-01",
             "title": f"Harbour board of Testport meets for session {i}",
             "text": f"The harbour board of Testport met on Monday for session {i} of run {run}.\n\n"
                     f"\"We reviewed the schedule of the ferries,\" said Ola Testperson, the fictional chair.\n"}
            for i in range(start, start + n)]


async def writer(client: httpx.AsyncClient, token: str, deadline: float, every: float, batch: int,
                 timeout: float, results: Results) -> None:
    run = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            resp = await client.post("/api/v1/articles", json=fictional_articles(run, results.written, batch),
                                     headers=headers, timeout=timeout)
            status = resp.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        results.write_latencies.append(time.perf_counter() - t0)
        if status in (200, 201):
            results.written += batch
        else:
            results.errors[f"POST /api/v1/articles: {status}"] += 1
        await asyncio.sleep(max(0.0, min(every - (time.perf_counter() - t0), deadline - time.monotonic())))


async def run_clients(port: int, sample: Sample, args, token: str | None,
                      server_cpu: Callable[[], dict[str, float]] | None = None) -> tuple[Results, float]:
    """All clients against 127.0.0.1:``port`` until the deadline; returns the results and the elapsed time.

    Readers use ``RawConnection`` (one connection each); the writer uses httpx.  The CPU time the
    clients used (this process) is stored in ``results.client_cpu_s``; ``server_cpu`` (e.g.
    ``process_tree_cpu(pid)``) measures the server's, into ``results.server_cpu_s``."""
    results = Results()
    routes = selected_routes(args.exclude)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=args.timeout) as client:
        if token:  # the server's first write loads the language models: not part of the measured load
            t0 = time.perf_counter()
            await client.post("/api/v1/articles", json=fictional_articles("warmup", int(time.time()), 1),
                              headers={"Authorization": f"Bearer {token}"}, timeout=args.write_timeout)
            results.warmup_write_s = time.perf_counter() - t0
        cpu0, server0 = time.process_time(), server_cpu() if server_cpu else None
        start = time.monotonic()
        deadline = start + args.duration
        tasks = [reader(port, sample, routes, deadline, args.think, args.seed + i, results, args.timeout)
                 for i in range(args.clients)]
        if token:
            tasks.append(writer(client, token, deadline, args.write_every, args.write_batch, args.write_timeout,
                                results))
        # hard bound: requests still in flight at the deadline get --timeout, then everything is cancelled
        try:
            await asyncio.wait_for(asyncio.gather(*tasks),
                                   timeout=args.duration + max(args.timeout, args.write_timeout) + 5)
        except asyncio.TimeoutError:
            results.errors["harness: cancelled at the hard time limit"] += 1
        results.client_cpu_s = time.process_time() - cpu0
        if server_cpu:
            server1 = server_cpu()
            results.server_cpu_s = {k: server1[k] - server0.get(k, 0.0) for k in server1}
        return results, time.monotonic() - start


def selected_routes(exclude: list[str]) -> dict[str, tuple[int, str]]:
    routes = {name: r for name, r in ROUTES.items() if not any(x.lower() in name.lower() for x in exclude)}
    if not routes:
        raise SystemExit("error: --exclude left no route to request")
    return routes


# -- report ---------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]  # nearest rank


def summarise(results: Results, elapsed: float, args, db: str, load_before: tuple | None = None) -> dict:
    routes = {name: {"requests": len(v), "p50_ms": 1000 * percentile(v, 50), "p95_ms": 1000 * percentile(v, 95),
                     "p99_ms": 1000 * percentile(v, 99), "max_ms": 1000 * max(v)}
              for name, v in sorted(results.latencies.items())}
    every = [x for v in results.latencies.values() for x in v]
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "cpu": _cpu_name(), "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                    "load_average_before": [round(x, 2) for x in load_before] if load_before else None},
        "db": db, "articles": _count(db, "articles"),
        "stories": _count(db, "(SELECT DISTINCT story FROM story_articles)"),
        "clients": args.clients, "duration_s": round(elapsed, 1), "think_s": args.think, "excluded": args.exclude,
        "reads": len(every), "reads_per_s": len(every) / elapsed if elapsed else 0.0,
        "all_reads": {"p50_ms": 1000 * percentile(every, 50), "p95_ms": 1000 * percentile(every, 95),
                      "p99_ms": 1000 * percentile(every, 99)},
        "routes": routes,
        "writer": ({"posts": len(results.write_latencies), "articles_written": results.written,
                    "warmup_post_s": results.warmup_write_s,
                    "p50_ms": 1000 * percentile(results.write_latencies, 50),
                    "max_ms": 1000 * max(results.write_latencies, default=float("nan"))} if args.writer else None),
        "cpu_s": {"clients": results.client_cpu_s, **(results.server_cpu_s or {})},
        "errors": dict(results.errors), "error_count": sum(results.errors.values()),
    }


def _count(db: str, table: str) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 — fixed names only
    finally:
        con.close()


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def markdown(report: dict) -> str:
    lines = [f"{report['date']} — {report['clients']} clients, {report['duration_s']} s, "
             f"think {report['think_s']} s, "
             f"{report['articles']} articles / {report['stories']} stories; {report['machine']['cpus']} CPUs "
             f"({report['machine']['cpu']}), load average before {report['machine']['load_average_before']}, "
             f"at end {report['machine']['load_average_at_end']}",
             "", f"Reads: {report['reads']} ({report['reads_per_s']:.1f}/s); all reads p50 "
             f"{report['all_reads']['p50_ms']:.0f} ms, p95 {report['all_reads']['p95_ms']:.0f} ms, "
             f"p99 {report['all_reads']['p99_ms']:.0f} ms; errors: {report['error_count']}", "",
             "| route | requests | p50 ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    for name, r in report["routes"].items():
        lines.append(f"| {name} | {r['requests']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} "
                     f"| {r['max_ms']:.0f} |")
    if report["writer"]:
        w = report["writer"]
        lines += ["", f"Writer: {w['posts']} posts, {w['articles_written']} articles stored, "
                      f"p50 {w['p50_ms']:.0f} ms, max {w['max_ms']:.0f} ms (warm-up post before the clock: "
                      f"{w['warmup_post_s'] or 0:.1f} s)"]
    cpu = report.get("cpu_s") or {}
    if cpu.get("clients") is not None:
        lines += ["", "CPU seconds during the run: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items() if v is not None)
                  + " (server = the uvicorn process, children = its writer process)"]
    for what, n in sorted(report["errors"].items()):
        lines.append(f"- error: {what} × {n}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True, help="SQLite database to serve (a token row is added and revoked)")
    p.add_argument("--clients", type=int, default=200, help="concurrent reading clients (1–2000)")
    p.add_argument("--duration", type=float, default=30, help="seconds of load (≤ 3600)")
    p.add_argument("--think", type=float, default=1.0, help="mean seconds between a client's requests (0 = none)")
    p.add_argument("--writer", action="store_true", help="one more client ingests while the others read")
    p.add_argument("--write-every", type=float, default=2.0, help="seconds between the writer's posts")
    p.add_argument("--write-batch", type=int, default=5, help="articles per post")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request timeout of reads, seconds")
    p.add_argument("--write-timeout", type=float, default=60.0,
                   help="timeout of one post, seconds (a post ingests, analyses and updates the corpus)")
    p.add_argument("--startup-timeout", type=float, default=60.0)
    p.add_argument("--exclude", action="append", default=[], metavar="TEXT",
                   help="leave out routes whose name contains TEXT (repeatable), e.g. --exclude '/stories/{id} (page)'")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = p.parse_args(argv)
    if not 1 <= args.clients <= 2000 or not 0 < args.duration <= 3600 or args.think < 0:
        p.error("--clients must be 1–2000, --duration 0–3600 s, --think ≥ 0")
    if not Path(args.db).is_file():
        p.error(f"no database at {args.db}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    db = str(Path(args.db).resolve())
    sample = sample_db(db, seed=args.seed)
    load_before = os.getloadavg()  # other work on the machine shares the cores: say how much
    port = free_port()
    log_path = (args.json.with_suffix(".server.log") if args.json else Path(f"/tmp/storyline-load-{port}.log"))
    with write_token(db) as token, server(db, port, log_path, args.startup_timeout) as proc:
        results, elapsed = asyncio.run(run_clients(port, sample, args, token if args.writer else None,
                                                   lambda: process_tree_cpu(proc.pid)))
    report = summarise(results, elapsed, args, db, load_before)
    print(markdown(report))
    print(f"(server log: {log_path})", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if report["error_count"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
