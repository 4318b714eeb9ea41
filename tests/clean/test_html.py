"""HTML cleaning on synthetic pages: main text and title out, navigation out, bad input never crashes."""
from __future__ import annotations

import pytest

from storyline.clean.html import clean_html, strip_leftover_chrome
from storyline.errors import InputError

PARAS = [
    "The fictional town of Eskerholm opened its first public sauna on the lake shore on Saturday, after "
    "volunteers spent two winters building it from reclaimed timber and donated stone.",
    "Organiser Brit Salomonsen said more than three hundred people visited on the opening day. \"We had "
    "to hand out numbered tickets by noon,\" she said, adding that the queue reached the old boathouse.",
    "The sauna will be open four evenings a week, and entry is free for residents under eighteen. A small "
    "fee for adults will pay for firewood and the lifeguard on winter weekends.",
]
TITLE = "Eskerholm opens lakeside sauna built by volunteers"


def page(extra_body: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{TITLE} | Lake Weekly</title>
<meta property="og:title" content="{TITLE}"></head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a>
</li></ul></nav><div class="cookie-banner">We use cookies. <button>Accept all</button></div></header>
<main><article><h1>{TITLE}</h1><div class="byline">By Jon Fjellstad</div>{paras}{extra_body}</article>
<aside class="related"><h3>Related articles</h3><ul><li><a href="/a">Ice fishing season starts early</a></li>
<li><a href="/b">New ferry for the lake islands</a></li></ul></aside></main>
<footer><p>Sign up for our newsletter</p><p>Follow us on Facebook and Instagram</p>
<p>&copy; 2031 Lake Weekly. All rights reserved.</p></footer></body></html>"""


def test_main_text_and_title():
    result = clean_html(page(), url="https://lake-weekly.example/news/sauna")
    assert result.title == TITLE
    for p in PARAS:
        assert p in result.text
    for chrome in ("Accept all", "Ice fishing season", "Sign up for our newsletter", "All rights reserved"):
        assert chrome not in result.text
    assert not result.text.startswith(TITLE)
    assert result.offsets.to_input(5) == 5  # identity: the extracted text is the cleaner's input
    assert result.offsets.segments == [(0, 0, len(result.text))]


def test_bytes_input_with_declared_charset():
    html = page().replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Eskerholm opened", "Eskerhølm opened")
    result = clean_html(html.encode("iso-8859-1"))
    assert "Eskerhølm opened" in result.text


def test_leftover_read_more_and_footer_dropped():
    text = "\n".join([PARAS[0], "Read more: Ice fishing season starts early", PARAS[1], PARAS[2],
                      "Sign up for our daily newsletter", "Lake Weekly on YouTube"])
    cleaned = strip_leftover_chrome(text, title=None)
    assert [ln for ln in cleaned.split("\n") if ln] == PARAS


def test_repeated_title_dropped_from_top():
    cleaned = strip_leftover_chrome(TITLE + "\n" + "\n".join(PARAS), title=TITLE)
    assert cleaned.startswith(PARAS[0])


@pytest.mark.parametrize("html", ["", "   \n ", b"", "<html><head></head><body></body></html>",
                                  "<html><body><script>var a = 1;</script></body></html>",
                                  "<div>" * 50_000 + "deep", bytes(range(256)) * 50])
def test_empty_or_useless_html_raises_input_error(html):
    with pytest.raises(InputError) as err:
        clean_html(html)
    assert err.value.input == "<html>"
    assert err.value.reason


def test_truncated_html_still_gives_text():
    html = page()
    cut = html[: html.index(PARAS[2][:40]) + 20]
    result = clean_html(cut)
    assert PARAS[0] in result.text


def test_wrong_type_raises_input_error():
    with pytest.raises(InputError):
        clean_html(12345)  # type: ignore[arg-type]


@pytest.mark.slow
def test_huge_html_is_cut_not_fatal():
    html = "<html><body>" + ("<p>" + "word " * 50 + "end.</p>") * 40_000 + "</body></html>"
    result = clean_html(html)
    assert result.text
    assert any("cut" in n for n in result.notes)


def test_single_paragraph_fragment_keeps_its_text():
    """Feed items and JSONL records carry the article body alone, often one short paragraph."""
    from storyline.clean.html import clean_html

    out = clean_html("<p>The old pier at Eastport reopened on Tuesday after a year of repairs.</p>")
    assert out.text == "The old pier at Eastport reopened on Tuesday after a year of repairs."
    two = clean_html("<p>Ferries resume.</p><script>alert(1)</script><p>Timetables are online.</p>")
    assert "alert" not in two.text and "Ferries resume." in two.text and "Timetables are online." in two.text
