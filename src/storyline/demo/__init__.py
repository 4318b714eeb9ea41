"""The bundled demo corpus: short articles written for storyline (fictional people and outlets)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

# Files in the corpus folder that describe the corpus rather than being articles.
NOT_ARTICLES = ("MANIFEST.json", "meta.jsonl", "demo_gazetteer.jsonl", "demo_actors.tsv", "README.md")


def corpus_dir() -> Path:
    return Path(str(resources.files("storyline.demo") / "corpus"))


def demo_inputs() -> tuple[Path, Path, list[Path]]:
    """(corpus folder, metadata sidecar, files to exclude from ingestion)."""
    root = corpus_dir()
    return root, root / "meta.jsonl", [root / name for name in NOT_ARTICLES if (root / name).exists()]


def demo_extensions() -> dict[str, list[str]]:
    """Settings that register the demo's own gazetteer and actor table (user-extension files)."""
    root = corpus_dir()
    out: dict[str, list[str]] = {}
    if (root / "demo_gazetteer.jsonl").exists():
        out["gazetteers"] = [str(root / "demo_gazetteer.jsonl")]
    if (root / "demo_actors.tsv").exists():
        out["actors"] = [str(root / "demo_actors.tsv")]
    return out
