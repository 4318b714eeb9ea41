"""Quotes and speakers on short synthetic paragraphs (all names and events are invented)."""
from __future__ import annotations

import pytest

from storyline.nlp.model import parse
from storyline.nlp.quotes import extract_quotes
from storyline.records import Mention, Quote


def quotes_of(text: str, mentions: list[Mention] | None = None) -> list[Quote]:
    qs = extract_quotes(parse(text), mentions)
    for q in qs:  # every record is consistent with the text it came from
        assert text[q.start:q.end] == q.text
        if q.speaker_span:
            assert 0 <= q.speaker_span[0] < q.speaker_span[1] <= len(text)
    return qs


def direct(qs: list[Quote]) -> list[Quote]:
    return [q for q in qs if q.direct]


def one_direct(text: str, opening: str) -> Quote:
    found = [q for q in direct(quotes_of(text)) if q.text.lstrip("\"“„«‘'").startswith(opening)]
    assert len(found) == 1, [q.text for q in direct(quotes_of(text))]
    return found[0]


@pytest.mark.parametrize("open_, close",
                         [('"', '"'), ("“", "”"), ("«", "»"), ("„", "“"), ("‘", "’"), ("''", "''")])
def test_every_quote_style_with_speaker_after(open_, close):
    text = (f"Harbour officials met on Monday.\n\n{open_}The new pier will open in the spring, and the ferries "
            f"will run every hour,{close} Mayor Elena Varga told reporters.")
    q = one_direct(text, "The new pier")
    assert q.text.startswith(open_) and q.text.endswith(close)
    assert q.speaker == "Elena Varga"


def test_single_quotes_are_not_confused_with_apostrophes():
    text = ("The council’s plan isn’t finished. Mayor Elena Varga said the farmers’ market would stay.\n\n"
            "‘We won’t move the market before the harvest is over,’ she said.")
    qs = direct(quotes_of(text))
    assert [q.text for q in qs] == ["‘We won’t move the market before the harvest is over,’"]
    assert qs[0].speaker == "Elena Varga"


def test_nested_single_quotes_stay_inside_the_double_quote():
    text = ('"When the engineer wrote \'the bridge is safe\' in his report, we believed him," '
            "said Tomas Brandt, the council leader.")
    qs = direct(quotes_of(text))
    assert len(qs) == 1
    assert "'the bridge is safe'" in qs[0].text
    assert qs[0].speaker == "Tomas Brandt"


def test_interrupted_quote_is_one_item_with_pronoun_resolved():
    text = ("Tomas Brandt spoke after the vote.\n\n"
            '"We have waited ten years for this road," he said, "and we will not wait another ten."')
    qs = direct(quotes_of(text))
    assert len(qs) == 1
    assert qs[0].text.startswith('"We have waited') and qs[0].text.endswith('another ten."')
    assert qs[0].speaker == "Tomas Brandt"
    assert text[slice(*qs[0].speaker_span)] == "he"


def test_multi_paragraph_quote_continues():
    text = ("Maria Collins described the flood at length.\n\n"
            '"The water came up the stairs in minutes. We carried the children to the roof.\n\n'
            '"By morning the whole street was a river," Collins said.\n\nThe rain stopped on Friday.')
    qs = direct(quotes_of(text))
    assert len(qs) == 1
    assert "\n\n" in qs[0].text and qs[0].text.endswith('a river,"')
    assert qs[0].speaker == "Maria Collins"


def test_unbalanced_mark_damage_stays_in_its_paragraph():
    text = ('The report called the 6" pipes a problem and moved on.\n\n'
            '"Nobody checked the valves for a year," Nadia Osei said.')
    q = one_direct(text, "Nobody checked")
    assert q.text == '"Nobody checked the valves for a year,"'
    assert q.speaker == "Nadia Osei"


