"""First duplicate layer: exact and near copies, link direction, incremental use and signatures."""
from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys

import pytest

from storyline.corpus.duplicates import DocMeta, DupDoc, DuplicateFinder, find_duplicates, is_earlier
from storyline.errors import InputError
from tests.conftest import need_shared

# Fictional text written for these tests.
BASE = (
    "The island council of Kestrel Bay voted on Thursday to build a new harbour wall before next winter. "
    "Councillor Ines Marr said the old wall had been damaged by three storms in two years and could no "
    "longer protect the fishing boats moored behind it. The project will cost about 4.2 million crowns and "
    "will be paid for partly by a regional grant. Work is due to start in May, and the harbour will stay "
    "open during construction, although some moorings will be moved to the northern jetty. Fishermen "
    "welcomed the decision but asked the council to keep the slipway open for small boats. A public meeting "
    "about the plans will be held at the community hall next Tuesday evening."
)
OTHER = (
    "A rare orchid has been found growing in a disused quarry near the village of Brennholm, botanists said. "
    "The plant, which flowers for only two weeks each summer, had not been recorded in the region for forty "
    "years. Volunteers from the local nature club will fence off the site to protect it from walkers and "
    "grazing sheep. The quarry owner said he was happy to help and would postpone plans to fill the pit."
)


def near_copy(text: str, seed: int = 0, edits: int = 4) -> str:
    """``text`` with a few words replaced and a closing sentence added (a typical syndication edit)."""
    rng = random.Random(seed)
    tokens = text.split()
    for i in rng.sample(range(len(tokens)), edits):
        tokens[i] = "edited"
    return " ".join(tokens) + " This article was updated with more details."


def pairs(links) -> set[tuple[str, str, str]]:
    return {(lk.copy, lk.original, lk.kind) for lk in links}


def test_exact_copy_ignores_case_punctuation_and_spacing():
    variant = BASE.upper().replace(",", "").replace(". ", ".\n\n")
    links = find_duplicates([DupDoc("a", BASE, "2024-01-01", 1), DupDoc("b", variant, "2024-01-02", 2)])
    assert pairs(links) == {("b", "a", "exact")}
    assert links[0].score == 1.0 and links[0].evidence[0]["type"] == "hash"


def test_near_copy_is_linked_with_jaccard_evidence():
    docs = [DupDoc("a", BASE, "2024-01-01", 1), DupDoc("b", near_copy(BASE), "2024-01-02", 2),
            DupDoc("c", OTHER, "2024-01-01", 3)]
    links = find_duplicates(docs)
    assert pairs(links) == {("b", "a", "near")}
    ev = links[0].evidence[0]
    assert ev["type"] == "shingles" and 0.5 <= ev["jaccard"] < 1.0
    assert links[0].score == pytest.approx(ev["jaccard"], abs=1e-4)


