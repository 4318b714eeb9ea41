-- API bearer tokens for the REST write endpoints.  Only a SHA-256 hash of each token is stored:
-- tokens are 256-bit random strings, so a fast hash is enough (no password stretching needed).
CREATE TABLE api_tokens (
    id TEXT COLLATE "C" PRIMARY KEY,            -- short public id, shown by 'storyline token list'
    name TEXT COLLATE "C" NOT NULL,
    hash TEXT COLLATE "C" NOT NULL UNIQUE,      -- sha256 hex of the secret token
    created_at TEXT COLLATE "C" NOT NULL,
    last_used_at TEXT COLLATE "C",
    revoked_at TEXT COLLATE "C"
);
