"""Readers for single-document files: plain text and HTML (optionally gzipped)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from storyline.records import RawDoc
from storyline.sources.base import id_from_path, read_limited
from storyline.sources.decode import decode_bytes

_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.I)


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def read_text_file(path: Path, max_bytes: int) -> Iterator[RawDoc]:
    data = read_limited(path, max_bytes)
    text, encoding = decode_bytes(data, str(path))
    yield RawDoc(id=id_from_path(path), uri=path.resolve().as_uri(), kind="text", raw=data, text=text,
                 meta={"encoding": encoding})


def read_html_file(path: Path, max_bytes: int) -> Iterator[RawDoc]:
    data = read_limited(path, max_bytes)
    html, encoding = decode_bytes(data, str(path), declared=declared_charset(data))
    yield RawDoc(id=id_from_path(path), uri=path.resolve().as_uri(), kind="html", raw=data, html=html,
                 meta={"encoding": encoding})


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<article", b"<div", b"<p"))
