"""Score storyline.nlp.quotes on the PolNeAR attribution benchmark (../shared/bench/quotes).

    python3 bench/quotes_bench.py [--split dev|train|all] [--limit N] [--entities] [--pred OUT.jsonl]

Parses every article once (nlp.pipe, batched), writes predictions in score_quotes.py's format and
prints the scorer's figures for the "all" and "direct-only" views plus documents per second.
The benchmark text is read in place and never copied into the repository.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO.parent / "shared" / "bench"
GOLD = BENCH / "quotes" / "polnear-dev.jsonl"
SCORER = BENCH / "score_quotes.py"


def load(split: str, limit: int | None) -> list[dict]:
    docs = [json.loads(line) for line in GOLD.open(encoding="utf-8") if line.strip()]
    if split != "all":
        docs = [d for d in docs if d["split"] == split]
    return docs[:limit] if limit else docs


def predict(docs: list[dict], entities: bool = False) -> tuple[list[dict], float, float]:
    """Prediction rows, total seconds, and seconds spent outside the spaCy parse (and resolver)."""
    from storyline.nlp.model import parse_many
    from storyline.nlp.quotes import extract_quotes

    resolve = None
    if entities:
        from storyline.nlp.entities import extract_entities as resolve

    rows, t0, extract_s = [], time.perf_counter(), 0.0
    for d, doc in zip(docs, parse_many((d["text"] for d in docs), batch_size=16)):
        mentions = resolve(doc) if resolve else None
        t1 = time.perf_counter()
        qs = extract_quotes(doc, mentions)
        extract_s += time.perf_counter() - t1
        rows.append({"id": d["id"], "quotes": [
            {"span": [q.start, q.end], "speaker": q.speaker,
             "speaker_span": list(q.speaker_span) if q.speaker_span else None, "direct": q.direct, "cue": q.cue}
            for q in qs]})
    return rows, time.perf_counter() - t0, extract_s


def score(gold_path: Path, pred_path: Path) -> str:
    return subprocess.run([sys.executable, str(SCORER), str(gold_path), str(pred_path), "--direct-only"],
                          capture_output=True, text=True, check=True).stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="all", choices=["dev", "train", "all"])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--entities", action="store_true", help="speakers from storyline.nlp.entities")
    ap.add_argument("--pred", type=Path, default=None, help="keep the predictions here")
    args = ap.parse_args()
    if not GOLD.exists():
        sys.exit(f"{GOLD} not found: the benchmark lives in ../shared/bench, outside this repository")
    docs = load(args.split, args.limit)
    rows, total_s, extract_s = predict(docs, args.entities)
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = Path(tmp) / "gold.jsonl", args.pred or Path(tmp) / "pred.jsonl"
        gold_path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        pred_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        print(score(gold_path, pred_path), end="")
    print(f"{len(docs)} docs in {total_s:.1f} s: {len(docs) / total_s:.1f} docs/s "
          f"(extraction alone {extract_s:.2f} s, {len(docs) / max(extract_s, 1e-9):.0f} docs/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
