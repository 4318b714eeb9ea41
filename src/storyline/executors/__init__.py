"""Executor layer: local process pool by default; Ray (extra ``storyline[ray]``) for large backfills."""
from __future__ import annotations

from storyline.executors.local import LocalExecutor


def make_executor(kind: str = "local", workers: int = 0, batch_size: int = 64, address: str | None = None):
    if kind == "local":
        return LocalExecutor(workers=workers, batch_size=batch_size)
    if kind == "ray":
        from storyline.executors.ray import RayExecutor  # lazy: Ray is an optional extra

        return RayExecutor(workers=workers, batch_size=batch_size, address=address)
    raise ValueError(f"unknown executor {kind!r}; use 'local' or 'ray'")


def executor_for(settings):
    """The executor the settings ask for (``ingest.executor``, ``workers``, ``batch_size``, ``ray_address``)."""
    ing = settings.ingest
    return make_executor(ing.executor, ing.workers, ing.batch_size, ing.ray_address)


__all__ = ["LocalExecutor", "make_executor", "executor_for"]