def test_partial_overlap_below_threshold_is_not_linked():
    # Half of BASE followed by unrelated text: Jaccard ~0.3, a typical LSH false-positive candidate.
    sentences = BASE.split(". ")
    mixed = ". ".join(sentences[: len(sentences) // 2]) + ". " + OTHER
    finder = DuplicateFinder()
    finder.add(DupDoc("a", BASE, None, 1))
    assert finder.add(DupDoc("b", mixed, None, 2)) == []


def test_empty_and_short_texts_are_nobodys_duplicates():
    links = find_duplicates([DupDoc("a", "", None, 1), DupDoc("b", "  ...  ", None, 2), DupDoc("c", OTHER, None, 3)])
    assert links == []


def test_original_is_earliest_published_even_when_added_later():
    finder = DuplicateFinder()
    assert finder.add(DupDoc("late", near_copy(BASE), "2024-02-10", 1)) == []
    links = finder.add(DupDoc("early", BASE, "2024-02-01", 2))
    assert pairs(links) == {("late", "early", "near")}


def test_same_date_falls_back_to_seq_and_times_count_when_both_have_them():
    assert is_earlier(DocMeta("x", "2024-02-01", 5), DocMeta("y", "2024-02-01", 9))
    assert is_earlier(DocMeta("x", "2024-02-01T08:00:00", 9), DocMeta("y", "2024-02-01T09:30:00", 5))
    assert is_earlier(DocMeta("x", "2024-02-01T23:00:00", 1), DocMeta("y", "2024-02-01", 2))  # one lacks a time
    assert is_earlier(DocMeta("x", None, 1), DocMeta("y", "2020-01-01", 2))  # undated: ingest order
    assert not is_earlier(DocMeta("x", "2024-03-01", 1), DocMeta("y", "2024-02-01", 2))


def test_links_do_not_depend_on_add_order():
    docs = [
        DupDoc("a", BASE, "2024-01-03", 1),
        DupDoc("b", near_copy(BASE, seed=1), "2024-01-01", 2),
        DupDoc("c", near_copy(BASE, seed=2), "2024-01-02", 3),
        DupDoc("d", BASE.lower(), "2024-01-05", 4),
        DupDoc("e", OTHER, "2024-01-04", 5),
    ]
    expected = None
    orders = list(itertools.permutations(docs))
    for order in random.Random(0).sample(orders, 30):
        finder = DuplicateFinder()
        got = set()
        for doc in order:
            got |= pairs(finder.add(doc))
        expected = expected or got
        assert got == expected
    assert ("d", "a", "exact") in expected and ("a", "b", "near") in expected
    assert not any("e" in p[:2] for p in expected)


def test_signatures_rebuild_the_index_without_texts():
    docs = [DupDoc("a", BASE, "2024-01-01", 1), DupDoc("c", OTHER, "2024-01-01", 2)]
    first = DuplicateFinder()
    sigs = {d.id: first.signature(d) for d in docs}
    for d in docs:
        first.add(d)
    rebuilt = DuplicateFinder()
    for d in docs:
        rebuilt.load(d.id, sigs[d.id], d.published, d.seq)
    assert len(rebuilt) == 2 and "a" in rebuilt
    new = DupDoc("b", near_copy(BASE), "2024-01-02", 3)
    want, got = first.add(new), rebuilt.add(new)
    assert pairs(got) == pairs(want) == {("b", "a", "near")}
    assert "jaccard" not in got[0].evidence[0]  # only the MinHash estimate without the stored text
    exact = rebuilt.add(DupDoc("e", BASE, "2024-01-03", 4))
    assert ("e", "a", "exact") in pairs(exact)


def test_bad_inputs_raise_named_errors():
    finder = DuplicateFinder()
    with pytest.raises(InputError):
        finder.add({"id": "x", "text": "y"})
    with pytest.raises(InputError):
        finder.add(DupDoc("x", None))
    with pytest.raises(InputError):
        finder.load("x", b"garbage")
    sig = finder.signature(DupDoc("x", BASE))
    with pytest.raises(InputError):
        DuplicateFinder(num_perm=64).load("x", sig)
    with pytest.raises(InputError):
        DuplicateFinder(threshold=0)


def test_readding_an_id_returns_nothing():
    finder = DuplicateFinder()
    finder.add(DupDoc("a", BASE, None, 1))
    assert finder.add(DupDoc("a", BASE, None, 1)) == []
    assert len(finder) == 1


def test_seeds_have_no_exact_or_near_pair(tmp_path):
    seeds = need_shared("seeds")
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))["articles"]
    docs = [DupDoc(p.stem, p.read_text(encoding="utf-8"), gold[p.stem[:3]]["published"], i)
            for i, p in enumerate(sorted(seeds.glob("*.txt")))]
    out = tmp_path / "dups.json"
    out.write_text(json.dumps([lk.to_dict() for lk in find_duplicates(docs)]), encoding="utf-8")
    run = subprocess.run([sys.executable, str(seeds / "score_seeds.py"), "dups", str(out), "near"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
