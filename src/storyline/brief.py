"""Story briefings: what happened, who said what, which outlets agree, what is disputed — with citations.

``render_brief(store, story_id=None, topic=None, since=None, fmt="md"|"html"|"json")`` renders one brief
per selected story.  Briefs are *extractive* and deterministic: every sentence about the story is
either copied from a source article (and cited: article id + character span of its input text) or
generated from structured data (counts, dates, CAMEO labels, confidence figures).  Nothing is
paraphrased or summarised by a model.

A brief holds: the headline (the earliest independent article's title), a dated timeline from the
story's coded events (each with the sentence it was coded from), key quotes with speakers, the source
matrix (source x claim: stated / omitted / contradicted), the independent-source count, what is
disputed (contradictions between sources) and what some sources leave out (omissions).

The HTML form is one self-contained file: inline CSS, no scripts, no remote assets, every piece of
source text escaped; each citation links to a section of the same file that shows the article's input
text with the cited span highlighted.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.corpus.claims import Claim, ClaimGroup, align_claims, article_claims, omissions, source_of
from storyline.corpus.contradictions import Contradiction, find_contradictions
from storyline.corpus.paraphrase import PairScorer
from storyline.errors import ConfigError, InputError
from storyline.text_utils import normalize

FORMATS = ("md", "html", "json")
MAX_MATRIX_CLAIMS = 12
MAX_QUOTES = 6
QUOTE_OVERLAP = 0.7
MAX_TIMELINE = 20
MAX_DISPUTED = 12
SHOW_CONTRADICTION = 0.5  # contradictions below this confidence are left out of briefs (kept in JSON)


# --- comparison of a story's articles ----------------------------------------------------------------------

@dataclass
class StoryComparison:
    """Claims, claim groups, contradictions and omissions of one story."""

    claims: list[Claim]
    groups: list[ClaimGroup]
    contradictions: list[Contradiction]
    omissions: list[dict]
    sources: list[str]


def compare_story(store, story_id: str, scorer: PairScorer | None = None) -> StoryComparison:
    """Split the story's articles into claims, align them, find contradictions and omissions."""
    from storyline.views import input_text_of

    ids = [r["article"] for r in store.rows("SELECT article FROM story_articles WHERE story = ?", (story_id,))]
    claims: list[Claim] = []
    sources: set[str] = set()
    for article in sorted(store.iter_articles(ids), key=lambda a: (a.published or "9999", a.seq or 0)):
        sources.add(source_of(article.id, article.outlet))
        quotes = store.get_analysis(article.id).quotes
        claims.extend(article_claims(article, input_text_of(store, article), quotes))
    groups = align_claims(claims, scorer)
    return StoryComparison(claims, groups, find_contradictions(groups, claims), omissions(groups, sources),
                           sorted(sources))


# --- citations -------------------------------------------------------------------------------------------

@dataclass
class Citations:
    """Numbered citations (article + input-text span), deduplicated; ``text`` is the cited input text."""

    items: list[dict] = field(default_factory=list)
    _index: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def cite(self, article: str, start: int, end: int, text: str, source: str | None = None) -> int:
        key = (article, start, end)
        if key not in self._index:
            self.items.append({"n": len(self.items) + 1, "article": article, "source": source,
                               "span": [start, end], "text": text})
            self._index[key] = len(self.items)
        return self._index[key]


# --- building a brief (structured) -------------------------------------------------------------------------

def _select_stories(store, story_id: str | None, topic: str | None, since: str | None) -> list[dict]:
    from storyline.views import story_summaries

    stories = story_summaries(store)
    if story_id is not None:
        stories = [s for s in stories if s["story"] == story_id]
        if not stories:
            raise InputError(story_id, "no such story in the database; list stories with 'storyline stories'")
    if topic is not None:
        stories = [s for s in stories if s["topic"] == topic]
    if since is not None:
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", since):
            raise ConfigError(f"--since {since!r}: expected a date YYYY-MM-DD (or YYYY-MM, YYYY)")
        stories = [s for s in stories if (s["last_seen"] or "") >= since]
    return stories


