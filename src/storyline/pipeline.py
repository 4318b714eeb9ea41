"""Pipeline steps: small units sharing one contract, ``run(items, rank, world_size) -> items``.

Per-document steps are pure functions of one record (easy to run in a process pool or as Ray
tasks).  A record that fails a step becomes a ``Failure`` with the reason and flows on, so one bad
article never stops a batch.  Steps know nothing about executors or the store.
"""
from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from typing import Any

from storyline.errors import InputError, StorylineError
from storyline.records import Article, Failure, RawDoc, Skipped


class Step:
    name = "step"

    def run(self, items: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        for item in items:
            if isinstance(item, (Failure, Skipped)):
                yield item
                continue
            try:
                yield self.process(item)
            except InputError as exc:
                yield self.failure(item, exc.reason)
            except StorylineError:
                raise  # configuration / model problems: stop, the user must act
            except Exception as exc:  # noqa: BLE001 — an unexpected bug on one record is recorded, not fatal
                yield self.failure(item, f"{type(exc).__name__}: {exc} [{_where(exc)}]")

    def process(self, item: Any) -> Any:
        raise NotImplementedError

    def failure(self, item: Any, reason: str) -> Failure:
        if isinstance(item, Article):
            return Failure(item.source_uri, self.name, reason, id=item.id)
        if isinstance(item, tuple) and item and isinstance(item[0], RawDoc):
            item = item[0]
        if isinstance(item, RawDoc):
            return Failure(item.uri, self.name, reason, id=item.id, raw=item.raw)
        return Failure(str(item)[:200], self.name, reason)


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}" if last else "?"


class CleanStep(Step):
    """RawDoc → (RawDoc, Article): the raw document rides along so the writer can store it."""

    name = "clean"

    def process(self, doc: RawDoc) -> tuple[RawDoc, Article]:
        from storyline.clean import clean_document

        return doc, clean_document(doc)


class AnalyzeStep(Step):
    """(RawDoc, Article) → (RawDoc, Article with .analysis).  Spans are in input-text offsets."""

    name = "analyze"

    def __init__(self, spacy_model: str | None = None, gazetteers: tuple[str, ...] = (), actors: tuple[str, ...] = ()):
        self.spacy_model = spacy_model
        self.gazetteers = tuple(gazetteers)
        self.actors = tuple(actors)

    def run(self, items: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        """An analysis error never costs the article: the failure is yielded *and* the article goes on
        unanalysed (the store re-analyses it later).  The batch is parsed with ``nlp.pipe``."""
        from storyline.nlp import analyze_doc, parse_articles, to_input_spans
        from storyline.nlp.model import DEFAULT_MODEL, parse

        items = list(items)
        articles = [item[1] if isinstance(item, tuple) else item for item in items
                    if not isinstance(item, (Failure, Skipped))]
        docs = iter(parse_articles(articles, self.spacy_model))
        batch_ok = True
        for item in items:
            if isinstance(item, (Failure, Skipped)):
                yield item
                continue
            article = item[1] if isinstance(item, tuple) else item
            try:
                if batch_ok:
                    try:
                        doc = next(docs)
                    except StorylineError:
                        raise
                    except Exception:  # a broken batch parse: parse this and the rest one by one
                        batch_ok = False
                if not batch_ok:
                    doc = parse(article.text, self.spacy_model or DEFAULT_MODEL)
                article.analysis = to_input_spans(
                    analyze_doc(doc, article.published, gazetteers=self.gazetteers, actors=self.actors), article)
            except StorylineError:
                raise
            except Exception as exc:  # noqa: BLE001 — recorded with its reason, article kept
                article.analysis = None
                yield Failure(article.source_uri, self.name, f"{type(exc).__name__}: {exc} [{_where(exc)}]",
                              id=article.id)
            yield item


def run_steps(steps: list[Step], items: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterator[Any]:
    stream: Iterable[Any] = items
    for step in steps:
        stream = step.run(stream, rank, world_size)
    return iter(stream)


class EmbedStep(Step):
    """(RawDoc, Article) → the same, with the article's rewrite-layer features (kept sentence spans
    and the MiniLM vector of its lead passage) in ``article.vectors``.  Embedding is per-document work:
    done here it runs in the executor's workers (processes, Ray tasks) instead of in the single writer's
    corpus stage, which then reuses the stored features.  Sentence-by-sentence vectors are not computed
    here: the corpus stage embeds only articles whose candidate pairs pass the lexical gate
    (:mod:`storyline.corpus.rewrites`).  ``threads``: onnxruntime threads per worker (1 when several
    workers share the cores)."""

    name = "embed"

    def __init__(self, threads: int | None = None):
        self.threads = threads

    def run(self, items: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        from storyline.corpus.rewrites import RewriteFinder
        from storyline.corpus.update import SENTENCE_MODEL, SENTENCES, _dupdoc
        from storyline.embed import get_embedder

        items = list(items)
        articles = [item[1] for item in items if isinstance(item, tuple)]
        if articles:
            try:
                get_embedder(self.threads)  # the process's shared embedder (created once, with these threads)
                for article, feats in zip(articles, RewriteFinder().features_many([_dupdoc(a) for a in articles], sentences=False)):
                    article.vectors.append((SENTENCES, SENTENCE_MODEL, feats.to_bytes()))
            except StorylineError:
                raise
            except Exception as exc:  # noqa: BLE001 — the corpus stage embeds these articles itself
                yield from (self.failure(item, f"embedding failed ({type(exc).__name__}: {exc} [{_where(exc)}]); "
                                            "the corpus stage embeds the article instead")
                            for item in items if isinstance(item, tuple))
        yield from items
