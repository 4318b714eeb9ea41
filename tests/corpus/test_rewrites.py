"""Second duplicate layer: sentence-by-sentence rewrites (embeddings + monotone alignment)."""
from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys

import numpy as np
import pytest

from storyline.corpus.duplicates import DupDoc, DuplicateFinder, find_duplicates
from storyline.corpus.rewrites import RewriteFeatures, RewriteFinder, monotone_alignment
from storyline.errors import InputError, ModelNotInstalledError
from storyline.text_utils import sentence_spans
from tests.conftest import need_shared

# --- fictional fixtures written for these tests ----------------------------------------------
# ORIGINAL: a news report.  REWRITE: the same report paraphrased sentence by sentence, with filler.
# SAME_EVENT / SAME_EVENT_SHARED: independent reports of the same event (the second even shares the
# mayor's quote and a figure).  TEMPLATE: ORIGINAL's sentences about another city, bridge and people.
# UNRELATED: another subject.

ORIGINAL = """Harbour bridge in Valmora closes after cracks found in main span

The city of Valmora closed its Old Harbour Bridge on Tuesday after engineers found deep cracks in the main steel span.
Mayor Elena Brask said the bridge would remain shut for at least six weeks while inspectors assess the damage.
"We will not take any risk with the safety of the people who cross this bridge every day," Brask told reporters outside City Hall.
About 42,000 vehicles use the crossing each day, according to the Valmora transport office.
Ferry operator Lindqvist Lines announced it would add four extra boats during the morning and evening rush hours.
The bridge, which opened in 1961, was last renovated eleven years ago at a cost of 18 million crowns.
Engineer Tomas Ferreira, who led the inspection, said the cracks were probably caused by corrosion of the support cables.
Local shop owners near the bridge fear that the closure will keep customers away during the busy autumn season.
The regional government in Norrhavn promised emergency funds to speed up the repairs.
A full report on the condition of the bridge is expected to be published by the end of the month.
"""

REWRITE = """Valmora shuts Old Harbour Bridge as engineers discover cracks

Valmora has shut the Old Harbour Bridge since Tuesday, after engineers discovered serious cracks in the steel main span.
The closure comes at a difficult time for the city, which has struggled with traffic for years.
According to Mayor Elena Brask, the crossing will stay closed for a minimum of six weeks as inspectors evaluate the damage.
"We will not take any risk with the safety of the people who cross this bridge every day," Brask said to journalists in front of City Hall.
Data from the Valmora transport office show that roughly 42,000 vehicles cross the bridge daily.
Lindqvist Lines, which runs the ferries, said it will put four additional boats into service at morning and evening peak times.
Commuters will no doubt welcome this news as they look for other ways to get to work.
Opened in 1961, the bridge was last refurbished eleven years ago for 18 million crowns.
Tomas Ferreira, the engineer in charge of the inspection, said corrosion in the support cables most likely caused the cracks.
Shopkeepers close to the bridge are worried the shutdown will drive away customers in the busy autumn months.
Norrhavn's regional government has pledged emergency money to accelerate the repair work.
Only time will tell how long the people of Valmora will have to wait.
The full report on the state of the bridge should be released before the month ends.
"""

SAME_EVENT = """Commuters face long detours as Valmora bridge stays shut

Drivers in Valmora spent up to an hour in traffic on Wednesday, a day after the Old Harbour Bridge was closed.
The closure followed an inspection that revealed cracks in the structure, city officials said.
Queues stretched along the coastal road as far as the northern industrial estate.
Taxi driver Mira Olsen said a trip that normally takes ten minutes had taken her fifty.
City Hall has not said when the bridge will reopen, but Mayor Elena Brask has spoken of several weeks.
Extra ferries were running from the harbour, and many passengers said they were full before eight o'clock.
Opposition councillors accused the city of ignoring warnings about the bridge for years.
The transport office urged residents to work from home where possible and to avoid the centre at peak times.
Schools near the harbour will open one hour later for the rest of the week.
"""

UNRELATED = """Cooperative bakery in Sundby wins national bread prize

A small cooperative bakery in the village of Sundby has won this year's national bread competition.
The jury praised its rye loaf, baked in a wood-fired oven that the members built themselves.
The bakery was founded six years ago by five neighbours who wanted fresh bread in the village.
Today it employs eleven people and sells around 900 loaves a week.
Head baker Anja Lund said the prize money would be spent on a second oven.
Visitors have already started to arrive from the nearby towns to taste the winning bread.
The competition received more than 300 entries from bakeries across the country.
"""

