"""The seed gold checks of ../shared/seeds/score_seeds.py, run on the CLI's own output."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.conftest import need_shared
from storyline.cli import cli


def cli_out(*args) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def score(kind: str, path, *extra) -> subprocess.CompletedProcess:
    seeds = need_shared("seeds")
    return subprocess.run([sys.executable, str(seeds / "score_seeds.py"), kind, str(path), *extra],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory):
    seeds = need_shared("seeds")
    work = tmp_path_factory.mktemp("seeds")
    meta = work / "meta.jsonl"
    meta.write_text(score("meta", "-").stdout)
    files = sorted(str(p) for p in seeds.glob("*.txt"))
    out = {"extract": work / "extract.jsonl", "analyze": work / "analyze.jsonl"}
    out["extract"].write_text(cli_out("extract", *files, "--meta", str(meta)))
    out["analyze"].write_text(cli_out("analyze", *files, "--meta", str(meta), "--workers", "1"))
    db = str(work / "seeds.db")
    cli_out("ingest", *files, "--meta", str(meta), "--db", db, "--workers", "1")
    for kind in ("events", "duplicates", "stories"):
        out[kind] = work / f"{kind}.json"
        out[kind].write_text(cli_out(kind, "--db", db, "--format", "json"))
    return out


@pytest.mark.parametrize("kind,source", [("bodies", "extract"), ("entities", "analyze"), ("quotes", "analyze"),
                                         ("times", "analyze"), ("events", "events"), ("dups", "duplicates"),
                                         ("stories", "stories")])
def test_seed_gold(seed_outputs, kind, source):
    result = score(kind, seed_outputs[source])
    assert result.returncode == 0, result.stdout + result.stderr


def test_seed_first_layer_finds_no_exact_or_near_pair(seed_outputs):
    result = score("dups", seed_outputs["duplicates"], "near")
    assert result.returncode == 0, result.stdout
