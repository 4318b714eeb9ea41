"""Claims: spans into the input text, reported vs own voice, alignment across articles, omissions."""
from __future__ import annotations

from storyline.corpus.claims import Claim, ClaimGroup, align_claims, article_claims, omissions
from storyline.offsets import TextBuilder
from storyline.records import Article, Quote

# A fictional town, fictional people.
NAV_LINE = "Home | World | Share this article\n"


def make_article(article_id: str, body: str, outlet: str | None = None, chrome: str = NAV_LINE) -> tuple[Article, str]:
    """An article whose input text has a chrome line the clean text leaves out (so offsets differ)."""
    source = chrome + body
    builder = TextBuilder()
    builder.keep(source, len(chrome), len(source))
    text, offsets = builder.build()
    return Article(article_id, article_id, article_id, article_id, "text", None, outlet, "2031-03-02", None,
                   text, offsets), source


def test_claim_spans_index_the_input_text():
    body = ("The ferry Marisol caught fire off Port Vellin on Sunday. Twelve passengers were hurt.\n\n"
            "\"We got everyone off in nine minutes,\" said captain Ines Barra. Ok.")
    article, source = make_article("a1", body, "Harbour Courier")
    claims = article_claims(article, source)
    assert [c.text for c in claims] == [
        "The ferry Marisol caught fire off Port Vellin on Sunday.",
        "Twelve passengers were hurt.",
        "\"We got everyone off in nine minutes,\" said captain Ines Barra.",
    ]  # "Ok." is too short to be a claim
    for c in claims:
        assert source[c.start:c.end] == c.text
        assert c.source == "Harbour Courier"
        assert c.start >= len(NAV_LINE)


def test_quotes_make_a_claim_reported_with_its_speaker():
    body = "Officials opened an inquiry into the fire. \"The alarms worked as designed,\" said Ines Barra."
    article, source = make_article("a1", body)
    start = source.index("\"The alarms")
    end = source.index(" said")
    claims = article_claims(article, source, [Quote(start, end, source[start:end], True, "Ines Barra")])
    assert [(c.voice, c.speaker) for c in claims] == [("own", None), ("reported", "Ines Barra")]
    assert claims[0].source == "a1"  # no outlet: the article id stands for the source


ARTICLES = {
    "courier": ("Harbour Courier",
                "Following a phone conversation lasting over two hours, the two harbour chiefs agreed to reopen the "
                "Vellin crossing.\n\nThe ferry Marisol caught fire off Port Vellin on Sunday morning.\n\n"
                "A choir from the hills will sing at the festival next week."),
    "wire": ("Coastline Wire",
             "The Marisol ferry caught fire near Port Vellin on Sunday.\n\n"
             "After the two-hour call, the harbour chiefs said the Vellin crossing would reopen.\n\n"
             "Local bakeries reported record sales of spiced bread this winter."),
    "post": ("Northgate Post",
             "Fire broke out on the ferry Marisol near Port Vellin on Sunday.\n\n"
             "The town's new library will open in the autumn."),
}


def story_claims() -> list[Claim]:
    out = []
    for aid, (outlet, body) in ARTICLES.items():
        article, source = make_article(aid, body, outlet)
        out.extend(article_claims(article, source))
    return out


def group_with(groups: list[ClaimGroup], needle: str) -> ClaimGroup:
    return next(g for g in groups if any(needle in c.text for c in g.claims))


def test_alignment_lines_up_the_same_fact_told_differently():
    groups = align_claims(story_claims())
    call = group_with(groups, "two-hour call")
    assert any("lasting over two hours" in c.text for c in call.claims)
    assert call.sources == ["Coastline Wire", "Harbour Courier"]
    fire = group_with(groups, "Marisol ferry caught fire")
    assert fire.sources == ["Coastline Wire", "Harbour Courier", "Northgate Post"]
    for unrelated in ("choir", "bakeries", "library"):
        assert len(group_with(groups, unrelated).claims) == 1
    for g in groups:
        assert len({c.article for c in g.claims}) == len(g.claims)  # one claim per article at most
    assert sorted(c.id for g in groups for c in g.claims) == sorted(c.id for c in story_claims())


def test_alignment_does_not_depend_on_input_order():
    def grouping(claims):
        return {frozenset(c.id for c in g.claims) for g in align_claims(claims)}

    assert grouping(story_claims()) == grouping(list(reversed(story_claims())))


def test_omissions_need_two_sources_and_a_majority():
    groups = align_claims(story_claims())
    found = omissions(groups, ["Harbour Courier", "Coastline Wire", "Northgate Post"])
    call = group_with(groups, "two-hour call")
    assert {"group": call.id, "text": call.lead.text, "carried_by": ["Coastline Wire", "Harbour Courier"],
            "missing_from": ["Northgate Post"]} in found
    assert all(o["group"] != group_with(groups, "Marisol ferry").id for o in found)  # nobody lacks it
    # with two more sources, two of five is no majority (three of five still is)
    five = omissions(groups, ["Harbour Courier", "Coastline Wire", "Northgate Post", "x", "y"])
    assert [o["group"] for o in five] == [group_with(groups, "Marisol ferry").id]
    assert five[0]["missing_from"] == ["x", "y"]