SAME_EVENT_SHARED = """Valmora bridge closure: what we know so far

Mayor Elena Brask has warned residents to expect disruption for weeks.
"We will not take any risk with the safety of the people who cross this bridge every day," she said on Tuesday.
The Old Harbour Bridge was closed after an inspection, the first since a renovation more than a decade ago.
Taxi driver Mira Olsen said a trip that normally takes ten minutes had taken her fifty.
Opposition councillors accused the city of ignoring warnings about the bridge for years.
Around 42,000 vehicles use the bridge every day, the transport office says.
Queues stretched along the coastal road as far as the northern industrial estate.
Schools near the harbour will open one hour later for the rest of the week.
The regional government has said it will help pay for the repairs.
"""

TEMPLATE = ORIGINAL.replace(
    "We will not take any risk with the safety of the people who cross this bridge every day",
    "Nobody should be in danger on their way to work or school",
)
for a, b in [("Valmora", "Eskerby"), ("Old Harbour Bridge", "Kings Canal Bridge"), ("Elena Brask", "Jonas Holm"),
             ("Brask", "Holm"), ("Lindqvist Lines", "Nordfjord Ferries"), ("Tomas Ferreira", "Ada Kowal"),
             ("Norrhavn", "Sydmark"), ("42,000", "17,500"), ("1961", "1974"), ("18 million", "9 million"),
             ("six weeks", "three months"), ("four extra", "two extra"), ("eleven", "seven")]:
    TEMPLATE = TEMPLATE.replace(a, b)


DATES = {"orig": "2024-03-05", "rw": "2024-03-06", "same": "2024-03-06", "shared": "2024-03-07",
         "templ": "2024-03-08", "unrel": "2024-03-06"}
TEXTS = {"orig": ORIGINAL, "rw": REWRITE, "same": SAME_EVENT, "shared": SAME_EVENT_SHARED,
         "templ": TEMPLATE, "unrel": UNRELATED}


def make_docs(dates: dict[str, str] = DATES) -> list[DupDoc]:
    return [DupDoc(k, TEXTS[k], dates[k], i) for i, k in enumerate(TEXTS)]


@pytest.fixture(scope="module")
def features() -> dict[str, RewriteFeatures]:
    docs = make_docs()
    try:
        feats = RewriteFinder().features_many(docs)
    except ModelNotInstalledError as exc:
        pytest.skip(str(exc))
    return {d.id: f for d, f in zip(docs, feats)}


def run(features, dates=DATES, order=None, **kwargs):
    finder = DuplicateFinder(rewrites=RewriteFinder(**kwargs))
    links = []
    for doc in order or make_docs(dates):
        links += finder.add(doc, features=features[doc.id])
    return links


def triples(links):
    return {(lk.copy, lk.original, lk.kind) for lk in links}


def test_rewrite_found_and_nothing_else(features):
    links = run(features)
    assert triples(links) == {("rw", "orig", "rewrite")}
    summary = links[0].evidence[0]
    assert summary["type"] == "alignment" and summary["coverage"] >= 0.8
    assert summary["shared_quotes"] and "42000" in summary["shared_numbers"]


def test_evidence_pairs_are_ordered_sentence_spans(features):
    link = run(features)[0]
    pairs = [e for e in link.evidence if e["type"] == "sentence_pair"]
    assert len(pairs) >= 8
    starts = [(e["copy_span"][0], e["original_span"][0]) for e in pairs]
    assert starts == sorted(starts) and len({s[1] for s in starts}) == len(starts)  # monotone, one-to-one
    copy_sentences, orig_sentences = set(sentence_spans(REWRITE)), set(sentence_spans(ORIGINAL))
    for e in pairs:  # every span is one whole sentence (or the title line) of its own article
        assert tuple(e["copy_span"]) in copy_sentences and tuple(e["original_span"]) in orig_sentences
        assert 0.65 <= e["similarity"] <= 1.0
    # the filler sentences added by the rewriter are not aligned to anything
    aligned = {REWRITE[slice(*e["copy_span"])] for e in pairs}
    assert not any("Only time will tell" in s for s in aligned)


def test_direction_follows_publication_dates(features):
    dates = dict(DATES, rw="2024-03-01")  # now the paraphrase came first
    assert triples(run(features, dates)) == {("orig", "rw", "rewrite")}


def _confirm_pair(features, copy: str, original: str, **kwargs):
    """Step 3 (gate + confirmation) on one pair, whatever candidate search would have said."""
    layer = RewriteFinder(**kwargs)
    docs = {d.id: d for d in make_docs()}
    new = layer.prepared(docs[copy], features[copy], keep_strings=True)
    other = layer.prepared(docs[original], features[original])
    return triples(layer.match(layer.with_vectors(new, features[copy]), [layer.with_vectors(other, features[original])]))


