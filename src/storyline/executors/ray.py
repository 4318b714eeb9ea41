"""Ray executor (extra ``storyline[ray]``): per-document steps run as Ray tasks over batches.

Results come back to the calling process in input order; the store is still written by that one
process (the single writer).  A re-run after a crash is cheap because ingest skips every document
whose content is already stored, so finished batches are not redone.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from storyline.errors import MissingExtraError
from storyline.executors.base import batched
from storyline.pipeline import run_steps


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise MissingExtraError("ray", "ray", "The Ray executor") from exc
    return ray


class RayExecutor:
    def __init__(self, workers: int = 0, batch_size: int = 64, address: str | None = None):
        self.workers = workers or os.cpu_count() or 1
        self.batch_size = batch_size
        self.address = address or os.environ.get("STORYLINE_RAY_ADDRESS")

    def _ensure_ray(self):
        ray = _import_ray()
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, ignore_reinit_error=True, log_to_driver=False)
            else:
                # a local Ray with exactly `workers` CPUs: one task per CPU at a time
                ray.init(num_cpus=self.workers, include_dashboard=False, ignore_reinit_error=True,
                         log_to_driver=False)
        return ray

    def map(self, steps: list, items: Iterable[Any]) -> Iterator[Any]:
        ray = self._ensure_ray()
        remote = ray.remote(_run_batch_remote)
        steps_ref = ray.put(steps)
        pending: deque = deque()
        for n, batch in enumerate(batched(items, self.batch_size)):
            pending.append(remote.remote(steps_ref, batch, n % self.workers, self.workers))
            if len(pending) >= 2 * self.workers:
                yield from ray.get(pending.popleft())
        while pending:
            yield from ray.get(pending.popleft())


def _run_batch_remote(steps: list, batch: list, rank: int, world_size: int) -> list:
    return list(run_steps(steps, batch, rank, world_size))
