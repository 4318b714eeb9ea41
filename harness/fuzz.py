"""Fuzz harness: thousands of malformed inputs through the real ingest; none may crash it, and every
input must end up either stored or recorded as a failure with a reason.

    python harness/fuzz.py --n 10000            # 10,000 generated inputs + the nasty corpus
    python harness/fuzz.py --n 300 --seed 7     # the size the test suite runs

Inputs are produced by a deterministic mutation fuzzer (``generate_inputs``): well-formed seeds of
every format (.txt, .html, .html.gz, .jsonl, .rss, .atom, .warc) plus harness/nasty/ are mutated
(bit flips, truncation, slice duplication, splicing two inputs, inserting hostile tokens: NUL,
invalid UTF-8, BOMs, RTL/zero-width marks, comment/CDATA openers, entity references, script tags)
or replaced by random bytes, and written under a file extension that sometimes lies.

The ingest runs in this process in chunks (``--chunk`` files per ``ingest`` call), analysis off: a
chunk that raises counts as a crash and the harness goes on.  Afterwards every document the readers
produced is looked up: stored (its raw hash is an article's) or failed (a failures row names it).
Exit status 0 when there were no crashes and nothing unaccounted.  ``--write-docs`` writes the
figures into docs/reliability.md.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_nasty import FILLER, files as nasty_files, rss, warc_record  # noqa: E402

HOSTILE = [b"\0", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3\x28", b"\xed\xa0\x80", "\u202e".encode(), "\u200b".encode(),
           b"<!--", b"<![CDATA[", b"]]>", b"&lol;", b"&#0;", b"&#xD800;", b"<script>alert(1)</script>",
           b"<img src=x onerror=alert(1)>", b"\r", b"\n\n", b"{", b"}", b'"', b"\\u0000", b"\\ud800",
           b"<!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]>", b"</html>", b"WARC/1.0\r\n", b"<item>",
           b"\x1f\x8b\x08"]


def seeds() -> list[tuple[str, bytes]]:
    """Well-formed inputs of each format (extension, bytes), written here."""
    body = FILLER * 3
    html = f"<html><head><title>Bridge budget</title></head><body><article><h1>Bridge</h1><p>{body}</p>" \
           f"<p>{body}</p></article></body></html>".encode()
    jsonl = "".join(json.dumps({"id": f"j{i}", "title": "Bridge", "published": "2024-02-0" + str(i + 1),
                                "text": body + str(i)}) + "\n" for i in range(3)).encode()
    atom = (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title><entry>'
            f'<title>Bridge</title><link href="http://example.invalid/bridge"/><content type="html">&lt;p&gt;{body}'
            f"&lt;/p&gt;</content></entry></feed>").encode()
    return [(".txt", f"Bridge budget\n\n{body}\n\n{body}\n".encode()), (".html", html),
            (".html.gz", gzip.compress(html, mtime=0)), (".jsonl", jsonl),
            (".rss", rss("<item><title>Bridge</title><link>http://example.invalid/b</link>"
                         f"<description>{body}</description></item>")),
            (".atom", atom), (".warc", warc_record(html))]


def _ext_of(name: str) -> str:
    return ".html.gz" if name.endswith(".html.gz") else (Path(name).suffix or ".txt")


def mutate(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    """One to four random mutations."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # bit flips
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(buf))
                buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # truncate
            del buf[pos:]
        elif op == 2:  # hostile token
            buf[pos:pos] = rng.choice(HOSTILE) * rng.choice((1, 1, 2, 50))
        elif op == 3 and buf:  # duplicate a slice
            a = rng.randrange(len(buf))
            buf[pos:pos] = buf[a:a + rng.randint(1, 200)] * rng.randint(1, 20)
        elif op == 4:  # splice another input in
            other = rng.choice(pool)
            a = rng.randint(0, len(other))
            buf[pos:pos] = other[a:a + rng.randint(1, 2000)]
        elif op == 5 and buf:  # delete a slice
            del buf[pos:pos + rng.randint(1, 100)]
        else:  # random bytes
            buf[pos:pos] = rng.randbytes(rng.randint(1, 64))
    return bytes(buf[:300_000])


