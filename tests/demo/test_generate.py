"""The synthetic benchmark generator: truth is consistent with the files, copies are what they claim."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import lxml.html
import pytest

from storyline.demo.generate import generate_corpus, main
from storyline.errors import ConfigError
from tests.demo.similarity import jaccard

N = 800
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "corpus"
    summary = generate_corpus(out, n=N, seed=3, stories=60)
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, summary, truth


def load(out: Path, t: dict) -> tuple[str, list[str]]:
    """(title, body paragraphs) of one generated article, read back from its file."""
    if t["format"] == "jsonl":
        name, line = t["file"].split("#")
        rec = json.loads((out / name).read_text(encoding="utf-8").splitlines()[int(line) - 1])
        assert rec["id"] == t["id"]
        if "text" in rec:
            return rec["title"], rec["text"].split("\n\n")
        return rec["title"], _html_paras(rec["html"])
    data = (out / t["file"]).read_text(encoding="utf-8")
    if t["format"] == "html":
        return lxml.html.fromstring(data).xpath('//meta[@property="og:title"]/@content')[0], _html_paras(data)
    title, body = data.split("\n\n", 1)
    return title, body.strip().split("\n\n")


def _html_paras(markup: str) -> list[str]:
    tree = lxml.html.fromstring(markup)
    return [p.text_content() for p in tree.xpath('//div[@class="article-body"]/p')]




def body(out: Path, t: dict) -> str:
    return "\n\n".join(load(out, t)[1])


def test_truth_matches_files_and_summary(corpus):
    out, summary, truth = corpus
    assert len(truth) == N == summary["n"]
    assert len({t["id"] for t in truth}) == N
    assert Counter(t["kind"] for t in truth) == Counter(summary["kinds"])
    assert Counter(t["format"] for t in truth) == Counter(summary["formats"])
    for t in truth:
        assert {"id", "story", "topic", "copy_of", "kind"} <= set(t)
        path = out / t["file"].split("#")[0]
        assert path.is_file(), t["file"]
    assert summary["stories"] <= 60 and summary["topics"] >= 6


def test_rates_are_roughly_honoured(corpus):
    _, _, truth = corpus
    kinds = Counter(t["kind"] for t in truth)
    formats = Counter(t["format"] for t in truth)
    assert 0.06 * N <= kinds["near_copy"] <= 0.14 * N
    assert 1 <= kinds["rewrite"] <= 0.06 * N and kinds["exact_copy"] >= 1
    assert 0.32 * N <= formats["html"] <= 0.48 * N and formats["jsonl"] >= 0.05 * N


def test_lengths_and_text_format(corpus):
    out, _, truth = corpus
    for t in truth[:200]:
        title, paras = load(out, t)
        words = sum(len(p.split()) for p in paras)
        assert title and "\n" not in title
        if t["kind"] == "original":
            assert 300 <= words <= 950, (t["id"], words)


def test_copies_point_back_to_earlier_originals(corpus):
    out, _, truth = corpus
    index = {t["id"]: (i, t) for i, t in enumerate(truth)}
    for i, t in enumerate(truth):
        if t["kind"] == "original":
            assert t["copy_of"] is None
            continue
        j, src = index[t["copy_of"]]
        assert j < i and src["kind"] == "original"
        assert (t["story"], t["topic"], t["event_date"]) == (src["story"], src["topic"], src["event_date"])
        a, b = body(out, src), body(out, t)
        if t["kind"] == "exact_copy":
            assert a == b
        elif t["kind"] == "near_copy":
            assert a != b and jaccard(a, b) > 0.6
        else:  # rewrite: paraphrased a day later, same names
            assert t["kind"] == "rewrite"
            assert dt.date.fromisoformat(t["published"]) - dt.date.fromisoformat(src["published"]) == dt.timedelta(1)
            assert jaccard(a, b) < 0.8 and a != b
            names = set(re.findall(r"\b[A-Z][a-z]+[a-zö]*\b", a))
            assert len(names & set(re.findall(r"\b[A-Z][a-z]+[a-zö]*\b", b))) >= 0.8 * len(names)


def test_same_story_originals_share_more_than_different_stories(corpus):
    out, _, truth = corpus
    originals = [t for t in truth if t["kind"] == "original"][:300]
    by_story = defaultdict(list)
    for t in originals:
        by_story[t["story"]].append(body(out, t))
    same = [jaccard(v[0], v[1]) for v in by_story.values() if len(v) >= 2]
    stories = [v[0] for v in by_story.values()]
    cross = [jaccard(stories[i], stories[i + 1]) for i in range(len(stories) - 1)]
    assert len(same) >= 10
    assert sum(same) / len(same) > 1.5 * sum(cross) / len(cross)
    assert max(same) < 0.5  # originals are written independently: no planted copies among them


def test_relative_days_resolve_to_the_event(corpus):
    out, _, truth = corpus
    checked = 0
    for t in truth:
        if t["kind"] != "original":
            continue
        lead = load(out, t)[1][0]
        m = re.search(r"\bon (" + "|".join(WEEKDAYS) + r")\b", lead)
        if m:
            event, pub = dt.date.fromisoformat(t["event_date"]), dt.date.fromisoformat(t["published"])
            assert WEEKDAYS[event.weekday()] == m.group(1) and 0 <= (pub - event).days < 7
            checked += 1
    assert checked >= 20


def test_quote_styles_planted(corpus):
    out, _, truth = corpus
    text = "\n".join(body(out, t) for t in truth[:300])
    assert "\u201c" in text and "\u00ab" in text and re.search(r'"[A-Z][^"]+," \w+ said', text)
    assert " said that " in text and "a spokesperson said" in text


def test_html_and_sidecar(corpus):
    out, _, truth = corpus
    html = next(t for t in truth if t["format"] == "html")
    tree = lxml.html.fromstring((out / html["file"]).read_text(encoding="utf-8"))
    assert tree.xpath('//meta[@property="article:published_time"]/@content')[0].startswith(html["published"])
    ld = json.loads(tree.xpath('//script[@type="application/ld+json"]/text()')[0])
    assert ld["datePublished"].startswith(html["published"]) and ld["publisher"]["name"] == html["outlet"]
    rows = {json.loads(line)["id"]: json.loads(line) for line in (out / "meta.jsonl").read_text().splitlines()}
    txt = {t["id"]: t for t in truth if t["format"] == "txt"}
    assert set(rows) == set(txt)
    assert all(rows[i]["published"] == t["published"] and rows[i]["outlet"] == t["outlet"] for i, t in txt.items())


def _tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name != "summary.json":  # summary names the folder
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def test_deterministic_given_seed(tmp_path):
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generate_corpus(tmp_path / name, n=120, seed=seed)
    assert _tree_hash(tmp_path / "a") == _tree_hash(tmp_path / "b")
    assert _tree_hash(tmp_path / "a") != _tree_hash(tmp_path / "c")


@pytest.mark.parametrize("kwargs", [dict(n=0), dict(n=10, near_copy_rate=1.5), dict(n=10, html_rate=-0.1),
                                    dict(n=10, near_copy_rate=0.5, rewrite_rate=0.5),
                                    dict(n=10, stories=0), dict(n=10, start="yesterday")])
def test_bad_arguments_raise_config_error(tmp_path, kwargs):
    with pytest.raises(ConfigError):
        generate_corpus(tmp_path / "x", **kwargs)


def test_refuses_non_empty_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not empty"):
        generate_corpus(tmp_path, n=5)
    assert (tmp_path / "keep.txt").read_text() == "mine"
    with pytest.raises(ConfigError, match="cannot create"):
        generate_corpus(tmp_path / "keep.txt" / "sub", n=5)


def test_cli(tmp_path, capsys):
    assert main([str(tmp_path / "o"), "--n", "25", "--seed", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 25
    assert main([str(tmp_path / "o"), "--n", "25"]) == 2  # not empty any more
    assert "not empty" in capsys.readouterr().err


def test_storyline_reads_a_generated_corpus(tmp_path):
    sources = pytest.importorskip("storyline.sources")
    from storyline.records import Failure

    out = tmp_path / "c"
    generate_corpus(out, n=60, seed=1)
    items = list(sources.read_paths([out / "articles", out / "shards"]))
    assert not [i for i in items if isinstance(i, Failure)]
    truth = {json.loads(line)["id"] for line in (out / "truth.jsonl").read_text().splitlines()}
    assert {i.id for i in items} == truth


@pytest.mark.slow
def test_memory_stays_bounded(tmp_path):
    import tracemalloc

    peaks = []
    for n in (600, 3000):
        tracemalloc.start()
        generate_corpus(tmp_path / str(n), n=n, seed=0)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0] and peaks[1] < 20e6
