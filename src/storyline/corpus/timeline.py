"""Timelines: corpus events in event-date order, each with the articles (and quotes) behind it."""
from __future__ import annotations

import json
from collections.abc import Sequence

from storyline.errors import ConfigError

FORMATS = ("json", "table", "md")


def _last_word(name: str | None) -> str:
    words = (name or "").lower().replace("’", "'").split()
    return words[-1].rstrip(".,'s") if words else ""


def _speaker_matches(speaker: str | None, *names: str | None) -> bool:
    """Same person by last word: quotes say "Zelenskyy", events "Volodymyr Zelenskyy"."""
    s = _last_word(speaker)
    return bool(s) and any(s == _last_word(n) for n in names if n)


def _summary(ev: dict) -> str:
    what = ev.get("label") or f"CAMEO {ev.get('cameo')}"
    return (f"{ev.get('actor') or '?'} ({ev.get('actor_country') or '?'}) — {what} — "
            f"{ev.get('target') or '?'} ({ev.get('target_country') or '?'})")


def _quote_row(q: dict) -> dict:
    span = q.get("span") or ([q["start"], q["end"]] if "start" in q and "end" in q else None)
    return {"article": q.get("article"), "speaker": q.get("speaker"), "text": q.get("text"), "span": span}


def build_timeline(events: Sequence[dict], quotes: Sequence[dict] | None = None) -> list[dict]:
    """One row per corpus event, ordered by event date (undated last), then id.

    ``quotes`` (dicts with ``article``, ``speaker``, ``text`` and ``span`` or ``start``/``end``) are
    attached to an event when they come from one of its articles and their speaker is its actor or
    target — a cheap association, not a claim that the quote is about the event.
    """
    rows = []
    for ev in sorted(events, key=lambda e: (e.get("date") or "9999-99-99", e.get("id") or "")):
        arts = set(ev.get("articles") or [])
        attached = [_quote_row(q) for q in quotes or []
                    if q.get("article") in arts and _speaker_matches(q.get("speaker"), ev.get("actor"), ev.get("target"))]
        rows.append({
            "date": ev.get("date"),
            "date_source": ev.get("date_source"),
            "event_id": ev.get("id"),
            "summary": _summary(ev),
            "cameo": ev.get("cameo"),
            "root": ev.get("root"),
            "label": ev.get("label"),
            "quad_class": ev.get("quad_class"),
            "goldstein": ev.get("goldstein"),
            "actor": ev.get("actor"),
            "actor_country": ev.get("actor_country"),
            "target": ev.get("target"),
            "target_country": ev.get("target_country"),
            "articles": sorted(arts),
            "sources": [{"article": e.get("article"), "span": e.get("span"), "trigger": e.get("trigger")}
                        for e in ev.get("evidence") or []],
            "quotes": sorted(attached, key=lambda q: (str(q["article"]), q["span"] or [0])),
        })
    return rows


# How a date was found, as shown next to it: exact dates are shown bare.
DATE_MARKS = {"text-approx": "≈", "published": "≈", "published-1": "≈"}


def _date_cell(row: dict) -> str:
    """The event date, marked when approximate (a week, or inferred from the publication date)."""
    if not row.get("date"):
        return "undated"
    return DATE_MARKS.get(row.get("date_source") or "", "") + row["date"]


def _table_cells(row: dict) -> list[str]:
    return [
        _date_cell(row),
        row.get("cameo") or "",
        f"{row.get('actor_country') or '?'}→{row.get('target_country') or '?'}",
        row.get("summary") or "",
        ", ".join(row.get("articles") or []),
    ]


def render_timeline(rows: Sequence[dict], fmt: str = "table") -> str:
    """Render timeline rows as ``json``, a plain-text ``table`` or a Markdown (``md``) table."""
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2)
    if fmt not in FORMATS:
        raise ConfigError(f"unknown timeline format {fmt!r}: use one of {', '.join(FORMATS)}")
    header = ["date", "cameo", "dyad", "event", "articles"]
    cells = [_table_cells(r) for r in rows]
    if fmt == "md":
        esc = lambda s: s.replace("|", "\\|")  # noqa: E731 - a cell escaper
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    fmt_row = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt_row(header), fmt_row(["-" * w for w in widths])] + [fmt_row(r) for r in cells]) + "\n"
