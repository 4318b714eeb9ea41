from hypothesis import given, strategies as st

from storyline.offsets import OffsetMap, TextBuilder


def test_builder_maps_every_kept_character_back():
    source = "Title\nShare\nFirst paragraph.\nAdvert\nSecond paragraph."
    b = TextBuilder()
    b.keep(source, 12, 28)
    b.insert("\n\n")
    b.keep(source, 36, len(source))
    text, offsets = b.build()
    assert text == "First paragraph.\n\nSecond paragraph."
    for i, ch in enumerate(text):
        if ch != "\n":
            assert source[offsets.to_input(i)] == ch
    s, e = offsets.span_to_input(text.index("Second"), len(text))
    assert source[s:e] == "Second paragraph."


def test_roundtrip_list_and_identity():
    m = OffsetMap([(0, 5, 3), (5, 20, 4)])
    assert OffsetMap.from_list(m.to_list()).segments == m.segments
    assert OffsetMap.identity(10).span_to_input(2, 7) == (2, 7)
    assert m.to_clean(21) == 6 and m.span_to_clean(20, 24) == (5, 9)


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 8)), min_size=1, max_size=10))
def test_span_mapping_returns_the_same_characters(pieces):
    source = "".join(chr(97 + i % 26) * 10 for i in range(40))
    b, pos = TextBuilder(), 0
    for gap, length in pieces:
        start = pos + gap
        b.keep(source, start, start + length)
        b.insert("|")
        pos = start + length + 1
    text, offsets = b.build()
    for i, ch in enumerate(text):
        if ch != "|":
            s, e = offsets.span_to_input(i, i + 1)
            assert source[s:e] == ch
