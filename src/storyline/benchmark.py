"""Speed, memory and quality benchmark on a generated corpus (``storyline bench``).

Each stage runs in a **fresh process** (multiprocessing ``spawn``), so the peak RSS reported for a
stage is that stage's own (``getrusage(RUSAGE_SELF).ru_maxrss`` read inside the child), not the
high-water mark of everything that ran before.  Worker processes a stage starts (the local process
pool, Ray workers) are reported separately (``RUSAGE_CHILDREN``: the largest finished child).

Stages (all against one SQLite database in the work folder):

* ``ingest``: read + clean (analysis off, corpus stages off) with the chosen executor;
* ``duplicates``: exact + near copies (MinHash), every article, rewrites off;
* ``rewrites``: the rewrite layer on the first ``rewrite_sample`` articles (embedding is the cost,
  reported separately in sentences/s; the 10k corpus would take ~30 min on 2 cores);
* ``stories``: full story/topic clustering of every article (no entities: analysis is off);
* ``analyze``: entities/quotes/times/events on a sample, with 1..N local processes (and Ray);
* ``api``: story-page latency through the FastAPI app in-process.

Quality is scored against the generator's ``truth.jsonl``: duplicate precision/recall by planted
kind, and story B-cubed F1 against the planted stories.  Figures are approximate: one run, on a
machine that may be doing other work; the synthetic prose is formulaic (see demo/generate.py).
"""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError

STAGES = ("ingest", "duplicates", "rewrites", "stories", "analyze", "api", "pipeline")
DEFAULT_STAGES = ("ingest", "duplicates", "rewrites", "stories", "analyze")
SCALE_STAGES = ("ingest", "duplicates", "stories")  # the stages whose memory could grow with the corpus
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PG_INGEST = "ingest (postgresql)"  # label of the ingest stage's repeat into --postgres
TARGETS = {  # reported against, never asserted (docs/benchmarks.md)
    "ingest+duplicates docs/s (2 cores)": 300, "analyze articles/s": 15, "duplicates+stories docs/s": 200,
    "RAM per article beyond vectors (KB)": 2,
}


@dataclass
class StageResult:
    """One stage run in its own process.  RSS in KiB (Linux ``ru_maxrss`` units)."""

    stage: str
    label: str
    items: int
    seconds: float
    rss_start_kb: int  # after imports, before work: the interpreter + libraries baseline
    rss_peak_kb: int
    children_peak_kb: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    cpu_s: float = 0.0  # user + system CPU of the stage process during the work
    children_cpu_s: float = 0.0  # ... and of its finished worker processes

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0

    @property
    def per_item_kb(self) -> float:
        return (self.rss_peak_kb - self.rss_start_kb) / self.items if self.items else 0.0


