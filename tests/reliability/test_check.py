"""``storyline check``: each invariant is detected when broken, and ``--repair`` fixes derived data only."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

import storyline.cli.check_cmd  # noqa: F401 — registers the command on the group
from storyline.check import CORRUPT, DERIVED, PENDING, check_with_settings, repair_store
from storyline.cli.main import cli
from storyline.store import open_store

from rel_helpers import settings_for, write_corpus


def stored_inputs(db) -> list[tuple]:
    """Everything --repair must never change: the articles and the raw inputs."""
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT * FROM articles ORDER BY seq").fetchall()
                + conn.execute("SELECT hash, data FROM raw_inputs ORDER BY hash").fetchall())
    finally:
        conn.close()


def damage(db, *statements: str) -> None:
    conn = sqlite3.connect(db)  # foreign keys off: we want to write what the store never would
    with conn:
        for sql in statements:
            conn.execute(sql)
    conn.close()


def run_check(db):
    settings = settings_for(db)
    with open_store(str(db), readonly=True) as store:
        return check_with_settings(store, settings)


def test_fresh_database_passes(analysed_db):
    report = run_check(analysed_db)
    assert report.ok and report.problems == []
    assert report.counts["articles"] == 4 and report.counts["mentions"] > 0


@pytest.mark.parametrize("code, statements", [
    ("orphan_mentions", ["INSERT INTO mentions (article, start, end, text, name, type) "
                         "VALUES ('ghost', 0, 4, 'Test', 'Test', 'PERSON')"]),
    ("orphan_duplicates", ["INSERT INTO duplicates VALUES ((SELECT id FROM articles LIMIT 1), 'ghost', 'near', 0.9, "
                           "'[]')"]),
    ("orphan_story_articles", ["INSERT INTO story_articles VALUES ('ghost', 's1', 't1')"]),
    ("partial_analysis", ["DELETE FROM analyzed WHERE article = (SELECT article FROM mentions LIMIT 1)"]),
    ("span_out_of_range", ["UPDATE mentions SET end = 10000000 WHERE rowid = (SELECT MIN(rowid) FROM mentions)"]),
    ("event_unknown_article", ["INSERT INTO events VALUES ('ev-x', '2024-01-01', '04', "
                               "'{\"id\": \"ev-x\", \"articles\": [\"ghost\"]}')"]),
    ("mention_unknown_entity", ["UPDATE mentions SET entity = 'no-such-entity' WHERE rowid = "
                                "(SELECT MIN(rowid) FROM mentions)"]),
    ("fts_out_of_date", ["INSERT INTO articles_fts(articles_fts, rowid, title, text) SELECT 'delete', seq, title, "
                         "text FROM articles WHERE seq = (SELECT MIN(seq) FROM articles)"]),
])
def test_derived_damage_is_found_and_repaired(db_copy, code, statements):
    before_inputs = stored_inputs(db_copy)
    damage(db_copy, *statements)
    found = run_check(db_copy)
    assert code in found.codes(DERIVED) and not found.ok
    with open_store(str(db_copy)) as store:
        result = repair_store(store, settings_for(db_copy))
    assert result.after.ok and result.after.problems == [], result.after.to_dict()
    assert stored_inputs(db_copy) == before_inputs


def test_missing_story_is_pending_and_repaired(db_copy):
    damage(db_copy, "DELETE FROM story_articles WHERE article = (SELECT id FROM articles LIMIT 1)")
    found = run_check(db_copy)
    assert found.ok and "no_story" in found.codes(PENDING)
    with open_store(str(db_copy)) as store:
        assert repair_store(store, settings_for(db_copy)).after.problems == []


@pytest.mark.parametrize("code, statement", [
    ("article_without_raw", "DELETE FROM raw_inputs WHERE hash = (SELECT raw_hash FROM articles LIMIT 1)"),
    ("raw_hash_mismatch", "UPDATE raw_inputs SET data = zeroblob(8) WHERE hash = (SELECT raw_hash FROM articles "
                          "LIMIT 1)"),
    ("bad_offsets", "UPDATE articles SET offsets = '[[0, 0, 99999999]]' WHERE seq = (SELECT MIN(seq) FROM articles)"),
])
def test_corrupt_inputs_are_reported_and_never_touched(db_copy, code, statement):
    damage(db_copy, statement)
    before_inputs = stored_inputs(db_copy)
    assert code in run_check(db_copy).codes(CORRUPT)
    with open_store(str(db_copy)) as store:
        result = repair_store(store, settings_for(db_copy))
    assert code in result.after.codes(CORRUPT) and not result.after.ok
    assert stored_inputs(db_copy) == before_inputs


def test_repair_analyses_articles_stored_without_analysis(tmp_path):
    from storyline.app import ingest_and_update

    db = tmp_path / "plain.db"
    ingest_and_update([write_corpus(tmp_path / "in")], settings_for(db, analyze=False))
    pending = run_check(db)
    assert pending.ok and len(pending.items("unanalyzed")) == 4
    with open_store(str(db)) as store:
        result = repair_store(store, settings_for(db))
        assert result.actions["reanalyzed"] == 4 and store.count("mentions") > 0
    assert result.after.problems == []


def test_cli_exit_codes_and_json(db_copy):
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", "--db", str(db_copy)])
    assert ok.exit_code == 0 and "no problems" in ok.output
    damage(db_copy, "INSERT INTO story_articles VALUES ('ghost', 's1', 't1')")
    bad = runner.invoke(cli, ["check", "--db", str(db_copy), "--format", "json"])
    assert bad.exit_code == 1
    assert json.loads(bad.output)["problems"][0]["code"] == "orphan_story_articles"
    fixed = runner.invoke(cli, ["check", "--db", str(db_copy), "--repair"])
    assert fixed.exit_code == 0, fixed.output
    assert "orphan_rows_deleted 1" in fixed.output


def test_cli_check_of_missing_database_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["check", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1 and "does not exist" in result.output
