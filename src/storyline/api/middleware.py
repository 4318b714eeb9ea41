"""ASGI middleware: request body size limit and security headers."""
from __future__ import annotations

import json

DEFAULT_MAX_BODY = 10 * 1024 * 1024

# The web UI's policy: nothing inline, nothing from elsewhere.
STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
              "base-uri 'none'; frame-ancestors 'none'")
# FastAPI's interactive docs page loads Swagger UI from a CDN with one inline bootstrap script;
# only /docs and /redoc get this looser policy (the OpenAPI JSON itself is always at /openapi.json).
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")


def _error_body(code: str, message: str, details=None) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "details": details}}).encode()


class BodyLimitMiddleware:
    """413 for bodies over ``max_bytes``: by Content-Length up front, or counted while streaming."""

    def __init__(self, app, max_bytes: int = DEFAULT_MAX_BODY):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                return await self._reject(send)
            return await self.app(scope, receive, send)  # the server enforces the declared length
        # No Content-Length (chunked): read the body up to the limit first, then replay it.
        chunks, received = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # client went away
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self.max_bytes:
                return await self._reject(send)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send):
        body = _error_body("payload_too_large", f"request body is larger than {self.max_bytes} bytes",
                           {"limit": self.max_bytes})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def csp_with_style_hashes(html: str) -> str:
    """The strict policy, plus the hashes of this page's own ``<style>`` blocks (for self-contained
    pages such as briefings): those exact styles apply, nothing else inline does."""
    import base64
    import hashlib
    import re

    hashes = ["'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"
              for block in re.findall(r"<style>(.*?)</style>", html, flags=re.S)]
    return STRICT_CSP.replace("style-src 'self'", " ".join(["style-src 'self'", *hashes]))


class SecurityHeadersMiddleware:
    """CSP and friends on every response.  A route may set a stricter-or-equal CSP of its own
    (``csp_with_style_hashes``); every other response gets the strict policy.

    ``create_app`` wraps the *whole* ASGI stack with it (Starlette's ServerErrorMiddleware, the rate
    limiter and the body limit included), so 500s, 429s, 413s and static files carry the headers too."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        csp = _DOCS_CSP_HEADER if scope.get("path", "") in DOCS_PATHS else _STRICT_CSP_HEADER

        async def add_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append(csp)
                headers += _FIXED_HEADERS
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


# encoded once: this runs on every response
_STRICT_CSP_HEADER = (b"content-security-policy", STRICT_CSP.encode())
_DOCS_CSP_HEADER = (b"content-security-policy", DOCS_CSP.encode())
_FIXED_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                  (b"x-frame-options", b"DENY")]
