"""Test data for the store tests: fictional articles and a small corpus touching every table."""
from storyline.offsets import OffsetMap
from storyline.records import Analysis, Article, EventMention, Failure, Mention, Quote, TimeExpr, sha256_hex


def make_article(id_, text, raw=None, **fields):
    raw = raw or text.encode()
    h = sha256_hex(raw)
    values = dict(source_uri=f"file:///{id_}.txt", kind="text", title="T", outlet="Valley Ledger",
                  published="2024-03-05", published_source="meta")
    values.update(fields)
    return Article(id=id_, content_hash=h, raw_hash=h, text=text, offsets=OffsetMap.identity(len(text)),
                   **values), raw


class Link:  # the shape add_duplicates reads (corpus.duplicates' link records)
    def __init__(self, copy, original, kind, score, evidence):
        self.copy, self.original, self.kind, self.score, self.evidence = copy, original, kind, score, evidence


def fill_corpus(store):
    """Three small articles with a row in every corpus table (fictional text)."""
    arts = []
    with store.transaction():
        for i, (title, text) in enumerate([("Harbour fees rise", "The harbour board raised mooring fees by 5%."),
                                           ("Mooring fees", "Fishers said the mooring fees were too high."),
                                           ("Bakery opens", "A bakery opened on Elm Row, selling rye bread.")]):
            art, raw = make_article(f"n{i}", text, title=title, meta={"url": f"https://example.org/{i}"})
            store.put_article(art, raw)
            arts.append(art)
        store.put_analysis("n1", Analysis(
            entities=[Mention(0, 6, "Fishers", "Fishers", "NORP")],
            quotes=[Quote(12, 43, "the mooring fees were too high", True, "Ada Quill", None, "said", (8, 12))],
            times=[TimeExpr(0, 7, "Fishers", "2024-03-05", "date")],
            events=[EventMention(0, 12, "Fishers", None, None, None, "013", "2024-03-05", "published", "said")]),
            "v1")
        store.put_failure(Failure("/in/broken.html", "read", "not UTF-8, not HTML", raw=b"\xff\xfe\x00junk"))
        store.conn.execute("INSERT INTO api_tokens (id, name, hash, created_at) VALUES (?, ?, ?, ?)",
                           ("t1", "ci", "ab" * 32, "2024-03-05T00:00:00+00:00"))
        store.replace_duplicates([Link("n1", "n0", "rewrite", 0.625, [{"type": "hash"}])])
        store.set_story({"n0": ("s1", "t1"), "n1": ("s1", "t1"), "n2": ("s2", "t2")})
        store.replace_events([{"id": "e1", "date": "2024-03-05", "root": "01", "articles": ["n1"]}])
        store.replace_entities([{"id": "E1", "name": "Fishers", "type": "NORP"}], [("n1", 0, 6, "E1")])
        store.put_vector("n0", "minhash", "m1", b"\x00\x01\xff" * 10)
        store.set_state("k", {"a": [1, 2]})
    return arts


