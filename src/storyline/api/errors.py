"""One error shape for the whole API: ``{"error": {"code", "message", "details"}}``."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.errors import StorylineError

log = logging.getLogger("storyline.api")

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "payload_too_large", 422: "validation_error", 429: "rate_limited", 500: "internal_error",
         501: "not_implemented", 503: "unavailable"}


class ApiError(Exception):
    """Raise from a route to answer with ``status`` and the standard error body."""

    def __init__(self, status: int, message: str, details=None, code: str | None = None,
                 headers: dict[str, str] | None = None):
        self.status, self.message, self.details = status, message, details
        self.code = code or CODES.get(status, "error")
        self.headers = headers
        super().__init__(message)


def error_response(status: int, message: str, details=None, code: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code or CODES.get(status, "error"), "message": message,
                                   "details": details}}, status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict]:
    # keep loc/msg/type only: 'input' may echo a huge body and 'ctx' may hold non-JSON objects
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()]


def install_error_handlers(app: FastAPI, html_handler=None) -> None:
    """JSON errors under /api (and everywhere when ``html_handler`` is None); HTML pages elsewhere."""

    def wants_html(request: Request) -> bool:
        return html_handler is not None and not request.url.path.startswith("/api/")

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        if wants_html(request):
            return html_handler(request, exc.status, exc.message)
        return error_response(exc.status, exc.message, exc.details, exc.code, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error")
        if wants_html(request):
            return html_handler(request, exc.status_code, message)
        return error_response(exc.status_code, message, None, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        details = _validation_details(exc)
        if wants_html(request):
            return html_handler(request, 422, "invalid parameters: " + "; ".join(
                f"{'.'.join(d['loc'][1:]) or d['loc'][0]}: {d['msg']}" for d in details))
        return error_response(422, "invalid request parameters or body", details)

    @app.exception_handler(StorylineError)
    async def _storyline_error(request: Request, exc: StorylineError):
        log.warning("storyline error on %s: %s", request.url.path, exc)
        if wants_html(request):
            return html_handler(request, 500, str(exc))
        return error_response(500, str(exc), None, code="storyline_error")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        if wants_html(request):
            return html_handler(request, 500, "internal error")
        return error_response(500, "internal error (see the server log)")
