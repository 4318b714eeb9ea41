"""Publication date of a page or a plain-text article.

``find_published`` combines several signals, most trusted first:

1. ``html:jsonld``  – schema.org ``datePublished`` (or ``dateCreated``) of the page's article object;
2. ``html:meta``    – publisher meta tags (``article:published_time``, Parse.ly, Sailthru, Dublin Core,
   ``itemprop="datePublished"``, ``<time pubdate>``...), then ``html:time``, a ``<time datetime>``
   in the block around the headline;
3. ``url``          – a date in the address (``/2020/05/03/``, ``20200503``);
4. ``html:htmldate``– htmldate's heuristic search (``original_date=True``), checked against the rest;
5. ``text``         – a dateline or "Published 3 May 2024" line near the top of the visible text.

Everything is approximate: the day is the publisher's *local* day as written in the markup (a
timestamp just after midnight in one zone may be the previous day elsewhere), and a page that only
shows a copyright year gets no date rather than a guessed 1 January.  Garbage input never raises:
the result is then ``(None, None)``.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator

# Dates outside this window are rejected as noise (template years, typos, epoch zero).
MIN_YEAR = 1995

# Meta names/properties that carry the *original* publication time (lower-cased).  Modification
# keys are deliberately absent: we want the first publication, not the last edit.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "datepublished",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "cxenseparse:recs:publishtime",
    "date.available",
)
_META_RANK = {k: i for i, k in enumerate(PUBLISHED_META)}

ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                 "opinionnewsarticle", "backgroundnewsarticle", "webpage", "liveblogposting", "report",
                 "scholarlyarticle", "socialmediaposting", "videoobject")

# ---------------------------------------------------------------------------- value parsing

_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DMY = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r",?\s+((?:19|20)\d\d)(?!\d)", re.I)
_MDY = re.compile(_MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?!\d)", re.I)
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return None
    return day if day.year >= MIN_YEAR else None


def parse_date_value(value: object) -> dt.date | None:
    """A calendar day from a markup value: ISO (any time/zone suffix), ``YYYYMMDD``, ``3 May 2024``,
    ``May 3, 2024``, ``Tue, Sep 15 2020 10:01 EDT`` or a Unix epoch.  None when nothing day-precise."""
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(int(value))
        else:
            return None
    s = value.strip()[:200]
    if not s:
        return None
    if _EPOCH.match(s):
        try:
            return dt.datetime.fromtimestamp(int(s[:10]), tz=dt.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            return None
    m = _ISO.search(s)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    return parse_written_date(s) or _compact(s)


def _compact(s: str) -> dt.date | None:
    m = _COMPACT.search(s)
    return _make(int(m[1]), int(m[2]), int(m[3])) if m else None


def parse_written_date(s: str) -> dt.date | None:
    """First English written-out date in ``s`` ("3 May 2024", "May 3rd, 2024")."""
    best: tuple[int, dt.date] | None = None
    for rx, order in ((_DMY, "dmy"), (_MDY, "mdy")):
        m = rx.search(s)
        if not m:
            continue
        if order == "dmy":
            day, mon, year = int(m[1]), _MONTHS[m[2][:3].lower()], int(m[3])
        else:
            mon, day, year = _MONTHS[m[1][:3].lower()], int(m[2]), int(m[3])
        d = _make(year, mon, day)
        if d and (best is None or m.start() < best[0]):
            best = (m.start(), d)
    return best[1] if best else None


# ---------------------------------------------------------------------------- html signals


def _parse_html(html: str):
    """lxml tree, or None for input lxml cannot make sense of."""
    try:
        import lxml.html

        if not html or not html.strip():
            return None
        # lxml refuses str input with an encoding declaration; bytes let it sniff instead.
        return lxml.html.fromstring(html.encode("utf-8", "replace"))
    except Exception:  # lxml raises several unrelated types on garbage; none is worth a crash
        return None


def _walk_jsonld(node: object, depth: int = 0) -> Iterator[dict]:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in node:
                yield from _walk_jsonld(node[key], depth + 1)


def _types(obj: dict) -> set[str]:
    t = obj.get("@type", "")
    return {str(x).lower() for x in (t if isinstance(t, list) else [t])}


def jsonld_dates(tree) -> list[dt.date]:
    """``datePublished`` of JSON-LD objects, article-like objects first, in document order."""
    ranked: list[tuple[int, int, dt.date]] = []
    n = 0
    for script in tree.xpath('//script[contains(translate(@type,"JSON","json"),"ld+json")]'):
        try:
            data = json.loads(script.text_content() or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _walk_jsonld(data):
            value = obj.get("datePublished") or obj.get("dateCreated")
            day = parse_date_value(value)
            if day:
                article_like = bool(_types(obj) & set(ARTICLE_TYPES))
                ranked.append((0 if article_like else 1, n, day))
                n += 1
    return [d for _, _, d in sorted(ranked)]


def meta_dates(tree) -> list[dt.date]:
    """Publication dates from meta tags and ``itemprop``/``pubdate`` markup, best-known keys first."""
    found: list[tuple[int, dt.date]] = []
    for el in tree.xpath("//meta[@content]"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "")
        rank = _META_RANK.get(key.strip().lower())
        if rank is not None:
            day = parse_date_value(el.get("content"))
            if day:
                found.append((rank, day))
    tail = len(PUBLISHED_META)
    for el in tree.xpath('//*[@itemprop="datePublished" or @itemprop="dateCreated"][not(self::meta)]'):
        day = parse_date_value(el.get("datetime") or el.get("content") or el.text_content())
        if day:
            found.append((tail, day))
    for el in tree.xpath("//time[@pubdate or contains(@class,'publish') or contains(@class,'pubdate')]"):
        day = parse_date_value(el.get("datetime") or el.text_content())
        if day:
            found.append((tail + 1, day))
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def headline_time_dates(tree) -> list[dt.date]:
    """``<time datetime>`` elements in the block around the first ``<h1>``: the byline of the
    article, as opposed to time stamps of teasers in sidebars and feeds elsewhere on the page."""
    headlines = tree.xpath("//h1")
    if not headlines:
        return []
    block = headlines[0]
    for _ in range(3):  # h1 -> header -> article is the usual depth of a byline block
        parent = block.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        block = parent
    days = [parse_date_value(el.get("datetime")) for el in block.iter("time")]
    return [d for d in days if d][:1]


_URL_YMD = re.compile(r"(?<!\d)((?:19|20)\d\d)[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?!\d)")
_URL_COMPACT = re.compile(r"(?<![\d])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])")


def url_date(url: str | None) -> dt.date | None:
    """A day written in a URL path: ``/2020/05/03/``, ``2020-05-03``, ``20200503``."""
    if not url or not isinstance(url, str):
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.strip(), flags=re.I)
    path = path.split("?", 1)[0].split("#", 1)[0]
    m = _URL_YMD.search(path)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = _URL_COMPACT.search(path)
    # a bare 8-digit run inside a longer number is an id, not a date (the lookarounds check that)
    return _make(int(m[1]), int(m[2]), int(m[3])) if m else None


def htmldate_date(html: str, url: str | None) -> dt.date | None:
    """htmldate's pick (original date, extensive search), or None when htmldate fails."""
    try:
        from htmldate import find_date

        value = find_date(html, url=url, original_date=True, extensive_search=True,
                          outputformat="%Y-%m-%d")
    except Exception:  # htmldate may raise on odd markup; its answer is only a fallback anyway
        return None
    return parse_date_value(value)


