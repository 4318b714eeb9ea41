"""The FastAPI application: REST API under /api/v1, OpenAPI docs at /docs, web UI at /."""
from __future__ import annotations

from fastapi import FastAPI

from storyline import __version__
from storyline.api.errors import install_error_handlers
from storyline.api.jobs import JobRegistry, Writer
from storyline.api.middleware import DEFAULT_MAX_BODY, BodyLimitMiddleware, SecurityHeadersMiddleware
from storyline.settings import Settings, load_settings
from storyline.store import open_store


def create_app(db: str, settings: Settings | None = None, *, max_body_bytes: int = DEFAULT_MAX_BODY,
               allow_private_fetch: bool = False, fetch_timeout: float = 10, web: bool = True) -> FastAPI:
    """Build the app over database ``db`` (created and migrated if needed).

    ``allow_private_fetch`` lets /api/v1/ingest fetch from private/loopback addresses (off by
    default: SSRF guard).  ``web=False`` serves the API only.
    """
    settings = settings or load_settings(overrides={"store": {"db": db}})
    if settings.store.db != db:
        settings = settings.model_copy(update={"store": settings.store.model_copy(update={"db": db})})
    with open_store(db):  # create + migrate once, so per-request read-only connections work
        pass
    app = FastAPI(title="storyline", version=__version__,
                  description="News-intelligence API: articles, stories, entities, quotes, events. "
                              "Every fact points to an article id and a character span.",
                  docs_url="/docs", redoc_url=None)
    app.state.db = db
    app.state.settings = settings
    app.state.writer = Writer(settings)
    app.state.jobs = JobRegistry(app.state.writer, allow_private=allow_private_fetch, timeout=fetch_timeout)

    from storyline.api.routes import router

    app.include_router(router)
    html_handler = None
    if web:
        from storyline.web.routes import install_web

        html_handler = install_web(app)
    install_error_handlers(app, html_handler)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)  # outermost: reject before parsing
    return app
