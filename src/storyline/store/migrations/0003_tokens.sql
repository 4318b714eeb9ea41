-- API bearer tokens for the REST write endpoints.  Only a SHA-256 hash of each token is stored:
-- tokens are 256-bit random strings, so a fast hash is enough (no password stretching needed).
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,            -- short public id, shown by 'storyline token list'
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,      -- sha256 hex of the secret token
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
