"""Executor layer: local process pool by default; Ray (extra ``storyline[ray]``) for large backfills."""
from __future__ import annotations

from storyline.executors.local import LocalExecutor


def make_executor(kind: str = "local", workers: int = 0, batch_size: int = 64):
    if kind == "local":
        return LocalExecutor(workers=workers, batch_size=batch_size)
    if kind == "ray":
        from storyline.executors.ray import RayExecutor  # lazy: Ray is an optional extra

        return RayExecutor(workers=workers, batch_size=batch_size)
    raise ValueError(f"unknown executor {kind!r}; use 'local' or 'ray'")


__all__ = ["LocalExecutor", "make_executor"]
