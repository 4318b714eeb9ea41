"""Metadata sidecars (JSONL or CSV keyed by ``id``) for inputs that carry none, like plain text."""
from __future__ import annotations

import csv
from pathlib import Path

from storyline.errors import InputError
from storyline.sources.base import json_object_lines, normalise_date

SIDECAR_KEYS = {"published", "outlet", "url", "title"}


def load_sidecar(path: str | Path) -> dict[str, dict]:
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "metadata sidecar not found")
    rows: list[dict] = []
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
    else:
        rows = [row for _, row in json_object_lines(text.splitlines(), str(path))]
    out: dict[str, dict] = {}
    for n, row in enumerate(rows, start=1):
        if not row.get("id"):
            raise InputError(f"{path}#row{n}", "metadata row has no 'id'")
        meta = {k: v for k, v in row.items() if k != "id" and v not in (None, "")}
        if "published" in meta:
            meta["published"] = normalise_date(meta["published"]) or meta["published"]
        out[str(row["id"])] = meta
    return out
