"""Fault injection for the crash harness: die on purpose at a named point.

``STORYLINE_CRASH_AT`` names the point(s), comma-separated, each optionally ``name:N`` (die the
N-th time the point is reached, default the first).  Points:

* ``write``      — inside an ingest batch, after an article was written and before its commit;
* ``migrate``    — inside a schema migration, after its first statement;
* ``duplicates`` / ``stories`` / ``entities`` / ``events`` — inside a corpus stage, before its commit.

The process sends itself SIGKILL: nothing is flushed, no ``finally`` runs, exactly like a power cut
or the OOM killer.  With the variable unset, ``crash_point`` is one dictionary lookup.
"""
from __future__ import annotations

import os
import signal

ENV = "STORYLINE_CRASH_AT"
_hits: dict[str, int] = {}


def _targets(spec: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in spec.split(","):
        name, _, nth = part.strip().partition(":")
        if name:
            out[name] = int(nth) if nth.isdigit() and int(nth) > 0 else 1
    return out


def crash_point(name: str) -> None:
    """SIGKILL this process if ``STORYLINE_CRASH_AT`` asks for ``name`` (and this is the N-th hit)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    wanted = _targets(spec).get(name)
    if wanted is None:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= wanted:
        os.kill(os.getpid(), signal.SIGKILL)
