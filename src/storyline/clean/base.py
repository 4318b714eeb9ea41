"""Result type shared by the cleaners (plain text and HTML)."""
from __future__ import annotations

from dataclasses import dataclass, field

from storyline.offsets import OffsetMap


@dataclass
class CleanResult:
    """Main text of one document, with the map from ``text`` offsets back to the cleaner's input.

    ``title`` is not part of ``text``.  ``outlet`` and ``published`` are best-effort hints found on the
    way (page chrome, HTML metadata); ``None`` when nothing cheap and reliable was seen.  ``notes`` are
    short human-readable remarks about what the cleaner did (e.g. how many chrome lines it dropped).
    """

    title: str | None
    text: str
    offsets: OffsetMap
    outlet: str | None = None
    published: str | None = None
    published_source: str | None = None
    notes: list[str] = field(default_factory=list)