def build_brief(store, summary: dict, scorer: PairScorer | None = None) -> dict:
    """The structured brief of one story (the JSON form; Markdown and HTML are rendered from it)."""
    from storyline.views import input_text_of, story_detail

    detail = story_detail(store, summary["story"]) or {**summary, "article_rows": [], "quotes": [], "events": [],
                                                        "duplicates": []}
    copy_of = {d["copy"]: d["original"] for d in detail["duplicates"]}
    articles, texts = [], {}
    for row in detail["article_rows"]:
        article = store.get_article(row["id"])
        texts[row["id"]] = input_text_of(store, article) if article else ""
        articles.append({"id": row["id"], "title": row["title"], "outlet": row["outlet"],
                         "published": row["published"], "source": source_of(row["id"], row["outlet"]),
                         "copy_of": copy_of.get(row["id"])})
    source = {a["id"]: a["source"] for a in articles}
    cites = Citations()
    comparison = compare_story(store, summary["story"], scorer)
    brief = {
        "story": summary["story"], "topic": summary["topic"],
        "headline": {"text": summary.get("title") or (articles[0]["title"] if articles else None),
                     "article": _headline_article(summary, articles)},
        "first_seen": summary["first_seen"], "last_seen": summary["last_seen"],
        "articles": articles, "sources": summary["sources"], "independent_sources": summary["independent_sources"],
        "timeline": _timeline(detail["events"], texts, source, cites),
        "quotes": _key_quotes(detail["quotes"], texts, source, cites),
    }
    brief.update(_matrix(comparison, cites))
    brief["citations"] = cites.items
    return brief


def _headline_article(summary: dict, articles: list[dict]) -> str | None:
    for a in articles:
        if a["title"] == summary.get("title") and not a["copy_of"]:
            return a["id"]
    return articles[0]["id"] if articles else None


def _cite_span(cites: Citations, texts: dict[str, str], source: dict[str, str], article: str,
               span: Sequence[int]) -> tuple[int, str] | None:
    text = texts.get(article)
    if text is None or not span or len(span) != 2:
        return None
    s, e = max(0, int(span[0])), min(len(text), int(span[1]))
    if e <= s:
        return None
    return cites.cite(article, s, e, text[s:e], source.get(article)), text[s:e]


def _timeline(events: list[dict], texts: dict[str, str], source: dict[str, str], cites: Citations) -> list[dict]:
    """Dated events in date order (undated last), each with the sentence it was coded from (cited)."""
    rows, seen = [], set()
    for ev in sorted(events, key=lambda e: (e.get("date") or "9999", e.get("id") or "")):
        evidence = [x for x in ev.get("evidence") or [] if x.get("article") in texts]
        if not evidence:
            continue
        first = min(evidence, key=lambda x: (x["article"] not in source, x["article"], x["span"][0]))
        cited = _cite_span(cites, texts, source, first["article"], first["span"])
        if cited is None or normalize(cited[1]) in seen:
            continue
        seen.add(normalize(cited[1]))
        rows.append({"date": ev.get("date"), "label": ev.get("label"), "cameo": ev.get("cameo"),
                     "actor": ev.get("actor"), "target": ev.get("target"), "articles": len(ev.get("articles") or []),
                     "text": cited[1], "cite": cited[0]})
        if len(rows) >= MAX_TIMELINE:
            break
    return rows


def _key_quotes(quotes: list[dict], texts: dict[str, str], source: dict[str, str], cites: Citations) -> list[dict]:
    """Direct quotes with a speaker, most widely carried first (then longest).

    The same words quoted by several outlets (other quote marks, another attribution around them) are
    one key quote: quotes whose word sets overlap by QUOTE_OVERLAP of the smaller one are merged.
    """
    clusters: list[tuple[set[str], list[dict]]] = []
    for q in sorted(quotes, key=lambda q: (q["article"], q["start"])):
        words = set(normalize(q["text"]).split())
        if not q.get("speaker") or not q.get("direct") or len(words) < 4:
            continue
        for seen, members in clusters:
            if len(seen & words) >= QUOTE_OVERLAP * min(len(seen), len(words)):
                members.append(q)
                break
        else:
            clusters.append((words, [q]))
    ranked = sorted((m for _, m in clusters), key=lambda qs: (-len({q["article"] for q in qs}), -len(qs[0]["text"]),
                                                             qs[0]["article"], qs[0]["start"]))
    out = []
    for qs in ranked[:MAX_QUOTES]:
        q = qs[0]
        cited = _cite_span(cites, texts, source, q["article"], (q["start"], q["end"]))
        if cited is None:
            continue
        out.append({"speaker": q["speaker"], "text": cited[1], "cite": cited[0],
                    "articles": len({x["article"] for x in qs})})
    return out


