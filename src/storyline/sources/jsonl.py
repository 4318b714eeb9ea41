"""JSONL reader: one article per line (``id``, ``text`` or ``html``, optional metadata)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from storyline.errors import InputError
from storyline.records import Failure, RawDoc
from storyline.sources.base import gunzip_limited, id_from_path
from storyline.sources.decode import decode_bytes, normalise_newlines

KNOWN_KEYS = {"id", "text", "html", "title", "url", "outlet", "published"}


def read_jsonl_file(path: Path, max_bytes: int) -> Iterator[RawDoc | Failure]:
    """Stream records; a bad line is a Failure naming ``file#line N``, the rest go on."""
    opener = _open_lines(path, max_bytes)
    for lineno, raw_line in opener:
        where = f"{path}#line{lineno}"
        if not raw_line.strip():
            continue
        if len(raw_line) > max_bytes:
            yield Failure(where, "read", f"line is {len(raw_line) / 1e6:.1f} MB, over the limit of "
                                         f"{max_bytes / 1e6:.1f} MB for one document", raw=raw_line[:4096])
            continue
        try:
            yield record_to_doc(raw_line, where, f"{id_from_path(path)}-{lineno}", path.resolve().as_uri())
        except InputError as exc:
            yield Failure(where, "read", exc.reason, raw=raw_line)


def record_to_doc(raw_line: bytes, where: str, fallback_id: str, uri: str) -> RawDoc:
    line, _ = decode_bytes(raw_line, where)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
    except RecursionError as exc:  # json's C scanner recurses per nesting level
        raise InputError(where, "JSON nested too deeply to read") from exc
    if not isinstance(record, dict):
        raise InputError(where, f"expected a JSON object, got {type(record).__name__}")
    record = {_no_surrogates(k): _no_surrogates(v) for k, v in record.items()}
    text, html = record.get("text"), record.get("html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise InputError(where, "record has neither a 'text' nor an 'html' string")
    doc_id = str(record.get("id") or fallback_id)
    meta = {k: v for k, v in record.items() if k not in ("id", "text", "html")}
    if isinstance(html, str) and html.strip():
        return RawDoc(id=doc_id, uri=record.get("url") or uri, kind="html", raw=raw_line.strip(), html=html,
                      meta=meta)
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, "record's text is empty")
    return RawDoc(id=doc_id, uri=record.get("url") or uri, kind="text", raw=raw_line.strip(),
                  text=normalise_newlines(text), meta=meta)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(value: object) -> object:
    """A lone surrogate (JSON allows the escape ``\\ud800``) cannot be stored as UTF-8: U+FFFD stands in,
    one character for one, so offsets into the text stay valid.  Nested values are kept as they are
    (metadata is stored as ASCII-escaped JSON)."""
    return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value


def _open_lines(path: Path, max_bytes: int) -> Iterator[tuple[int, bytes]]:
    if path.suffix == ".gz":
        data = gunzip_limited(path.read_bytes(), str(path), max_bytes * 50)
        yield from enumerate(data.splitlines(), start=1)
        return
    with open(path, "rb") as fh:
        yield from enumerate(fh, start=1)
