"""GDELT 2.0 export: column count and order, value mapping, writers."""
from __future__ import annotations

import builtins
import io

import pytest

from storyline.errors import ConfigError, MissingExtraError
from storyline.export import (
    EVENT_COLUMNS, MENTION_COLUMNS, export_events, export_gdelt_events, export_gdelt_mentions,
    global_event_id, rows_to_tsv, write_tsv,
)

TEXT = "Lead paragraph: Aldo Brenner accused Estonia.\n\nLater: more words here."
EVENT = {
    "id": "ev-0123456789ab", "actor": "Aldo Brenner", "actor_country": "DEU", "actor_role": "GOV",
    "target": "Estonia", "target_country": "EST", "target_role": None, "cameo": "1123", "root": "11",
    "quad_class": 3, "goldstein": -2.0, "date": "2031-05-10", "date_source": "text",
    "articles": ["a1", "a2"],
    "evidence": [{"article": "a1", "span": [0, 45], "trigger": "accused"},
                 {"article": "a2", "span": [50, 90], "trigger": "accuses"}],
}
META = {"a1": {"url": "https://example.org/a1", "outlet": "Example Times", "published": "2031-05-11", "text": TEXT},
        "a2": {"url": "https://example.net/a2", "outlet": "Other Daily", "published": "2031-05-12"}}


def test_event_columns_follow_the_gdelt_codebook():
    assert len(EVENT_COLUMNS) == 61 and len(set(EVENT_COLUMNS)) == 61
    assert EVENT_COLUMNS[:8] == ["GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
                                 "Actor1Code", "Actor1Name", "Actor1CountryCode"]
    assert EVENT_COLUMNS.index("Actor2Code") == 15 and EVENT_COLUMNS.index("IsRootEvent") == 25
    assert EVENT_COLUMNS[26:35] == ["EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                                    "NumMentions", "NumSources", "NumArticles", "AvgTone"]
    assert EVENT_COLUMNS[35] == "Actor1Geo_Type" and EVENT_COLUMNS[-3] == "ActionGeo_FeatureID"
    assert EVENT_COLUMNS[-2:] == ["DATEADDED", "SOURCEURL"]
    assert len(MENTION_COLUMNS) == 16 and MENTION_COLUMNS[0] == "GlobalEventID" and MENTION_COLUMNS[-1] == "Extras"


def test_event_row_values():
    (row,) = list(export_gdelt_events([EVENT], META))
    assert len(row) == 61
    r = dict(zip(EVENT_COLUMNS, row))
    assert r["GlobalEventID"] == global_event_id("ev-0123456789ab") > 0
    assert (r["Day"], r["MonthYear"], r["Year"]) == (20310510, 203105, 2031)
    assert 2031.35 < r["FractionDate"] < 2031.36
    assert (r["Actor1Code"], r["Actor1Name"], r["Actor1CountryCode"], r["Actor1Type1Code"]) == \
        ("DEUGOV", "ALDO BRENNER", "DEU", "GOV")
    assert (r["Actor2Code"], r["Actor2CountryCode"]) == ("EST", "EST")
    assert (r["EventCode"], r["EventBaseCode"], r["EventRootCode"]) == ("1123", "112", "11")
    assert (r["QuadClass"], r["GoldsteinScale"]) == (3, -2.0)
    assert (r["NumMentions"], r["NumSources"], r["NumArticles"]) == (2, 2, 2)
    assert r["IsRootEvent"] == 1  # coded in a1's lead paragraph
    assert r["AvgTone"] is None and r["ActionGeo_Lat"] is None
    assert (r["DATEADDED"], r["SOURCEURL"]) == (20310511000000, "https://example.org/a1")


def test_mention_rows_point_to_article_offsets():
    rows = [dict(zip(MENTION_COLUMNS, r)) for r in export_gdelt_mentions([EVENT], META)]
    assert len(rows) == 2 and all(len(r) == 16 for r in rows)
    first = rows[0]
    assert first["MentionIdentifier"] == "https://example.org/a1" and first["MentionSourceName"] == "Example Times"
    assert first["ActionCharOffset"] == TEXT.index("accused")
    assert first["Actor1CharOffset"] == TEXT.index("Aldo Brenner")
    assert first["MentionTimeDate"] == 20310511000000 and first["MentionDocLen"] == len(TEXT)
    assert rows[1]["ActionCharOffset"] == 50  # no text known: the sentence start


def test_tsv_writer_is_tab_separated_without_header_by_default(tmp_path):
    text = rows_to_tsv(export_gdelt_events([EVENT], META))
    assert text.count("\n") == 1 and text.count("\t") == 60
    path = tmp_path / "events.tsv"
    assert export_events([EVENT], META, path, header=True) == 1
    header, line = path.read_text(encoding="utf-8").splitlines()
    assert header.split("\t") == EVENT_COLUMNS and len(line.split("\t")) == 61
    with pytest.raises(ConfigError):
        write_tsv([], io.StringIO(), header=True)
    with pytest.raises(ConfigError):
        export_events([EVENT], META, path, table="gkg")


def test_parquet_roundtrip(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "mentions.parquet"
    assert export_events([EVENT], META, path, table="mentions", fmt="parquet") == 2
    table = pq.read_table(path)
    assert table.column_names == MENTION_COLUMNS and table.num_rows == 2


def test_parquet_without_pyarrow_raises_missing_extra(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match="pyarrow"):
        export_events([EVENT], META, tmp_path / "x.parquet", fmt="parquet")