def _matrix(comp: StoryComparison, cites: Citations) -> dict[str, Any]:
    """Source matrix, disputed points and omissions (all cells and texts backed by citations)."""
    shown_contra = [c for c in comp.contradictions if c.confidence >= SHOW_CONTRADICTION][:MAX_DISPUTED]
    group_of = {c.id: g for g in comp.groups for c in g.claims}
    disputed_groups = {group_of[c.a.id].id for c in shown_contra} | {group_of[c.b.id].id for c in shown_contra}
    omitted = {o["group"]: set(o["missing_from"]) for o in comp.omissions}
    columns = [g for g in comp.groups if len(g.sources) >= 2 or g.id in disputed_groups]
    columns.sort(key=lambda g: (g.id not in disputed_groups, -len(g.sources), int(g.id[1:])))
    columns = sorted(columns[:MAX_MATRIX_CLAIMS], key=lambda g: int(g.id[1:]))
    contradicted: dict[tuple[str, str], int] = {}  # (group id, source) -> citation
    disputes = []
    for c in shown_contra:
        na = cites.cite(c.a.article, c.a.start, c.a.end, c.a.text, c.a.source)
        nb = cites.cite(c.b.article, c.b.start, c.b.end, c.b.text, c.b.source)
        contradicted[(group_of[c.a.id].id, c.a.source)] = na
        contradicted[(group_of[c.b.id].id, c.b.source)] = nb
        disputes.append({**c.to_dict(), "high": c.high, "a_cite": na, "b_cite": nb,
                         "group": group_of[c.a.id].id})
    claims, matrix = [], {s: {} for s in comp.sources}
    for g in columns:
        lead = g.lead
        claims.append({"id": g.id, "text": lead.text, "cite": cites.cite(lead.article, lead.start, lead.end, lead.text,
                                                                          lead.source),
                       "sources": len(g.sources), "voice": lead.voice, "speaker": lead.speaker})
        by_source = {c.source: c for c in g.claims}
        for s in comp.sources:
            if (g.id, s) in contradicted:
                matrix[s][g.id] = {"state": "contradicted", "cite": contradicted[(g.id, s)]}
            elif s in by_source:
                c = by_source[s]
                matrix[s][g.id] = {"state": "stated", "cite": cites.cite(c.article, c.start, c.end, c.text, s)}
            elif s in omitted.get(g.id, ()):
                matrix[s][g.id] = {"state": "omitted"}
            else:
                matrix[s][g.id] = {"state": "absent"}
    omits = [{**o, "cite": cites.cite(group_of_lead.article, group_of_lead.start, group_of_lead.end,
                                      group_of_lead.text, group_of_lead.source)}
             for o in comp.omissions
             for group_of_lead in [next(g.lead for g in comp.groups if g.id == o["group"])]]
    return {"claims": claims, "matrix": matrix, "disputed": disputes, "omissions": omits,
            "claims_total": len(comp.claims), "claim_groups": len(comp.groups),
            "shared_claims": sum(1 for g in comp.groups if len(g.sources) >= 2)}


def build_briefs(store, story_id: str | None = None, topic: str | None = None, since: str | None = None,
                 scorer: PairScorer | None = None) -> list[dict]:
    scorer = scorer or PairScorer()
    return [build_brief(store, s, scorer) for s in _select_stories(store, story_id, topic, since)]


