"""Shared helpers for source readers: ids, size limits, dates in metadata."""
from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import io
import re
import zlib
from pathlib import Path

from storyline.errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # one document; a whole JSONL/WARC file may be larger

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._~-]+")


def id_from_path(path: Path) -> str:
    """The input's own name: a file's name up to its first dot."""
    return path.name.split(".", 1)[0] or path.name


def id_from_url(url: str, fallback: str) -> str:
    """A readable id for a feed item or WARC record: the last path segment of its URL."""
    tail = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].split(".", 1)[0]
    tail = _UNSAFE_ID.sub("-", tail).strip("-")
    return tail[:120] or fallback


def read_limited(path: Path, max_bytes: int) -> bytes:
    """Read a file, transparently gunzipping ``.gz``, refusing more than ``max_bytes`` (zip bombs too)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(str(path), f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
                                    "for one document (raise it with --max-bytes)")
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        data = gunzip_limited(data, str(path), max_bytes)
    return data


def gunzip_limited(data: bytes, name: str, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(max_bytes + 1)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(name, f"corrupt or truncated gzip data: {exc}") from exc
    if len(out) > max_bytes:
        raise InputError(name, f"decompresses to more than {max_bytes / 1e6:.1f} MB (possible zip bomb; "
                               "raise the limit with --max-bytes)")
    return out


def json_object_lines(lines, name: str, line_prefix: str = "line"):
    """``(line number, object)`` for each non-blank JSON line; InputError naming ``name#<prefix>N`` for a
    line that is not JSON or not an object."""
    import json

    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}#{line_prefix}{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON: {exc.msg}") from exc
        if not isinstance(obj, dict):
            raise InputError(where, "expected a JSON object")
        yield n, obj


def normalise_date(value: object) -> str | None:
    """ISO date (YYYY-MM-DD) or datetime string from metadata values in common formats; None if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc).date().isoformat()
    text = str(value).strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.date().isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()  # RSS pubDate
    except (TypeError, ValueError, IndexError):
        pass
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        try:
            return dt.date(*map(int, match.groups())).isoformat()
        except ValueError:
            return None
    return None
