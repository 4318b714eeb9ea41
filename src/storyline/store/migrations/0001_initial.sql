-- storyline schema v1.  Spans are character offsets into each article's input text.
CREATE TABLE raw_inputs (
    hash TEXT PRIMARY KEY,          -- sha256 of the raw bytes
    uri TEXT,
    kind TEXT,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,             -- zlib-compressed raw bytes
    stored_at TEXT NOT NULL
);
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,   -- ingest order
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL UNIQUE,
    raw_hash TEXT NOT NULL REFERENCES raw_inputs(hash),
    source_uri TEXT,
    kind TEXT,
    title TEXT,
    outlet TEXT,
    published TEXT,
    published_source TEXT,
    text TEXT NOT NULL,
    offsets TEXT NOT NULL,          -- JSON [[clean_start, input_start, length], ...]
    meta TEXT NOT NULL DEFAULT '{}',
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE TABLE failures (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    input TEXT NOT NULL,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    doc_id TEXT,
    raw_hash TEXT,                  -- raw bytes kept in raw_inputs when we had any
    created_at TEXT NOT NULL,
    UNIQUE (input, stage, reason)
);
CREATE TABLE analyzed (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    version TEXT NOT NULL,
    analyzed_at TEXT NOT NULL
);
CREATE TABLE mentions (
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    entity TEXT                     -- corpus-level entity id
);
CREATE INDEX mentions_article ON mentions(article);
CREATE INDEX mentions_entity ON mentions(entity);
CREATE TABLE quotes (
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, direct INTEGER NOT NULL,
    speaker TEXT, speaker_start INTEGER, speaker_end INTEGER,
    cue TEXT, cue_start INTEGER, cue_end INTEGER
);
CREATE INDEX quotes_article ON quotes(article);
CREATE INDEX quotes_speaker ON quotes(speaker);
CREATE TABLE times (
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    text TEXT NOT NULL, resolves_to TEXT, kind TEXT
);
CREATE INDEX times_article ON times(article);
CREATE TABLE event_mentions (
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    actor TEXT, actor_country TEXT, target TEXT, target_country TEXT,
    cameo TEXT NOT NULL, date TEXT, date_source TEXT, trigger TEXT
);
CREATE INDEX event_mentions_article ON event_mentions(article);
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT,
    country TEXT,
    data TEXT NOT NULL DEFAULT '{}'  -- aliases, counts
);
CREATE TABLE duplicates (
    copy TEXT PRIMARY KEY REFERENCES articles(id),
    original TEXT NOT NULL REFERENCES articles(id),
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE story_articles (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    story TEXT NOT NULL,
    topic TEXT NOT NULL
);
CREATE INDEX story_articles_story ON story_articles(story);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT,
    root TEXT,
    data TEXT NOT NULL
);
CREATE TABLE vectors (
    article TEXT NOT NULL,
    kind TEXT NOT NULL,             -- 'doc', 'sentences', 'minhash', ...
    model TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (article, kind)
);
CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