def render_brief(store, story_id: str | None = None, topic: str | None = None, since: str | None = None,
                 fmt: str = "md", scorer: PairScorer | None = None) -> str:
    """Briefs of the selected stories (all stories when nothing is selected) as ``md``, ``html`` or ``json``."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown brief format {fmt!r}: use one of {', '.join(FORMATS)}")
    briefs = build_briefs(store, story_id, topic, since, scorer)
    if fmt == "json":
        return json.dumps({"stories": briefs}, ensure_ascii=False, indent=2) + "\n"
    return render_markdown(briefs) if fmt == "md" else render_html(briefs, _texts_for(store, briefs))


def _texts_for(store, briefs: list[dict]) -> dict[str, str]:
    from storyline.views import input_text_of

    out = {}
    for b in briefs:
        for a in b["articles"]:
            article = store.get_article(a["id"])
            out[a["id"]] = input_text_of(store, article) if article else ""
    return out


# --- Markdown ----------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: str) -> str:
    """Source text made inert in Markdown (no emphasis, links, raw HTML or table breaks); one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _state_symbol(cell: dict) -> str:
    return {"stated": "stated", "contradicted": "CONTRADICTED", "omitted": "omitted", "absent": "·"}[cell["state"]]


def render_markdown(briefs: list[dict]) -> str:
    if not briefs:
        return "# Briefing\n\nNo stories match.\n"
    parts = []
    for b in briefs:
        parts.append(_md_story(b))
    return "\n\n---\n\n".join(parts) + "\n"


def _fn(b: dict, n: int) -> str:
    return f"[^{_slug(b['story'])}-{n}]"


def _md_story(b: dict) -> str:
    L = [f"# {md_escape(b['headline']['text'] or b['story'])}", ""]
    dates = f"{b['first_seen']} to {b['last_seen']}" if b["first_seen"] != b["last_seen"] else f"{b['first_seen']}"
    L.append(f"Story {md_escape(b['story'])} (topic {md_escape(b['topic'])}): {_n(len(b['articles']), 'article')} "
             f"from {_n(b['sources'], 'source')}, {b['independent_sources']} independent; published {dates}.")
    L += ["", "## What happened", ""]
    if b["timeline"]:
        for ev in b["timeline"]:
            label = f" ({md_escape(ev['label'])})" if ev.get("label") else ""
            L.append(f"- **{ev['date'] or 'undated'}**{label}: {md_escape(ev['text'])} {_fn(b, ev['cite'])}")
    else:
        L.append("No dated events were coded for this story.")
    L += ["", "## Key quotes", ""]
    if b["quotes"]:
        for q in b["quotes"]:
            L.append(f"- **{md_escape(q['speaker'])}**: {md_escape(q['text'])} {_fn(b, q['cite'])}")
    else:
        L.append("No attributed direct quotes were found.")
    L += ["", "## Sources and claims", ""]
    L.append(f"{b['claims_total']} claims in {b['claim_groups']} groups; {b['shared_claims']} carried by two or more "
             "sources.")
    if b["claims"]:
        L.append("")
        for c in b["claims"]:
            L.append(f"- **{c['id']}** ({_n(c['sources'], 'source')}): {md_escape(c['text'])} {_fn(b, c['cite'])}")
        L += ["", "| source | " + " | ".join(c["id"] for c in b["claims"]) + " |",
              "|---|" + "---|" * len(b["claims"])]
        for source, row in sorted(b["matrix"].items()):
            cells = [_state_symbol(row[c["id"]]) for c in b["claims"]]
            L.append(f"| {md_escape(source)} | " + " | ".join(cells) + " |")
    L += ["", "## Disputed", ""]
    if b["disputed"]:
        for d in b["disputed"]:
            level = "high" if d["high"] else "medium"
            L.append(f"- {d['kind']} ({level} confidence, {d['confidence']:.2f}): {md_escape(d['a']['source'])} "
                     f"has \"{md_escape(d['a']['value'])}\" {_fn(b, d['a_cite'])}; {md_escape(d['b']['source'])} "
                     f"has \"{md_escape(d['b']['value'])}\" {_fn(b, d['b_cite'])}")
    else:
        L.append("No contradictions between sources were found.")
    if b["omissions"]:
        L += ["", "## Left out by some sources", ""]
        for o in b["omissions"]:
            L.append(f"- {md_escape(o['text'])} {_fn(b, o['cite'])}: carried by {len(o['carried_by'])}, missing from "
                     + ", ".join(md_escape(s) for s in o["missing_from"]) + ".")
    L += [""]
    for c in b["citations"]:
        L.append(f"{_fn(b, c['n'])}: {md_escape(c['source'] or c['article'])}, article {md_escape(c['article'])}, "
                 f"characters {c['span'][0]}-{c['span'][1]}: \"{md_escape(c['text'])}\"")
    return "\n".join(L)


