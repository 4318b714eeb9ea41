-- Blocking keys of the duplicate stages, so that an update finds candidates with an index lookup
-- instead of loading every stored signature: per article, 64-bit hashes of its exact-text hash and
-- MinHash LSH bands (kind 'minhash') and of its rewrite hyperplane-LSH bands and quotations (kind
-- 'sentences').  Derived data: rebuilt from the vectors table when missing (corpus/update.py).
CREATE TABLE dup_keys (
    article TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    key BIGINT NOT NULL,
    PRIMARY KEY (article, kind, key)
);
CREATE INDEX dup_keys_key ON dup_keys(key, kind);
