"""The array/cached accessors in storyline.nlp.doctext return what spaCy's own attributes return."""
from __future__ import annotations

import pytest

from storyline.nlp.doctext import doc_text, span_text, text_or_none, token_strings
from storyline.nlp.model import parse

TEXT = ("The harbour master of Quillhaven, Ilse Varnbrook, said on Tuesday that the ferries \"would run "
        "again soon\".  Nobody believed her.\n\nLater, the council met; it had voted twice.  ")


@pytest.fixture(scope="module")
def doc():
    return parse(TEXT)


def test_doc_text_is_the_text_and_cached(doc):
    assert doc_text(doc) == doc.text == TEXT
    assert doc_text(doc) is doc_text(doc)
    assert text_or_none(doc) == TEXT and text_or_none(object()) is None


def test_span_text_matches_span_text(doc):
    spans = list(doc.sents) + list(doc.ents) + [doc[2:9], doc[len(doc) - 3:]]
    assert [span_text(doc, s) for s in spans] == [s.text for s in spans]


@pytest.mark.parametrize("name", ["pos_", "tag_", "lemma_", "lower_"])
def test_token_strings_match_token_attributes(doc, name):
    assert token_strings(doc, name) == [getattr(t, name) for t in doc]
    assert token_strings(parse(""), name) == []