_COPYRIGHT_LINE = re.compile(r"©|&copy;|\(c\)|\bcopyright\b|all rights reserved", re.I)


def _day_written_in(html: str, day: dt.date) -> bool:
    """Whether the page spells out this exact day somewhere (ISO or compact form)."""
    iso = day.isoformat()
    return iso in html or iso.replace("-", "/") in html or iso.replace("-", "") in html


def plausible_htmldate(day: dt.date | None, html: str) -> bool:
    """Reject htmldate answers that are a year in disguise: htmldate turns a bare year (often the
    copyright line, or noise in scripts) into 1 January; keep that only if the page writes the day."""
    if day is None:
        return False
    return (day.month, day.day) != (1, 1) or _day_written_in(html, day)


def _visible_text(tree) -> str:
    try:
        for bad in tree.xpath("//script|//style|//noscript|//footer"):
            bad.drop_tree()
        return tree.text_content()
    except Exception:
        return ""


# ---------------------------------------------------------------------------- plain text

_TEXT_CUE = re.compile(r"\b(?:published|posted|updated|first published|date|dated|last modified)\b", re.I)
_UPDATED = re.compile(r"\b(?:updated|last modified|modified)\b", re.I)
TEXT_HEAD_LINES = 25  # a dateline sits near the top; deeper dates are usually about events
BARE_LINE_WORDS = 8  # longer lines with a date and no cue are headlines or sentences, not datelines


