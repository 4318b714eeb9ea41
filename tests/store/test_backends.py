"""The store contract, run on every backend (SQLite always; PostgreSQL when its binaries are installed)."""
import sqlite3
import sys

import pytest

from storyline import views
from storyline.errors import MissingExtraError, StoreError
from storyline.records import Analysis, EventMention, Failure, Mention, Quote, TimeExpr
from storyline.store import open_store
from storyline.store.postgres import translate_sql

from corpus_helpers import Link, fill_corpus as _corpus, make_article


# -- moved from test_sqlite.py: now on both backends ---------------------------------------------------
def test_migrations_are_recorded_and_idempotent(db_url, backend):
    with open_store(db_url) as store:
        assert store.schema_version() >= 1
        versions = [r["version"] for r in store.rows("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == sorted(versions) and len(versions) == store.schema_version()
    with open_store(db_url) as store:
        assert store.migrate() == []
    if backend == "sqlite":
        assert sqlite3.connect(db_url).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_content_hash_upsert_and_raw_kept(db_url):
    with open_store(db_url) as store:
        art, raw = make_article("a", "Body one.")
        with store.transaction():
            assert store.put_article(art, raw) is True
        assert art.seq == 1
        again, raw2 = make_article("a", "Body one.")
        with store.transaction():
            assert store.put_article(again, raw2) is False
        assert store.count("articles") == 1 and store.raw_input(art.raw_hash) == raw
        assert store.has_content(art.content_hash) and store.known_hashes([art.content_hash, "x"]) == {art.content_hash}


def test_reused_name_with_other_content_gets_suffix(db_url):
    with open_store(db_url) as store:
        a, ra = make_article("same", "First.")
        b, rb = make_article("same", "Second.")
        with store.transaction():
            store.put_article(a, ra)
            store.put_article(b, rb)
        assert store.article_ids() == ["same", f"same~{b.content_hash[:8]}"]


def test_failed_transaction_leaves_nothing(db_url):
    with open_store(db_url) as store:
        art, raw = make_article("a", "Body.")
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.put_article(art, raw)
                raise RuntimeError("crash mid-write")
        assert store.count("articles") == 0 and store.count("raw_inputs") == 0


def test_analysis_roundtrip_and_replace(db_url):
    with open_store(db_url) as store:
        art, raw = make_article("a", "Ms Brandt said it was fine.")
        an = Analysis(entities=[Mention(3, 9, "Brandt", "Ilse Brandt", "PERSON")],
                      quotes=[Quote(15, 26, "it was fine", False, "Ilse Brandt", (3, 9), "said", (10, 14))],
                      times=[TimeExpr(0, 2, "Ms", None, "date")],
                      events=[EventMention(3, 14, "Ilse Brandt", "DEU", None, None, "010", "2024-03-05",
                                           "published", "said")])
        with store.transaction():
            store.put_article(art, raw)
            store.put_analysis("a", an, "v1")
            store.put_analysis("a", an, "v1")  # replaces, never duplicates
        got = store.get_analysis("a")
        assert got.entities == an.entities and got.quotes == an.quotes
        assert got.times == an.times and got.events == an.events
        assert store.unanalyzed_ids("v1") == [] and store.unanalyzed_ids("v2") == ["a"]


def test_failures_are_recorded_once_with_raw(db_url):
    with open_store(db_url) as store:
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


# -- corpus-level results, streaming, views ---------------------------------------------------------------
def test_corpus_results_roundtrip(db_url):
    with open_store(db_url) as store:
        _corpus(store)
        with store.transaction():  # upserts replace instead of failing on the key
            store.add_duplicates([Link("n1", "n0", "copy", 0.875, [])])
            store.put_vector("n0", "minhash", "m2", b"\x02")
            store.set_state("k", "v2")
            store.set_story({"n2": ("s1", "t1")})
        assert [(d["copy"], d["kind"], d["score"], d["evidence"]) for d in store.duplicates()] == \
            [("n1", "copy", 0.875, [])]
        assert store.get_vector("n0", "minhash", "m2") == b"\x02" and store.get_vector("n0", "minhash", "m1") is None
        assert store.get_state("k") == "v2" and store.get_state("missing") is None
        assert store.story_assignments() == {"n0": ("s1", "t1"), "n1": ("s1", "t1"), "n2": ("s1", "t1")}
        assert store.events()[0]["id"] == "e1" and store.entities()[0]["name"] == "Fishers"
        assert store.rows("SELECT entity FROM mentions WHERE article = ?", ("n1",)) == [{"entity": "E1"}]
        assert [a.id for a in store.iter_articles(batch=2)] == ["n0", "n1", "n2"]
        assert store.article_urls()["n2"] == "https://example.org/2"


def test_events_of_articles_reads_only_their_events(db_url):
    events = [{"id": "e2", "date": "2024-03-07", "articles": ["n1", "n2"]},
              {"id": "e1", "date": "2024-03-05", "articles": ["n0"]},
              {"id": "e3", "date": "2024-03-06", "articles": ["n2"]},
              {"id": "e0", "date": None, "articles": ["n2"]}]
    with open_store(db_url) as store:
        _corpus(store)
        with store.transaction():
            store.replace_events(events)
        assert [e["id"] for e in store.events_of(["n2"])] == ["e0", "e3", "e2"]  # undated first, then by date
        assert [e["id"] for e in store.events_of(["n0", "n1"])] == ["e1", "e2"]
        assert store.events_of(["nobody"]) == [] and store.events_of([]) == []
        with store.transaction():  # replaced, not added to
            store.replace_events(events[:1])
        assert [e["id"] for e in store.events_of(["n0", "n1", "n2"])] == ["e2"]


def test_event_index_is_filled_from_events_stored_before_it(db_url, backend):
    """Migration 0006 fills the article -> event index from the events a database already holds."""
    with open_store(db_url) as store:
        _corpus(store)  # one event, e1, reported by n1
        with store.transaction():  # as before migration 0006
            store.conn.execute("DROP TABLE event_articles")
            store.conn.execute("DELETE FROM schema_migrations WHERE version = 6")
    with open_store(db_url) as store:
        assert [e["id"] for e in store.events_of(["n1"])] == ["e1"]
        assert store.events_of(["n0"]) == []


def test_rows_accepts_sqlite_style_sql_on_every_backend(db_url):
    with open_store(db_url) as store:
        _corpus(store)
        got = store.rows("SELECT q.start, q.end, CASE WHEN q.direct = 1 THEN 'yes' ELSE 'no' END AS d "
                         "FROM quotes q WHERE q.article = ? AND q.text LIKE '%fees%'", ("n1",))
        assert got == [{"start": 12, "end": 43, "d": "yes"}]
        assert store.rows("SELECT id FROM articles WHERE title = 'it''s ? not a mark' OR id = ?", ("n2",)) == \
            [{"id": "n2"}]
        assert store.has_table("articles") and not store.has_table("nope")


def test_stream_batches_are_bounded(db_url):
    with open_store(db_url) as store:
        _corpus(store)
        batches = list(store.stream("SELECT id FROM articles ORDER BY seq", (), batch=2))
        assert [len(b) for b in batches] == [2, 1] and batches[0][0] == ("n0",)


def test_views_work_on_every_backend(db_url):
    with open_store(db_url) as store:
        _corpus(store)
        stats = views.corpus_stats(store)
        assert (stats["articles"], stats["duplicates"], stats["stories"], stats["quotes"]) == (3, 1, 2, 1)
        assert views.quotes_by_speaker(store, "ADA QUILL")[0]["end"] == 43
        detail = views.story_detail(store, "s1")
        assert [a["id"] for a in detail["article_rows"]] == ["n0", "n1"] and len(detail["quotes"]) == 1
        assert views.articles_meta(store)["n0"]["url"] == "https://example.org/0"
        assert views.article_detail(store, "n1")["duplicate_of"]["original"] == "n0"
        assert len(views.timeline_rows(store, story="s1")) >= 1


def test_full_text_search(db_url):
    with open_store(db_url) as store:
        _corpus(store)
        hits = views.search(store, "mooring fees")
        assert {h["id"] for h in hits} == {"n0", "n1"}
        assert all("[" in h["snippet"] and "]" in h["snippet"] for h in hits)
        assert [h["id"] for h in views.search(store, "rye")] == ["n2"]
        assert views.search(store, "mooring bakery") == []            # every word required
        assert views.search(store, "'; DROP TABLE articles; --") == []  # operators and quotes are just text
        assert views.search(store, "  !! ") == [] and store.count("articles") == 3


# -- PostgreSQL specifics -----------------------------------------------------------------------------------
def test_translate_sql_placeholders_and_reserved_end():
    assert translate_sql("SELECT start, end FROM q WHERE a = ? AND b LIKE '%?%'") == \
        """SELECT start, "end" FROM q WHERE a = %s AND b LIKE '%%?%%'"""
    assert translate_sql('SELECT CASE WHEN x THEN 1 END, m.end, "end" FROM t -- ? end') == \
        'SELECT CASE WHEN x THEN 1 END, m."end", "end" FROM t -- ? end'


def test_postgres_readonly_needs_schema_and_refuses_writes(pg_url):
    with pytest.raises(StoreError, match="no storyline tables"):
        open_store(pg_url, readonly=True)
    open_store(pg_url).close()
    with open_store(pg_url, readonly=True) as store:
        art, raw = make_article("a", "Body.")
        with pytest.raises(Exception, match="read-only"):
            with store.transaction():
                store.put_article(art, raw)
        assert store.count("articles") == 0


def test_postgres_unreachable_is_a_store_error(pg_server, tmp_path):
    with pytest.raises(StoreError, match="cannot connect"):
        open_store(f"postgresql://nobody:secret@/none?host={tmp_path}&connect_timeout=2")


def test_missing_psycopg_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # makes `import psycopg` raise ImportError
    with pytest.raises(MissingExtraError, match=r"storyline\[postgres\]"):
        open_store("postgresql://localhost/none")


def test_every_sqlite_migration_has_a_postgresql_twin():
    from storyline.store.base import migration_files

    sqlite_names = [name for _, name, _ in migration_files("storyline.store.migrations")]
    pg_names = [name for _, name, _ in migration_files("storyline.store.migrations_pg")]
    assert pg_names == sqlite_names, "add the PostgreSQL version of each new migration to store/migrations_pg/"
