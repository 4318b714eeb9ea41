"""Bytes → text, deterministically, with a clear error for what is not text.

The *input text* of a document (what every span points into) is the decoded text with ``\\r\\n`` and
lone ``\\r`` turned into ``\\n`` — the same text Python's ``open(path).read()`` gives for UTF-8 files.
"""
from __future__ import annotations

import codecs

from storyline.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Share of control characters (other than whitespace) above which bytes are binary, not text.
_MAX_CONTROL_SHARE = 0.01


def normalise_newlines(text: str) -> str:
    """Input-text normal form: ``\n`` newlines and no NUL characters (which no text store keeps)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    control = len(sample.translate(None, _NOT_CONTROL))  # bytes.translate deletes the allowed ones
    return bool(sample) and control / len(sample) > _MAX_CONTROL_SHARE


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)``.  Raises InputError naming ``name``.

    Order: BOM, declared charset (if valid), strict UTF-8, then charset-normalizer's best guess,
    then cp1252 (the most common legacy encoding on news sites; it decodes almost anything).
    """
    if not data.strip():
        raise InputError(name, "empty input (no content)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return normalise_newlines(data.decode(enc)), enc
            except UnicodeDecodeError as exc:
                raise InputError(name, f"starts with a {enc} byte-order mark but does not decode: {exc}") from exc
    if looks_binary(data):
        raise InputError(name, "binary data, not text (control bytes or NUL found)")
    candidates = [declared] if declared else []
    candidates.append("utf-8")
    for enc in candidates:
        try:
            return normalise_newlines(data.decode(enc)), enc
        except (UnicodeDecodeError, LookupError):
            continue
    # cp1252 first when it yields plausible Western text: charset guessers are unreliable on short
    # articles, and cp1252/latin-1 is by far the most common legacy encoding in news archives.
    try:
        western = data.decode("cp1252")
        if _plausible_western(western):
            return normalise_newlines(western), "cp1252"
    except UnicodeDecodeError:
        pass
    guess = _guess_encoding(data)
    for enc in (guess, "cp1252", "latin-1"):
        if not enc:
            continue
        try:
            return normalise_newlines(data.decode(enc)), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(name, "cannot decode text in any known encoding")  # pragma: no cover (latin-1 never fails)


_WESTERN_EXTRA = set("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u20ac\u00a0\u00b0\u00a3\u00ab\u00bb")


def _plausible_western(text: str) -> bool:
    """Non-ASCII characters are mostly accented Latin letters or typographic punctuation."""
    odd = [c for c in text if ord(c) > 127]
    if not odd:
        return True
    good = sum(1 for c in odd if (c.isalpha() and ord(c) < 0x250) or c in _WESTERN_EXTRA)
    return good / len(odd) >= 0.9


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: cp1252 fallback still works
        return None
    best = from_bytes(data[:65536]).best()
    return best.encoding if best else None
