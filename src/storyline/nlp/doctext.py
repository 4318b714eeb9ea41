"""``doc.text`` computed once per Doc.

spaCy rebuilds ``Doc.text`` from every token on each access (about a millisecond for a
700-token article), and the analysis components each need it several times.  A Doc's text never
changes (the retokenizer keeps it), so it is cached per Doc object; the cache holds weak
references and forgets a Doc when it is garbage-collected.
"""
from __future__ import annotations

import weakref

_TEXTS: "weakref.WeakKeyDictionary[object, str]" = weakref.WeakKeyDictionary()


def doc_text(doc) -> str:
    """``doc.text``, cached.  Raises AttributeError, as ``doc.text`` does, for non-Doc objects."""
    try:
        return _TEXTS[doc]
    except (KeyError, TypeError):  # TypeError: not weak-referenceable / unhashable (a test double)
        pass
    text = doc.text
    try:
        _TEXTS[doc] = text
    except TypeError:
        pass
    return text


def text_or_none(doc) -> str | None:
    """``doc.text`` (cached), or None for an object without a text (input validation)."""
    try:
        return doc_text(doc)
    except AttributeError:
        return None


def span_text(doc, span) -> str:
    """``span.text`` of a Span of ``doc`` without re-joining its tokens (same string: a Span's text
    runs from its first token's start to its last token's end)."""
    return doc_text(doc)[span.start_char:span.end_char]


def token_strings(doc, name: str) -> list[str]:
    """``[t.<name> for t in doc]`` for name in pos_, tag_, lemma_, lower_, read from one array
    instead of one Token object per token.  Not cached: annotations may still change."""
    from spacy.attrs import LEMMA, LOWER, POS, TAG
    from spacy.parts_of_speech import NAMES

    attr = {"pos_": POS, "tag_": TAG, "lemma_": LEMMA, "lower_": LOWER}[name]
    ids = doc.to_array([attr]).tolist() if len(doc) else []
    if name == "pos_":
        return [NAMES[i] for i in ids]
    strings = doc.vocab.strings
    seen: dict[int, str] = {}
    return [seen[i] if i in seen else seen.setdefault(i, strings[i]) for i in ids]
