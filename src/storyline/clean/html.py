"""Main text and title of an HTML page, with trafilatura plus a light chrome post-filter.

Pipeline (figures in docs/clean.md):

1. trafilatura with ``favor_precision=True`` and no comments: on news pages it keeps less page chrome than
   the defaults.
2. When that text is short (``SHORT_TEXT_CHARS``), precision mode may have cut real paragraphs, so
   trafilatura also runs with its defaults and the longer text wins when the precise one holds less than
   ``PRECISION_MIN_SHARE`` of it.
3. Leftover chrome lines with interface vocabulary ("Read more: ...", "Sign up for our newsletter ...",
   link lists after a "Related" heading, a footer after the last paragraph) are dropped with the same rules
   as plain-text cleaning (:mod:`storyline.clean.text`), but only those backed by vocabulary: trafilatura
   output legitimately holds one-word subheads, tables and short lines that the plain-text shape rules
   would drop.
4. A first line that repeats the title is dropped.

For HTML the cleaner's "input text" is this extracted text itself, so ``offsets`` is the identity.
"""
from __future__ import annotations

import logging
from typing import Any

from storyline.clean import text as textrules
from storyline.clean.base import CleanResult
from storyline.errors import InputError
from storyline.offsets import OffsetMap

INPUT_NAME = "<html>"  # the caller re-raises with the real file name
MAX_HTML_CHARS = 8_000_000  # larger pages are cut: trafilatura's tree work grows with page size
SHORT_TEXT_CHARS = 2_000  # below this, precision mode may have lost paragraphs: compare with defaults
PRECISION_MIN_SHARE = 0.6  # precise text shorter than this share of the default text: take the default

# trafilatura logs every unparsable page at ERROR/WARNING level; the caller records failures itself.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "td")


def is_fragment(html: str | bytes) -> bool:
    """Markup without <html>/<body>: an article body (feed item, JSONL record), not a whole page."""
    head = (html[:2000].decode("utf-8", "replace") if isinstance(html, bytes) else html[:2000]).lower()
    return "<html" not in head and "<body" not in head and "<!doctype" not in head


def fragment_text(html: str | bytes) -> str:
    """All visible text of an HTML fragment, one block element per paragraph (scripts/styles dropped)."""
    import lxml.html

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # noqa: BLE001 — unparseable fragment: no text rather than a crash
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    blocks = [" ".join(el.text_content().split()) for el in root.iter(*_BLOCKS)
              if not any(anc.tag in _BLOCKS for anc in el.iterancestors())]
    blocks = [b for b in blocks if b]
    return "\n\n".join(blocks) if blocks else " ".join(root.text_content().split())


def _parse(html: str | bytes) -> Any:
    """lxml tree of the page (trafilatura's loader: charset detection, repairs); ``None`` if unusable.

    trafilatura is imported lazily: the import takes about a second.
    """
    from trafilatura import load_html

    return load_html(html)


def _extract(tree: Any, url: str | None, *, precise: bool) -> str:
    """Main text of one trafilatura run (it prunes ``tree`` in place: pass a fresh tree each time)."""
    from trafilatura import bare_extraction

    doc = bare_extraction(tree, url=url, favor_precision=precise, include_comments=False)
    return (getattr(doc, "text", None) or "").strip() if doc is not None else ""


def _title_and_site(tree: Any) -> tuple[str | None, str | None]:
    """Headline and site name from OpenGraph tags, else trafilatura's title heuristics (h1, <title>).

    Cheaper than trafilatura's full metadata pass, which also runs a date search (about 40% of the time);
    dates are the publication-date module's job.
    """
    from trafilatura.metadata import extract_opengraph, extract_sitename, extract_title

    graph = extract_opengraph(tree) or {}
    title = graph.get("title") or extract_title(tree)
    site = graph.get("sitename") or extract_sitename(tree)
    return (title or "").strip() or None, (site or "").strip() or None


def _ui_chrome(line: str) -> bool:
    """Chrome backed by interface vocabulary (not by shape alone)."""
    if textrules.is_related_label(line):
        return True
    strong, weak = textrules.ui_hits(line)
    return textrules.ui_says_chrome(strong, weak, textrules.word_count(line), textrules.is_sentence_like(line))


def strip_leftover_chrome(text: str, title: str | None = None) -> str:
    """Drop vocabulary-backed chrome lines, link lists, a chrome footer and a repeated title."""
    lines = textrules.split_lines(text)
    for line in lines:
        line.chrome = _ui_chrome(line.text)
        line.strong = textrules.is_strong(line)
    textrules.drop_link_lists(lines, 0, len(lines))
    strong = [i for i, ln in enumerate(lines) if ln.strong]
    if strong:
        textrules.drop_tail_chrome(lines, strong[-1])
    if title and lines and lines[0].text.strip().casefold() == title.strip().casefold():
        lines[0].chrome = True
    return textrules.build_text(text, lines)[0]


def clean_html(html: str | bytes, url: str | None = None) -> CleanResult:
    """Main text and title of an HTML page.

    Raises :class:`InputError` (input ``"<html>"``; the caller substitutes the file name) for empty input,
    pages trafilatura cannot parse and pages without main text.  ``published`` stays ``None``: the
    publication-date module (clean/published.py) owns dates.
    """
    # Bytes go to trafilatura as they are: it detects the charset (meta tags, then statistics).
    if not isinstance(html, (str, bytes)):
        raise InputError(INPUT_NAME, f"expected HTML text, got {type(html).__name__}")
    if not html.strip():
        raise InputError(INPUT_NAME, "empty HTML document")
    notes: list[str] = []
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
        notes.append(f"HTML cut to its first {MAX_HTML_CHARS} characters before extraction")
    try:
        page = f"<html><body>{html}</body></html>" if is_fragment(html) and isinstance(html, str) else html
        tree = _parse(page)
        if tree is None:
            raise InputError(INPUT_NAME, "not parseable as HTML (no document tree)")
        title, site = _title_and_site(tree)
        text = _extract(tree, url, precise=True)
        if len(text) < SHORT_TEXT_CHARS:
            fallback = _extract(_parse(page), url, precise=False)
            if len(text) < PRECISION_MIN_SHARE * len(fallback):
                text = fallback
                notes.append("precision extraction too short: used trafilatura defaults")
    except InputError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise InputError(INPUT_NAME, f"HTML too deeply nested or too large to parse ({type(exc).__name__})") from exc
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup; the caller records it
        raise InputError(INPUT_NAME, f"HTML could not be parsed: {type(exc).__name__}: {exc}") from exc
    text = strip_leftover_chrome(text, title)
    if is_fragment(html):
        # a feed item, JSONL record or API post: the markup *is* the article, with no page chrome
        # around it; trafilatura needs a page and drops short fragments, so keep all of their text
        whole = fragment_text(html)
        if len(text) < PRECISION_MIN_SHARE * len(whole):
            text = whole
            notes.append("HTML fragment: kept all of its text")
    if not text.strip():
        raise InputError(INPUT_NAME, "no main text found in HTML (the page may be empty, script-only or a "
                                     "login/consent wall)")
    return CleanResult(title=title, text=text, offsets=OffsetMap.identity(len(text)), outlet=site, notes=notes)
