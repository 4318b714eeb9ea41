"""Highlighting annotations in article text without ever trusting the text.

The text is cut at every span boundary into plain pieces; the template escapes each piece and
wraps it in a ``<span class=…>``.  No HTML is built from source text here.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.offsets import OffsetMap

_WS = re.compile(r"\s+")


@dataclass
class Piece:
    text: str
    classes: str = ""
    title: str = ""
    anchor: str = ""


@dataclass
class Mark:
    start: int
    end: int
    cls: str
    title: str = ""
    anchor: str = ""


def pieces(text: str, marks: Sequence[Mark]) -> list[Piece]:
    """Split ``text`` at mark boundaries; each piece carries the classes of every mark covering it."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[Piece] = []
    ordered = sorted(marks, key=lambda m: (m.start, -m.end))
    for a, b in zip(cuts, cuts[1:]):
        covering = [m for m in ordered if m.start <= a and m.end >= b]
        anchor = next((m.anchor for m in covering if m.anchor and m.start == a), "")
        out.append(Piece(text[a:b], " ".join(dict.fromkeys(m.cls for m in covering)),
                         "; ".join(dict.fromkeys(m.title for m in covering if m.title)), anchor))
    return out


def to_clean_marks(marks: Sequence[Mark], input_text: str, clean_text: str, offsets: OffsetMap) -> list[Mark]:
    """Map input-text marks onto the clean text; marks in removed parts (boilerplate) are dropped."""
    out = []
    for m in marks:
        cs, ce = offsets.span_to_clean(m.start, m.end)
        if ce <= cs:
            continue
        if _WS.sub(" ", clean_text[cs:ce]).strip() != _WS.sub(" ", input_text[m.start:m.end]).strip():
            continue
        out.append(Mark(cs, ce, m.cls, m.title, m.anchor))
    return out


def article_marks(detail: dict) -> list[Mark]:
    """Entity and quote marks of an ``article_detail`` dict (spans into the input text)."""
    marks = []
    for i, q in enumerate(detail.get("quotes", [])):
        s, e = q["span"]
        who = q.get("speaker") or "unknown speaker"
        marks.append(Mark(s, e, "quote" + (" direct" if q.get("direct") else ""), f"quote: {who}", f"q{i}"))
    for ent in detail.get("entities", []):
        cls = "ent ent-" + "".join(ch for ch in str(ent.get("type", "")) if ch.isalnum())[:12]
        for s, e in ent.get("mentions", []):
            marks.append(Mark(s, e, cls, f"{ent.get('type')}: {ent.get('name')}"))
    return marks
