"""Request and response models of the REST API (they also document it in OpenAPI at /docs)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Ids become file-like names and URL path segments: keep them to a safe alphabet.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~:@+-]{0,199}$"
# Loose ISO 8601 date or date-time prefix: 2025, 2025-03, 2025-03-11, 2025-03-11T08:00Z ...
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$"
CURSOR_PATTERN = r"^\d{1,12}$"


class ArticleIn(BaseModel):
    """One article, with the same fields as a JSONL ingest record."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, pattern=ID_PATTERN, description="Your id; default: a hash of the record")
    text: str | None = Field(None, description="Plain text body (give text or html)")
    html: str | None = Field(None, description="HTML page or fragment (give text or html)")
    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=4000)
    outlet: str | None = Field(None, max_length=300)
    published: str | None = Field(None, max_length=64, description="ISO date or date-time")

    @model_validator(mode="after")
    def _has_body(self) -> ArticleIn:
        if not (self.text and self.text.strip()) and not (self.html and self.html.strip()):
            raise ValueError("give a non-empty 'text' or 'html'")
        return self


class IngestRequest(BaseModel):
    """URLs of article pages to fetch, and/or one RSS/Atom feed URL whose items are ingested."""

    model_config = ConfigDict(extra="forbid")

    urls: list[str] = Field(default_factory=list, max_length=500)
    feed: str | None = Field(None, max_length=4000)

    @model_validator(mode="after")
    def _something(self) -> IngestRequest:
        if not self.urls and not self.feed:
            raise ValueError("give 'urls' (a list) or 'feed' (one URL)")
        for url in [*self.urls, *([self.feed] if self.feed else [])]:
            if not url.lower().startswith(("http://", "https://")) or len(url) > 4000:
                raise ValueError(f"not an http(s) URL: {url[:100]!r}")
        return self


class IngestResult(BaseModel):
    new: int
    already_stored: int
    failed: int
    new_ids: list[str]
    failures: list[dict[str, Any]]


class Job(BaseModel):
    id: str
    kind: str
    status: str = Field(description="queued | running | done | failed")
    total: int
    done: int
    progress: float = Field(description="0..1")
    created_at: str
    finished_at: str | None = None
    result: IngestResult | None = None
    errors: list[dict[str, Any]] = Field(default_factory=list)


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= to get the next page; null at the end")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "Invalid parameters or body"},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    401: {"model": ErrorResponse, "description": "Missing or unknown bearer token"},
    403: {"model": ErrorResponse, "description": "Revoked token"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
}