def test_anchoring_rejects_same_template_about_other_subjects(features):
    assert ("templ", "orig", "rewrite") not in triples(run(features))
    # The lead vectors already keep them apart (different people and places up front) ...
    assert float(features["templ"].lead @ features["orig"].lead) < RewriteFinder().doc_threshold
    # ... and were they candidates, anchoring would reject them: without it the template would pass
    assert _confirm_pair(features, "templ", "orig") == set()
    assert _confirm_pair(features, "templ", "orig", min_anchored=0.0, min_anchored_pairs=0) == {("templ", "orig", "rewrite")}


def test_a_shared_quotation_makes_a_candidate_below_the_lead_threshold(features):
    # No lead passes doc_threshold 0.999; the rewrite still quotes the mayor verbatim, so it is found
    # (the independent report quoting her too is a candidate as well, and rejected by the alignment).
    assert triples(run(features, doc_threshold=0.999)) == {("rw", "orig", "rewrite")}
    layer = RewriteFinder(doc_threshold=0.999)
    others = [(k, features[k].lead) for k in ("orig", "same", "shared")]
    assert layer.top_candidates(features["rw"].lead, others) == []
    assert layer.top_candidates(features["rw"].lead, others, quoted={"orig", "shared"}) == ["orig", "shared"]
    # a quotation shared by many articles admits only the few most similar of them
    narrow = RewriteFinder(doc_threshold=0.999, max_quote_candidates=1)
    assert narrow.top_candidates(features["rw"].lead, others, quoted={"orig", "same", "shared"}) == ["orig"]
    assert triples(run(features, doc_threshold=0.999, max_quote_candidates=1)) == {("rw", "orig", "rewrite")}


def test_rewrites_are_paired_only_within_the_window(features):
    """A rewrite published 20 days after its source is outside the default 14-day window; a wider or
    unlimited window finds it, and an undated rewrite is paired with every date."""
    late = dict(DATES, rw="2024-03-25")
    found = ("rw", "orig", "rewrite")
    assert found not in triples(run(features, dates=late))
    assert found in triples(run(features, dates=late, window_days=30))
    assert found in triples(run(features, dates=late, window_days=0))
    assert found in triples(run(features, dates=dict(DATES, rw=None)))  # undated: original by ingest order
    with pytest.raises(InputError, match="window_days"):
        RewriteFinder(window_days=-1)


