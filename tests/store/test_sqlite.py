import sqlite3

import pytest

from storyline.errors import StoreError
from storyline.offsets import OffsetMap
from storyline.records import Analysis, Article, Failure, Mention, Quote, sha256_hex
from storyline.store import open_store


def make_article(id_, text, raw=None):
    raw = raw or text.encode()
    h = sha256_hex(raw)
    return Article(id=id_, content_hash=h, source_uri=f"file:///{id_}.txt", raw_hash=h, kind="text", title="T",
                   outlet="Valley Ledger", published="2024-03-05", published_source="meta", text=text,
                   offsets=OffsetMap.identity(len(text))), raw


def test_migrations_are_recorded_and_idempotent(tmp_path):
    db = tmp_path / "s.db"
    with open_store(str(db)) as store:
        assert store.schema_version() >= 1
    with open_store(str(db)) as store:
        assert store.migrate() == []
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_content_hash_upsert_and_raw_kept(tmp_path):
    with open_store(str(tmp_path / "s.db")) as store:
        art, raw = make_article("a", "Body one.")
        with store.transaction():
            assert store.put_article(art, raw) is True
        again, raw2 = make_article("a", "Body one.")
        with store.transaction():
            assert store.put_article(again, raw2) is False
        assert store.count("articles") == 1 and store.raw_input(art.raw_hash) == raw


def test_reused_name_with_other_content_gets_suffix(tmp_path):
    with open_store(str(tmp_path / "s.db")) as store:
        a, ra = make_article("same", "First.")
        b, rb = make_article("same", "Second.")
        with store.transaction():
            store.put_article(a, ra)
            store.put_article(b, rb)
        assert store.article_ids() == ["same", f"same~{b.content_hash[:8]}"]


def test_failed_transaction_leaves_nothing(tmp_path):
    with open_store(str(tmp_path / "s.db")) as store:
        art, raw = make_article("a", "Body.")
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.put_article(art, raw)
                raise RuntimeError("crash mid-write")
        assert store.count("articles") == 0 and store.count("raw_inputs") == 0


def test_analysis_roundtrip_and_replace(tmp_path):
    with open_store(str(tmp_path / "s.db")) as store:
        art, raw = make_article("a", "Ms Brandt said it was fine.")
        an = Analysis(entities=[Mention(3, 9, "Brandt", "Ilse Brandt", "PERSON")],
                      quotes=[Quote(15, 26, "it was fine", False, "Ilse Brandt", (3, 9), "said", (10, 14))])
        with store.transaction():
            store.put_article(art, raw)
            store.put_analysis("a", an, "v1")
            store.put_analysis("a", an, "v1")  # replaces, never duplicates
        got = store.get_analysis("a")
        assert got.entities == an.entities and got.quotes == an.quotes
        assert store.unanalyzed_ids("v1") == [] and store.unanalyzed_ids("v2") == ["a"]


def test_failures_are_recorded_once_with_raw(tmp_path):
    with open_store(str(tmp_path / "s.db")) as store:
        f = Failure("/x/junk.html", "read", "binary data", raw=b"\x00\x01")
        with store.transaction():
            store.put_failure(f)
            store.put_failure(f)
        assert [r["reason"] for r in store.failures()] == ["binary data"]
        assert store.count("raw_inputs") == 1


def test_readonly_missing_db_and_garbage_db(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(str(tmp_path / "none.db"), readonly=True)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        open_store(str(junk))
