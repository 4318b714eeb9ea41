"""The FastAPI application: REST API under /api/v1, OpenAPI docs at /docs, web UI at /."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from storyline import __version__
from storyline.api.errors import install_error_handlers
from storyline.api.jobs import JobRegistry, Writer
from storyline.api.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from storyline.api.ratelimit import Clock, RateLimitMiddleware, RateLimits
from storyline.api.reads import ReadCache, ReadStores
from storyline.settings import Settings, load_settings
from storyline.store import open_store


class StorylineAPI(FastAPI):
    """FastAPI whose security-header layer wraps the whole ASGI stack.

    ``add_middleware`` places middleware *inside* Starlette's ServerErrorMiddleware, so a 500 from
    an unexpected exception would leave without the headers; wrapping the built stack makes them
    the outermost layer: 500, 429, 413, 404 and static files all carry them."""

    def build_middleware_stack(self):
        return SecurityHeadersMiddleware(super().build_middleware_stack())


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    app.state.writer.close()  # stop the writer process, if one was started
    app.state.reads.close()
    app.state.cache.close()


def create_app(db: str, settings: Settings | None = None, *, max_body_bytes: int | None = None,
               allow_private_fetch: bool = False, fetch_timeout: float = 10, web: bool = True,
               rate_limits: RateLimits | None = None, clock: Clock | None = None,
               write_process: bool = False) -> FastAPI:
    """Build the app over database ``db`` (created and migrated if needed).

    ``allow_private_fetch`` lets /api/v1/ingest fetch from private/loopback addresses (off by
    default: SSRF guard).  ``web=False`` serves the API only.  ``max_body_bytes`` defaults to
    ``server.max_body_mb``.  ``rate_limits`` (e.g. ``RateLimits.from_settings(settings.server)``, as
    ``storyline serve`` passes) limits requests per client IP and writes per token; None = no
    limiting, for in-process callers.  ``clock`` replaces the limiter's monotonic clock (tests).
    ``write_process=True`` (``storyline serve``) runs writes in one separate writer process, so they do
    not compete with readers for this process's GIL; False writes in the calling thread.
    """
    settings = settings or load_settings(overrides={"store": {"db": db}})
    if settings.store.db != db:
        settings = settings.model_copy(update={"store": settings.store.model_copy(update={"db": db})})
    with open_store(db):  # create + migrate once, so per-request read-only connections work
        pass
    app = StorylineAPI(title="storyline", version=__version__,
                       description="News-intelligence API: articles, stories, entities, quotes, events. "
                                   "Every fact points to an article id and a character span.",
                       docs_url="/docs", redoc_url=None, lifespan=lifespan)
    app.state.db = db
    app.state.settings = settings
    app.state.reads = ReadStores(db)
    app.state.cache = ReadCache(db)
    app.state.writer = Writer(settings, process=write_process)
    app.state.jobs = JobRegistry(app.state.writer, allow_private=allow_private_fetch, timeout=fetch_timeout)

    from storyline.api.routes import router

    app.include_router(router)
    html_handler = None
    if web:
        from storyline.web.routes import install_web

        html_handler = install_web(app)
    install_error_handlers(app, html_handler)
    if max_body_bytes is None:
        max_body_bytes = int(settings.server.max_body_mb * 1024 * 1024)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)  # reject before parsing
    # outermost but for the security headers (StorylineAPI): a client over its limit costs nothing
    if rate_limits is not None and rate_limits.enabled:
        app.add_middleware(RateLimitMiddleware, limits=rate_limits, db=db, **({"clock": clock} if clock else {}))
    return app
