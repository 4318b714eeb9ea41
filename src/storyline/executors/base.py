"""Executors run per-document steps over a stream of records.  They know nothing about NLP."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol


class Executor(Protocol):
    def map(self, steps: list, items: Iterable[Any]) -> Iterator[Any]:
        """Run ``steps`` over ``items``; yield results in input order."""
        ...


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
