"""Disk full and read-only databases: a clear error (exit 1), nothing half-written, ``check`` passes after."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from rel_helpers import settings_for, write_corpus

from storyline.app import ingest_and_update
from storyline.check import check_with_settings
import storyline.cli.check_cmd  # noqa: F401 — registers 'check' until the package imports it
from storyline.cli import cli
from storyline.errors import StoreError
from storyline.ingest import COMMIT_EVERY, ingest
from storyline.store import open_store

FAST = {"STORYLINE_DUPLICATES__REWRITES": "false"}  # the rewrite stage is slow and not under test here


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def mounted(*args: str, target: Path):
    if os.geteuid() != 0 or not _mount(*args, str(target)):
        pytest.skip("needs root and a mount(8) that works here (tmpfs / bind mounts)")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], capture_output=True)


@contextmanager
def read_only(path: Path):
    """``path`` (file or folder) read-only even for root: a read-only bind mount of itself; as another
    user, plain permissions do."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield path
        finally:
            path.chmod(mode)
        return
    with mounted("--bind", str(path), target=path):
        if not _mount("-o", "remount,ro,bind", str(path)):
            pytest.skip("cannot remount read-only here")
        yield path


def assert_checks_clean(db: Path, *, pending_ok: bool = True) -> None:
    """Nothing corrupt or inconsistent; work the interrupted run did not reach may be pending."""
    with open_store(str(db), readonly=True) as store:
        report = check_with_settings(store, settings_for(db, analyze=False))
    assert report.ok, report.to_dict()
    if not pending_ok:
        assert report.problems == [], report.to_dict()


def make_generated(folder: Path, n: int) -> Path:
    from storyline.demo.generate import generate_corpus

    generate_corpus(folder, n=n, seed=5, html_rate=0.0, jsonl_rate=0.0)
    return folder / "articles"


def test_full_database_rolls_back_the_batch(tmp_path):
    """SQLite's page limit stands in for a full disk (works without root)."""
    corpus = make_generated(tmp_path / "gen", 150)
    db = tmp_path / "full.db"
    settings = settings_for(db, analyze=False)
    # no sentence features stored with the articles: the page budget below is sized for text + signatures
    settings.duplicates.rewrites = False
    with open_store(str(db)) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 220}")
        with pytest.raises(StoreError, match="disk is full"):
            ingest([corpus], store, settings)
    with open_store(str(db), readonly=True) as store:
        stored = store.count("articles")
    assert 0 < stored < 150 and stored % COMMIT_EVERY == 0  # whole batches only
    assert_checks_clean(db)
    ingest_and_update([corpus], settings)  # space freed (a new connection has no page limit): re-run
    with open_store(str(db), readonly=True) as store:
        assert store.count("articles") == len({f.read_bytes() for f in corpus.rglob("*.txt")})  # exact copies once
    assert_checks_clean(db, pending_ok=False)


def test_cli_on_a_full_disk(tmp_path, monkeypatch):
    corpus = make_generated(tmp_path / "gen", 150)
    disk = tmp_path / "disk"
    disk.mkdir()
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    with mounted("-t", "tmpfs", "-o", "size=700k", "tmpfs", target=disk):
        db = disk / "x.db"
        result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "--no-analyze"])
        assert result.exit_code == 1
        assert "error: cannot write to" in result.output and "disk is full" in result.output
        assert "Traceback" not in result.output
        with open_store(str(db), readonly=True) as store:
            assert store.count("articles") % COMMIT_EVERY == 0
        assert_checks_clean(db)


def _ingest_subprocess(paths: list[Path], db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storyline", "ingest", *map(str, paths), "--db", str(db),
                           "--no-analyze"], capture_output=True, text=True, timeout=120, env={**os.environ, **FAST})


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_database(tmp_path, what):
    folder = tmp_path / "dbdir"
    db = folder / "x.db"
    assert _ingest_subprocess([write_corpus(tmp_path / "in")], db).returncode == 1  # one bad line, on purpose
    before = db.read_bytes()
    extra = tmp_path / "extra.txt"
    extra.write_text("A short note on the Oskarvik harbour crane, repainted in green this week.\n",
                     encoding="utf-8")
    with read_only(db if what == "file" else folder):
        result = _ingest_subprocess([extra], db)
        checked = CliRunner().invoke(cli, ["check", "--db", str(db)])
        assert checked.exit_code in (0, 1) and isinstance(checked.exception, (SystemExit, type(None))), checked.output
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: cannot ")
    assert "read-only" in result.stderr or "writable" in result.stderr
    assert db.read_bytes() == before
    assert_checks_clean(db)
