"""Crash harness: kill ``storyline ingest`` with SIGKILL at random and chosen points, restart it, and
verify that the database ends up exactly as if nothing had happened.

    python harness/crash.py --kills 20              # ~300 generated articles + the demo corpus
    python harness/crash.py --kills 3 --n 60 --analyze-runs 1 --no-demo   # the size run by the tests

What one *run* is: a fresh database; ``python -m storyline ingest <corpus> --db X`` is started and
killed (SIGKILL to its whole process group, like a power cut) either after a random delay or at a
named point inside storyline (``STORYLINE_CRASH_AT``, see ``storyline.faults``: ``write:N`` — the
N-th article of a batch before its commit, ``migrate``, ``duplicates``, ``stories``, ``entities``,
``events``), then restarted, until an attempt completes.  Then the invariants are verified:

* the stored articles are exactly those of an uninterrupted reference run (same ids, same content
  hashes, so every valid input stored exactly once) and so are the recorded failures;
* ``storyline.check`` finds nothing corrupt, inconsistent or pending (no article without its raw
  input, offsets that map, no annotation rows of unstored articles, no half-written analysis, every
  article in the duplicate/story results, events and mentions referencing what exists).

Runs alternate analysis off/on (``--analyze-runs`` of them analyse, so entities, quotes and events
exist).  Exit status 0 when every run recovered, 1 otherwise.  ``--write-docs`` puts the figures into
docs/reliability.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POINTS = ("migrate", "write", "duplicates", "stories", "entities", "events")


@dataclass
class Attempt:
    how: str  # "delay 1.23s" | "point write:17" | "completed"
    killed: bool
    seconds: float


@dataclass
class Run:
    analyze: bool
    attempts: list[Attempt] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    articles: int = 0
    mid_ingest: int = 0  # kills that left the articles partly stored

    @property
    def kills(self) -> int:
        return sum(a.killed for a in self.attempts)

    @property
    def recovered(self) -> bool:
        return not self.problems


# -- corpus --------------------------------------------------------------------------------------------
def build_corpus(work: Path, n: int, seed: int, demo: bool) -> tuple[list[Path], Path]:
    """Generated articles (+ the demo corpus's articles) and one merged metadata sidecar."""
    from storyline.demo import demo_inputs
    from storyline.demo.generate import generate_corpus

    gen = work / "generated"
    generate_corpus(gen, n=n, seed=seed, shard_size=50)
    paths = [p for p in (gen / "articles", gen / "shards") if p.exists()]
    meta = work / "meta.jsonl"
    lines = (gen / "meta.jsonl").read_text(encoding="utf-8")
    if demo:
        root, demo_meta, _exclude = demo_inputs()
        paths.append(root / "articles")
        lines += demo_meta.read_text(encoding="utf-8")
    meta.write_text(lines, encoding="utf-8")
    return paths, meta


# -- one ingest process --------------------------------------------------------------------------------
def ingest_cmd(paths: list[Path], meta: Path, db: Path, analyze: bool, workers: int | None = None,
               executor: str = "local") -> list[str]:
    cmd = [sys.executable, "-m", "storyline", "ingest", *map(str, paths), "--db", str(db), "--meta", str(meta),
           "--format", "json", "--executor", executor]
    cmd += [] if workers is None else ["--workers", str(workers)]
    return cmd + ([] if analyze else ["--no-analyze"])


def run_once(cmd: list[str], *, delay: float | None = None, point: str | None = None,
             timeout: float = 900, env_extra: dict[str, str] | None = None) -> Attempt:
    """Start the ingest; SIGKILL its process group after ``delay`` s, or let it die at ``point``."""
    env = {**os.environ, **(env_extra or {})}
    env.pop("STORYLINE_CRASH_AT", None)
    if point:
        env["STORYLINE_CRASH_AT"] = point
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        proc.wait(timeout=delay if delay is not None else timeout)
    except subprocess.TimeoutExpired:
        pass
    killed = proc.poll() is None or proc.returncode == -signal.SIGKILL
    _kill_group(proc)  # also the worker processes a self-killed writer leaves behind
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.stderr and proc.stderr.close()
    seconds = time.monotonic() - start
    if not killed and proc.returncode not in (0, 1):
        raise RuntimeError(f"ingest exited with {proc.returncode} without being killed:\n{err[-2000:]}")
    how = f"point {point}" if point else f"delay {delay:.2f}s" if delay is not None else "uninterrupted"
    return Attempt(how if killed else "completed", killed, seconds)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


# -- verification --------------------------------------------------------------------------------------
def snapshot(db: Path) -> dict:
    """What must be identical to the reference: stored articles and read/clean failures."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {"articles": sorted(conn.execute("SELECT id, content_hash FROM articles")),
                "failures": sorted(conn.execute("SELECT input, stage, reason FROM failures "
                                                "WHERE stage IN ('read', 'clean')"))}
    finally:
        conn.close()


def verify(db: Path, reference: dict, analyze: bool) -> list[str]:
    from storyline.check import check_with_settings
    from storyline.settings import load_settings
    from storyline.store import open_store

    problems = []
    got = snapshot(db)
    for key in ("articles", "failures"):
        if got[key] != reference[key]:
            missing = set(reference[key]) - set(got[key])
            extra = set(got[key]) - set(reference[key])
            problems.append(f"{key}: {len(missing)} missing, {len(extra)} extra "
                            f"(e.g. {sorted(missing)[:2]} / {sorted(extra)[:2]})")
    settings = load_settings(overrides={"store": {"db": str(db)}, "ingest": {"analyze": analyze}})
    with open_store(str(db), readonly=True) as store:
        report = check_with_settings(store, settings)
        analysis_failed = {r["doc_id"] for r in store.rows("SELECT doc_id FROM failures WHERE stage = 'analyze'")}
    for p in report.problems:
        if p.code == "unanalyzed" and set(p.items) <= analysis_failed:
            continue  # analysis failed and was recorded: the article is kept unanalysed on purpose
        problems.append(f"check: {p.severity} {p.code} x{p.count} (e.g. {p.items[:3]})")
    return problems


# -- the harness ---------------------------------------------------------------------------------------
def plan_attempt(rng: random.Random, attempt_no: int, full_seconds: float, remaining: int) -> dict:
    """Half the kills after a random delay, half at a named point; ``write:N`` (inside the ingest of
    the ``remaining`` articles) weighs as much as the corpus stages together, ``migrate`` only on a
    fresh database."""
    if rng.random() < 0.5:
        return {"delay": rng.uniform(0.5, max(1.0, full_seconds * 0.9))}
    choices = ["write"] * 4 + ["duplicates", "stories", "entities", "events"] + (["migrate"] if attempt_no == 0 else [])
    point = rng.choice(choices) if remaining else rng.choice(choices[4:])
    if point == "write":
        point = f"write:{rng.randint(1, remaining)}"
    return {"point": point}


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.DatabaseError:  # killed before the first migration committed
        return 0
    finally:
        conn.close()


def crash_runs(*, kills: int = 20, n: int = 300, seed: int = 0, analyze_runs: int = 1, kills_per_run: int = 5,
               demo: bool = True, rewrites: bool = True, workers: int | None = None, executor: str = "local",
               work: Path, log=print) -> dict:
    rng = random.Random(seed)
    # rewrite detection (sentence embeddings) is the slowest corpus stage; the test-suite run leaves it out
    env = {} if rewrites else {"STORYLINE_DUPLICATES__REWRITES": "false"}
    work.mkdir(parents=True, exist_ok=True)
    paths, meta = build_corpus(work, n, seed, demo)
    started = time.monotonic()
    ref_db = work / "reference.db"
    # the reference is always the local executor: a Ray run must store exactly what a local run stores
    ref = run_once(ingest_cmd(paths, meta, ref_db, analyze=False, workers=workers), env_extra=env)
    reference = snapshot(ref_db)
    n_articles = len(reference["articles"])
    log(f"reference run: {n_articles} articles, {len(reference['failures'])} failures, {ref.seconds:.1f}s")
    runs: list[Run] = []
    n_runs = max(1, -(-kills // kills_per_run))
    analyse_at = set(range(n_runs - 1, n_runs - 1 - analyze_runs, -1))  # the last runs analyse
    total_kills = 0
    for r in range(n_runs):
        run = Run(analyze=r in analyse_at)
        db = work / f"run{r}.db"
        cmd = ingest_cmd(paths, meta, db, run.analyze, workers, executor)
        budget = min(kills_per_run, kills - total_kills) if r < n_runs - 1 else kills - total_kills
        full = ref.seconds * (4 if run.analyze else 1) + (8 if executor == "ray" else 0)  # Ray start-up
        while run.kills < budget:
            remaining = n_articles - stored_count(db)
            attempt = run_once(cmd, env_extra=env, **plan_attempt(rng, len(run.attempts), full, remaining))
            run.attempts.append(attempt)
            if attempt.killed and 0 < remaining and stored_count(db) < n_articles:
                run.mid_ingest += 1
            log(f"run {r} ({'analysis on' if run.analyze else 'analysis off'}): {attempt.how} "
                f"after {attempt.seconds:.1f}s")
            if not attempt.killed:
                # it finished before the kill: ingest is idempotent, so start again on the same db (the
                # next attempt can only crash later stages) until the budget of kills is spent
                full = max(attempt.seconds, 1.0)
        run.attempts.append(run_once(cmd, env_extra=env))  # the final, uninterrupted restart
        run.problems = verify(db, reference, run.analyze)
        run.articles = snapshot(db)["articles"].__len__()
        total_kills += run.kills
        outcome = "recovered" if run.recovered else "NOT recovered: " + "; ".join(run.problems)
        log(f"run {r}: {run.kills} kills, {outcome}")
        runs.append(run)
    return {
        "executor": executor, "kills": total_kills, "runs": len(runs), "recovered_runs": sum(r.recovered for r in runs),
        "analysis_runs": sum(r.analyze for r in runs), "articles": n_articles,
        "failures_expected": len(reference["failures"]), "seconds": round(time.monotonic() - started, 1),
        "kill_kinds": _kinds(runs), "kills_mid_ingest": sum(r.mid_ingest for r in runs),
        "problems": [p for r in runs for p in r.problems],
        "attempts": [[a.how for a in r.attempts] for r in runs],
    }


def _kinds(runs: list[Run]) -> dict[str, int]:
    out: dict[str, int] = {}
    for run in runs:
        for a in run.attempts:
            if a.killed:
                key = a.how.split(":")[0].replace("point ", "") if a.how.startswith("point") else "random delay"
                out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kills", type=int, default=20, help="SIGKILLs in total (default 20)")
    p.add_argument("--n", type=int, default=300, help="generated articles (default 300)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--analyze-runs", type=int, default=1, help="runs with analysis on (default 1)")
    p.add_argument("--kills-per-run", type=int, default=5)
    p.add_argument("--no-demo", action="store_true", help="leave out the bundled demo corpus")
    p.add_argument("--no-rewrites", action="store_true", help="skip rewrite detection (much faster corpus stage)")
    p.add_argument("--workers", type=int, default=None, help="ingest --workers (default: storyline's)")
    p.add_argument("--executor", choices=("local", "ray"), default="local",
                   help="ingest --executor of the killed runs (ray needs storyline[ray]; the reference run is local)")
    p.add_argument("--work", type=Path, default=None, help="working folder (default: a new temporary folder)")
    p.add_argument("--write-docs", action="store_true", help="write the figures into docs/reliability.md")
    args = p.parse_args(argv)
    import tempfile

    work = args.work or Path(tempfile.mkdtemp(prefix="storyline-crash-"))
    result = crash_runs(kills=args.kills, n=args.n, seed=args.seed, analyze_runs=args.analyze_runs,
                        kills_per_run=args.kills_per_run, demo=not args.no_demo,
                        rewrites=not args.no_rewrites, workers=args.workers, executor=args.executor, work=work,
                        log=lambda m: print(m, flush=True))
    print(json.dumps({k: v for k, v in result.items() if k != "attempts"}, indent=1))
    if args.write_docs:
        from docs_figures import write_section

        write_section("crash" if args.executor == "local" else f"crash-{args.executor}", crash_markdown(result, args))
    return 0 if result["recovered_runs"] == result["runs"] else 1


def crash_markdown(result: dict, args) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in result["kill_kinds"].items())
    return (f"Command: `python harness/crash.py --kills {args.kills} --n {args.n} --seed {args.seed}"
            f"{' --no-demo' if args.no_demo else ''}{' --no-rewrites' if args.no_rewrites else ''}"
            f"{' --executor ' + args.executor if args.executor != 'local' else ''}` "
            f"({result['articles']} articles, "
            f"{result['failures_expected']} expected failures)\n\n"
            f"| kills | runs | runs with analysis | recovered runs | wall time |\n|---|---|---|---|---|\n"
            f"| {result['kills']} | {result['runs']} | {result['analysis_runs']} | {result['recovered_runs']} | "
            f"{result['seconds']} s |\n\nKill points: {kinds}. Kills that left the articles partly stored: "
            f"{result['kills_mid_ingest']}.\n")


if __name__ == "__main__":
    sys.exit(main())
