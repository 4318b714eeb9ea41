"""REST endpoints under /api/v1.  Reads are open; writes need ``Authorization: Bearer <token>``."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from storyline import views
from storyline.api import queries
from storyline.api.auth import bearer_from_header, check_token, touch_token
from storyline.api.errors import ApiError
from storyline.api.middleware import csp_with_style_hashes
from storyline.api.schemas import (CURSOR_PATTERN, DATE_PATTERN, ERROR_RESPONSES, WRITE_RESPONSES, ArticleIn,
                                   IngestRequest, IngestResult, Job, Page)
from storyline.store import open_store

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

Cursor = Annotated[str | None, Query(pattern=CURSOR_PATTERN, description="next_cursor of the previous page")]
Date = Annotated[str | None, Query(pattern=DATE_PATTERN, description="ISO date (prefix), e.g. 2025-03-11")]
Text = Annotated[str | None, Query(max_length=300)]


async def get_store(request: Request) -> AsyncIterator:
    """A pooled read-only connection for the request (SQLite WAL: readers never block the writer).

    Async on purpose: FastAPI runs a sync dependency with ``yield`` through the thread pool twice
    (enter and exit); leasing from the pool is a list pop, cheaper than those hops."""
    pool = request.app.state.reads
    store = pool.lease()
    try:
        yield store
    finally:
        pool.release(store)


Store = Annotated[object, Depends(get_store)]


def require_token(request: Request) -> str:
    """401 without a known token, 403 for a revoked one.  Returns the token id."""
    presented = bearer_from_header(request.headers.get("authorization"))
    challenge = {"WWW-Authenticate": "Bearer"}
    with open_store(request.app.state.db) as store:
        result = check_token(store, presented)
        if result.status == "missing":
            raise ApiError(401, "this endpoint needs 'Authorization: Bearer <token>' "
                                "(create one with: storyline token create)", headers=challenge)
        if result.status == "unknown":
            raise ApiError(401, "unknown token", headers=challenge)
        if result.status == "revoked":
            raise ApiError(403, f"token {result.token_id} has been revoked")
        touch_token(store, result.token_id)
    return result.token_id


def _page(items_cursor: tuple[list[dict], str | None]) -> dict:
    items, cursor = items_cursor
    return {"items": items, "next_cursor": cursor}


def found_or_404(value, what: str, key: str):
    if value is None:
        raise ApiError(404, f"no {what} with id {key!r}", {"id": key})
    return value


def fast_json(data) -> JSONResponse:
    """The same bytes FastAPI would send, without its per-request ``jsonable_encoder`` walk and
    response-model validation (the views already return plain JSON types)."""
    return JSONResponse(data)


# -- reads ---------------------------------------------------------------------------------------
@router.get("/stats", summary="Corpus counts and date range")
def stats(request: Request, store: Store) -> JSONResponse:
    return fast_json(request.app.state.cache.stats(store))


@router.get("/articles", response_model=Page, summary="Articles in ingest order")
def articles(store: Store, outlet: Text = None, since: Date = None, until: Date = None,
             limit: Annotated[int, Query(ge=1, le=500)] = 50, cursor: Cursor = None) -> JSONResponse:
    return fast_json(_page(views.list_articles(store, outlet=outlet, since=since, until=until, limit=limit,
                                               cursor=cursor)))


@router.get("/articles/{article_id}", summary="One article: clean text, input text, entities, quotes, spans")
def article(store: Store, article_id: str) -> JSONResponse:
    return fast_json(found_or_404(views.article_detail(store, article_id), "article", article_id))


@router.get("/articles/{article_id}/raw", summary="The exact bytes that were ingested",
            response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def article_raw(store: Store, article_id: str) -> Response:
    found = found_or_404(queries.raw_of(store, article_id), "article", article_id)
    data, _kind, _uri = found
    # Always text/plain (+ nosniff, strict CSP): stored HTML is shown as source, never rendered.
    charset = "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        charset = "windows-1252"
    return Response(data, media_type=f"text/plain; charset={charset}",
                    headers={"Content-Disposition": "inline"})


@router.get("/stories", response_model=Page, summary="Stories, newest first (or by coverage)")
def stories(request: Request, store: Store, topic: Text = None, since: Date = None, until: Date = None,
            entity: Text = None, outlet: Text = None,
            order: Annotated[str, Query(pattern="^(newest|coverage)$")] = "newest",
            limit: Annotated[int, Query(ge=1, le=500)] = 50, cursor: Cursor = None) -> JSONResponse:
    return fast_json(_page(request.app.state.cache.story_page(
        store, topic=topic, since=since, until=until, entity=entity, outlet=outlet, limit=limit, cursor=cursor,
        order=order)))


@router.get("/stories/{story_id}", summary="One story: articles, events (timeline), quotes, duplicates/rewrites")
def story(store: Store, story_id: str) -> JSONResponse:
    detail = found_or_404(views.story_detail(store, story_id), "story", story_id)
    detail["coverage"] = queries.story_coverage(store, [story_id]).get(story_id, [])
    return fast_json(detail)


@router.get("/stories/{story_id}/brief", summary="A briefing on one story (md, html or json)",
            response_class=Response, responses={501: {"description": "briefings are not available"}})
def story_brief(store: Store, story_id: str,
                format: Annotated[str, Query(pattern="^(md|html|json)$")] = "md") -> Response:  # noqa: A002
    if not queries.story_exists(store, story_id):
        raise ApiError(404, f"no story with id {story_id!r}", {"id": story_id})
    try:
        from storyline.brief import render_brief
    except ImportError as exc:
        raise ApiError(501, "briefings are not available in this installation (module storyline.brief "
                            "is missing)", {"import_error": str(exc)}) from exc
    rendered = render_brief(store, story_id, fmt=format)
    if format == "json":
        return JSONResponse(json.loads(rendered) if isinstance(rendered, str) else rendered)
    if format == "md":
        return Response(rendered, media_type="text/markdown; charset=utf-8")
    return Response(rendered, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": csp_with_style_hashes(rendered)})


@router.get("/entities", response_model=Page, summary="Entities, most mentioned first")
def entities(store: Store, q: Text = None, type: Annotated[str | None, Query(max_length=40)] = None,  # noqa: A002
             limit: Annotated[int, Query(ge=1, le=500)] = 100, cursor: Cursor = None) -> JSONResponse:
    return fast_json(_page(views.list_entities(store, q=q, type=type, limit=limit, cursor=cursor)))


@router.get("/entities/{entity_id}", summary="One entity: aliases, quotes, events")
def entity(store: Store, entity_id: str) -> JSONResponse:
    return fast_json(found_or_404(views.entity_detail(store, entity_id), "entity", entity_id))


@router.get("/events", response_model=Page, summary="Corpus events (CAMEO), by date")
def events(store: Store, root: Annotated[str | None, Query(pattern=r"^\d{1,2}$")] = None,
           country: Annotated[str | None, Query(max_length=8)] = None, since: Date = None, until: Date = None,
           limit: Annotated[int, Query(ge=1, le=1000)] = 200, cursor: Cursor = None) -> JSONResponse:
    return fast_json(_page(views.list_events(store, root=root, country=country, since=since, until=until,
                                             limit=limit, cursor=cursor)))


@router.get("/search", summary="Full-text search over titles and text (SQLite FTS5 or PostgreSQL full-text)")
def search(store: Store, q: Annotated[str, Query(min_length=1, max_length=500)],
           limit: Annotated[int, Query(ge=1, le=200)] = 20) -> JSONResponse:
    return fast_json({"query": q, "items": views.search(store, q, limit=limit)})


# -- writes --------------------------------------------------------------------------------------
@router.post("/articles", status_code=201, response_model=IngestResult, responses=WRITE_RESPONSES,
             summary="Ingest one article or a list (same fields as a JSONL record); idempotent")
def post_articles(request: Request, payload: Annotated[ArticleIn | list[ArticleIn], Body()],
                  _token: Annotated[str, Depends(require_token)]) -> JSONResponse:
    records = payload if isinstance(payload, list) else [payload]
    if not records:
        raise ApiError(422, "empty list: give at least one article")
    if len(records) > 1000:
        raise ApiError(422, "at most 1000 articles per request")
    report = request.app.state.writer.ingest_records([r.model_dump() for r in records])
    # 201 when something was stored; 200 when everything was already there (a repeat post)
    return JSONResponse(report, status_code=201 if report["new"] else 200)


@router.post("/ingest", status_code=202, response_model=Job, responses=WRITE_RESPONSES,
             summary="Fetch URLs (or a feed's items) in the background; poll /api/v1/jobs/{id}")
def post_ingest(request: Request, payload: IngestRequest, _token: Annotated[str, Depends(require_token)]) -> dict:
    job = request.app.state.jobs.submit(payload.urls, payload.feed)
    return job.to_dict()


@router.get("/jobs/{job_id}", response_model=Job, summary="Progress of an ingestion job")
def get_job(request: Request, job_id: str) -> dict:
    job = found_or_404(request.app.state.jobs.get(job_id), "job", job_id)
    return job.to_dict()
