"""The CLI in-process (click's CliRunner): commands, formats, exit codes, idempotency."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storyline.cli import cli

ARTICLES = {
    "lighthouse.txt": "Volunteers repaint the Gull Rock lighthouse\n\nVolunteers from Port Hadley spent Saturday "
                      "repainting the Gull Rock lighthouse, which turns 120 this year. \"We wanted it to shine for its "
                      "birthday,\" said Mara Quill, who leads the group.\n",
    "library.html": "<html><head><title>Library extends hours</title></head><body><article><h1>Library extends "
                    "hours</h1><p>The Port Hadley library will open until nine in the evening from next month, the "
                    "council said on Tuesday.</p><p>The change follows a survey of more than 800 residents.</p>"
                    "</article></body></html>",
}


def run(*args, expect=0):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_help_on_every_command():
    for name in cli.commands:
        out = run(name, "--help").output
        assert "Usage:" in out and "--help" in out


def test_ingest_is_idempotent_and_says_so(tmp_path, corpus):
    db = str(tmp_path / "s.db")
    first = run("ingest", str(corpus), "--db", db, "--no-analyze", "--workers", "1").output
    assert "2 new, 0 already stored, 0 failed" in first
    again = run("ingest", str(corpus), "--db", db, "--no-analyze", "--workers", "1").output
    assert "0 new, 2 already stored, 0 failed" in again
    stats = json.loads(run("stats", "--db", db, "--format", "json").output)
    assert stats["articles"] == 2 and stats["errors"] == 0


def test_bad_inputs_exit_1_and_are_listed_but_good_ones_stored(tmp_path, corpus):
    (corpus / "junk.html").write_bytes(bytes(range(256)) * 10)
    (corpus / "empty.txt").write_bytes(b"")
    db = str(tmp_path / "s.db")
    out = run("ingest", str(corpus), "--db", db, "--no-analyze", "--workers", "1", "--format", "json", expect=1)
    report = json.loads(out.stdout)
    assert report["new"] == 2 and report["failed"] == 2
    errors = json.loads(run("errors", "--db", db, "--format", "json").output)
    assert {e["input"].rsplit("/", 1)[-1] for e in errors} == {"junk.html", "empty.txt"}
    assert all(e["reason"] for e in errors)


def test_extract_prints_one_line_per_input_without_a_database(tmp_path, corpus, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = [json.loads(l) for l in run("extract", str(corpus)).output.splitlines()]
    by_id = {r["id"]: r for r in lines}
    assert set(by_id) == {"lighthouse", "library"}
    assert by_id["lighthouse"]["title"] == "Volunteers repaint the Gull Rock lighthouse"
    assert "800 residents" in by_id["library"]["text"]
    assert not (tmp_path / "storyline.db").exists()


def test_usage_and_config_errors_exit_2(tmp_path, corpus):
    assert CliRunner().invoke(cli, ["ingest"]).exit_code == 2  # missing PATH
    bad = tmp_path / "bad.toml"
    bad.write_text("[ingest]\nworkres = 1\n")
    result = CliRunner().invoke(cli, ["--config", str(bad), "ingest", str(corpus)])
    assert result.exit_code == 2 and "ingest.workres" in result.output


def test_reading_a_missing_database_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["stats", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_analyze_spans_point_into_the_input_text(tmp_path, corpus):
    rows = [json.loads(l) for l in run("analyze", str(corpus / "lighthouse.txt"), "--workers", "1").output.splitlines()]
    (row,) = rows
    text = ARTICLES["lighthouse.txt"]
    names = {e["name"] for e in row["entities"]}
    assert "Mara Quill" in names
    for ent in row["entities"]:
        for s, e in ent["mentions"]:
            assert text[s:e].strip()
    quote = next(q for q in row["quotes"] if q["direct"])
    assert text[quote["span"][0]:quote["span"][1]] == quote["text"]
    assert quote["speaker"] == "Mara Quill"
