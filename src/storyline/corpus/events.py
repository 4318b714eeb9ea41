"""Corpus events: one event however many articles report it, dated at the event, not the report.

Mentions are grouped by dyad and CAMEO root code (the dyad is unordered for the symmetric roots 04
consult and 05 diplomatic cooperation: "A met B" and "B met A" are one meeting).  Inside a group they
are clustered by date, most trustworthy dates first:

1. day-precision dates from the text (``date_source="text"``) chain together when at most
   ``DAY_TOLERANCE`` days apart (reports a day off from time zones or "overnight");
2. approximate text dates (a week or range start, ``"text-approx"``) join a cluster dated inside that
   week, else form their own;
3. mentions dated only by publication (``"published"`` / ``"published-1"``) join the latest cluster
   dated up to ``BACKGROUND_DAYS`` days before (background mentions of an earlier event), else
   form their own cluster.

Approximate by design: two distinct events of the same dyad and root inside the tolerance merge (two
air raids a day apart become one event), the price of not counting one event once per report.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from storyline.nlp.events import Lexicon, actor_role, cameo_info, default_lexicon
from storyline.records import EventMention

SYMMETRIC_ROOTS = frozenset({"04", "05"})
DAY_TOLERANCE = 1
WEEK_DAYS = 6
BACKGROUND_DAYS = 7
_SOURCE_RANK = {"text": 0, "text-approx": 1, "published-1": 2, "published": 3}


@dataclass
class _Item:
    article: str
    ev: EventMention
    day: dt.date | None

    @property
    def rank(self) -> int:
        return _SOURCE_RANK.get(self.ev.date_source, 4) if self.day else 5


@dataclass
class _Cluster:
    day: dt.date | None
    items: list[_Item] = field(default_factory=list)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def dyad_key(ev: EventMention) -> tuple[str, str, str] | None:
    """(country, country, root): ordered, or sorted for symmetric roots; None without both countries."""
    if not (ev.actor_country and ev.target_country and ev.cameo):
        return None
    root = ev.cameo[:2]
    a, t = ev.actor_country, ev.target_country
    if root in SYMMETRIC_ROOTS:
        a, t = sorted((a, t))
    return a, t, root


def _nearest(clusters: list[_Cluster], ok) -> _Cluster | None:
    fits = [c for c in clusters if c.day is not None and ok(c.day)]
    return max(fits, key=lambda c: c.day) if fits else None


def _cluster(items: list[_Item]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    ordered = sorted(items, key=lambda i: (i.rank, i.day or dt.date.max, i.article, i.ev.start))
    for item in ordered:
        d = item.day
        if d is None:
            target = clusters[0] if len(clusters) == 1 else None
        elif item.rank == 0:
            target = _nearest(clusters, lambda c: abs((d - c).days) <= DAY_TOLERANCE)
        elif item.rank == 1:
            target = _nearest(clusters, lambda c: 0 <= (c - d).days <= WEEK_DAYS)
        else:
            target = _nearest(clusters, lambda c: -DAY_TOLERANCE <= (d - c).days <= BACKGROUND_DAYS)
        if target is None:
            target = _Cluster(d)
            clusters.append(target)
        target.items.append(item)
    return clusters


def _majority(values: Iterable, default=None):
    counts = Counter(v for v in values if v)
    if not counts:
        return default
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0]


def _event_id(key: tuple[str, str, str], day: dt.date | None) -> str:
    raw = "|".join(key) + "|" + (day.isoformat() if day else "undated")
    return "ev-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def _corpus_event(key: tuple[str, str, str], cluster: _Cluster, lex: Lexicon) -> dict:
    items = cluster.items
    best = min(i.rank for i in items)
    lead = [i for i in items if i.rank == best]
    day = _majority(i.day for i in lead) or cluster.day
    # orientation: the direction most reports give (for symmetric roots either is right)
    direction = _majority((i.ev.actor_country, i.ev.target_country) for i in items)
    a_country, t_country = direction
    same_dir = [i for i in items if (i.ev.actor_country, i.ev.target_country) == direction]
    cameo = _majority(i.ev.cameo for i in same_dir)
    info = cameo_info(cameo, lex)
    actor = _majority(i.ev.actor for i in same_dir)
    target = _majority(i.ev.target for i in same_dir)
    return {
        "id": _event_id(key, day),
        "actor": actor,
        "actor_country": a_country,
        "actor_role": actor_role(actor, lex),
        "target": target,
        "target_country": t_country,
        "target_role": actor_role(target, lex),
        "cameo": cameo,
        "root": cameo[:2],
        "label": info[0] if info else None,
        "quad_class": info[2] if info else None,
        "goldstein": info[1] if info else None,
        "date": day.isoformat() if day else None,
        "date_source": lead[0].ev.date_source if day else None,
        "articles": sorted({i.article for i in items}),
        "evidence": sorted(
            ({"article": i.article, "span": [i.ev.start, i.ev.end], "trigger": i.ev.trigger,
              "cameo": i.ev.cameo, "date": i.ev.date, "date_source": i.ev.date_source} for i in items),
            key=lambda e: (e["article"], e["span"][0], e["cameo"]),
        ),
    }


def deduplicate(events_by_article: dict[str, list[EventMention]], published: dict[str, str],
                *, lexicon: Lexicon | None = None) -> list[dict]:
    """Corpus events from per-article event mentions, sorted by date then id (deterministic)."""
    lex = lexicon or default_lexicon()
    groups: dict[tuple[str, str, str], list[_Item]] = {}
    for article in sorted(events_by_article):
        for ev in events_by_article[article] or []:
            key = dyad_key(ev)
            if key is None:
                continue
            day = _day(ev.date) or None
            groups.setdefault(key, []).append(_Item(article, ev, day))
    out = []
    for key in sorted(groups):
        for cluster in _cluster(groups[key]):
            out.append(_corpus_event(key, cluster, lex))
    seen: Counter = Counter()
    for ev in out:  # undated clusters of one key could share an id: make ids unique, still stable
        seen[ev["id"]] += 1
        if seen[ev["id"]] > 1:
            ev["id"] = f"{ev['id']}-{seen[ev['id']]}"
    return sorted(out, key=lambda e: (e["date"] or "9999", e["id"]))
