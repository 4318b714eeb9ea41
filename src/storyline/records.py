"""Typed records that flow between stages.

Every stage reads and writes these; nothing else crosses a stage boundary.  Spans stored on
annotations are ``(start, end)`` character offsets into the article's *input text* (the decoded
input with newlines normalised to ``\\n``; for HTML, the extracted text), end exclusive.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

from storyline.offsets import OffsetMap

Span = tuple[int, int]


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass
class RawDoc:
    """One document as a source reader found it, before cleaning.

    ``raw`` holds the exact bytes of this document (a whole file, one JSONL line, one feed item,
    one WARC record payload) so that analysis can always be re-run from what was read.
    """

    id: str
    uri: str
    kind: str  # "text" | "html" | "jsonl" | "rss" | "warc"
    raw: bytes
    text: str | None = None  # decoded plain text input (newlines normalised)
    html: str | None = None  # decoded HTML input
    meta: dict[str, Any] = field(default_factory=dict)  # title, url, outlet, published, extras

    @property
    def raw_hash(self) -> str:
        return sha256_hex(self.raw)


@dataclass
class Failure:
    """An input (or one article at one stage) that could not be processed, with the reason."""

    input: str  # file path / uri, with "#line" or "#record" suffix where relevant
    stage: str  # "read" | "clean" | "analyze" | ...
    reason: str
    id: str | None = None
    raw: bytes | None = None  # kept so that nothing read is ever lost

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "stage": self.stage, "reason": self.reason, "id": self.id}


@dataclass
class Skipped:
    """A file found while walking a folder that is not a news input (code, images, data files).

    Reported in the ingest summary (never silently dropped) but not recorded as a failure: the user
    did not ask for it by name.
    """

    input: str
    reason: str


@dataclass
class Article:
    """A cleaned article.  ``text`` is the clean body; ``offsets`` maps it back to the input text."""

    id: str
    content_hash: str  # sha256 of the raw bytes: the idempotency key
    source_uri: str
    raw_hash: str
    kind: str
    title: str | None
    outlet: str | None
    published: str | None  # YYYY-MM-DD or ISO datetime
    published_source: str | None  # "meta" | "html:<how>" | "text" | "url" | None
    text: str
    offsets: OffsetMap
    meta: dict[str, Any] = field(default_factory=dict)
    analysis: Analysis | None = None
    seq: int | None = None  # ingest order, assigned by the store
    # per-document vectors computed by a worker step (kind, model, blob), stored with the article by
    # the writer: heavy per-document work (sentence embeddings) then spreads over the executor's workers
    vectors: list[tuple[str, str, bytes]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "published_source": self.published_source,
            "url": self.meta.get("url") or None,
            "source_uri": self.source_uri,
            "content_hash": self.content_hash,
            "text": self.text,
        }
        return d


# --- annotations (per article) -------------------------------------------------------------


@dataclass
class Mention:
    start: int
    end: int
    text: str
    name: str  # canonical name within the article (corpus-level resolution may refine it)
    type: str  # PERSON | ORG | GPE | NORP | LOC | ...
    role: str | None = None  # title seen with the name ("Foreign Minister"), if any
    country: str | None = None  # ISO-3166 alpha-3 of the person/org/place, when known (a relation, not a merge)


@dataclass
class Quote:
    start: int
    end: int
    text: str
    direct: bool
    speaker: str | None  # canonical name, or a description ("a Kremlin spokesman")
    speaker_span: Span | None = None
    cue: str | None = None
    cue_span: Span | None = None


@dataclass
class TimeExpr:
    start: int
    end: int
    text: str
    resolves_to: str | None  # "2025-08-18", "2025-W33", "2025-08", or "2025-08-01/2025-08-14"
    kind: str = "date"  # date | week | month | year | range | duration


@dataclass
class EventMention:
    """One coded event as found in one sentence of one article (before corpus de-duplication)."""

    start: int  # sentence / clause span
    end: int
    actor: str | None
    actor_country: str | None
    target: str | None
    target_country: str | None
    cameo: str
    date: str | None
    date_source: str  # "text" | "text-approx" (week/fuzzy expression) | "published" | "published-1" (past tense)
    trigger: str = ""


@dataclass
class Analysis:
    entities: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)


def asdict(obj: Any) -> Any:
    return dataclasses.asdict(obj)
