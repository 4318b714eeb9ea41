"""Local executor: a process pool over batches (or inline with one worker)."""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from storyline.executors.base import batched
from storyline.pipeline import run_steps


def _run_batch(steps: list, batch: list, rank: int, world_size: int) -> list:
    return list(run_steps(steps, batch, rank, world_size))


class LocalExecutor:
    """Runs steps in ``workers`` processes; results come back in input order.

    At most ``2 * workers`` batches are in flight, so memory stays bounded however long the input.
    """

    def __init__(self, workers: int = 0, batch_size: int = 64):
        self.workers = workers or os.cpu_count() or 1
        self.batch_size = batch_size

    def map(self, steps: list, items: Iterable[Any]) -> Iterator[Any]:
        if self.workers <= 1:
            for batch in batched(items, self.batch_size):
                yield from _run_batch(steps, batch, 0, 1)
            return
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            pending: deque[Future] = deque()
            for n, batch in enumerate(batched(items, self.batch_size)):
                pending.append(pool.submit(_run_batch, steps, batch, n % self.workers, self.workers))
                if len(pending) >= 2 * self.workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
