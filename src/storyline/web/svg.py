"""Server-side SVG charts (no JavaScript).  Every text piece is escaped; styling is by class
names and presentation attributes only, so the strict Content-Security-Policy (no inline
styles) holds.  The result is ``Markup`` built only from escaped pieces and numbers."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        return None


def _daily(points: Sequence[tuple[str, int]]) -> tuple[dt.date, list[int]] | None:
    """Counts on a continuous day axis from the first to the last day (missing days are 0)."""
    dated = [(d, n) for d, n in ((_day(day), n) for day, n in points) if d is not None]
    if not dated:
        return None
    first = min(d for d, _ in dated)
    last = max(d for d, _ in dated)
    span = min((last - first).days, 3650)  # cap: a stray date must not make a 10,000-bar chart
    counts = [0] * (span + 1)
    for d, n in dated:
        i = (d - first).days
        if 0 <= i <= span:
            counts[i] += n
    return first, counts


def _svg(width: int, height: int, label: str, body: str, cls: str) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" width="{width}" height="{height}" '
                  f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
                  f"<title>{escape(label)}</title>{body}</svg>")


def sparkline(points: Sequence[tuple[str, int]], width: int = 120, height: int = 24) -> Markup:
    """Tiny bar chart of articles per day."""
    daily = _daily(points)
    if daily is None:
        return Markup("")
    first, counts = daily
    top = max(counts) or 1
    bar = width / len(counts)
    bars = "".join(
        f'<rect class="bar" x="{i * bar:.1f}" y="{height - n / top * (height - 2):.1f}" '
        f'width="{max(bar - 1, 1):.1f}" height="{n / top * (height - 2):.1f}"/>'
        for i, n in enumerate(counts) if n)
    label = f"{sum(counts)} articles over {len(counts)} days from {first.isoformat()}"
    return _svg(width, height, label, f'<line class="axis" x1="0" y1="{height - 0.5}" x2="{width}" '
                                      f'y2="{height - 0.5}"/>' + bars, "sparkline")


def coverage_chart(points: Sequence[tuple[str, int]], width: int = 640, height: int = 150,
                   title: str = "Articles per day") -> Markup:
    """Bar chart of a count per day with date and count labels."""
    daily = _daily(points)
    if daily is None:
        return Markup("")
    first, counts = daily
    top = max(counts) or 1
    left, bottom, top_pad = 30, 22, 8
    plot_w, plot_h = width - left - 4, height - bottom - top_pad
    bar = plot_w / len(counts)
    parts = [f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{width - 4}" y2="{top_pad + plot_h}"/>',
             f'<text class="label" x="{left - 4}" y="{top_pad + 8}" text-anchor="end">{top}</text>',
             f'<text class="label" x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>']
    for i, n in enumerate(counts):
        if n:
            h = n / top * plot_h
            day = (first + dt.timedelta(days=i)).isoformat()
            parts.append(f'<rect class="bar" x="{left + i * bar + 1:.1f}" y="{top_pad + plot_h - h:.1f}" '
                         f'width="{max(bar - 2, 1):.1f}" height="{h:.1f}"><title>{escape(day)}: {n}</title></rect>')
    last = first + dt.timedelta(days=len(counts) - 1)
    parts.append(f'<text class="label" x="{left}" y="{height - 6}">{escape(first.isoformat())}</text>')
    if last != first:
        parts.append(f'<text class="label" x="{width - 4}" y="{height - 6}" text-anchor="end">'
                     f'{escape(last.isoformat())}</text>')
    return _svg(width, height, f"{title}: {sum(counts)} from {first.isoformat()} to {last.isoformat()}",
                "".join(parts), "chart")


def timeline(items: Sequence[dict], width: int = 640, row: int = 26) -> Markup:
    """Vertical timeline: one row per item ``{"date", "label", "kind"}``, in the order given."""
    if not items:
        return Markup("")
    x_line, height = 96, row * len(items) + 10
    parts = [f'<line class="axis" x1="{x_line}" y1="4" x2="{x_line}" y2="{height - 4}"/>']
    for i, item in enumerate(items):
        y = 14 + i * row
        label = str(item.get("label") or "")
        short = label if len(label) <= 80 else label[:79] + "…"
        kind = "dot-" + "".join(ch for ch in str(item.get("kind") or "event") if ch.isalnum())[:20]
        parts.append(f'<text class="label" x="{x_line - 10}" y="{y + 4}" text-anchor="end">'
                     f'{escape(str(item.get("date") or "undated"))}</text>'
                     f'<circle class="dot {kind}" cx="{x_line}" cy="{y}" r="5"/>'
                     f'<text class="label" x="{x_line + 12}" y="{y + 4}">{escape(short)}'
                     f'<title>{escape(label)}</title></text>')
    return _svg(width, height, f"Timeline of {len(items)} items", "".join(parts), "timeline")
