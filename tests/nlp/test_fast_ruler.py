"""FastAttributeRuler must give exactly what spaCy's AttributeRuler gives (same matches, same
token attributes), on text written for this test."""
from __future__ import annotations

import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
from spacy.pipeline import AttributeRuler

from storyline.nlp.fast_ruler import FastAttributeRuler
from storyline.nlp.model import get_nlp

# Invented text: colloquial forms hit the ruler's multi-token and regex patterns ("gon na",
# "let 's", "ai n't", "y' all", "nothin'"), plus auxiliaries, pronoun cases, expletives,
# whitespace tokens and quotation marks.
TEXTS = [
    "Y'all gonna see it, let's go. It ain't over, and there is nothin' left to say.",
    "\"I told you,\" said Mayor Ilse Varnbrook of Quillhaven.  She did not answer them.\n\nThey have been "
    "here since Tuesday; the council has voted and will meet again, because it must.",
    "Whether the ferry runs depends on the tide.   That is that.\n \nWho said so? The  clerk, who "
    "was gonna leave, got ta stay. C'mon, y' all: we've done what we'd promised.",
    "The Glimmerford Rowing Club gets a new boat. Their coach got it cheaply; it's theirs now.",
]
ATTRS = [TAG, POS, MORPH, LEMMA, DEP, HEAD]


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def _parsed(nlp):
    """Docs parsed up to (not including) the attribute ruler."""
    return list(nlp.pipe(TEXTS, disable=["attribute_ruler", "lemmatizer", "ner"]))


def test_model_uses_fast_ruler(nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler"), FastAttributeRuler)


def test_same_matches_as_attribute_ruler(nlp):
    ruler = nlp.get_pipe("attribute_ruler")
    longer = 0
    for doc in _parsed(nlp):
        fast = ruler.match(doc)
        assert fast == AttributeRuler.match(ruler, doc)
        longer += sum(e - s > 1 for _, _, s, e in fast)
    assert longer >= 3  # the multi-token patterns were exercised


def test_same_token_attributes_through_the_pipeline(nlp):
    ruler = nlp.get_pipe("attribute_ruler")
    after = nlp.pipe_names[nlp.pipe_names.index("attribute_ruler") + 1:]
    for doc in _parsed(nlp):
        orig = doc.copy()
        ruler(doc)
        ruler.set_annotations(orig, AttributeRuler.match(ruler, orig))
        for name in after:
            doc, orig = nlp.get_pipe(name)(doc), nlp.get_pipe(name)(orig)
        assert (doc.to_array(ATTRS) == orig.to_array(ATTRS)).all()
        assert [t.pos_ for t in doc] == [t.pos_ for t in orig]
        assert [str(t.morph) for t in doc] == [str(t.morph) for t in orig]
        assert [t.lemma_ for t in doc] == [t.lemma_ for t in orig]
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in orig.ents]


def test_unsupported_patterns_fall_back_to_the_matcher(nlp):
    ruler = FastAttributeRuler(nlp.vocab)
    ruler.add([[{"LOWER": "very", "OP": "+"}, {"TAG": "JJ"}]], {"LEMMA": "intense"})
    doc = _parsed(nlp)[0]
    assert ruler.match(doc) == AttributeRuler.match(ruler, doc)
    assert ruler._tables is not None and not ruler._tables.supported


def test_patterns_added_later_are_used(nlp):
    ruler = FastAttributeRuler(nlp.vocab)
    ruler.add([[{"LOWER": {"REGEX": "^the$"}}]], {"LEMMA": "THE"})
    doc = _parsed(nlp)[2]
    assert ruler.match(doc) == AttributeRuler.match(ruler, doc) != []
    ruler.add([[{"TAG": "NN"}, {"IS_SPACE": False, "LOWER": {"NOT_IN": ["the"]}}]], {"POS": "X"}, index=1)
    assert ruler.match(doc) == AttributeRuler.match(ruler, doc)
    assert any(e - s == 2 for _, _, s, e in ruler.match(doc))
