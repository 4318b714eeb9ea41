-- Full-text search over titles and clean text (PostgreSQL's own FTS).
-- An expression GIN index instead of a stored tsvector column, so that `SELECT * FROM articles` returns
-- the same columns as on SQLite.  The 'simple' configuration lowercases without stemming or stop words,
-- close to SQLite's unicode61 tokenizer and neutral about the corpus language (accents are kept).
CREATE FUNCTION storyline_fts(title TEXT, body TEXT) RETURNS tsvector
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    AS $$ SELECT setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
              || setweight(to_tsvector('simple'::regconfig, coalesce(body, '')), 'B') $$;
CREATE INDEX articles_fts ON articles USING GIN (storyline_fts(title, text));
