"""``storyline migrate``: whole-corpus copies between backends, verified by counts and content digests."""
import pytest
from click.testing import CliRunner

import storyline.cli.migrate_cmd  # noqa: F401 — registers the command on the group
from storyline.cli.main import cli
from storyline.errors import StoreError
from storyline.store import open_store
from storyline.store.base import BaseStore
from storyline.store.transfer import copy_store, encode_row, verify_stores

from corpus_helpers import fill_corpus, make_article

EVERY_TABLE = {"raw_inputs", "articles", "failures", "analyzed", "mentions", "quotes", "times", "event_mentions",
               "entities", "duplicates", "story_articles", "events", "event_articles", "vectors", "state",
               "api_tokens"}


def run(*args):
    return CliRunner().invoke(cli, ["migrate", *args, "--format", "json"])


@pytest.fixture
def source(tmp_path):
    path = str(tmp_path / "a.db")
    with open_store(path) as store:
        fill_corpus(store)
    return path


def _nonempty(checks):
    return {c.table for c in checks if c.source_rows}


def test_sqlite_to_postgres_and_back_loses_nothing(source, pg_url, tmp_path):
    first = run("--from", source, "--to", pg_url, "--batch", "2")
    assert first.exit_code == 0, first.output
    assert "counts and content digests match" in first.stderr
    back = str(tmp_path / "c.db")
    assert run("--from", pg_url, "--to", f"sqlite:///{back}").exit_code == 0
    with open_store(source, readonly=True) as a, open_store(pg_url, readonly=True) as b, \
            open_store(back, readonly=True) as c:
        for checks in (verify_stores(a, b), verify_stores(a, c)):
            assert all(ch.ok for ch in checks) and _nonempty(checks) == EVERY_TABLE
        assert b.get_analysis("n1") == a.get_analysis("n1") == c.get_analysis("n1")
        assert b.raw_input(b.get_article("n0").raw_hash) == a.raw_input(a.get_article("n0").raw_hash)
        assert [h["id"] for h in b.search("rye")] == [h["id"] for h in c.search("rye")] == ["n2"]
    with open_store(pg_url) as b:  # identity sequences continue after the copied keys
        art, raw = make_article("n3", "A later article.")
        with b.transaction():
            b.put_article(art, raw)
        assert art.seq == 4


def test_sqlite_to_sqlite_copy_in_small_batches(source, tmp_path):
    with open_store(source, readonly=True) as src, open_store(str(tmp_path / "b.db")) as dst:
        seen = []
        checks = copy_store(src, dst, batch=1, on_progress=lambda table, n: seen.append((table, n)))
        assert all(c.ok for c in checks) and _nonempty(checks) == EVERY_TABLE
        assert ("articles", 3) in seen and ("articles", 1) in seen  # one callback per batch of one row


def test_a_lossy_copy_is_reported_and_exits_1(source, tmp_path, monkeypatch):
    def lose_a_row(self):  # fault injection: the target drops a row before the copy commits
        self.conn.execute("DELETE FROM quotes")

    monkeypatch.setattr(BaseStore, "after_bulk_load", lose_a_row)
    result = run("--from", source, "--to", str(tmp_path / "b.db"))
    assert result.exit_code == 1
    assert "copy differs from the source in quotes" in result.stderr
    assert '"status": "MISMATCH"' in result.stdout


def test_changed_content_is_caught_by_the_digest(source, tmp_path):
    target = str(tmp_path / "b.db")
    assert run("--from", source, "--to", target).exit_code == 0
    with open_store(target) as dst:
        with dst.transaction():
            dst.conn.execute("UPDATE articles SET title = 'Harbour fees rise!' WHERE id = 'n0'")
    with open_store(source, readonly=True) as a, open_store(target, readonly=True) as b:
        bad = [c for c in verify_stores(a, b) if not c.ok]
        assert [(c.table, c.source_rows == c.target_rows) for c in bad] == [("articles", True)]


def test_a_target_with_data_is_refused(source, tmp_path):
    result = run("--from", source, "--to", source.replace("a.db", "b.db"))
    assert result.exit_code == 0
    again = run("--from", source, "--to", source.replace("a.db", "b.db"))
    assert again.exit_code == 1 and "already holds data" in again.stderr
    assert run("--from", source, "--to", source).exit_code == 2


def test_schema_versions_must_match(source, tmp_path):
    target = str(tmp_path / "b.db")
    with open_store(target) as dst:
        dst.conn.execute("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)")
        dst.conn.commit()
    with open_store(source, readonly=True) as src, open_store(target, readonly=True) as dst:
        with pytest.raises(StoreError, match="schema is version"):
            copy_store(src, dst)


def test_row_encoding_is_unambiguous():
    pairs = [(("1",), (1,)), ((None,), ("",)), (("ab", "c"), ("a", "bc")), ((1.0,), (1,)), ((b"x",), ("x",))]
    for left, right in pairs:
        assert encode_row(left) != encode_row(right)
