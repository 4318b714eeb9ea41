"""storyline bench: scoring helpers, the marked-section writer and a tiny end-to-end run (no timing asserts)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from storyline.benchmark import (END, START, BenchConfig, bcubed, command_line, duplicate_quality, percentile,
                                 render_markdown, run_benchmark, sample_ids, write_section)
from storyline.errors import ConfigError


def test_bcubed_on_a_hand_computed_example():
    pred = {"a": 1, "b": 1, "c": 2}
    gold = {"a": "x", "b": "y", "c": "y", "only-gold": "z"}
    s = bcubed(pred, gold)
    # precision per item: a 1/2, b 1/2, c 1/1; recall: a 1/1, b 1/2, c 1/2
    assert s["precision"] == pytest.approx(2 / 3) and s["recall"] == pytest.approx(2 / 3)
    assert s["f1"] == pytest.approx(2 / 3) and s["items"] == 3
    assert bcubed({"a": 1, "b": 1}, {"a": 1, "b": 1})["f1"] == 1.0
    assert bcubed({"a": 1, "b": 2}, {"a": 1, "b": 1}) == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3),
                                                          "items": 2}
    assert bcubed({}, gold)["f1"] == 0.0


def test_duplicate_quality_uses_planted_families():
    truth = {
        "o1": {"id": "o1", "kind": "original", "copy_of": None},
        "o2": {"id": "o2", "kind": "original", "copy_of": None},
        "n1": {"id": "n1", "kind": "near_copy", "copy_of": "o1"},
        "n2": {"id": "n2", "kind": "near_copy", "copy_of": "o1"},
        "e1": {"id": "e1", "kind": "exact_copy", "copy_of": "o2"},
        "e2": {"id": "e2", "kind": "exact_copy", "copy_of": "o2"},
    }
    stored = ["o1", "o2", "n1", "n2", "e1"]  # e2 had identical bytes: skipped at ingest
    links = [("n1", "o1", "near"), ("n2", "n1", "near"), ("e1", "o2", "exact"), ("o2", "o1", "near")]
    q = duplicate_quality(links, truth, stored)
    assert q["precision"]["near"] == {"correct": 2, "links": 3, "precision": pytest.approx(2 / 3)}
    assert q["precision"]["all"]["correct"] == 3
    assert q["recall"]["near_copy"]["recall"] == 1.0  # n2 joined to n1: same family counts
    assert q["recall"]["exact_copy"] == {"planted": 2, "stored": 1, "found": 1, "merged_at_ingest": 1, "recall": 1.0}
    assert q["recall"]["rewrite"]["recall"] is None


def test_percentile_and_sampling():
    assert percentile([5, 1, 3, 2, 4], 50) == 3 and percentile([1, 2, 3, 4], 95) == 4
    assert percentile([], 50) == 0.0
    ids = [f"a{i}" for i in range(100)]
    picked = sample_ids(ids, 10)
    assert len(picked) == 10 and picked[0] == "a0" and picked[-1] == "a90"
    assert sample_ids(ids[:3], 10) == ids[:3]


def test_write_section_replaces_only_the_marked_part(tmp_path):
    doc = tmp_path / "b.md"
    write_section(doc, f"{START}\nfirst\n{END}\n")
    assert "# Benchmarks" in doc.read_text() and "first" in doc.read_text()
    doc.write_text(f"intro by hand\n\n{START}\nold figures\n{END}\n\n## Quality\nkept\n", encoding="utf-8")
    write_section(doc, f"{START}\nnew figures\n{END}\n")
    text = doc.read_text()
    assert "old figures" not in text and "new figures" in text
    assert text.startswith("intro by hand") and text.endswith("## Quality\nkept\n")
    assert text.count(START) == 1 and text.count(END) == 1


def test_bad_configuration_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown stage"):
        run_benchmark(BenchConfig(n=10, stages=("ingest", "teleport")))
    with pytest.raises(ConfigError, match="executor"):
        run_benchmark(BenchConfig(n=10, executor="spark"))


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    cfg = BenchConfig(n=50, workdir=root / "w", stages=("ingest", "duplicates", "stories"), workers=1)
    return cfg, run_benchmark(cfg, log=lambda _msg: None)


def test_tiny_run_measures_each_stage_in_its_own_process(tiny_run):
    cfg, report = tiny_run
    run = report["main"]
    by = {r.stage: r for r in run["results"]}
    assert list(by) == ["ingest", "duplicates", "stories"]
    stored = by["ingest"].items + by["ingest"].extra["already_stored"]
    assert stored == 50 and by["ingest"].extra["failed"] == 0
    assert by["duplicates"].items == by["ingest"].items == by["stories"].items
    for r in by.values():
        assert r.seconds > 0 and r.rss_peak_kb >= r.rss_start_kb > 10_000  # a Python process is > 10 MB
    # quality is scored against the generator's truth and is sane on planted copies
    q = run["quality"]
    assert q["duplicates"]["recall"]["near_copy"]["planted"] >= 1
    assert 0.0 < q["stories"]["f1"] <= 1.0 and q["stories"]["items"] == by["ingest"].items
    assert not (cfg.workdir).exists(), "the work folder is removed unless --keep"


def test_markdown_section_has_machine_command_and_tables(tiny_run):
    cfg, report = tiny_run
    md = render_markdown(report, command_line(cfg))
    assert md.startswith(START) and md.rstrip().endswith(END)
    assert "storyline bench --n 50" in md and "cores" in md and "Python" in md
    assert "| ingest | " in md and "Story B-cubed" in md and "Targets" in md and "Database:" in md
    # with scale runs, story quality is tabled per corpus size (here the same run, relabelled)
    sub = dict(report["main"], n=500)
    md = render_markdown(dict(report, scale=[sub]), command_line(cfg))
    stories = report["main"]["quality"]["stories"]
    assert "Story and topic quality against corpus size" in md
    assert f"| 500 | {stories['precision']:.3f} | {stories['recall']:.3f} | {stories['f1']:.3f} |" in md


def test_runs_choose_the_executors_and_progress_reports_each_stage(tmp_path):
    cfg = BenchConfig(n=12, workdir=tmp_path / "w", stages=("ingest", "analyze"), runs=(("local", 1),),
                      analyze_sample=4)
    seen = []
    report = run_benchmark(cfg, log=lambda _msg: None, on_progress=seen.append)
    assert [r.label for r in report["main"]["results"]] == ["ingest", "analyze (local, 1 worker)"]
    assert [[r.label for r in rep["main"]["results"]] for rep in seen] == [["ingest"],
                                                                           ["ingest", "analyze (local, 1 worker)"]]
    assert all(rep["partial"] and rep["main"]["quality"] == {} for rep in seen)
    partial = render_markdown(seen[0], command_line(cfg))
    assert "In progress" in partial and "| ingest | " in partial and "--runs local:1" in partial
    assert "In progress" not in render_markdown(report, command_line(cfg))
    with pytest.raises(ConfigError, match="EXECUTOR:WORKERS"):
        run_benchmark(BenchConfig(n=5, runs=(("gpu", 2),)), log=lambda _msg: None)


def test_cli_rejects_bad_scale_and_stage(tmp_path):
    import storyline.cli.bench_cmd  # noqa: F401 — registers the command until the package imports it
    from storyline.cli import cli

    result = CliRunner().invoke(cli, ["bench", "--n", "5", "--scale", "10,abc", "--output", "-"])
    assert result.exit_code == 2 and "comma-separated" in result.output
    result = CliRunner().invoke(cli, ["bench", "--n", "5", "--stages", "ingest,warp", "--output", "-"])
    assert result.exit_code == 2 and "unknown stage" in result.output
    result = CliRunner().invoke(cli, ["bench", "--n", "5", "--runs", "local:0", "--output", "-"])
    assert result.exit_code == 2 and "EXECUTOR:WORKERS" in result.output


def test_pipeline_stage_runs_the_whole_job_into_its_own_database(tmp_path):
    cfg = BenchConfig(n=12, workdir=tmp_path / "w", stages=("pipeline", "api"), workers=1, keep=True)
    report = run_benchmark(cfg, log=lambda _msg: None)
    run, api = report["main"]["results"]  # no stage database to time story requests on: the pipeline's
    assert api.label == "api (full pipeline database)" and api.extra["web_95_ms"] > 0
    assert run.stage == "pipeline" and run.label == "pipeline (local, 1 worker)"
    assert run.items >= 10 and run.extra["failed"] == 0
    assert run.extra["ingest_analyze_s"] > 0 and run.extra["corpus_s"] > 0
    parts = run.extra["corpus_parts_s"]  # where the corpus stages' time went, stage by stage
    assert list(parts) == ["duplicates", "stories", "entities", "events"]
    assert all(v >= 0 for v in parts.values()) and sum(parts.values()) <= run.extra["corpus_s"]
    from storyline.store import open_store

    with open_store(run.extra["db"], readonly=True) as store:  # analysis and corpus stages both ran
        assert store.count("mentions") > 0 and len(store.story_assignments()) == run.items
    q = report["main"]["quality"]["pipeline"]
    assert set(q["duplicates"]["recall"]) == {"exact_copy", "near_copy", "rewrite"}
    assert q["stories"]["items"] == run.items
    md = render_markdown(report, command_line(cfg))
    assert f"(duplicates {parts['duplicates']:.0f}, stories " in md
    assert "| pipeline (local, 1 worker) |" in md and "full pipeline, articles/s (≥ 15)" in md
    assert "Full pipeline database" in md
    assert "Database:" not in md  # only the pipeline's own database exists: its size is in its row
    assert "story request p95, API or web page, full pipeline database (< 100 ms)" in md


def test_postgres_ingest_runs_the_same_work_into_the_other_backend(tmp_path, pg_url):
    from storyline.benchmark import require_empty_store
    from storyline.store import open_store

    cfg = BenchConfig(n=12, workdir=tmp_path / "w", stages=("ingest",), workers=1, postgres=pg_url)
    report = run_benchmark(cfg, log=lambda _msg: None)
    sqlite, pg = report["main"]["results"]
    assert (sqlite.label, pg.label) == ("ingest", "ingest (postgresql)")
    assert pg.items == sqlite.items > 0 and pg.extra["failed"] == 0
    with open_store(pg_url, readonly=True) as store:
        assert store.count("articles") == sqlite.items
    md = render_markdown(report, command_line(cfg))
    assert "| ingest (postgresql) | " in md and f"on PostgreSQL {pg.rate:.1f} docs/s" in md
    assert "--postgres postgresql://" in md
    # a store with articles in it is refused before anything runs, and left as it was
    with pytest.raises(ConfigError, match=f"already holds {sqlite.items} articles"):
        require_empty_store(pg_url)
    with pytest.raises(ConfigError, match="empty database"):
        run_benchmark(cfg, log=lambda _msg: None)
    with open_store(pg_url, readonly=True) as store:
        assert store.count("articles") == sqlite.items


def test_postgres_option_is_validated():
    with pytest.raises(ConfigError, match="postgresql://"):
        BenchConfig(n=5, stages=("ingest",), postgres="mysql://x").validate()
    with pytest.raises(ConfigError, match="add 'ingest'"):
        BenchConfig(n=5, stages=("duplicates",), postgres="postgresql://x@/db").validate()
