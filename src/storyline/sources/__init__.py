"""Source readers: turn paths (files, folders) into RawDoc records, or Failures with reasons.

``read_paths`` never raises for a bad input: it yields a ``Failure`` naming the input and goes on.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.errors import InputError
from storyline.records import Failure, RawDoc, Skipped
from storyline.sources.base import DEFAULT_MAX_BYTES, read_limited
from storyline.sources.feeds import is_feed, parse_feed
from storyline.sources.files import looks_like_html, read_html_file, read_text_file
from storyline.sources.jsonl import read_jsonl_file
from storyline.sources.warc import read_warc_file

TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml"}
FEED_EXT = {".rss", ".atom", ".xml"}
JSONL_EXT = {".jsonl", ".ndjson"}
WARC_EXT = {".warc"}


def kind_of(path: Path) -> str:
    """Input kind from the file name (``.gz`` looked through)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    for kind, exts in (("text", TEXT_EXT), ("html", HTML_EXT), ("feed", FEED_EXT), ("jsonl", JSONL_EXT),
                       ("warc", WARC_EXT)):
        if ext in exts:
            return kind
    return "sniff"


def iter_files(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()) -> Iterator[tuple[Path, bool]]:
    """``(file, named_explicitly)`` under ``paths`` in a stable (sorted) order; hidden files are skipped."""
    skip = {Path(p).resolve() for p in exclude}
    for root in paths:
        root = Path(root)
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root).parts
                if path.is_file() and not any(part.startswith(".") for part in rel) and path.resolve() not in skip:
                    yield path, False
        elif root.resolve() not in skip:
            yield root, True  # a missing path is reported by read_file


def unsupported(path: Path) -> bool:
    """A file with an extension we do not read (e.g. .py, .json, .png), found by walking a folder."""
    return kind_of(path) == "sniff" and bool(path.suffix)


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDoc | Failure]:
    """All documents in one file; a file-level problem becomes one Failure."""
    try:
        if not path.exists():
            raise InputError(str(path), "no such file or directory")
        if not path.is_file():
            raise InputError(str(path), "not a regular file")
        kind = kind_of(path)
        if kind == "jsonl":
            yield from read_jsonl_file(path, max_bytes)
        elif kind == "warc":
            yield from read_warc_file(path, max_bytes)
        elif kind == "text":
            yield from read_text_file(path, max_bytes)
        elif kind == "html":
            yield from read_html_file(path, max_bytes)
        else:
            data = read_limited(path, max_bytes)
            if is_feed(data):
                yield from parse_feed(data, str(path), path.resolve().as_uri())
            elif kind == "feed":
                raise InputError(str(path), "XML file is neither RSS nor Atom")
            elif looks_like_html(data):
                yield from read_html_file(path, max_bytes)
            else:
                yield from read_text_file(path, max_bytes)
    except InputError as exc:
        yield Failure(exc.input, "read", exc.reason)
    except OSError as exc:
        yield Failure(str(path), "read", f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 — a reader bug on one odd file is recorded, never fatal
        yield Failure(str(path), "read", f"unreadable input ({type(exc).__name__}: {str(exc)[:200]})")


def apply_sidecar(doc: RawDoc, sidecar: dict[str, dict] | None) -> RawDoc:
    """Sidecar metadata wins over what the input says: the user supplied it on purpose."""
    if sidecar and doc.id in sidecar:
        doc.meta.update(sidecar[doc.id])
    return doc


def read_paths(paths: Iterable[str | Path], sidecar: dict[str, dict] | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, exclude: Iterable[str | Path] = ()
               ) -> Iterator[RawDoc | Failure | Skipped]:
    for path, explicit in iter_files(paths, exclude):
        if not explicit and unsupported(path):
            yield Skipped(str(path), f"unsupported file type '{path.suffix}' (name the file to read it anyway)")
            continue
        for item in read_file(path, max_bytes):
            yield apply_sidecar(item, sidecar) if isinstance(item, RawDoc) else item


__all__ = ["read_paths", "read_file", "iter_files", "kind_of", "apply_sidecar"]
