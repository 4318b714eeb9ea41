"""One BLAS thread where storyline multiplies matrices.

storyline runs one process per core (workers, a writer) and multiplies small matrices (spaCy's layers,
the rewrite layer's sentence similarities).  numpy's OpenBLAS would start a thread per core in every
process: on a busy 2-core machine that made spaCy's layers ~1.7x and the rewrite layer 5-7x slower
(measured, docs/decisions.md), so these calls run on one thread.
"""
from __future__ import annotations

import contextlib
import functools
from typing import Any


@functools.lru_cache(maxsize=1)
def _controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # a dependency (also of scikit-learn); without it BLAS keeps its own default
        return None
    return ThreadpoolController()


def single_thread_blas() -> Any:
    """Context limiting BLAS to one thread (~8 us per use); a no-op without threadpoolctl."""
    controller = _controller()
    return controller.limit(limits=1, user_api="blas") if controller is not None else contextlib.nullcontext()
