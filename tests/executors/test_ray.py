"""The Ray executor gives exactly what the local executor gives (demo corpus).

Analysis is on for a subset of the demo files covering every input kind (plain text, HTML, gzip,
RSS, broken files) — the whole corpus with analysis takes ~75 s on a busy 2-core machine; the CLI
test ingests every demo file without analysis.  One local Ray session (2 CPUs) for the whole module:
Ray start-up costs seconds.
"""
from __future__ import annotations

import json

import pytest

ray = pytest.importorskip("ray", reason="ray is not installed (optional extra: pip install 'storyline[ray]')")

from click.testing import CliRunner  # noqa: E402

from storyline.demo import demo_extensions, demo_inputs  # noqa: E402
from storyline.executors import make_executor  # noqa: E402
from storyline.executors.ray import RayExecutor  # noqa: E402
from storyline.ingest import ingest  # noqa: E402
from storyline.settings import load_settings  # noqa: E402
from storyline.store import open_store  # noqa: E402
from storyline.views import analysis_dict  # noqa: E402


@pytest.fixture(scope="module")
def ray_session():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


def _settings(db: str, executor: str, workers: int):
    return load_settings(overrides={"store": {"db": db}, "nlp": demo_extensions(),
                                    "ingest": {"executor": executor, "workers": workers, "corpus_stages": False}},
                         environ={})


SUBSET = ("a1-", "a2-", "broken-", "northgate_daily_feed")  # story a1/a2 reports, broken files, a feed


def _subset() -> list:
    root, _meta, _exclude = demo_inputs()
    return sorted(p for p in (root / "articles").iterdir() if p.name.startswith(SUBSET))


def _ingest_demo(db: str, executor: str, workers: int) -> dict[str, dict]:
    _root, meta, _exclude = demo_inputs()
    with open_store(db) as store:
        report = ingest(_subset(), store, _settings(db, executor, workers), meta=meta)
        rows = {}
        for article in store.iter_articles():
            rows[article.id] = {"seq": article.seq, "title": article.title, "text": article.text,
                                "published": article.published, "outlet": article.outlet,
                                "analysis": json.dumps(analysis_dict(store.get_analysis(article.id)), sort_keys=True)}
        failures = sorted((f["input"], f["stage"], f["reason"]) for f in store.failures())
    return {"report": (report.new, report.already, report.failed), "articles": rows, "failures": failures}


@pytest.fixture(scope="module")
def local_result(tmp_path_factory):
    return _ingest_demo(str(tmp_path_factory.mktemp("local") / "s.db"), "local", 1)


def test_ray_ingest_matches_local_exactly(ray_session, local_result, tmp_path):
    got = _ingest_demo(str(tmp_path / "ray.db"), "ray", 2)
    want = local_result
    assert got["report"] == want["report"] and want["report"][0] >= 10
    assert list(got["articles"]) == list(want["articles"])  # same ids in the same ingest order
    for article_id, row in want["articles"].items():
        assert got["articles"][article_id] == row, article_id
    analysed = [r for r in want["articles"].values() if json.loads(r["analysis"]).get("entities")]
    assert len(analysed) >= 8, "analysis was expected to be on: most demo articles name someone"
    assert got["failures"] == want["failures"] and want["failures"], "the demo corpus plants broken files"


def test_ray_map_keeps_input_order_across_workers(ray_session):
    from storyline.pipeline import Step

    class Double(Step):
        name = "double"

        def process(self, item):
            return 2 * item

    out = list(RayExecutor(workers=2, batch_size=3).map([Double()], range(25)))
    assert out == [2 * i for i in range(25)]
    assert isinstance(make_executor("ray", 2), RayExecutor)


def test_cli_ingest_with_ray(ray_session, tmp_path):
    from storyline.cli import cli

    root, meta, _exclude = demo_inputs()
    db = str(tmp_path / "ray.db")
    args = ["ingest", str(root / "articles"), "--meta", str(meta), "--db", db, "--executor", "ray",
            "--workers", "2", "--no-analyze", "--format", "json"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    report = json.loads(result.stdout)
    # the demo corpus plants broken inputs: the documented exit code is then 1 (some inputs failed)
    assert result.exit_code == (1 if report["failed"] else 0), result.output
    local_db = str(tmp_path / "local.db")
    settings = load_settings(overrides={"store": {"db": local_db}, "ingest": {"workers": 1, "analyze": False,
                                                                             "corpus_stages": False}}, environ={})
    with open_store(local_db) as store:
        local = ingest([root / "articles"], store, settings, meta=meta)
        want = [(a.id, a.title, a.text, a.published) for a in store.iter_articles()]
    assert (report["new"], report["failed"]) == (local.new, local.failed) and local.new > 25 and local.failed >= 2
    with open_store(db, readonly=True) as store:
        assert [(a.id, a.title, a.text, a.published) for a in store.iter_articles()] == want
        assert store.duplicates(), "the CLI also ran the corpus stages (the demo plants copies)"


def test_sharded_rebuild_on_ray_matches_the_plain_rebuild(ray_session, tmp_path):
    """Corpus stages shard-wise on Ray (duplicates in read-only shards, stories per topic), merged by
    the writer: the same duplicates and stories as the single-process rebuild of the demo corpus."""
    from storyline.corpus.update import rebuild_corpus

    root, meta, _exclude = demo_inputs()
    results = []
    for name in ("plain", "ray"):
        db = str(tmp_path / f"{name}.db")
        settings = load_settings(overrides={"store": {"db": db}, "duplicates": {"rewrites": False},
                                            "ingest": {"workers": 1, "analyze": False, "corpus_stages": False}},
                                 environ={})
        with open_store(db) as store:
            ingest([root / "articles"], store, settings, meta=meta)
            kwargs = {"executor": RayExecutor(workers=2, batch_size=1), "shards": 2} if name == "ray" else {}
            rebuild_corpus(store, settings, **kwargs)
            results.append(({(d["copy"], d["original"], d["kind"]) for d in store.duplicates()},
                            store.story_assignments()))
    (plain_links, plain_stories), (ray_links, ray_stories) = results
    assert plain_links and ray_links == plain_links  # the demo plants exact and near copies
    assert plain_stories and ray_stories == plain_stories
