"""Offset map from clean text back to the input text.

Cleaning keeps some pieces of the input (lines, paragraphs) and drops others; it may also insert
separators that are not in the input.  The map is a sorted list of aligned segments
``(clean_start, input_start, length)``: clean characters inside a segment map one-to-one onto the
input; inserted characters (outside every segment) map to the nearest segment boundary.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass
class OffsetMap:
    segments: list[tuple[int, int, int]] = field(default_factory=list)

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls([(0, 0, length)] if length else [])

    def to_list(self) -> list[list[int]]:
        return [list(s) for s in self.segments]

    @classmethod
    def from_list(cls, data: list[list[int]] | None) -> OffsetMap:
        return cls([tuple(s) for s in (data or [])])  # type: ignore[misc]

    def _find(self, pos: int) -> int:
        starts = [s[0] for s in self.segments]
        return bisect.bisect_right(starts, pos) - 1

    def to_input(self, pos: int, *, end: bool = False) -> int:
        """Input offset of clean offset ``pos``.  With ``end=True`` ``pos`` is an exclusive end."""
        if not self.segments:
            return pos
        probe = pos - 1 if end and pos > 0 else pos
        i = self._find(probe)
        if i < 0:
            return self.segments[0][1]
        cs, is_, n = self.segments[i]
        if probe < cs + n:
            return is_ + (probe - cs) + (1 if end and pos > 0 else 0)
        # pos lies in inserted text after segment i: snap to the end of that segment
        return is_ + n

    def span_to_input(self, start: int, end: int) -> tuple[int, int]:
        s = self.to_input(start)
        e = self.to_input(end, end=True)
        return (s, max(s, e))

    def to_clean(self, pos: int) -> int:
        """Clean offset of input offset ``pos`` (snaps to the next kept character)."""
        for cs, is_, n in self.segments:
            if pos < is_:
                return cs
            if pos < is_ + n:
                return cs + (pos - is_)
        if self.segments:
            cs, _, n = self.segments[-1]
            return cs + n
        return pos

    def span_to_clean(self, start: int, end: int) -> tuple[int, int]:
        s = self.to_clean(start)
        e = self.to_clean(end - 1) + 1 if end > start else s
        return (s, max(s, e))


class TextBuilder:
    """Builds clean text from kept input pieces, recording the offset map as it goes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.segments: list[tuple[int, int, int]] = []

    def keep(self, source: str, start: int, end: int) -> None:
        """Append ``source[start:end]`` (an exact slice of the input text)."""
        if end <= start:
            return
        piece = source[start:end]
        if self.segments:
            cs, is_, n = self.segments[-1]
            if cs + n == self.length and is_ + n == start:  # contiguous: extend
                self.segments[-1] = (cs, is_, n + len(piece))
                self.parts.append(piece)
                self.length += len(piece)
                return
        self.segments.append((self.length, start, len(piece)))
        self.parts.append(piece)
        self.length += len(piece)

    def insert(self, text: str) -> None:
        """Append text that is not in the input (a separator)."""
        self.parts.append(text)
        self.length += len(text)

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self.parts), OffsetMap(list(self.segments))
