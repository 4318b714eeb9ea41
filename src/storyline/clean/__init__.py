"""Clean stage: RawDoc → Article (main text, title, outlet, publication date, offset map).

Metadata supplied with the input (JSONL fields, feed fields, a ``--meta`` sidecar) wins over what
is extracted from the page: the user or the feed said it on purpose.
"""
from __future__ import annotations

from storyline.errors import InputError
from storyline.records import Article, RawDoc


def clean_document(doc: RawDoc) -> Article:
    """Clean one document.  Raises InputError naming the input when no article text is found."""
    from storyline.clean.html import clean_html
    from storyline.clean.published import find_published
    from storyline.clean.text import clean_text

    meta = dict(doc.meta)
    url = meta.get("url") or (doc.uri if doc.uri.startswith("http") else None)
    try:
        if doc.kind == "html" or (doc.html is not None and doc.text is None):
            # raw bytes let trafilatura detect the charset itself (better on legacy pages); only for
            # documents whose raw bytes *are* the page (files, WARC payloads), not JSONL lines or feed items
            page = doc.raw if doc.meta.get("encoding") else (doc.html or "")
            result = clean_html(page, url=url)
            html_date, html_source = find_published(html=doc.html, url=url)
        else:
            result = clean_text(doc.text or "")
            html_date, html_source = find_published(text=doc.text, url=url)
    except InputError as exc:
        raise InputError(doc.uri, exc.reason) from exc
    if not result.text.strip():
        raise InputError(doc.uri, "no article text found after removing page boilerplate")
    published, published_source = _pick_date(meta.get("published"), result, html_date, html_source)
    return Article(
        id=doc.id,
        content_hash=doc.raw_hash,
        source_uri=doc.uri,
        raw_hash=doc.raw_hash,
        kind=doc.kind,
        title=meta.get("title") or result.title,
        outlet=meta.get("outlet") or result.outlet,
        published=published,
        published_source=published_source,
        text=result.text,
        offsets=result.offsets,
        meta={k: v for k, v in meta.items() if k not in ("title", "outlet", "published")},
    )


def _pick_date(meta_date, result, found_date, found_source) -> tuple[str | None, str | None]:
    if meta_date:
        return str(meta_date)[:10], "meta"
    if found_date:
        return found_date, found_source
    if result.published:
        return result.published, result.published_source
    return None, None


__all__ = ["clean_document"]
