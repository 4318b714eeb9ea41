"""GDELT 2.0-compatible export of corpus events (Events and Mentions tables).

Column lists and order follow the GDELT 2.0 Event Codebook (61 event columns, 16 mention columns);
rows are lists in that order with ``None`` for what storyline does not produce (tone, geography,
known-group / ethnic / religion codes).  The mapping is documented in docs/events.md.
Files are tab-separated without a header, like GDELT's own (``header=True`` adds one); Parquet needs
the optional ``pyarrow`` package.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from storyline.errors import ConfigError, MissingExtraError

_ACTOR_FIELDS = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                 "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]
_GEO_FIELDS = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]

EVENT_COLUMNS: list[str] = (
    ["GlobalEventID", "Day", "MonthYear", "Year", "FractionDate"]
    + [f"Actor1{f}" for f in _ACTOR_FIELDS]
    + [f"Actor2{f}" for f in _ACTOR_FIELDS]
    + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
       "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    + [f"{who}Geo_{f}" for who in ("Actor1", "Actor2", "Action") for f in _GEO_FIELDS]
    + ["DATEADDED", "SOURCEURL"]
)
MENTION_COLUMNS: list[str] = [
    "GlobalEventID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName",
    "MentionIdentifier", "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset",
    "InRawText", "Confidence", "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras",
]
MENTION_TYPE_WEB = 1  # GDELT MentionType 1 = WEB


def global_event_id(event_id: str) -> int:
    """A stable positive 60-bit integer for a storyline event id (GDELT ids are integers)."""
    return int(hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:15], 16)


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _stamp(day: dt.date | None) -> int | None:
    return int(day.strftime("%Y%m%d") + "000000") if day else None


def _fraction(day: dt.date) -> float:
    return round(day.year + day.timetuple().tm_yday / 365.0, 4)  # GDELT's YYYY.FFFF convention


def _actor_cols(name: str | None, country: str | None, role: str | None) -> list:
    code = (country or "") + (role or "")
    return [code or None, name.upper() if name else None, country, None, None, None, None, role, None, None]


def _meta(articles_meta: Mapping[str, Mapping], article: str) -> Mapping:
    return articles_meta.get(article) or {}


def _first_article(ev: Mapping, articles_meta: Mapping[str, Mapping]) -> str | None:
    arts = list(ev.get("articles") or [])
    return min(arts, key=lambda a: (str(_meta(articles_meta, a).get("published") or "9999"), a)) if arts else None


def _lead_end(text: str | None) -> int:
    if not text:
        return -1
    cut = text.find("\n\n", text.find(next((c for c in text if not c.isspace()), "")) + 1)
    return cut if cut >= 0 else len(text)


def _is_root(ev: Mapping, articles_meta: Mapping[str, Mapping]) -> int:
    """1 when some report codes the event in its lead paragraph (GDELT's IsRootEvent proxy)."""
    for e in ev.get("evidence") or []:
        end = _lead_end(_meta(articles_meta, e.get("article")).get("text"))
        if e.get("span") and 0 <= e["span"][0] < end:
            return 1
    return 0


def export_gdelt_events(events: Iterable[Mapping], articles_meta: Mapping[str, Mapping]) -> Iterator[list]:
    """One GDELT 2.0 Events row (61 values, ``EVENT_COLUMNS`` order) per corpus event.

    ``articles_meta`` maps article id -> {"url", "outlet", "published", optional "text"}.
    """
    for ev in events:
        day = _day(ev.get("date"))
        arts = list(ev.get("articles") or [])
        outlets = {_meta(articles_meta, a).get("outlet") or a for a in arts}
        first = _first_article(ev, articles_meta)
        published = [d for d in (_day(_meta(articles_meta, a).get("published")) for a in arts) if d]
        cameo = str(ev.get("cameo") or "")
        row = [global_event_id(str(ev["id"])),
               int(day.strftime("%Y%m%d")) if day else None,
               int(day.strftime("%Y%m")) if day else None,
               day.year if day else None,
               _fraction(day) if day else None]
        row += _actor_cols(ev.get("actor"), ev.get("actor_country"), ev.get("actor_role"))
        row += _actor_cols(ev.get("target"), ev.get("target_country"), ev.get("target_role"))
        row += [_is_root(ev, articles_meta), cameo or None, cameo[:3] or None, cameo[:2] or None,
                ev.get("quad_class"), ev.get("goldstein"),
                len(ev.get("evidence") or []) or len(arts), len(outlets), len(arts), None]
        row += [None] * (3 * len(_GEO_FIELDS))
        url = _meta(articles_meta, first).get("url") if first else None
        row += [_stamp(min(published) if published else None), url or first]
        yield row


def _offset_in(text: str | None, span: Sequence[int] | None, needle: str | None) -> int | None:
    """Character offset of ``needle`` inside the sentence ``span`` of ``text`` (GDELT *CharOffset)."""
    if not (text and span and needle):
        return None
    at = text.find(needle, span[0], span[1])
    return at if at >= 0 else None


def export_gdelt_mentions(events: Iterable[Mapping], articles_meta: Mapping[str, Mapping]) -> Iterator[list]:
    """One GDELT 2.0 Mentions row (16 values, ``MENTION_COLUMNS`` order) per event mention."""
    for ev in events:
        gid = global_event_id(str(ev["id"]))
        event_time = _stamp(_day(ev.get("date")))
        for e in ev.get("evidence") or []:
            meta = _meta(articles_meta, e.get("article"))
            text, span = meta.get("text"), e.get("span")
            extras = json.dumps({"article": e.get("article"), "span": span, "date_source": e.get("date_source")},
                                sort_keys=True)
            yield [gid, event_time, _stamp(_day(meta.get("published"))), MENTION_TYPE_WEB,
                   meta.get("outlet"), meta.get("url") or e.get("article"), None,
                   _offset_in(text, span, ev.get("actor")), _offset_in(text, span, ev.get("target")),
                   _offset_in(text, span, e.get("trigger")) if text else (span[0] if span else None),
                   1, None, len(text) if text else None, None, None, extras]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\t", " ").replace("\n", " ")


def write_tsv(rows: Iterable[Sequence], out: str | Path | TextIO, columns: Sequence[str] | None = None,
              header: bool = False) -> int:
    """Write rows tab-separated (GDELT style); returns the number of rows written."""
    if header and not columns:
        raise ConfigError("write_tsv(header=True) needs the column names (EVENT_COLUMNS or MENTION_COLUMNS)")
    own = isinstance(out, (str, Path))
    fh: TextIO = open(out, "w", encoding="utf-8", newline="") if own else out  # type: ignore[arg-type]
    n = 0
    try:
        if header:
            fh.write("\t".join(columns or []) + "\n")
        for row in rows:
            fh.write("\t".join(_cell(v) for v in row) + "\n")
            n += 1
    finally:
        if own:
            fh.close()
    return n


def write_parquet(rows: Iterable[Sequence], path: str | Path, columns: Sequence[str]) -> int:
    """Write rows to a Parquet file (needs the optional ``pyarrow`` package)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingExtraError("pyarrow", "parquet", "Parquet export") from exc
    data = [list(r) for r in rows]
    table = pa.table({c: [r[i] for r in data] for i, c in enumerate(columns)})
    pq.write_table(table, str(path))
    return len(data)


def export_events(events: Sequence[Mapping], articles_meta: Mapping[str, Mapping], path: str | Path,
                  table: str = "events", fmt: str = "csv", header: bool = False) -> int:
    """Write the ``events`` or ``mentions`` table as ``csv`` (tab-separated, like GDELT) or ``parquet``."""
    if table not in ("events", "mentions"):
        raise ConfigError(f"unknown GDELT table {table!r}: use 'events' or 'mentions'")
    rows = (export_gdelt_events if table == "events" else export_gdelt_mentions)(events, articles_meta)
    columns = EVENT_COLUMNS if table == "events" else MENTION_COLUMNS
    if fmt in ("csv", "tsv"):
        return write_tsv(rows, path, columns, header=header)
    if fmt == "parquet":
        return write_parquet(rows, path, columns)
    raise ConfigError(f"unknown export format {fmt!r}: use 'csv' (tab-separated) or 'parquet'")


def rows_to_tsv(rows: Iterable[Sequence]) -> str:
    """Rows as one tab-separated string (tests, API responses)."""
    buf = io.StringIO()
    write_tsv(rows, buf)
    return buf.getvalue()
