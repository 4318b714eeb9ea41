"""Read-only views over the store, shared by the CLI, the REST API and the web UI."""
from __future__ import annotations

from collections import defaultdict

from storyline.records import Analysis


def analysis_dict(analysis: Analysis | None) -> dict:
    """The ``analyze`` JSON shape: entities grouped by canonical name, quotes, times, events."""
    if analysis is None:
        return {"entities": [], "quotes": [], "times": [], "events": []}
    grouped: dict[tuple[str, str], list[list[int]]] = defaultdict(list)
    for m in analysis.entities:
        grouped[(m.name, m.type)].append([m.start, m.end])
    entities = [{"name": name, "type": etype, "mentions": sorted(spans)}
                for (name, etype), spans in sorted(grouped.items(), key=lambda kv: (kv[1][0][0], kv[0]))]
    quotes = [{"span": [q.start, q.end], "text": q.text, "direct": q.direct, "speaker": q.speaker,
               "speaker_span": list(q.speaker_span) if q.speaker_span else None, "cue": q.cue}
              for q in analysis.quotes]
    times = [{"span": [t.start, t.end], "text": t.text, "resolves_to": t.resolves_to, "kind": t.kind}
             for t in analysis.times]
    events = [{"span": [e.start, e.end], "actor": e.actor, "actor_country": e.actor_country, "target": e.target,
               "target_country": e.target_country, "cameo": e.cameo, "root": e.cameo[:2], "date": e.date,
               "date_source": e.date_source, "trigger": e.trigger} for e in analysis.events]
    return {"entities": entities, "quotes": quotes, "times": times, "events": events}


def corpus_stats(store) -> dict:
    q = store.rows
    dates = q("SELECT MIN(published) AS first, MAX(published) AS last FROM articles WHERE published IS NOT NULL")[0]
    by_kind = {r["kind"]: r["n"] for r in q("SELECT kind, COUNT(*) AS n FROM duplicates GROUP BY kind")}
    return {
        "articles": store.count("articles"),
        "errors": store.count("failures"),
        "duplicates": store.count("duplicates"),
        "duplicates_by_kind": by_kind,
        "sources": q("SELECT COUNT(DISTINCT outlet) AS n FROM articles WHERE outlet IS NOT NULL")[0]["n"],
        "stories": q("SELECT COUNT(DISTINCT story) AS n FROM story_articles")[0]["n"],
        "topics": q("SELECT COUNT(DISTINCT topic) AS n FROM story_articles")[0]["n"],
        "entities": store.count("entities"),
        "quotes": store.count("quotes"),
        "events": store.count("events"),
        "first_published": dates["first"],
        "last_published": dates["last"],
    }
