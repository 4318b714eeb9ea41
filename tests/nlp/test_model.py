"""The spaCy pipeline as storyline loads it: numpy matrix products on one BLAS thread, with the same
annotations as thinc's default (blis) on text written for this test."""
from __future__ import annotations

import pytest
import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, SENT_START, TAG
from thinc.backends.numpy_ops import NumpyOps

from storyline.blas import single_thread_blas
from storyline.nlp.model import DEFAULT_MODEL, get_nlp, parse, parse_many, use_numpy_matmul

TEXTS = [
    "Ministers from Norrvale and Estmark met in Quillhaven on Tuesday to discuss fishing rights, "
    "officials said. \"We are closer than we were,\" said Ilse Varnbrook, the Norrvale minister.",
    "The council of Glimmerford voted 7-2 on Monday to close the old bridge for repairs costing "
    "$4.5 million. Residents, who had petitioned for a new crossing since 2019, said they would appeal.",
    "Rescue teams searched through the night after a landslide buried three houses near Ardmoor. "
    "Mayor Tomas Keld told reporters that two people were still missing and that the army had been called.",
]
ATTRS = [TAG, DEP, HEAD, LEMMA, ENT_IOB, ENT_TYPE, SENT_START]


def test_layers_multiply_with_numpy():
    nlp = get_nlp()
    layers = [layer for _name, comp in nlp.pipeline if hasattr(getattr(comp, "model", None), "walk")
              for layer in comp.model.walk()]
    assert layers and all(not layer.ops.use_blis for layer in layers if isinstance(layer.ops, NumpyOps))


def test_same_annotations_as_blis():
    reference = spacy.load(DEFAULT_MODEL)  # thinc's default ops: blis
    assert any(layer.ops.use_blis for layer in reference.get_pipe("ner").model.walk())
    expected = [doc.to_array(ATTRS).tolist() for doc in reference.pipe(TEXTS)]
    assert [doc.to_array(ATTRS).tolist() for doc in parse_many(TEXTS)] == expected
    assert parse(TEXTS[0]).to_array(ATTRS).tolist() == expected[0]


def test_switch_on_a_fresh_pipeline_reports_the_layers_it_switched():
    nlp = spacy.load(DEFAULT_MODEL)
    assert use_numpy_matmul(nlp) > 0
    assert all(not layer.ops.use_blis for layer in nlp.get_pipe("parser").model.walk())


def test_parse_runs_on_one_blas_thread():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    seen = []
    texts = iter(TEXTS[:1])

    def watched():  # the texts are read while the pipeline runs: record the BLAS threads then
        for text in texts:
            seen.extend(info["num_threads"] for info in threadpoolctl.threadpool_info() if info["user_api"] == "blas")
            yield text

    docs = list(parse_many(watched()))
    assert len(docs) == 1 and seen and set(seen) == {1}
    with single_thread_blas():
        assert {i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"} == {1}
