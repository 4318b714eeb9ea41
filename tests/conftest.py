"""Shared fixtures.  Data under ../shared is read in place, never copied into the repo."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STORYLINE_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
BENCH = SHARED / "bench"


def need_shared(*parts: str) -> Path:
    """Path under ../shared, or skip the test with a reason when it is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: development data from ../shared is not available in this clone")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return need_shared("seeds")


@pytest.fixture
def bench_dir() -> Path:
    return need_shared("bench")
