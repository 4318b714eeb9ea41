"""Read helpers the API and web UI need beyond ``storyline.views`` (all parameters bound, never formatted)."""
from __future__ import annotations

from collections import defaultdict


def story_coverage(store, story_ids: list[str] | None = None) -> dict[str, list[tuple[str, int]]]:
    """Articles per publication day for each story: ``{story: [(YYYY-MM-DD, n), ...]}`` sorted by day.

    Articles without a publication date are left out (they cannot be placed in time)."""
    sql = ("SELECT s.story, substr(a.published, 1, 10) AS day, COUNT(*) AS n FROM story_articles s "
           "JOIN articles a ON a.id = s.article WHERE a.published IS NOT NULL")
    params: tuple = ()
    if story_ids is not None:
        if not story_ids:
            return {}
        sql += f" AND s.story IN ({','.join('?' * len(story_ids))})"
        params = tuple(story_ids)
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in store.rows(sql + " GROUP BY s.story, day ORDER BY s.story, day", params):
        out[r["story"]].append((r["day"], r["n"]))
    return dict(out)


def raw_of(store, article_id: str) -> tuple[bytes, str | None, str | None] | None:
    """``(raw bytes, kind, source uri)`` of an article's stored input, or None."""
    rows = store.rows("SELECT raw_hash, kind, source_uri FROM articles WHERE id = ?", (article_id,))
    if not rows:
        return None
    data = store.raw_input(rows[0]["raw_hash"])
    return (data, rows[0]["kind"], rows[0]["source_uri"]) if data is not None else None


def story_exists(store, story_id: str) -> bool:
    return bool(store.rows("SELECT 1 FROM story_articles WHERE story = ? LIMIT 1", (story_id,)))


def outlets(store) -> list[str]:
    return [r["outlet"] for r in store.rows("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL "
                                            "ORDER BY outlet")]


def topics(store) -> list[str]:
    return [r["topic"] for r in store.rows("SELECT DISTINCT topic FROM story_articles ORDER BY topic")]


def mentions_of_entity(store, entity_id: str, name: str, limit: int = 200) -> list[dict]:
    """Articles mentioning an entity (by resolved id, or by name when mentions were not linked)."""
    return store.rows(
        "SELECT m.article, COUNT(*) AS n, a.title, a.outlet, a.published FROM mentions m "
        "JOIN articles a ON a.id = m.article WHERE m.entity = ? OR m.name = ? "
        "GROUP BY m.article, a.title, a.outlet, a.published, a.seq ORDER BY a.published, a.seq LIMIT ?", (entity_id, name, limit))


def table_exists(store, name: str) -> bool:
    return store.has_table(name)


def entity_ids_in_article(store, article_id: str) -> dict[str, str]:
    """Mention name → corpus entity id, for the mentions of one article that were linked."""
    return {r["name"]: r["entity"] for r in store.rows(
        "SELECT DISTINCT name, entity FROM mentions WHERE article = ? AND entity IS NOT NULL", (article_id,))}


def articles_by_id(store, ids: list[str]) -> dict[str, dict]:
    if not ids:
        return {}
    rows = store.rows(f"SELECT id, title, outlet, published FROM articles WHERE id IN ({','.join('?' * len(ids))})",
                      tuple(ids))
    return {r["id"]: r for r in rows}
