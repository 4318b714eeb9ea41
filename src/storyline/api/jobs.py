"""Writes from the API: direct article posts and background URL/feed ingestion jobs.

All writes go through one ``Writer`` (a lock around ``ingest_and_update``), matching the store's
one-writer design.  With ``process=True`` (what ``storyline serve`` uses) the write work runs in one
separate writer process, started on the first write and kept (with its language models loaded):
ingest, analysis and the corpus update then no longer compete with the readers for the server's
GIL, and the process runs at a lower CPU priority so readers win when the cores are busy.  Jobs
live in memory: they are lost when the server restarts (the articles they stored are not).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.errors import InputError, StorylineError
from storyline.records import RawDoc
from storyline.settings import Settings
from storyline.store.sqlite import now

log = logging.getLogger("storyline.api")
WRITER_NICE = 5  # CPU niceness of the writer process: readers first, but writes still progress under load
MAX_FEED_LINKS = 100  # a feed with more link-only items is cut here (noted in the job's errors)
KEEP_JOBS = 1000


class Writer:
    """Serialises ingestion into one database (in this process, or in one writer process)."""

    def __init__(self, settings: Settings, *, process: bool = False):
        self.settings = settings
        self.process = process
        self.lock = threading.Lock()
        self._pool = None  # the writer process, started lazily (guarded by self.lock)

    def settings_for(self, n_docs: int) -> Settings:
        """Small writes run on one core: a process pool would reload the language model in every
        worker for a handful of documents (the model stays cached in the process that writes)."""
        if n_docs > self.settings.ingest.batch_size or self.settings.ingest.workers == 1:
            return self.settings
        return self.settings.model_copy(update={"ingest": self.settings.ingest.model_copy(update={"workers": 1})})

    def ingest_dir(self, folder: Path, meta: Path | None = None, n_docs: int = 1) -> dict:
        settings = self.settings_for(n_docs)
        with self.lock:
            if not self.process:
                return _ingest(str(folder), settings, str(meta) if meta else None)
            outcome = self._submit(str(folder), settings, str(meta) if meta else None)
        return _unpack(outcome)

    def _submit(self, folder: str, settings: Settings, meta: str | None) -> tuple:
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is None:
            self._pool = _writer_pool()
        try:
            return self._pool.submit(_ingest_outcome, folder, settings, meta).result()
        except BrokenProcessPool as exc:  # the writer died (killed, out of memory): start afresh next time
            self._pool = None
            raise StorylineError("the writer process stopped unexpectedly; the write was not completed "
                                 "(retry it; see the server log)") from exc

    def close(self) -> None:
        """Stop the writer process (waits for a write in progress)."""
        with self.lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def ingest_records(self, records: list[dict[str, Any]]) -> dict:
        """Write records to a temporary JSONL file and ingest it (idempotent like the CLI)."""
        with tempfile.TemporaryDirectory(prefix="storyline-api-") as tmp:
            path = Path(tmp) / "api.jsonl"
            with open(path, "w", encoding="utf-8") as fh:
                for record in records:
                    fh.write(json.dumps(with_default_id(record), ensure_ascii=False) + "\n")
            report = self.ingest_dir(path, n_docs=len(records))
        for failure in report["failures"]:  # name the request, not the temporary file
            failure["input"] = failure["input"].replace(path.resolve().as_uri(), "request").replace(str(path), "request")
        return report


def _ingest(folder: str, settings: Settings, meta: str | None) -> dict:
    from storyline.app import ingest_and_update

    return ingest_and_update([Path(folder)], settings, meta=Path(meta) if meta else None).to_dict()


def _writer_pool():
    """One spawned worker process (spawn, not fork: the server process has threads)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_lower_priority)


def _lower_priority() -> None:
    try:
        os.nice(WRITER_NICE)
    except (AttributeError, OSError):  # not on every platform; a normal priority still works
        pass


def _ingest_outcome(folder: str, settings: Settings, meta: str | None) -> tuple:
    """Runs in the writer process.  Exceptions travel back as values: an exception class whose
    constructor takes other arguments than its message cannot be unpickled in the server."""
    try:
        return ("ok", _ingest(folder, settings, meta))
    except Exception as exc:  # noqa: BLE001 — reported to the server process, which raises it
        try:
            pickle.loads(pickle.dumps(exc))
            portable: Exception | None = exc
        except Exception:  # noqa: BLE001
            portable = None
        return ("error", portable, isinstance(exc, StorylineError), f"{type(exc).__name__}: {exc}",
                traceback.format_exc())


def _unpack(outcome: tuple) -> dict:
    if outcome[0] == "ok":
        return outcome[1]
    _, exc, is_storyline, text, trace = outcome
    log.warning("write failed in the writer process:\n%s", trace)
    if exc is not None:
        raise exc
    raise (StorylineError(text) if is_storyline else RuntimeError(text))


