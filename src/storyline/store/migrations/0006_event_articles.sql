-- Which articles report each de-duplicated event, so that a story page reads its own events instead of
-- decoding every event of the corpus.  Derived data, written with the events (replace_events); filled
-- here from the events already stored.
CREATE TABLE event_articles (
    event TEXT NOT NULL,
    article TEXT NOT NULL,
    PRIMARY KEY (event, article)
);
CREATE INDEX event_articles_article ON event_articles(article);
INSERT OR IGNORE INTO event_articles (event, article)
    SELECT e.id, j.value FROM events e, json_each(e.data, '$.articles') j;
