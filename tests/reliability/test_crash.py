"""Crash safety: SIGKILL at random and named points, restart, and the database is as if nothing happened.

The full harness (20 kills, ~340 articles) is ``python harness/crash.py``; here a small version runs.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rel_helpers import settings_for, write_corpus

from storyline.check import check_with_settings
from storyline.store import open_store

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "harness"))

import crash  # noqa: E402 — harness/crash.py


def test_small_crash_run_recovers(tmp_path):
    result = crash.crash_runs(kills=3, n=60, seed=1, analyze_runs=1, kills_per_run=1, demo=False, rewrites=False,
                              workers=1, work=tmp_path / "work", log=lambda _msg: None)
    assert result["kills"] == 3 and result["analysis_runs"] == 1
    assert result["recovered_runs"] == result["runs"], result["problems"]


@pytest.mark.slow
def test_small_crash_run_recovers_with_the_ray_executor(tmp_path):
    pytest.importorskip("ray", reason="the Ray executor needs storyline[ray]")
    result = crash.crash_runs(kills=2, n=30, seed=3, analyze_runs=0, kills_per_run=1, demo=False, rewrites=False,
                              workers=2, executor="ray", work=tmp_path / "work", log=lambda _msg: None)
    assert result["executor"] == "ray" and result["kills"] == 2
    assert result["recovered_runs"] == result["runs"], result["problems"]


@pytest.mark.parametrize("point", ["write:2", "stories"])
def test_named_crash_point_then_restart(tmp_path, point):
    """A named point really kills the process (before its commit), and a plain restart completes the work."""
    corpus = write_corpus(tmp_path / "in")
    db = tmp_path / "x.db"
    cmd = [sys.executable, "-m", "storyline", "ingest", str(corpus), "--db", str(db), "--no-analyze"]
    env = {"STORYLINE_DUPLICATES__REWRITES": "false"}
    assert crash.run_once(cmd, point=point, env_extra=env, timeout=120).killed
    with open_store(str(db), readonly=True) as store:
        assert store.count("articles") == (0 if point.startswith("write") else 4)  # the batch was not committed
    assert not crash.run_once(cmd, env_extra=env, timeout=120).killed
    with open_store(str(db), readonly=True) as store:
        report = check_with_settings(store, settings_for(db, analyze=False))
        assert store.count("articles") == 4
    assert report.problems == [], report.to_dict()


def test_update_corpus_finishes_articles_an_earlier_run_left_out(tmp_path):
    """Articles committed by ingest whose corpus stages never ran are picked up by the next update."""
    from storyline.app import ingest_and_update
    from storyline.corpus.update import update_corpus

    db = tmp_path / "y.db"
    settings = settings_for(db, analyze=False)
    settings.ingest.corpus_stages = False
    settings.duplicates.rewrites = False
    ingest_and_update([write_corpus(tmp_path / "in")], settings)
    with open_store(str(db)) as store:
        assert "no_story" in check_with_settings(store, settings).codes()
        update_corpus(store, settings, [])  # what a restart sees: nothing new
        assert check_with_settings(store, settings).problems == []
