-- Which articles report each de-duplicated event, so that a story page reads its own events instead of
-- decoding every event of the corpus.  Derived data, written with the events (replace_events); filled
-- here from the events already stored.
CREATE TABLE event_articles (
    event TEXT COLLATE "C" NOT NULL,
    article TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (event, article)
);
CREATE INDEX event_articles_article ON event_articles(article);
INSERT INTO event_articles (event, article)
    SELECT DISTINCT e.id, a.article FROM events e
    CROSS JOIN LATERAL jsonb_array_elements_text(e.data::jsonb -> 'articles') AS a(article)
    ON CONFLICT DO NOTHING;
