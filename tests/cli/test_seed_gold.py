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
    for kind in ("events", "duplicates", "stories", "timeline"):
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


def test_seed_topic_timeline_orders_the_key_events(seed_outputs):
    """Istanbul talks < Trump-Putin call < fourth call < Alaska meeting < White House meeting."""
    import json

    rows = json.loads(seed_outputs["timeline"].read_text())

    def first(articles, countries, root, lo, hi):
        for n, r in enumerate(rows):
            if (r["root"] == root and {r["actor_country"], r["target_country"]} == countries
                    and {a[:3] for a in r["articles"]} & articles and lo <= (r["date"] or "") <= hi):
                return n
        raise AssertionError(f"no {root} event between {countries} in {articles} dated {lo}..{hi}")

    order = [first({"002", "003"}, {"RUS", "UKR"}, "04", "2025-05-12", "2025-05-18"),   # Istanbul talks
             first({"002", "003"}, {"USA", "RUS"}, "04", "2025-05-19", "2025-05-19"),   # the call
             first({"000"}, {"USA", "RUS"}, "04", "2025-06-04", "2025-06-04"),          # fourth call
             first({"001", "004"}, {"USA", "RUS"}, "04", "2025-08-11", "2025-08-15"),   # Alaska
             first({"001", "004"}, {"USA", "UKR"}, "04", "2025-08-18", "2025-08-18")]   # White House
    assert order == sorted(order)