# --- HTML --------------------------------------------------------------------------------------------------

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:0 1rem;color:#1b1b1b;
background:#fff}main{max-width:46rem;margin:0 auto;padding:1rem 0 3rem}h1{font-size:1.5rem;line-height:1.25}
h2{font-size:1.15rem;margin-top:1.75rem;border-bottom:1px solid #ddd}h3{font-size:1rem}
.meta{color:#555;font-size:.9rem}sup a{text-decoration:none}ul{padding-left:1.2rem}li{margin:.35rem 0}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ccc;padding:.25rem .4rem;
text-align:left;vertical-align:top}td.stated{background:#e8f5e9}td.contradicted{background:#ffebee;font-weight:600}
td.omitted{background:#fff8e1}.high{color:#b71c1c;font-weight:600}blockquote{margin:.3rem 0;padding-left:.7rem;
border-left:3px solid #ccc}.source{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.9rem;background:#fafafa;
border:1px solid #eee;padding:.6rem}mark{background:#fff59d}mark:target,a:target+mark{background:#ffab40}
ol.cites{font-size:.85rem;padding-left:1.5rem}@media (max-width:30rem){body{font-size:15px;padding:0 .6rem}}
"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def render_html(briefs: list[dict], texts: dict[str, str]) -> str:
    """One self-contained HTML page for the briefs; ``texts`` maps article id -> input text."""
    body = [_html_story(b, i, texts) for i, b in enumerate(briefs)] or ["<p>No stories match.</p>"]
    title = briefs[0]["headline"]["text"] if len(briefs) == 1 else f"Briefing: {len(briefs)} stories"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>\n"
            + "\n<hr>\n".join(body) + "\n</main></body></html>\n")


def _html_story(b: dict, k: int, texts: dict[str, str]) -> str:
    ref = lambda n: f"<sup><a href=\"#s{k}-c{n}\">[{n}]</a></sup>"  # noqa: E731 - local citation link
    H = [f"<article id=\"s{k}\"><h1>{_e(b['headline']['text'] or b['story'])}</h1>"]
    dates = b["first_seen"] if b["first_seen"] == b["last_seen"] else f"{b['first_seen']} to {b['last_seen']}"
    H.append(f"<p class=\"meta\">Story {_e(b['story'])} (topic {_e(b['topic'])}): {_n(len(b['articles']), 'article')} "
             f"from {_n(b['sources'], 'source')}, <strong>{b['independent_sources']} independent</strong>; "
             f"published {_e(dates)}.</p>")
    H.append("<h2>What happened</h2>")
    if b["timeline"]:
        H.append("<ul>" + "".join(
            f"<li><strong>{_e(ev['date'] or 'undated')}</strong>{' (' + _e(ev['label']) + ')' if ev.get('label') else ''}: "
            f"{_e(ev['text'])} {ref(ev['cite'])}</li>" for ev in b["timeline"]) + "</ul>")
    else:
        H.append("<p>No dated events were coded for this story.</p>")
    H.append("<h2>Key quotes</h2>")
    if b["quotes"]:
        H.append("<ul>" + "".join(f"<li><strong>{_e(q['speaker'])}</strong><blockquote>{_e(q['text'])} "
                                  f"{ref(q['cite'])}</blockquote></li>" for q in b["quotes"]) + "</ul>")
    else:
        H.append("<p>No attributed direct quotes were found.</p>")
    H.append("<h2>Sources and claims</h2>")
    H.append(f"<p>{b['claims_total']} claims in {b['claim_groups']} groups; {b['shared_claims']} carried by two or "
             "more sources.</p>")
    if b["claims"]:
        H.append("<ul>" + "".join(f"<li><strong>{_e(c['id'])}</strong> ({_n(c['sources'], 'source')}): {_e(c['text'])} "
                                  f"{ref(c['cite'])}</li>" for c in b["claims"]) + "</ul>")
        head = "".join(f"<th scope=\"col\">{_e(c['id'])}</th>" for c in b["claims"])
        rows = []
        for source, row in sorted(b["matrix"].items()):
            cells = []
            for c in b["claims"]:
                cell = row[c["id"]]
                label = _e(_state_symbol(cell))
                inner = f"<a href=\"#s{k}-c{cell['cite']}\">{label}</a>" if cell.get("cite") else label
                cells.append(f"<td class=\"{cell['state']}\">{inner}</td>")
            rows.append(f"<tr><th scope=\"row\">{_e(source)}</th>{''.join(cells)}</tr>")
        H.append(f"<div class=\"scroll\"><table><thead><tr><th>source</th>{head}</tr></thead><tbody>"
                 + "".join(rows) + "</tbody></table></div>")
    H.append("<h2>Disputed</h2>")
    if b["disputed"]:
        items = []
        for d in b["disputed"]:
            cls = " class=\"high\"" if d["high"] else ""
            items.append(f"<li><span{cls}>{_e(d['kind'])} ({'high' if d['high'] else 'medium'} confidence, "
                         f"{d['confidence']:.2f})</span>: {_e(d['a']['source'])} has “{_e(d['a']['value'])}” "
                         f"{ref(d['a_cite'])}; {_e(d['b']['source'])} has “{_e(d['b']['value'])}” {ref(d['b_cite'])}</li>")
        H.append("<ul>" + "".join(items) + "</ul>")
    else:
        H.append("<p>No contradictions between sources were found.</p>")
    if b["omissions"]:
        H.append("<h2>Left out by some sources</h2><ul>" + "".join(
            f"<li>{_e(o['text'])} {ref(o['cite'])}: carried by {len(o['carried_by'])}, missing from "
            f"{_e(', '.join(o['missing_from']))}.</li>" for o in b["omissions"]) + "</ul>")
    H.append("<h2>Citations</h2><ol class=\"cites\">" + "".join(
        f"<li><a href=\"#s{k}-c{c['n']}\">{_e(c['source'] or c['article'])}, {_e(c['article'])}, characters "
        f"{c['span'][0]}-{c['span'][1]}</a></li>" for c in b["citations"]) + "</ol>")
    H.append("<h2>Source texts</h2>")
    by_article: dict[str, list[dict]] = {}
    for c in b["citations"]:
        by_article.setdefault(c["article"], []).append(c)
    for j, a in enumerate(b["articles"]):
        H.append(f"<section id=\"s{k}-a{j}\"><h3>{_e(a['title'] or a['id'])}</h3><p class=\"meta\">"
                 f"{_e(a['source'])}, {_e(a['published'] or 'undated')}, article {_e(a['id'])}"
                 f"{', copy of ' + _e(a['copy_of']) if a['copy_of'] else ''}</p>"
                 f"<div class=\"source\">{_highlight(texts.get(a['id'], ''), by_article.get(a['id'], []), k)}</div>"
                 "</section>")
    H.append("</article>")
    return "\n".join(H)


def _highlight(text: str, cites: list[dict], k: int) -> str:
    """``text`` escaped, cited spans in ``<mark>``, an anchor ``s{k}-c{n}`` at each citation's start."""
    starts: dict[int, list[int]] = {}
    bounds = {0, len(text)}
    for c in cites:
        s, e = c["span"]
        starts.setdefault(s, []).append(c["n"])
        bounds.update((s, e))
    points = sorted(p for p in bounds if 0 <= p <= len(text))
    out = []
    for p, q in zip(points, points[1:]):
        for n in sorted(starts.get(p, [])):
            out.append(f"<a id=\"s{k}-c{n}\"></a>")
        piece = _e(text[p:q])
        covered = any(c["span"][0] <= p < c["span"][1] for c in cites)
        out.append(f"<mark>{piece}</mark>" if covered else piece)
    return "".join(out)
