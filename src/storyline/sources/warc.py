"""WARC reader (warcio): each HTML response record is one document."""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from storyline.errors import InputError
from storyline.records import Failure, RawDoc
from storyline.sources.base import id_from_url
from storyline.sources.decode import decode_bytes
from storyline.sources.files import declared_charset


def read_warc_file(path: Path, max_bytes: int) -> Iterator[RawDoc | Failure]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    try:
        with open(path, "rb") as fh:
            for n, record in enumerate(ArchiveIterator(fh), start=1):
                if record.rec_type != "response":
                    continue  # request/metadata/warcinfo records are not documents
                count += 1
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                where = f"{path}#record{n}"
                ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
                payload = record.content_stream().read(max_bytes + 1)
                if "html" not in ctype.lower():
                    yield Failure(where, "read", f"WARC record for {url or 'unknown URL'} is not HTML "
                                                 f"(Content-Type: {ctype or 'missing'})", raw=payload[:4096])
                    continue
                if len(payload) > max_bytes:
                    yield Failure(where, "read", f"WARC record payload over the {max_bytes / 1e6:.1f} MB limit")
                    continue
                try:
                    html, encoding = decode_bytes(payload, where, declared=_charset(ctype) or declared_charset(payload))
                except InputError as exc:
                    yield Failure(where, "read", exc.reason, raw=payload)
                    continue
                date = record.rec_headers.get_header("WARC-Date")
                yield RawDoc(id=id_from_url(url, f"{path.name.split('.')[0]}-{n}"), uri=url or where, kind="html",
                             raw=payload, html=html, meta={"url": url, "fetched": date, "encoding": encoding})
    except ArchiveLoadFailed as exc:
        raise InputError(str(path), f"not a readable WARC file: {exc}") from exc
    except (AttributeError, ValueError, KeyError, IndexError, EOFError, zlib.error) as exc:
        # warcio trips over some malformed records (e.g. a response without a target URI) with plain errors
        raise InputError(str(path), f"not a readable WARC file: malformed record ({type(exc).__name__})") from exc
    if count == 0:
        raise InputError(str(path), "WARC file holds no response records")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'").lower()
    return None
