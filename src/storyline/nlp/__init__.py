"""Per-document language stages: entities, quotes, time expressions, events.

Components run on the article's clean text; their spans are then mapped through the article's
offset map so that everything stored points into the *input* text.
"""
from __future__ import annotations

import dataclasses

from storyline.records import Analysis, Article

ANALYSIS_VERSION = "1"


def analyze_doc(doc, published: str | None = None, *, gazetteers: tuple[str, ...] = (),
                actors: tuple[str, ...] = ()) -> Analysis:
    """Run the components on a parsed spaCy Doc; spans are offsets into ``doc.text``."""
    from storyline.nlp.entities import annotate_entities, load_gazetteer
    from storyline.nlp.events import extract_events, load_lexicon
    from storyline.nlp.quotes import extract_quotes
    from storyline.nlp.times import extract_times

    mentions = [dataclasses.replace(a.mention, role=a.role, country=a.country)
                for a in annotate_entities(doc, load_gazetteer(tuple(gazetteers)))]
    quotes = extract_quotes(doc, mentions)
    times = extract_times(doc, published)
    events = extract_events(doc, mentions, times, published, lexicon=load_lexicon(actor_files=tuple(actors)))
    return Analysis(entities=mentions, quotes=quotes, times=times, events=events)


def analyze_text(text: str, published: str | None = None, *, spacy_model: str | None = None,
                 gazetteers: tuple[str, ...] = (), actors: tuple[str, ...] = ()) -> Analysis:
    """Analyse one clean text; spans are offsets into ``text``."""
    from storyline.nlp.model import DEFAULT_MODEL, parse

    return analyze_doc(parse(text, spacy_model or DEFAULT_MODEL), published, gazetteers=gazetteers, actors=actors)


def parse_articles(articles: list[Article], spacy_model: str | None = None, batch_size: int = 16):
    """spaCy Docs of the articles' clean texts, parsed as a batch (faster than one by one)."""
    from storyline.nlp.model import DEFAULT_MODEL, parse_many

    return parse_many([a.text for a in articles], spacy_model or DEFAULT_MODEL, batch_size=batch_size)


def to_input_spans(analysis: Analysis, article: Article) -> Analysis:
    """Map every span of ``analysis`` from clean-text offsets to input-text offsets."""
    span = article.offsets.span_to_input

    def fix(obj, extra=("speaker_span", "cue_span")):
        start, end = span(obj.start, obj.end)
        changes = {"start": start, "end": end}
        for name in extra:
            value = getattr(obj, name, None)
            if value is not None:
                changes[name] = span(*value)
        return dataclasses.replace(obj, **changes)

    return Analysis(entities=[fix(m) for m in analysis.entities], quotes=[fix(q) for q in analysis.quotes],
                    times=[fix(t) for t in analysis.times], events=[fix(e) for e in analysis.events])


def analyze_article(article: Article, *, spacy_model: str | None = None, gazetteers: tuple[str, ...] = (),
                    actors: tuple[str, ...] = ()) -> Analysis:
    analysis = analyze_text(article.text, article.published, spacy_model=spacy_model, gazetteers=gazetteers,
                            actors=actors)
    return to_input_spans(analysis, article)


__all__ = ["ANALYSIS_VERSION", "analyze_doc", "analyze_text", "analyze_article", "parse_articles", "to_input_spans"]
