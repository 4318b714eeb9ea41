"""Ingest: read inputs, run per-document steps on an executor, store results with one writer.

Idempotent (content already stored is skipped before any work is done) and resumable (each batch
is committed atomically; a re-run after a crash redoes only what was not committed).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storyline.executors import executor_for
from storyline.faults import crash_point
from storyline.nlp import ANALYSIS_VERSION
from storyline.pipeline import AnalyzeStep, CleanStep, EmbedStep
from storyline.records import Article, Failure, RawDoc, Skipped
from storyline.settings import Settings
from storyline.sources import read_paths
from storyline.sources.meta import load_sidecar

COMMIT_EVERY = 64


@dataclass
class IngestReport:
    new: int = 0
    already: int = 0
    failed: int = 0
    new_ids: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.new} new, {self.already} already stored, {self.failed} failed"
        if self.skipped:
            kinds = sorted({s.input.rsplit(".", 1)[-1] for s in self.skipped})
            text += f", {len(self.skipped)} skipped (unsupported file types: {', '.join('.' + k for k in kinds)})"
        return text

    def to_dict(self) -> dict:
        return {"new": self.new, "already_stored": self.already, "failed": self.failed, "new_ids": self.new_ids,
                "failures": [f.to_dict() for f in self.failures],
                "skipped": [{"input": s.input, "reason": s.reason} for s in self.skipped]}


def analysis_version(settings: Settings) -> str:
    return f"{ANALYSIS_VERSION}:{settings.nlp.spacy_model}"


def skip_known(docs: Iterable[RawDoc | Failure], store, report: IngestReport) -> Iterator[RawDoc | Failure]:
    """Drop documents whose raw content is already stored (or seen earlier in this run)."""
    seen: set[str] = set()
    for item in docs:
        if isinstance(item, RawDoc):
            digest = item.raw_hash
            if digest in seen or store.has_content(digest):
                report.already += 1
                continue
            seen.add(digest)
        yield item


def build_steps(settings: Settings, analyze: bool) -> list:
    steps: list = [CleanStep()]
    if analyze:
        steps.append(AnalyzeStep(settings.nlp.spacy_model, tuple(settings.nlp.gazetteers), tuple(settings.nlp.actors)))
    if settings.duplicates.rewrites and settings.ingest.corpus_stages:
        # the rewrite layer's lead vectors are per-document work: done by the workers, stored with the
        # article, reused by the corpus stage; one onnxruntime thread each, so `workers` is the number
        # of cores used (also when workers = 1 runs the steps in this process)
        steps.append(EmbedStep(threads=1))
    return steps


def ingest(paths: Iterable[str | Path], store, settings: Settings, *, meta: str | Path | None = None,
           exclude: Iterable[str | Path] = (), on_item: Callable[[object], None] | None = None) -> IngestReport:
    """Ingest files/folders into ``store``.  Never raises for a bad input: it is recorded as a failure."""
    sidecar = load_sidecar(meta) if meta else None
    docs = read_paths(paths, sidecar, max_bytes=settings.ingest.max_bytes, exclude=[*exclude, *([meta] if meta else [])])
    return ingest_docs(docs, store, settings, on_item=on_item)


def ingest_docs(docs: Iterable[RawDoc | Failure], store, settings: Settings, *,
                on_item: Callable[[object], None] | None = None) -> IngestReport:
    """Ingest already-read records (e.g. fetched pages, feed items) into ``store``.

    Failures among ``docs`` are recorded like read failures.  Pass a list, not a generator that
    does network I/O: the iterable is consumed while a write transaction is open.
    """
    report = IngestReport()
    executor = executor_for(settings)
    steps = build_steps(settings, settings.ingest.analyze)
    version = analysis_version(settings)
    pending = 0
    tx = store.transaction()
    tx.__enter__()
    try:
        for result in executor.map(steps, skip_known(docs, store, report)):
            _write(result, store, report, version)
            if on_item:
                on_item(result)
            pending += 1
            if pending >= COMMIT_EVERY:
                tx.__exit__(None, None, None)
                tx = store.transaction()
                tx.__enter__()
                pending = 0
    except BaseException as exc:
        tx.__exit__(type(exc), exc, None)
        raise
    tx.__exit__(None, None, None)
    return report


def _write(result, store, report: IngestReport, version: str) -> None:
    if isinstance(result, Skipped):
        report.skipped.append(result)
        return
    if isinstance(result, Failure):
        store.put_failure(result)
        report.failed += 1
        report.failures.append(result)
        return
    doc, article = result
    assert isinstance(article, Article)
    if store.put_article(article, doc.raw):
        report.new += 1
        report.new_ids.append(article.id)
        if article.analysis is not None:
            store.put_analysis(article.id, article.analysis, version)
        for kind, model, blob in article.vectors:
            store.put_vector(article.id, kind, model, blob)
        crash_point("write")
    else:
        report.already += 1