def text_date(text: str | None) -> dt.date | None:
    """A dateline in the first lines of plain text: a cue line ("Published 3 May 2024") wins over a
    bare date line; "Updated" lines count only when nothing else is found."""
    if not text or not isinstance(text, str):
        return None
    cued: list[dt.date] = []
    updated: list[dt.date] = []
    bare: list[dt.date] = []
    for line in text.splitlines()[:TEXT_HEAD_LINES]:
        line = line.strip()
        if not line or len(line) > 200:
            continue
        day = parse_written_date(line) or (parse_date_value(line) if _ISO.search(line) else None)
        if not day:
            continue
        if _COPYRIGHT_LINE.search(line):
            continue
        if _UPDATED.search(line) and not re.search(r"\b(?:published|posted)\b", line, re.I):
            updated.append(day)
        elif _TEXT_CUE.search(line):
            cued.append(day)
        elif len(line.split()) <= BARE_LINE_WORDS:
            bare.append(day)  # a short line that is little more than the date: a dateline
    for group in (cued, bare, updated):
        if group:
            return group[0]
    return None


# ---------------------------------------------------------------------------- combination


def _choose_structured(signals: Iterable[tuple[list[dt.date], str]], from_url: dt.date | None
                       ) -> tuple[dt.date | None, str | None]:
    """First structured date, unless the URL date contradicts it by more than a day (the address
    is fixed at first publication while markup dates are sometimes rewritten on edit).  Within one
    signal an earlier date up to two days before the first is preferred: original over updated."""
    for days, label in signals:
        if not days:
            continue
        day = min(days[:1] + [d for d in days if d < days[0] and (days[0] - d).days <= 2])
        if from_url and abs((day - from_url).days) > 1:
            return from_url, "url"
        return day, label
    return None, None


def find_published(html: str | None = None, url: str | None = None, text: str | None = None
                   ) -> tuple[str | None, str | None]:
    """``(YYYY-MM-DD, source)`` for a page or text, or ``(None, None)``.

    ``source`` is one of ``html:jsonld``, ``html:meta``, ``html:time`` (a ``<time>`` by the
    headline), ``url``, ``html:htmldate``, ``html:text``
    (a dateline in the page's visible text) or ``text`` (a dateline in plain text).
    """
    today = dt.date.today() + dt.timedelta(days=1)  # pages stamped in a zone ahead of ours
    from_url = url_date(url)
    if from_url and from_url > today:
        from_url = None
    tree = _parse_html(html) if isinstance(html, str) else None
    if tree is not None:
        try:
            jsonld = [d for d in jsonld_dates(tree) if d <= today]
            meta = [d for d in meta_dates(tree) if d <= today]
            near_h1 = [d for d in headline_time_dates(tree) if d <= today]
        except Exception:  # malformed trees can break xpath in surprising ways
            jsonld, meta, near_h1 = [], [], []
        day, label = _choose_structured(((jsonld, "html:jsonld"), (meta, "html:meta"), (near_h1, "html:time")),
                                        from_url)
        if day:
            return day.isoformat(), label
    if from_url:
        return from_url.isoformat(), "url"
    if isinstance(html, str) and html.strip():
        guess = htmldate_date(html, url)
        if guess and guess <= today and plausible_htmldate(guess, html):
            return guess.isoformat(), "html:htmldate"
        if tree is not None:
            day = text_date(_visible_text(tree))
            if day and day <= today:
                return day.isoformat(), "html:text"
    day = text_date(text)
    if day and day <= today:
        return day.isoformat(), "text"
    return None, None