@dataclass
class BenchConfig:
    n: int = 10000
    seed: int = 0
    workdir: Path | None = None
    keep: bool = False
    stages: tuple[str, ...] = DEFAULT_STAGES
    executor: str = "local"
    workers: int = 2
    analyze_sample: int = 200
    rewrite_sample: int = 500
    stories_sample: int = 1000
    api_sample: int = 20
    runs: tuple[tuple[str, int], ...] = ()  # (executor, workers) of analyze/pipeline; () = from executor
    postgres: str | None = None  # an empty PostgreSQL store: the ingest stage also runs into it

    def validate(self) -> None:
        unknown = [s for s in self.stages if s not in STAGES]
        if unknown:
            raise ConfigError(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
        sizes = (self.n, self.workers, self.analyze_sample, self.rewrite_sample, self.stories_sample, self.api_sample)
        if min(sizes) < 1:
            raise ConfigError("--n, --workers and the --*-sample sizes must be positive")
        if self.executor not in ("local", "ray"):
            raise ConfigError(f"unknown executor {self.executor!r}; use 'local' or 'ray'")
        for kind, workers in self.runs:
            if kind not in ("local", "ray") or not isinstance(workers, int) or workers < 1:
                raise ConfigError(f"bad run {kind}:{workers}; give EXECUTOR:WORKERS with local or ray, e.g. ray:2")
        if self.postgres is not None:
            if not self.postgres.startswith(("postgresql://", "postgres://")):
                raise ConfigError(f"--postgres wants a postgresql://… URL, not {self.postgres!r}")
            if "ingest" not in self.stages:
                raise ConfigError("--postgres compares the ingest stage on both backends: add 'ingest' to --stages")


def require_empty_store(url: str) -> None:
    """Refuse a PostgreSQL store that already holds articles: the benchmark measures ingest into an
    empty store, and it never deletes anything a user stored."""
    from storyline.store import open_store
    from storyline.store.postgres import redact

    with open_store(url) as store:  # creates the schema when absent, as the ingest would
        stored = store.count("articles")
    if stored:
        raise ConfigError(f"{redact(url)} already holds {stored} articles; give --postgres an empty database "
                          "(e.g. createdb storyline_bench): the benchmark does not delete stored data")


# ----------------------------------------------------------------------------------- child side
def _maxrss(who: int) -> int:
    return resource.getrusage(who).ru_maxrss


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _settings(db: str, **ingest: Any):
    from storyline.settings import load_settings

    # environ={} and no config: the benchmark must not pick up the user's storyline.toml
    return load_settings(overrides={"store": {"db": db}, "ingest": {"analyze": False, "corpus_stages": False,
                                                                    **ingest}}, environ={})


def _stage_ingest(p: dict) -> tuple[int, dict]:
    from storyline.ingest import ingest
    from storyline.store import open_store

    corpus = Path(p["corpus"])
    settings = _settings(p["db"], executor=p["executor"], workers=p["workers"])
    with open_store(p["db"]) as store:
        report = ingest([corpus / "articles", corpus / "shards"], store, settings, meta=corpus / "meta.jsonl")
    return report.new, {"already_stored": report.already, "failed": report.failed}


def _stage_duplicates(p: dict) -> tuple[int, dict]:
    from storyline.corpus.update import MINHASH, update_duplicates
    from storyline.store import open_store

    settings = _settings(p["db"])
    settings.duplicates.rewrites = False
    with open_store(p["db"]) as store, store.transaction():
        store.conn.execute("DELETE FROM duplicates")  # idempotent re-runs measure the same work
        store.conn.execute("DELETE FROM vectors WHERE kind = ?", (MINHASH,))
        ids = store.article_ids()
        links = update_duplicates(store, settings, ids)
    return len(ids), {"links": len(links)}


def _stage_rewrites(p: dict) -> tuple[int, dict]:
    """Rewrite layer alone on the first ``rewrite_sample`` articles: embedding timed separately."""
    from storyline.corpus.duplicates import DuplicateFinder
    from storyline.corpus.rewrites import RewriteFinder
    from storyline.corpus.update import _dupdoc, best_links
    from storyline.store import open_store

    with open_store(p["db"], readonly=True) as store:
        ids = store.article_ids()[: p["rewrite_sample"]]
        articles = list(store.iter_articles(ids))
    docs = sorted((_dupdoc(a) for a in articles), key=lambda d: (d.published or "9999", d.seq, d.id))
    rewrites = RewriteFinder()
    finder = DuplicateFinder(rewrites=rewrites)
    rewrites._encode(["warm up the embedding session"])  # model load is not throughput
    t0 = time.perf_counter()
    feats = rewrites.features_many(docs)
    embed_s = time.perf_counter() - t0
    sentences = sum(len(f.spans) for f in feats)
    links = []
    for doc, f in zip(docs, feats):
        links += finder.add(doc, features=f)
    chosen = best_links(links)
    return len(docs), {"sentences": sentences, "embed_seconds": embed_s,
                       "sentences_per_s": sentences / embed_s if embed_s else 0.0,
                       "links": [[l.copy, l.original, l.kind] for l in chosen]}


def _stage_stories(p: dict) -> tuple[int, dict]:
    """Full clustering (``recluster_stories``), or of the first ``stories_sample`` articles when the
    corpus is larger: clustering cost grows faster than linearly (see docs/benchmarks.md)."""
    from storyline.corpus.stories import StoryClusterer
    from storyline.corpus.update import _story_docs, recluster_stories, replace_stories
    from storyline.store import open_store

    with open_store(p["db"]) as store, store.transaction():
        ids = store.article_ids()
        if len(ids) <= p["stories_sample"]:
            assignments = recluster_stories(store, _settings(p["db"]))
        else:  # the same steps as recluster_stories, on the first articles only
            clusterer = StoryClusterer()
            assignments = clusterer.cluster(_story_docs(store, ids[: p["stories_sample"]]))
            replace_stories(store, clusterer)
    return len(assignments), {"stories": len({s for s, _t in assignments.values()}),
                              "topics": len({t for _s, t in assignments.values()})}


def sample_ids(ids: list[str], k: int) -> list[str]:
    """``k`` ids evenly spread over ``ids`` (deterministic; covers early and late articles)."""
    if k >= len(ids):
        return list(ids)
    step = len(ids) / k
    return [ids[int(i * step)] for i in range(k)]


def _stage_analyze(p: dict) -> tuple[int, dict]:
    from storyline.executors import make_executor
    from storyline.ingest import analysis_version
    from storyline.pipeline import AnalyzeStep
    from storyline.records import Failure
    from storyline.store import open_store

    settings = _settings(p["db"])
    with open_store(p["db"], readonly=True) as store:
        articles = list(store.iter_articles(sample_ids(store.article_ids(), p["analyze_sample"])))
    # small batches so that a 200-article sample still spreads evenly over the workers
    batch = max(1, min(16, len(articles) // (4 * p["workers"]) or 1))
    executor = make_executor(p["executor"], p["workers"], batch)
    step = AnalyzeStep(settings.nlp.spacy_model, tuple(settings.nlp.gazetteers), tuple(settings.nlp.actors))
    out = [r for r in executor.map([step], articles)]
    done = [a for a in out if not isinstance(a, Failure) and a.analysis is not None]
    extra: dict[str, Any] = {"failed": len(out) - len(done), "batch_size": batch}
    if p.get("store_results"):  # how much the analysis adds to the database, per article
        before = Path(p["db"]).stat().st_size
        with open_store(p["db"]) as store, store.transaction():
            for a in done:
                store.put_analysis(a.id, a.analysis, analysis_version(settings))
        extra["analysis_bytes_per_article"] = (Path(p["db"]).stat().st_size - before) / max(1, len(done))
    return len(done), extra


def _stage_pipeline(p: dict) -> tuple[int, dict]:
    """The whole job a user runs (``storyline ingest`` with default settings): read, clean and analyse
    every article, then the corpus stages (duplicates with rewrites, stories, entities, events), into a
    fresh database of its own.  Ingest+analysis and the corpus stages are timed separately too."""
    from storyline.corpus.update import update_corpus
    from storyline.executors import executor_for
    from storyline.ingest import ingest
    from storyline.store import open_store

    corpus, db = Path(p["corpus"]), Path(p["db"]).with_name(f"pipeline-{p['executor']}-{p['workers']}.db")
    for old in db.parent.glob(db.name + "*"):  # a re-run measures the same work from scratch
        old.unlink()
    # corpus_stages on, as in a user's ingest: it also makes the workers compute the sentence embeddings
    settings = _settings(str(db), executor=p["executor"], workers=p["workers"], analyze=True, corpus_stages=True)
    with open_store(str(db)) as store:
        t0 = time.perf_counter()
        report = ingest([corpus / "articles", corpus / "shards"], store, settings, meta=corpus / "meta.jsonl")
        t1 = time.perf_counter()
        corpus_parts: dict[str, float] = {}
        update_corpus(store, settings, report.new_ids, executor=executor_for(settings), timings=corpus_parts)
        t2 = time.perf_counter()
    return report.new, {"ingest_analyze_s": t1 - t0, "corpus_s": t2 - t1, "corpus_parts_s": corpus_parts,
                        "failed": report.failed, "db": str(db),
                        "db_bytes_per_article": db.stat().st_size / max(1, report.new)}


def _stage_api(p: dict) -> tuple[int, dict]:
    from fastapi.testclient import TestClient

    from storyline.api.app import create_app
    from storyline.store import open_store

    with open_store(p["db"], readonly=True) as store:
        stories = sorted({r["story"] for r in store.rows("SELECT story FROM story_articles")})
    if not stories:
        raise ConfigError("the api stage needs stories: run the 'stories' stage first")
    picked = sample_ids(stories, p["api_sample"])
    client = TestClient(create_app(p["db"], _settings(p["db"])))
    client.get(f"/api/v1/stories/{picked[0]}")  # warm-up: imports, first connection
    timings: dict[str, list[float]] = {"api": [], "web": []}
    for story in picked:
        for kind, url in (("api", f"/api/v1/stories/{story}"), ("web", f"/stories/{story}")):
            t0 = time.perf_counter()
            status = client.get(url).status_code
            timings[kind].append(time.perf_counter() - t0)
            if status != 200:
                raise RuntimeError(f"GET {url} returned {status}")
    extra = {f"{k}_{q}_ms": 1000 * percentile(v, q) for k, v in timings.items() for q in (50, 95)}
    return len(picked) * 2, extra


_STAGE_FUNCS = {"ingest": _stage_ingest, "duplicates": _stage_duplicates, "rewrites": _stage_rewrites,
                "stories": _stage_stories, "analyze": _stage_analyze, "api": _stage_api,
                "pipeline": _stage_pipeline}
_STAGE_IMPORTS = {  # imported before the baseline RSS is read, so the baseline includes the libraries
    "ingest": ["storyline.ingest", "storyline.clean", "storyline.store"],
    "duplicates": ["storyline.corpus.duplicates", "storyline.corpus.update", "storyline.store"],
    "rewrites": ["storyline.corpus.rewrites", "storyline.embed", "storyline.store"],
    "stories": ["storyline.corpus.stories", "storyline.corpus.update", "storyline.store"],
    "analyze": ["storyline.pipeline", "storyline.executors", "storyline.store"],
    "api": ["storyline.api.app", "fastapi.testclient"],
    "pipeline": ["storyline.ingest", "storyline.pipeline", "storyline.executors", "storyline.corpus.update",
                 "storyline.store"],
}


def _child(stage: str, params: dict, conn) -> None:
    """Entry point of the stage process: import, read baseline RSS, run, report through ``conn``."""
    import importlib

    try:
        for mod in _STAGE_IMPORTS[stage]:
            importlib.import_module(mod)
        start_kb = _maxrss(resource.RUSAGE_SELF)
        cpu0 = _cpu(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        items, extra = _STAGE_FUNCS[stage](params)
        seconds = time.perf_counter() - t0
        conn.send({"ok": True, "items": items, "seconds": seconds, "rss_start_kb": start_kb,
                   "cpu_s": _cpu(resource.RUSAGE_SELF) - cpu0, "children_cpu_s": _cpu(resource.RUSAGE_CHILDREN),
                   "rss_peak_kb": _maxrss(resource.RUSAGE_SELF),
                   "children_peak_kb": _maxrss(resource.RUSAGE_CHILDREN), "extra": extra})
    except BaseException as exc:  # noqa: BLE001 — reported to the parent, which raises a named error
        import traceback

        conn.send({"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()})
    finally:
        if stage in ("analyze", "pipeline") and params.get("executor") == "ray":
            try:
                import ray

                ray.shutdown()
            except Exception:  # noqa: BLE001 — best effort: the process is ending anyway
                pass
        conn.close()


class BenchError(ConfigError):
    """A stage failed in its process (the message carries the child's error)."""


def run_stage(stage: str, params: dict, label: str | None = None) -> StageResult:
    """Run one stage in a fresh spawned process and return what it measured."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(stage, params, child), name=f"bench-{stage}")
    proc.start()
    child.close()
    try:
        msg = parent.recv()
    except EOFError:
        msg = {"ok": False, "error": f"stage process died (exit code {proc.exitcode})", "trace": ""}
    proc.join()
    if not msg["ok"]:
        raise BenchError(f"benchmark stage {stage!r} failed: {msg['error']}\n{msg.get('trace', '')}")
    return StageResult(stage, label or stage, msg["items"], msg["seconds"], msg["rss_start_kb"],
                       msg["rss_peak_kb"], msg["children_peak_kb"], msg["extra"], msg["cpu_s"], msg["children_cpu_s"])


# ----------------------------------------------------------------------------------- quality
def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, float]:
    """B-cubed precision/recall/F1 of clustering ``pred`` (item -> cluster) against ``gold``.

    Items in only one of the two are ignored.  Per item: precision = |same pred & same gold| /
    |same pred|, recall = ... / |same gold|; both averaged over items (Bagga & Baldwin 1998).
    """
    items = [i for i in pred if i in gold]
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "items": 0}
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for i in items:
        by_pred[pred[i]].add(i)
        by_gold[gold[i]].add(i)
    p = r = 0.0
    for i in items:
        same_p, same_g = by_pred[pred[i]], by_gold[gold[i]]
        both = len(same_p & same_g)
        p += both / len(same_p)
        r += both / len(same_g)
    p, r = p / len(items), r / len(items)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "items": len(items)}


def read_truth(path: str | Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {rec["id"]: rec for rec in map(json.loads, fh)}


def _base_id(article_id: str) -> str:
    return article_id.split("~", 1)[0]  # the store suffixes a reused name with ~<hash>


def duplicate_quality(links: Iterable[tuple[str, str, str]], truth: Mapping[str, dict],
                      stored: Iterable[str], kinds: Iterable[str] = ("exact_copy", "near_copy", "rewrite")
                      ) -> dict[str, Any]:
    """Precision per predicted kind and recall per planted kind.

    A link is correct when both articles belong to the same planted family (a source and its copies:
    the generator only copies originals).  A planted copy counts as found when a link joins it to any
    member of its family.  Planted copies that were never stored (identical bytes: skipped at ingest
    by content hash) are counted apart as ``merged_at_ingest``.
    """
    def family(i: str) -> str | None:
        rec = truth.get(_base_id(i))
        return None if rec is None else (rec["copy_of"] or rec["id"])

    stored = {_base_id(i) for i in stored}
    linked: set[str] = set()
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # predicted kind -> [correct, total]
    for copy, original, kind in links:
        ok = family(copy) is not None and family(copy) == family(original)
        by_kind[kind][0] += ok
        by_kind[kind][1] += 1
        if ok:
            linked.update((_base_id(copy), _base_id(original)))
    out: dict[str, Any] = {"precision": {k: {"correct": c, "links": t, "precision": c / t if t else None}
                                         for k, (c, t) in sorted(by_kind.items())}}
    total_c, total_t = sum(c for c, _ in by_kind.values()), sum(t for _, t in by_kind.values())
    out["precision"]["all"] = {"correct": total_c, "links": total_t, "precision": total_c / total_t if total_t else None}
    recall = {}
    for kind in kinds:
        planted = [i for i, rec in truth.items() if rec["kind"] == kind]
        present = [i for i in planted if i in stored]
        found = sum(1 for i in present if i in linked)
        recall[kind] = {"planted": len(planted), "stored": len(present), "found": found,
                        "merged_at_ingest": len(planted) - len(present),
                        "recall": found / len(present) if present else None}
    out["recall"] = recall
    return out


# ----------------------------------------------------------------------------------- orchestration
def machine_info() -> dict[str, Any]:
    mem_kb = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            mem_kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "load": [round(x, 1) for x in os.getloadavg()],
            "ram_gb": round(mem_kb / 1024 ** 2, 1),
            "python": platform.python_version(), "platform": platform.platform(terse=True),
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _variants(cfg: BenchConfig, stage: str) -> list[tuple[str, int]]:
    """(executor, workers) runs of a per-document stage: ``--runs`` when given; else analyze also runs
    on 1 local worker (scaling), the full pipeline, which is long, only with the configured workers."""
    if cfg.runs:
        return list(cfg.runs)
    variants = [("local", w) for w in sorted({1, cfg.workers})] if stage == "analyze" else [("local", cfg.workers)]
    if cfg.executor == "ray":
        variants += [("ray", 1), ("ray", 2)]
    return variants


def run_size(cfg: BenchConfig, n: int, root: Path, stages: Iterable[str], log=print,
             progress: Callable[[dict[str, Any]], None] | None = None, postgres: str | None = None) -> dict[str, Any]:
    """Generate a corpus of ``n`` articles under ``root`` and run ``stages`` on it; ``progress`` gets
    the run so far (no quality yet) after every stage.  With ``postgres`` the ingest stage runs a second
    time, into that (empty) store: the same work on the other backend."""
    from storyline.demo.generate import generate_corpus

    corpus, db = root / f"corpus-{n}", root / f"bench-{n}.db"
    t0 = time.perf_counter()
    summary = generate_corpus(corpus, n=n, seed=cfg.seed)
    log(f"generated {n} articles in {time.perf_counter() - t0:.1f}s ({summary['bytes'] / 1e6:.0f} MB)")
    base = {"corpus": str(corpus), "db": str(db), "executor": cfg.executor, "workers": cfg.workers,
            "rewrite_sample": cfg.rewrite_sample, "analyze_sample": cfg.analyze_sample, "api_sample": cfg.api_sample,
            "stories_sample": cfg.stories_sample}
    results: list[StageResult] = []

    def done(result: StageResult) -> None:
        results.append(result)
        log(_line(result))
        if progress:
            progress({"n": n, "summary": summary, "results": list(results), "db": str(db),
                      "db_bytes": db.stat().st_size if db.exists() else 0, "quality": {}})

    # with the pipeline stage, story requests are (also) timed on its database: analysed, with events
    api_on_pipeline = "api" in stages and "pipeline" in stages
    for stage in [s for s in STAGES if s in stages]:
        if stage == "api" and api_on_pipeline and "stories" not in stages:
            continue  # the stage database has no stories: only the pipeline's is measured
        if stage in ("analyze", "pipeline"):
            for i, (kind, workers) in enumerate(_variants(cfg, stage)):
                params = dict(base, executor=kind, workers=workers, store_results=i == 0)
                done(run_stage(stage, params, f"{stage} ({kind}, {workers} worker{'s' * (workers > 1)})"))
            continue
        done(run_stage(stage, base))
        if stage == "ingest" and postgres:
            done(run_stage(stage, dict(base, db=postgres), PG_INGEST))
    if api_on_pipeline:
        first = next(r for r in results if r.stage == "pipeline")
        done(run_stage("api", dict(base, db=first.extra["db"]), "api (full pipeline database)"))
    return {"n": n, "summary": summary, "results": results, "db": str(db),
            "db_bytes": db.stat().st_size if db.exists() else 0, "quality": _quality(corpus, db, results)}


def _quality(corpus: Path, db: Path, results: list[StageResult]) -> dict[str, Any]:
    from storyline.store import open_store

    truth = read_truth(corpus / "truth.jsonl")
    out: dict[str, Any] = {}
    ran = {r.stage: r for r in results}
    if db.exists():
        with open_store(str(db), readonly=True) as store:
            stored = store.article_ids()
            if "duplicates" in ran:
                links = [(d["copy"], d["original"], d["kind"]) for d in store.duplicates()]
                out["duplicates"] = duplicate_quality(links, truth, stored, ("exact_copy", "near_copy"))
            if "rewrites" in ran:
                sample = set(stored[: ran["rewrites"].items])
                sub = {i: r for i, r in truth.items() if i in sample}
                out["rewrites"] = duplicate_quality(ran["rewrites"].extra.pop("links"), sub, sample, ("rewrite",))
            if "stories" in ran:
                out.update(_story_quality(store, truth))
    pipeline_dbs = [Path(r.extra["db"]) for r in results if r.stage == "pipeline"]
    if pipeline_dbs and pipeline_dbs[0].exists():  # everything the whole job stored, first variant
        with open_store(str(pipeline_dbs[0]), readonly=True) as store:
            links = [(d["copy"], d["original"], d["kind"]) for d in store.duplicates()]
            out["pipeline"] = {"duplicates": duplicate_quality(links, truth, store.article_ids(),
                                                               ("exact_copy", "near_copy", "rewrite")),
                               **_story_quality(store, truth)}
    return out


def _story_quality(store, truth: Mapping[str, dict]) -> dict[str, Any]:
    assigned = store.story_assignments()
    return {"stories": bcubed({_base_id(a): s for a, (s, _t) in assigned.items()},
                              {i: r["story"] for i, r in truth.items()}),
            "topics": bcubed({_base_id(a): t for a, (_s, t) in assigned.items()},
                             {i: r["topic"] for i, r in truth.items()})}


def _line(r: StageResult) -> str:
    unit = "requests" if r.stage == "api" else "docs"
    return (f"{r.label:<28} {r.items:>7} {unit} {r.seconds:>8.1f}s {r.rate:>8.1f}/s  "
            f"peak RSS {r.rss_peak_kb / 1024:>6.0f} MB (start {r.rss_start_kb / 1024:.0f} MB, "
            f"workers {r.children_peak_kb / 1024:.0f} MB)")


def run_benchmark(cfg: BenchConfig, scale: Iterable[int] = (), log=print,
                  on_progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Run the benchmark; return a dict with ``machine``, ``main`` (one size) and ``scale`` runs.

    ``on_progress`` gets the report so far after every stage (the stage being run has no quality
    figures yet), so that a run of hours that is stopped keeps what it measured."""
    cfg.validate()
    if cfg.postgres:
        require_empty_store(cfg.postgres)  # before the corpus is generated: a refusal costs nothing
    root = Path(cfg.workdir) if cfg.workdir else Path(tempfile.mkdtemp(prefix="storyline-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        out: dict[str, Any] = {"machine": machine_info(), "config": {k: (str(v) if isinstance(v, Path) else v)
                                                                       for k, v in asdict(cfg).items()}}
        out["scale"] = []

        def progress(key: str):
            if on_progress is None:
                return None
            if key == "main":
                return lambda run: on_progress({**out, "main": run, "partial": True})
            return lambda run: on_progress({**out, "scale": [*out["scale"], run], "partial": True})

        out["main"] = run_size(cfg, cfg.n, root / "main", cfg.stages, log, progress("main"), cfg.postgres)
        for n in scale:
            # the api stage rides along when asked for: story-page latency against corpus size
            stages = SCALE_STAGES + (("api",) if "api" in cfg.stages else ())
            log(f"-- scale run: {n} articles ({', '.join(stages)})")
            out["scale"].append(run_size(cfg, n, root / f"scale-{n}", stages, log, progress("scale")))
        return out
    finally:
        if not cfg.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            log(f"kept work folder {root}")


# ----------------------------------------------------------------------------------- report
def _fmt(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _stage_table(results: list[StageResult], n: int) -> list[str]:
    rows = ["| stage | items | seconds | items/s | CPU s (stage + workers) | peak RSS (stage) | RSS before work "
            "| workers' peak RSS | notes |", "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        notes = []
        if r.stage == "rewrites":
            notes.append(f"embedding {r.extra['sentences']} sentences: {r.extra['sentences_per_s']:.0f} sentences/s")
        if r.stage == "stories":
            notes.append(f"{r.extra['stories']} stories, {r.extra['topics']} topics"
                         + (f"; first {r.items} articles only (--stories-sample)" if r.items < n else ""))
        if r.stage == "duplicates":
            notes.append(f"{r.extra['links']} links; {r.per_item_kb:.2f} KB RSS growth per article")
        if r.stage == "ingest":
            notes.append(f"{r.extra['already_stored']} identical inputs skipped, {r.extra['failed']} failed")
        if r.stage == "analyze" and "analysis_bytes_per_article" in r.extra:
            notes.append(f"analysis adds {r.extra['analysis_bytes_per_article'] / 1024:.1f} KB/article to the DB")
        if r.stage == "pipeline":
            parts = ", ".join(f"{k} {v:.0f}" for k, v in r.extra.get("corpus_parts_s", {}).items())
            corpus = f"corpus stages {r.extra['corpus_s']:.0f} s" + (f" ({parts})" if parts else "")
            notes.append(f"ingest+clean+analyze {r.extra['ingest_analyze_s']:.0f} s, {corpus}; "
                         f"DB {r.extra['db_bytes_per_article'] / 1024:.1f} KB/article; {r.extra['failed']} failed")
        if r.stage == "api":
            notes.append("p50/p95 ms: API {api_50_ms:.1f}/{api_95_ms:.1f}, web page {web_50_ms:.1f}/{web_95_ms:.1f}"
                         .format(**r.extra))
        rows.append(f"| {r.label} | {r.items} | {r.seconds:.1f} | {r.rate:.1f} | {r.cpu_s:.0f} + {r.children_cpu_s:.0f} | "
                    f"{r.rss_peak_kb / 1024:.0f} MB | "
                    f"{r.rss_start_kb / 1024:.0f} MB | {r.children_peak_kb / 1024:.0f} MB | {'; '.join(notes)} |")
    return rows


def _targets(run: dict[str, Any], workers: int) -> list[str]:
    by: dict[str, StageResult] = {}
    for r in run["results"]:  # the first run of a stage: ingest on SQLite, not its PostgreSQL repeat
        if r.stage != "analyze":
            by.setdefault(r.stage, r)
    analyze = [r for r in run["results"] if r.stage == "analyze" and f"local, {workers} " in r.label]
    pipeline = {r.label: r for r in run["results"] if r.stage == "pipeline"}
    rows = ["| target | measured | met |", "|---|---|---|"]

    def add(name: str, value: float | None, goal: float, higher: bool = True, unit: str = "") -> None:
        if value is None:
            rows.append(f"| {name} | not run | — |")
            return
        ok = value >= goal if higher else value < goal
        rows.append(f"| {name} ({'≥' if higher else '<'} {goal}{unit}) | {value:.1f}{unit} | {'yes' if ok else 'no'} |")

    def combined(*stages: str) -> float | None:
        """Docs/s of running the stages one after the other (each at its own measured rate)."""
        if not all(s in by and by[s].rate > 0 for s in stages):
            return None
        return 1 / sum(1 / by[s].rate for s in stages)

    add("ingest + clean + duplicates, docs/s", combined("ingest", "duplicates"), 300)
    add("analyze, articles/s", analyze[0].rate if analyze else None, 15)
    add("duplicates + stories, docs/s", combined("duplicates", "stories"), 200)
    add("RAM per article, duplicates stage", by["duplicates"].per_item_kb if "duplicates" in by else None, 2,
        higher=False, unit=" KB")
    full = [r for label, r in pipeline.items() if f"local, {workers} " in label]
    add("full pipeline, articles/s", full[0].rate if full else None, 15)
    ray1, ray2 = pipeline.get("pipeline (ray, 1 worker)"), pipeline.get("pipeline (ray, 2 workers)")
    add("full pipeline, Ray 2 workers / Ray 1 worker", ray2.rate / ray1.rate if ray1 and ray2 and ray1.rate else None,
        1.7)
    for r in (r for r in run["results"] if r.stage == "api"):
        where = "full pipeline database" if "pipeline" in r.label else "stage database"
        add(f"story request p95, API or web page, {where}", max(r.extra["api_95_ms"], r.extra["web_95_ms"]), 100,
            higher=False, unit=" ms")
    return rows


def _quality_rows(q: dict[str, Any], pipeline: bool = False) -> list[str]:
    rows: list[str] = []
    titles = {"duplicates": "Exact and near copies (every article)", "rewrites": "Rewrites (sample)"}
    if pipeline:
        rows += ["", "**Full pipeline database** (first pipeline run; exact, near and rewrite links together):"]
        titles["duplicates"] = "Copies found by the full pipeline"
    for key in ("duplicates", "rewrites"):
        if key not in q:
            continue
        d = q[key]
        rows += ["", f"{titles[key]}:", "",
                 "| planted kind | planted | stored | merged at ingest (identical bytes) | found | recall |",
                 "|---|---:|---:|---:|---:|---:|"]
        for kind, r in d["recall"].items():
            rows.append(f"| {kind} | {r['planted']} | {r['stored']} | {r['merged_at_ingest']} | {r['found']} | "
                        f"{_fmt(r['recall'])} |")
        rows += ["", "| predicted kind | links | correct (same planted family) | precision |", "|---|---:|---:|---:|"]
        for kind, p in d["precision"].items():
            rows.append(f"| {kind} | {p['links']} | {p['correct']} | {_fmt(p['precision'])} |")
    for key in ("stories", "topics"):
        if key in q:
            s = q[key]
            rows.append(f"\n{'Story' if key == 'stories' else 'Topic'} B-cubed against the planted {key}: P {_fmt(s['precision'])}, "
                        f"R {_fmt(s['recall'])}, **F1 {_fmt(s['f1'])}** ({s['items']} articles).")
    if "pipeline" in q:
        rows += _quality_rows(q["pipeline"], pipeline=True)
    return rows


def _backend_line(run: dict[str, Any]) -> list[str]:
    """SQLite vs PostgreSQL ingest, when both ran (``--postgres``)."""
    ingest = {r.label: r for r in run["results"] if r.stage == "ingest"}
    sqlite, pg = ingest.get("ingest"), ingest.get(PG_INGEST)
    if not (sqlite and pg and sqlite.rate and pg.rate):
        return []
    return [f"Ingest (read + clean + store) on SQLite {sqlite.rate:.1f} docs/s, on PostgreSQL {pg.rate:.1f} docs/s "
            f"(PostgreSQL / SQLite = {pg.rate / sqlite.rate:.2f}).", ""]


def _database_line(run: dict[str, Any]) -> list[str]:
    """The size of the stage database (the ingest/duplicates/stories stages write it; a run of the
    pipeline stage alone has none, its own database's size is in its row)."""
    if not run["db_bytes"]:
        return []
    return [f"Database: {run['db_bytes'] / 1e6:.1f} MB, {run['db_bytes'] / max(1, run['n']) / 1024:.1f} KB per "
            "article (raw input compressed + clean text + offsets + MinHash signatures; no analysis unless noted).", ""]


def render_markdown(report: dict[str, Any], command: str) -> str:
    m, run = report["machine"], report["main"]
    cfg = report["config"]
    s = run["summary"]
    lines = [START, "", f"## Latest run ({m['date']})", "",
             *(["**In progress**: the stages run so far; quality figures come when the run ends.", ""]
               if report.get("partial") else []),
             f"Command: `{command}`", "",
             f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, {m['platform']}; "
             f"load average at the start {' / '.join(map(str, m['load']))} (1/5/15 min: other jobs share the machine).",
             "",
             f"Corpus: {run['n']} generated articles (seed {cfg['seed']}; kinds {json.dumps(s['kinds'])}; "
             f"formats {json.dumps(s['formats'])}; {s['bytes'] / 1e6:.0f} MB of input). Each stage ran in a fresh "
             "process; peak RSS is `ru_maxrss` of that process, workers' peak the largest worker process.",
             "", *_stage_table(run["results"], run["n"]), "",
             *_database_line(run), *_backend_line(run),
             "### Targets (reported, not asserted)", "", *_targets(run, cfg["workers"]),
             "", "### Quality against the generated truth", *_quality_rows(run["quality"]), ""]
    if report["scale"]:
        lines += ["### Memory against corpus size", "",
                  "| articles | stage | seconds | docs/s | peak RSS | RSS before work | growth per article |",
                  "|---:|---|---:|---:|---:|---:|---:|"]
        for sub in [run, *report["scale"]]:
            for r in sub["results"]:
                if r.stage in SCALE_STAGES:
                    lines.append(f"| {sub['n']} | {r.label} | {r.seconds:.1f} | {r.rate:.1f} | "
                                 f"{r.rss_peak_kb / 1024:.0f} MB | {r.rss_start_kb / 1024:.0f} MB | "
                                 f"{r.per_item_kb:.2f} KB |")
        lines.append("")
        scored = [sub for sub in [run, *report["scale"]] if "stories" in sub["quality"]]
        if len(scored) > 1:  # does grouping hold up as topics fill with events?
            lines += ["Story and topic quality against corpus size (B-cubed against the planted truth, all "
                      "articles clustered unless --stories-sample is smaller):", "",
                      "| articles | story P | story R | story F1 | topic F1 |", "|---:|---:|---:|---:|---:|"]
            lines += [f"| {sub['n']} | {_fmt(sub['quality']['stories']['precision'])} | "
                      f"{_fmt(sub['quality']['stories']['recall'])} | {_fmt(sub['quality']['stories']['f1'])} | "
                      f"{_fmt(sub['quality']['topics']['f1'])} |" for sub in scored]
            lines.append("")
        api = [(sub["n"], r) for sub in [run, *report["scale"]] for r in sub["results"] if r.stage == "api"]
        if len(api) > 1:
            lines += ["Story requests against corpus size (in-process client, sampled stories):", "",
                      "| articles | API story p50 ms | API story p95 ms | web story page p50 ms | web story page p95 ms |",
                      "|---:|---:|---:|---:|---:|"]
            lines += [f"| {n} | {r.extra['api_50_ms']:.1f} | {r.extra['api_95_ms']:.1f} | {r.extra['web_50_ms']:.1f} | "
                      f"{r.extra['web_95_ms']:.1f} |" for n, r in api]
            lines.append("")
    lines.append(END)
    return "\n".join(lines) + "\n"


DEFAULT_DOC = """# Benchmarks

Speed, memory and quality of storyline, measured by `storyline bench` on a generated corpus
(`storyline.demo.generate`: planted stories, exact/near copies and rewrites, mixed text/HTML/JSONL).
The section between the markers below is rewritten by every run; the rest of this page is not.

{section}
"""


def write_section(path: str | Path, section: str) -> None:
    """Replace the marked section of ``path`` (create the file, or append the section, if absent)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + section.rstrip("\n") + tail
    elif text:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        text = DEFAULT_DOC.format(section=section.rstrip("\n"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def command_line(cfg: BenchConfig, scale: Iterable[int] = (), output: str = "docs/benchmarks.md") -> str:
    """The ``storyline bench`` call that reproduces ``cfg`` (every option spelled out)."""
    parts = ["storyline bench", f"--n {cfg.n}", f"--seed {cfg.seed}", f"--stages {','.join(cfg.stages)}",
             f"--executor {cfg.executor}", f"--workers {cfg.workers}", f"--analyze-sample {cfg.analyze_sample}",
             f"--rewrite-sample {cfg.rewrite_sample}", f"--stories-sample {cfg.stories_sample}",
             f"--api-sample {cfg.api_sample}"]
    if cfg.postgres:
        from storyline.store.postgres import redact

        parts.append(f"--postgres {redact(cfg.postgres)}")
    if cfg.runs:
        parts.append(f"--runs {','.join(f'{kind}:{workers}' for kind, workers in cfg.runs)}")
    scale = list(scale)
    if scale:
        parts.append(f"--scale {','.join(map(str, scale))}")
    return " ".join([*parts, f"--output {output}"])
