"""The FastAPI application: REST API under /api/v1, OpenAPI docs at /docs, web UI at /."""
from __future__ import annotations

from fastapi import FastAPI

from storyline import __version__
from storyline.api.errors import install_error_handlers
from storyline.api.jobs import JobRegistry, Writer
from storyline.api.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from storyline.api.ratelimit import Clock, RateLimitMiddleware, RateLimits
from storyline.settings import Settings, load_settings
from storyline.store import open_store


def create_app(db: str, settings: Settings | None = None, *, max_body_bytes: int | None = None,
               allow_private_fetch: bool = False, fetch_timeout: float = 10, web: bool = True,
               rate_limits: RateLimits | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the app over database ``db`` (created and migrated if needed).

    ``allow_private_fetch`` lets /api/v1/ingest fetch from private/loopback addresses (off by
    default: SSRF guard).  ``web=False`` serves the API only.  ``max_body_bytes`` defaults to
    ``server.max_body_mb``.  ``rate_limits`` (e.g. ``RateLimits.from_settings(settings.server)``, as
    ``storyline serve`` passes) limits requests per client IP and writes per token; None = no
    limiting, for in-process callers.  ``clock`` replaces the limiter's monotonic clock (tests).
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
    if max_body_bytes is None:
        max_body_bytes = int(settings.server.max_body_mb * 1024 * 1024)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)  # reject before parsing
    if rate_limits is not None and rate_limits.enabled:  # outermost: a client over its limit costs nothing
        app.add_middleware(RateLimitMiddleware, limits=rate_limits, db=db, **({"clock": clock} if clock else {}))
    return app