def generate_inputs(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` fuzzed files under ``folder`` (1,000 per sub-folder), deterministic for ``seed``."""
    rng = random.Random(seed)
    base = seeds() + [(_ext_of(name), build()) for name, build in nasty_files().items() if name != "zip-bomb.html.gz"]
    pool = [data for _, data in base]
    exts = sorted({ext for ext, _ in base} | {".xml", ".htm"})
    out = []
    for i in range(n):
        ext, data = rng.choice(base)
        r = rng.random()
        data = rng.randbytes(rng.randint(0, 3000)) if r < 0.05 else data if r < 0.1 else mutate(data, rng, pool)
        if rng.random() < 0.1:
            ext = rng.choice(exts)  # the extension lies
        path = folder / f"{i // 1000:03d}" / f"f{i:05d}{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        out.append(path)
    return out


# -- running and accounting ----------------------------------------------------------------------------
def expected_docs(files: list[Path], max_bytes: int) -> tuple[list, int]:
    """What the readers make of each file: RawDocs and Failures (the read is repeated by ingest)."""
    from storyline.records import Failure, RawDoc
    from storyline.sources import read_file

    items, reader_crashes = [], 0
    for path in files:
        try:
            items += [i for i in read_file(path, max_bytes) if isinstance(i, (RawDoc, Failure))]
        except Exception:  # noqa: BLE001 — counted; ingest would crash on it too
            reader_crashes += 1
    return items, reader_crashes


def account(store, items: list) -> list[str]:
    """Documents neither stored nor recorded as failures (should be empty)."""
    from storyline.records import RawDoc

    stored = {r["raw_hash"] for r in store.rows("SELECT raw_hash FROM articles")}
    failed_raw = {r["raw_hash"] for r in store.rows("SELECT raw_hash FROM failures WHERE raw_hash IS NOT NULL")}
    failed_input = {r["input"] for r in store.rows("SELECT input FROM failures")}
    lost = []
    for item in items:
        if isinstance(item, RawDoc):
            if item.raw_hash not in stored and item.raw_hash not in failed_raw and item.uri not in failed_input:
                lost.append(item.uri)
        elif item.input not in failed_input:
            lost.append(item.input)
    return lost


def run_fuzz(*, n: int = 10000, seed: int = 0, work: Path, chunk: int = 1000, nasty: bool = True,
             big: bool = True, corpus_stages: bool = True, log=print) -> dict:
    from storyline.ingest import ingest
    from storyline.settings import load_settings
    from storyline.store import open_store

    from make_nasty import big_inputs, write_all

    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    files = generate_inputs(work / "fuzzed", n, seed)
    if nasty:
        files += write_all(work / "nasty")
    if big:
        files += big_inputs(work / "big")
    db = work / "fuzz.db"
    settings = load_settings(overrides={"store": {"db": str(db)}, "ingest": {"analyze": False, "workers": 1},
                                        "duplicates": {"rewrites": False}})
    crashes, seconds_per_chunk = [], []
    with open_store(str(db)) as store:
        for i in range(0, len(files), chunk):
            t0 = time.monotonic()
            try:
                ingest(files[i:i + chunk], store, settings)
            except Exception as exc:  # noqa: BLE001 — exactly what the harness counts
                crashes.append(f"chunk {i // chunk}: {type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}")
            seconds_per_chunk.append(time.monotonic() - t0)
            log(f"chunk {i // chunk}: {min(i + chunk, len(files))}/{len(files)} files, "
                f"{seconds_per_chunk[-1]:.1f}s, crashes so far {len(crashes)}")
        if corpus_stages:
            from storyline.corpus.update import update_corpus

            try:
                update_corpus(store, settings, store.article_ids())
            except Exception as exc:  # noqa: BLE001
                crashes.append(f"corpus stages: {type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}")
        items, reader_crashes = expected_docs(files, settings.ingest.max_bytes)
        lost = account(store, items)
        from storyline.check import check_with_settings

        report = check_with_settings(store, settings)
        result = {"inputs": len(files), "generated": n, "documents": len(items), "articles": store.count("articles"),
                  "failures": store.count("failures"), "crashes": len(crashes) + reader_crashes,
                  "unaccounted": len(lost), "check_ok": report.ok,
                  "seconds": round(time.monotonic() - started, 1),
                  "slowest_chunk_seconds": round(max(seconds_per_chunk, default=0), 1),
                  "failure_reasons": _reason_kinds(store), "crash_details": crashes[:5], "lost_examples": lost[:5]}
    return result


def _reason_kinds(store) -> dict[str, int]:
    """Failures grouped by the start of their reason (numbers and names stripped)."""
    import re

    kinds: dict[str, int] = {}
    for r in store.rows("SELECT stage, reason FROM failures"):
        key = r["stage"] + ": " + re.sub(r"[\d.]+", "N", r["reason"].split(":")[0])[:60]
        kinds[key] = kinds.get(key, 0) + 1
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:12])


def fuzz_markdown(result: dict, args) -> str:
    reasons = "\n".join(f"| {k} | {v} |" for k, v in result["failure_reasons"].items())
    return (f"Command: `python harness/fuzz.py --n {args.n} --seed {args.seed}`\n\n"
            "| inputs (files) | documents read | stored | failures recorded | crashes | unaccounted | "
            "check | wall time |\n|---|---|---|---|---|---|---|---|\n"
            f"| {result['inputs']} | {result['documents']} | {result['articles']} | {result['failures']} | "
            f"{result['crashes']} | {result['unaccounted']} | {'ok' if result['check_ok'] else 'FAILED'} | "
            f"{result['seconds']} s |\n\nMost common failure reasons:\n\n| stage: reason | count |\n|---|---|\n"
            f"{reasons}\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=10000, help="generated inputs (default 10000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--chunk", type=int, default=1000, help="files per ingest call")
    p.add_argument("--no-big", action="store_true", help="leave out the 10 MB single-line inputs")
    p.add_argument("--work", type=Path, default=None, help="working folder (default: a new temporary folder)")
    p.add_argument("--write-docs", action="store_true", help="write the figures into docs/reliability.md")
    args = p.parse_args(argv)
    import tempfile

    work = args.work or Path(tempfile.mkdtemp(prefix="storyline-fuzz-"))
    result = run_fuzz(n=args.n, seed=args.seed, work=work, chunk=args.chunk, big=not args.no_big,
                      log=lambda m: print(m, flush=True))
    print(json.dumps(result, indent=1))
    if args.write_docs:
        from docs_figures import write_section

        write_section("fuzz", fuzz_markdown(result, args))
    return 0 if result["crashes"] == 0 and result["unaccounted"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
