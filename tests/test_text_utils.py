"""Small shared text helpers (fictional sample text)."""
from __future__ import annotations

import numpy as np

from storyline.text_utils import (
    content_hash,
    name_tokens,
    normalize,
    numbers,
    quoted_passages,
    sentence_spans,
    shingle_hashes,
    shingles,
    words,
)

TEXT = (
    'Mayor Ines Marr met Dr. J. Okafor at 9 a.m. on Monday. "We will rebuild the pier," she said. '
    "It will cost 4,200,000 crowns!\nA second paragraph starts here"
)


def test_sentence_spans_respect_abbreviations_initials_quotes_and_lines():
    got = [TEXT[s:e] for s, e in sentence_spans(TEXT)]
    assert got == [
        "Mayor Ines Marr met Dr. J. Okafor at 9 a.m. on Monday.",
        '"We will rebuild the pier," she said.',
        "It will cost 4,200,000 crowns!",
        "A second paragraph starts here",
    ]
    assert sentence_spans("") == [] and sentence_spans("  \n ") == []


def test_normalize_and_hash_ignore_case_punctuation_and_spacing():
    assert normalize("Hello,   WORLD!\n“Quoted”") == "hello world quoted"
    assert content_hash("A b. C") == content_hash("a  B C") != content_hash("a b d")


def test_shingles_and_hashes():
    assert shingles(words("one two three"), 5) == ["one two three"]
    assert shingles(words("a b c d e f"), 5) == ["a b c d e", "b c d e f"]
    hs = shingle_hashes("a b c d e f a b c d e")
    assert hs.dtype == np.uint32 and len(hs) == 6  # 7 shingles, "a b c d e" twice


def test_specifics():
    assert numbers(TEXT) >= {"9", "4200000"}
    assert quoted_passages(TEXT) == ["we will rebuild the pier"]
    names = name_tokens(TEXT)
    assert {"ines", "marr", "okafor"} <= names
    assert "we" not in names and "mayor" not in names  # sentence-initial words are not names