def test_lookup_buckets_cover_the_window_and_the_undated():
    import datetime as dt

    from storyline.corpus.rewrites import BUCKET_DAYS, UNDATED

    day = dt.date(2024, 3, 5).toordinal()
    buckets = RewriteFinder(window_days=14).lookup_buckets(day, None)
    assert buckets[-1] == UNDATED and buckets[0] == (day - 14) // BUCKET_DAYS
    assert {d // BUCKET_DAYS for d in range(day - 14, day + 15)} == set(buckets[:-1])
    # undated, or no limit: every week of the store's dated span
    span = (day - 100, day + 3)
    every = list(range(span[0] // BUCKET_DAYS, span[1] // BUCKET_DAYS + 1)) + [UNDATED]
    assert RewriteFinder(window_days=14).lookup_buckets(None, span) == every
    assert RewriteFinder(window_days=0).lookup_buckets(day, span) == every
    assert RewriteFinder().lookup_buckets(None, None) == [UNDATED]  # nothing dated stored


def test_lexical_gate_spares_embeddings_of_unrelated_pairs(features):
    layer = RewriteFinder()
    docs = {d.id: d for d in make_docs()}
    prepared = {k: layer.prepared(docs[k], features[k]) for k in docs}
    kept = {o.meta.id for o in layer.gate(prepared["rw"], [prepared[k] for k in docs if k != "rw"])}
    assert "orig" in kept and "unrel" not in kept and "same" not in kept
    # the gate needs no sentence vectors: features from the lead-only pass are enough
    light = layer.features_many([docs["rw"]], sentences=False)[0]
    assert light.vectors is None and light.lead is not None
    assert layer.gate(layer.prepared(docs["rw"], light), [prepared["orig"]])


def test_add_order_does_not_change_links(features):
    expected = triples(run(features))
    orders = list(itertools.permutations(make_docs()))
    for order in random.Random(1).sample(orders, 12):
        assert triples(run(features, order=list(order))) == expected


def test_near_copy_is_not_also_reported_as_rewrite(features):
    finder = DuplicateFinder(rewrites=RewriteFinder())
    finder.add(DupDoc("orig", ORIGINAL, "2024-03-05", 1), features=features["orig"])
    copy = DupDoc("copy", ORIGINAL.replace("Tuesday", "Monday"), "2024-03-06", 2)
    links = finder.add(copy, features=features["orig"])
    assert triples(links) == {("copy", "orig", "near")}


def test_features_roundtrip_and_load(features):
    blob = features["orig"].to_bytes()
    back = RewriteFeatures.from_bytes(blob)
    assert np.array_equal(back.spans, features["orig"].spans)
    np.testing.assert_allclose(back.vectors, features["orig"].vectors, atol=2e-3)  # stored as float16
    layer = RewriteFinder()
    layer.load(DupDoc("orig", ORIGINAL, DATES["orig"], 0), back)
    links = layer.add(DupDoc("rw", REWRITE, DATES["rw"], 1), features=features["rw"])
    assert triples(links) == {("rw", "orig", "rewrite")}
    with pytest.raises(InputError):
        RewriteFeatures.from_bytes(b"not features")


def test_loader_brings_back_evicted_docs(features):
    docs = {d.id: d for d in make_docs()}
    calls = []

    def loader(doc_id):
        calls.append(doc_id)
        return docs[doc_id], features[doc_id]

    layer = RewriteFinder(max_cached=1, loader=loader)
    for key in ("orig", "unrel", "same"):
        layer.add(docs[key], features=features[key])
    links = layer.add(docs["rw"], features=features["rw"])
    assert triples(links) == {("rw", "orig", "rewrite")} and "orig" in calls


def test_mismatched_features_raise(features):
    bad = RewriteFeatures(spans=features["orig"].spans, vectors=features["rw"].vectors)
    with pytest.raises(InputError):
        RewriteFinder().add(DupDoc("orig", ORIGINAL), features=bad)


def test_monotone_alignment_keeps_order_and_threshold():
    sim = np.array([[0.9, 0.1, 0.1],
                    [0.1, 0.1, 0.95],
                    [0.1, 0.8, 0.1]])  # row 2 -> col 1 would cross row 1 -> col 2
    pairs = monotone_alignment(sim, 0.65)
    assert [(i, j) for i, j, _ in pairs] in ([(0, 0), (1, 2)], [(0, 0), (2, 1)])
    assert [(i, j) for i, j, _ in pairs] == [(0, 0), (1, 2)]  # the heavier chain wins
    assert monotone_alignment(np.zeros((0, 3)), 0.5) == []
    assert monotone_alignment(np.full((2, 2), 0.3), 0.5) == []


def test_seed_rewrite_is_the_only_duplicate(tmp_path):
    seeds = need_shared("seeds")
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))["articles"]
    docs = [DupDoc(p.stem, p.read_text(encoding="utf-8"), gold[p.stem[:3]]["published"], i)
            for i, p in enumerate(sorted(seeds.glob("*.txt")))]
    try:
        links = find_duplicates(docs, rewrites=True)
    except ModelNotInstalledError as exc:
        pytest.skip(str(exc))
    out = tmp_path / "dups.json"
    out.write_text(json.dumps([lk.to_dict() for lk in links]), encoding="utf-8")
    run_ = subprocess.run([sys.executable, str(seeds / "score_seeds.py"), "dups", str(out)],
                          capture_output=True, text=True)
    assert run_.returncode == 0, run_.stdout + run_.stderr


MRPC_SHA256 = "db05741a0c541f982ab06f5806185ca40b10696cfde53f696be9947699f42d27"


def test_lexical_gate_keeps_the_paraphrases_of_mrpc():
    """The gate's per-sentence test (stem Dice >= gate_dice) on real news paraphrase pairs: it must pass
    almost every paraphrase, since a pair it drops is never embedded (measured 0.990 of 2,753; it is a
    pre-filter, so passing non-paraphrases too is expected: 0.94)."""
    import hashlib

    from storyline.corpus.rewrites import _sentence_stems, stem_dice

    path = need_shared("bench", "paraphrase", "mrpc-train.jsonl")
    if hashlib.sha256(path.read_bytes()).hexdigest() != MRPC_SHA256:
        pytest.skip("mrpc-train.jsonl changed: the floor was measured on another version")
    threshold = RewriteFinder().gate_dice
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["label"] != 1:
            continue
        a, b = (_sentence_stems(t, np.array([[0, len(t)]])) for t in (row["a"], row["b"]))
        kept.append(float(stem_dice(a, [b])[0, 0]) >= threshold)
    assert len(kept) > 2000 and np.mean(kept) >= 0.98