def test_quote_standing_alone_takes_the_speaker_of_the_previous_paragraph():
    text = ("Transport Minister Anna Berg said the bridge must be rebuilt.\n\n"
            '"It is quite clear that we cannot repair it again. We will build a new one."')
    q = one_direct(text, "It is quite clear")
    assert q.speaker == "Anna Berg"


def test_quote_after_an_introducing_sentence_without_cue():
    text = ("Among the critics was the harbour master, Pavel Novak.\n\n"
            '"The ferries are too old and the crews are too few to keep this timetable."')
    assert one_direct(text, "The ferries").speaker == "Pavel Novak"


def test_unnamed_speaker_is_a_description_not_a_name():
    text = ("Anna Berg visited the site on Tuesday.\n\n"
            '"The works will take two more years," a ministry spokesman said.')
    q = one_direct(text, "The works")
    assert q.speaker is not None and q.speaker.endswith("spokesman")
    assert "Berg" not in q.speaker


def test_spokesman_for_a_named_person():
    text = '"The talks were useful," said a spokesman for Prime Minister Anna Berg.'
    q = one_direct(text, "The talks")
    assert q.speaker.endswith("spokesman") and "Anna Berg" in q.speaker


def test_colon_introduced_quote():
    text = 'Nadia Osei wrote on her website: "The river is rising again and the dams are full."'
    assert one_direct(text, "The river").speaker == "Nadia Osei"


def test_reported_speech_that_clause():
    text = "Mayor Elena Varga said that the new pier would open in the spring."
    qs = quotes_of(text)
    assert len(qs) == 1
    q = qs[0]
    assert not q.direct
    assert q.text == "that the new pier would open in the spring"
    assert q.speaker == "Elena Varga" and q.cue == "said"


def test_reported_speech_speaker_after_and_told_reporters():
    text = ("The ferries will run every hour, Tomas Brandt told reporters. "
            "He added that the timetable would change in May.")
    qs = quotes_of(text)
    assert [(q.direct, q.speaker) for q in qs] == [(False, "Tomas Brandt"), (False, "Tomas Brandt")]
    assert qs[0].text == "The ferries will run every hour"
    assert qs[1].text == "that the timetable would change in May"


def test_according_to():
    text = "According to officials, the bridge will stay closed until June."
    qs = quotes_of(text)
    assert len(qs) == 1
    assert qs[0].text == "the bridge will stay closed until June"
    assert qs[0].speaker == "officials" and qs[0].cue == "according to"


def test_scare_quotes_belong_to_the_reported_clause():
    text = 'Nadia Osei said the plan was "reckless" and would fail.'
    qs = quotes_of(text)
    assert len(qs) == 1
    assert not qs[0].direct and '"reckless"' in qs[0].text
    assert qs[0].speaker == "Nadia Osei"


def test_scare_quotes_without_cue_are_not_quotes():
    text = 'The so-called "smart" benches were installed in the park last year.'
    assert direct(quotes_of(text)) == []


def test_resolver_mentions_give_the_canonical_name():
    text = '"We will appeal," Brandt said.'
    start = text.index("Brandt")
    mention = Mention(start, start + 6, "Brandt", "Tomas Brandt", "PERSON")
    assert direct(quotes_of(text, [mention]))[0].speaker == "Tomas Brandt"


def test_different_speakers_in_one_paragraph_stay_apart():
    text = ('"The vote is final," Anna Berg said. "We disagree completely," Tomas Brandt replied.')
    qs = direct(quotes_of(text))
    assert [q.speaker for q in qs] == ["Anna Berg", "Tomas Brandt"]


@pytest.mark.parametrize("text", ["", "   \n\n ", '"', "“", '"""', "‘’", "«» „“"])
def test_degenerate_input_does_not_crash(text):
    assert isinstance(quotes_of(text), list)


def test_not_a_doc_is_a_named_error():
    from storyline.errors import InputError

    with pytest.raises(InputError, match="spaCy Doc"):
        extract_quotes("plain text is not a parsed document")