def with_default_id(record: dict[str, Any]) -> dict[str, Any]:
    """A record without an id gets one from its content, so a re-post maps to the same article."""
    record = {k: v for k, v in record.items() if v is not None}
    if not record.get("id"):
        digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        record["id"] = "api-" + digest[:12]
    return record


@dataclass
class Job:
    id: str
    kind: str
    total: int
    status: str = "queued"
    done: int = 0
    created_at: str = field(default_factory=now)
    finished_at: str | None = None
    result: dict | None = None
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "status": self.status, "total": self.total, "done": self.done,
                "progress": round(self.done / self.total, 3) if self.total else (1.0 if self.status == "done" else 0.0),
                "created_at": self.created_at, "finished_at": self.finished_at, "result": self.result,
                "errors": list(self.errors)}


class JobRegistry:
    """Runs URL/feed ingestion in background threads and keeps their progress."""

    def __init__(self, writer: Writer, *, allow_private: bool = False, timeout: float = 10,
                 fetch: Callable[..., RawDoc] | None = None, fetch_bytes: Callable[..., tuple] | None = None):
        from storyline.sources import fetch as fetch_module

        self.writer = writer
        self.allow_private = allow_private
        self.timeout = timeout
        self.fetch = fetch or fetch_module.fetch_url
        self.fetch_bytes = fetch_bytes or fetch_module.fetch_bytes
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self.jobs.get(job_id)

    def submit(self, urls: list[str], feed: str | None = None) -> Job:
        job = Job(id=uuid.uuid4().hex[:16], kind="feed" if feed else "urls", total=len(urls) + (1 if feed else 0) + 1)
        with self._lock:
            self.jobs[job.id] = job
            if len(self.jobs) > KEEP_JOBS:  # forget the oldest finished jobs
                for old in [j for j in self.jobs.values() if j.finished_at][: len(self.jobs) - KEEP_JOBS]:
                    self.jobs.pop(old.id, None)
        threading.Thread(target=self._run, args=(job, list(urls), feed), daemon=True,
                         name=f"storyline-job-{job.id}").start()
        return job

    def _run(self, job: Job, urls: list[str], feed: str | None) -> None:
        job.status = "running"
        try:
            with tempfile.TemporaryDirectory(prefix="storyline-job-") as tmp:
                folder = Path(tmp) / "docs"
                folder.mkdir()
                meta_rows: list[dict] = []
                embedded = 0
                if feed:
                    links, embedded = self._take_feed(job, feed, folder)
                    urls = urls + links
                    job.done += 1
                for n, url in enumerate(urls):
                    self._fetch_one(job, url, n, folder, meta_rows)
                    job.done += 1
                meta = Path(tmp) / "meta.jsonl"
                meta.write_text("".join(json.dumps(r) + "\n" for r in meta_rows), encoding="utf-8")
                job.result = self.writer.ingest_dir(folder, meta, n_docs=len(meta_rows) + embedded)
                job.done = job.total
            job.status = "done"
        except Exception as exc:  # noqa: BLE001 — a job reports its failure instead of dying silently
            job.errors.append({"input": None, "reason": f"{type(exc).__name__}: {exc}"})
            job.status = "failed"
        finally:
            job.finished_at = now()

    def _take_feed(self, job: Job, feed: str, folder: Path) -> tuple[list[str], int]:
        """Store the feed (items with embedded content are ingested from it).

        Returns the link-only items' URLs (to fetch) and the number of embedded items."""
        from storyline.sources.fetch import feed_links

        try:
            _url, _ctype, data = self.fetch_bytes(feed, allow_private=self.allow_private, timeout=self.timeout)
            embedded, links = feed_links(data, feed)
        except InputError as exc:
            job.errors.append({"input": feed, "reason": exc.reason})
            return [], 0
        if embedded:
            (folder / "feed.xml").write_bytes(data)
        if len(links) > MAX_FEED_LINKS:
            job.errors.append({"input": feed, "reason": f"{len(links)} link-only items; fetched the first "
                                                        f"{MAX_FEED_LINKS}"})
            links = links[:MAX_FEED_LINKS]
        job.total += len(links)
        return links, embedded

    def _fetch_one(self, job: Job, url: str, n: int, folder: Path, meta_rows: list[dict]) -> None:
        try:
            doc = self.fetch(url, allow_private=self.allow_private, timeout=self.timeout)
        except InputError as exc:
            job.errors.append({"input": url, "reason": exc.reason})
            return
        # the file name becomes the article id; keep it unique inside the job
        used = {row["id"] for row in meta_rows}
        name = doc.id[:150] if doc.id[:150] not in used else f"{doc.id[:140]}-{n}"
        (folder / (name + (".html" if doc.kind == "html" else ".txt"))).write_bytes(doc.raw)
        meta_rows.append({"id": name, **doc.meta})
