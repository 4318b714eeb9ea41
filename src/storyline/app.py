"""Library API: the functions the CLI, the REST API and the web UI call.

    from storyline.app import ingest_and_update, extract_articles, analyze_paths
    from storyline.settings import load_settings
    report = ingest_and_update(["articles/"], load_settings(overrides={"store": {"db": "news.db"}}))
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from storyline.ingest import IngestReport, ingest
from storyline.records import Failure, Skipped
from storyline.settings import Settings
from storyline.sources import read_paths
from storyline.sources.meta import load_sidecar


def _progress(enabled: bool):
    if not enabled:
        return nullcontext(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), transient=True)


def ingest_and_update(paths: Iterable[str | Path], settings: Settings, *, meta: str | Path | None = None,
                      exclude: Iterable[str | Path] = (), progress: bool = False) -> IngestReport:
    """Ingest inputs into the configured store, then update corpus-level results incrementally."""
    from storyline.corpus.update import update_corpus
    from storyline.sources import iter_files
    from storyline.store import open_store

    paths = list(paths)
    with open_store(settings.store.db) as store, _progress(progress) as bar:
        on_item = None
        if bar is not None:
            total = sum(1 for _ in iter_files(paths, exclude))
            task = bar.add_task(f"ingesting {total} files", total=None)  # a file may hold many documents
            on_item = lambda _item: bar.advance(task)  # noqa: E731
        report = ingest(paths, store, settings, meta=meta, exclude=exclude, on_item=on_item)
        if settings.ingest.corpus_stages:
            from storyline.executors import executor_for

            # the ingest's executor also spreads a big update's link search and story topics
            update_corpus(store, settings, report.new_ids, executor=executor_for(settings))
    return report


def extract_articles(paths: Iterable[str | Path], settings: Settings, *, meta: str | Path | None = None
                     ) -> Iterator[dict]:
    """Clean inputs without a database: one dict per article, or {"input","error"} per failure."""
    from storyline.pipeline import CleanStep

    sidecar = load_sidecar(meta) if meta else None
    docs = read_paths(paths, sidecar, max_bytes=settings.ingest.max_bytes, exclude=[meta] if meta else [])
    for item in CleanStep().run(docs):
        if isinstance(item, Skipped):
            yield {"input": item.input, "skipped": item.reason}
            continue
        if isinstance(item, Failure):
            yield {"input": item.input, "error": item.reason}
            continue
        _doc, article = item
        yield {"id": article.id, "title": article.title, "outlet": article.outlet, "published": article.published,
               "published_source": article.published_source, "url": article.meta.get("url"), "text": article.text}


def analyze_paths(paths: Iterable[str | Path], settings: Settings, *, meta: str | Path | None = None
                  ) -> Iterator[dict]:
    """Clean and analyse inputs without a database; spans are offsets into each input text."""
    from storyline.executors import executor_for
    from storyline.ingest import build_steps

    sidecar = load_sidecar(meta) if meta else None
    docs = read_paths(paths, sidecar, max_bytes=settings.ingest.max_bytes, exclude=[meta] if meta else [])
    executor = executor_for(settings)
    for item in executor.map(build_steps(settings, analyze=True), docs):
        if isinstance(item, Skipped):
            yield {"input": item.input, "skipped": item.reason}
            continue
        if isinstance(item, Failure):
            yield {"input": item.input, "error": item.reason, "stage": item.stage}
            continue
        _doc, article = item
        yield analysis_row(article)


def analysis_row(article) -> dict:
    """The ``analyze`` output row of an article with its analysis (spans into its input text)."""
    from storyline.views import analysis_dict

    return {"id": article.id, "title": article.title, "published": article.published, "outlet": article.outlet,
            **analysis_dict(article.analysis)}
