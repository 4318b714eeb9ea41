"""Server-rendered web UI (Jinja2, autoescape on, no JavaScript needed).

Pages: story river ``/``, ``/stories/{id}``, ``/articles/{id}``, ``/entities``, ``/entities/{id}``,
``/search``.  Source text is only ever rendered through autoescaping; charts are server-side SVG.
"""
from __future__ import annotations

import importlib
import importlib.util
from collections import defaultdict
from pathlib import Path
from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from storyline import __version__, views
from storyline.api import queries
from storyline.api.routes import found_or_404, get_store
from storyline.api.schemas import CURSOR_PATTERN
from storyline.web import svg
from storyline.web.highlight import article_marks, pieces, to_clean_marks

HERE = Path(__file__).resolve().parent
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Store = Annotated[object, Depends(get_store)]
PAGE = 30


def make_templates() -> Jinja2Templates:
    # auto_reload off: templates ship with the package; re-checking their files per render costs a stat each
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             auto_reload=False)
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


templates = make_templates()


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status, status_code=status, message=message, title=f"Error {status}")


def install_web(app: FastAPI):
    """Add the pages and /static to ``app``; returns the HTML error renderer."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    return error_page


# -- pages -----------------------------------------------------------------------------------------
@router.get("/")
def river(request: Request, store: Store, order: Annotated[str, Query(pattern="^(newest|coverage)$")] = "newest",
          topic: Annotated[str | None, Query(max_length=300)] = None,
          cursor: Annotated[str | None, Query(pattern=CURSOR_PATTERN)] = None):
    cache = request.app.state.cache  # aggregates over every story, recomputed only after a write
    stories, next_cursor = views.list_stories(store, topic=topic or None, order=order, limit=PAGE, cursor=cursor,
                                              keys=cache.story_keys(store))
    coverage = queries.story_coverage(store, [s["story"] for s in stories])
    for s in stories:
        s["sparkline"] = svg.sparkline(coverage.get(s["story"], []))
    return render(request, "river.html", title="Stories", stories=stories, next_cursor=next_cursor, order=order,
                  topic=topic or "", stats=cache.stats(store))


@router.get("/stories/{story_id}")
def story(request: Request, store: Store, story_id: str):
    detail = found_or_404(views.story_detail(store, story_id), "story", story_id)
    coverage = queries.story_coverage(store, [story_id]).get(story_id, [])
    articles = detail["article_rows"]
    copy_of = {d["copy"]: d for d in detail["duplicates"]}
    by_id = {a["id"]: a for a in articles}
    originals = queries.articles_by_id(store, [d["original"] for d in detail["duplicates"]
                                               if d["original"] not in by_id])
    for a in articles:
        link = copy_of.get(a["id"])
        a["dup"] = ({**link, "original_row": by_id.get(link["original"]) or originals.get(link["original"])}
                     if link else None)
    events = sorted(detail["events"], key=lambda e: (e.get("date") or "9999", e.get("id", "")))
    return render(request, "story.html", title=detail["title"] or story_id, story=detail, articles=articles,
                  coverage_svg=svg.coverage_chart(coverage), matrix=source_matrix(articles),
                  timeline_svg=svg.timeline([{"date": e.get("date"), "label": event_label(e), "kind": e.get("root")}
                                             for e in events[:60]]),
                  events=events, quotes=key_quotes(detail["quotes"], by_id))


@router.get("/articles/{article_id}")
def article(request: Request, store: Store, article_id: str,
            view: Annotated[str, Query(pattern="^(clean|input)$")] = "clean"):
    detail = found_or_404(views.article_detail(store, article_id), "article", article_id)
    marks = article_marks(detail)
    if view == "input":
        body = pieces(detail["input_text"], marks)
    else:
        stored = store.get_article(article_id)
        body = pieces(detail["text"], to_clean_marks(marks, detail["input_text"], detail["text"], stored.offsets))
    entity_ids = queries.entity_ids_in_article(store, article_id)
    related = queries.articles_by_id(store, [x for x in [(detail.get("duplicate_of") or {}).get("original")] if x])
    return render(request, "article.html", title=detail["title"] or article_id, a=detail, body=body, view=view,
                  entity_ids=entity_ids, original=related)


@router.get("/entities")
def entities(request: Request, store: Store, q: Annotated[str | None, Query(max_length=300)] = None,
             cursor: Annotated[str | None, Query(pattern=CURSOR_PATTERN)] = None):
    items, next_cursor = views.list_entities(store, q=q or None, limit=100, cursor=cursor)
    return render(request, "entities.html", title="Entities", entities=items, q=q or "", next_cursor=next_cursor)


@router.get("/entities/{entity_id}")
def entity(request: Request, store: Store, entity_id: str):
    detail = found_or_404(views.entity_detail(store, entity_id), "entity", entity_id)
    per_day: dict[str, int] = defaultdict(int)
    for q in detail["quotes"]:
        if q.get("published"):
            per_day[q["published"][:10]] += 1
    for e in detail["events"]:
        if e.get("date"):
            per_day[e["date"][:10]] += 1
    events = sorted(detail["events"], key=lambda e: (e.get("date") or "9999", e.get("id", "")))
    articles = queries.mentions_of_entity(store, detail["id"], detail["name"])
    return render(request, "entity.html", title=detail["name"], e=detail, events=events, articles=articles,
                  chart=svg.coverage_chart(sorted(per_day.items()), title="Quotes and events per day"),
                  timeline_svg=svg.timeline([{"date": e.get("date"), "label": event_label(e), "kind": e.get("root")}
                                             for e in events[:60]]))


@router.get("/search")
def search(request: Request, store: Store, q: Annotated[str, Query(max_length=500)] = ""):
    results = views.search(store, q, limit=50) if q.strip() else []
    for r in results:
        r["snippet_pieces"] = snippet_pieces(r.get("snippet") or "")
    return render(request, "search.html", title=f"Search: {q}" if q else "Search", q=q, results=results)


@router.get("/favicon.ico")
def favicon():
    """Browsers ask for it on pages without an icon link (the briefing page, raw text)."""
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


# -- helpers ---------------------------------------------------------------------------------------
def event_label(e: dict) -> str:
    who = e.get("actor") or e.get("actor_country") or "?"
    whom = e.get("target") or e.get("target_country") or ""
    what = e.get("label") or f"CAMEO {e.get('cameo')}"
    return f"{who} — {what}" + (f" — {whom}" if whom else "")


def source_matrix(articles: list[dict]) -> dict:
    """Outlets (rows) × publication days (columns); each cell lists that outlet's articles."""
    days = sorted({(a.get("published") or "")[:10] for a in articles})
    rows: dict[str, dict[str, list[dict]]] = {}
    for a in articles:
        rows.setdefault(a.get("outlet") or "(unknown outlet)", {}).setdefault((a.get("published") or "")[:10],
                                                                             []).append(a)
    return {"days": days, "rows": sorted(rows.items(), key=lambda kv: kv[0].casefold())}


def key_quotes(quotes: list[dict], articles: dict[str, dict], limit: int = 12) -> list[dict]:
    """Quotes with a speaker, direct first, each text once (copies repeat quotes), in time order."""
    per_article: dict[str, int] = defaultdict(int)
    seen, out = set(), []
    for q in quotes:  # sorted by article, start: the running index matches the article page anchors
        q = {**q, "anchor": f"q{per_article[q['article']]}"}
        per_article[q["article"]] += 1
        key = " ".join(q["text"].split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        a = articles.get(q["article"], {})
        out.append({**q, "outlet": a.get("outlet"), "published": a.get("published")})
    out.sort(key=lambda q: (not q.get("speaker"), not q["direct"], q.get("published") or "", q["article"]))
    return out[:limit]


def snippet_pieces(snippet: str) -> list[tuple[str, bool]]:
    """FTS5 snippet with [match] markers → (text, is_match) pieces, escaped by the template."""
    out, rest = [], snippet
    while rest:
        start = rest.find("[")
        end = rest.find("]", start + 1) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append((rest, False))
            break
        if start:
            out.append((rest[:start], False))
        out.append((rest[start + 1:end], True))
        rest = rest[end + 1:]
    return out
