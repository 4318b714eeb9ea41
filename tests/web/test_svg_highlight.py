"""Server-side SVG charts and text highlighting: escaping and geometry."""
from __future__ import annotations

import re

from markupsafe import Markup

from storyline.offsets import OffsetMap
from storyline.web import svg
from storyline.web.highlight import Mark, pieces, to_clean_marks

EVIL = '<script>alert(1)</script>" onload="x'


def test_sparkline_bars_follow_the_counts():
    out = svg.sparkline([("2025-03-10", 1), ("2025-03-12", 3)])
    assert isinstance(out, Markup) and out.startswith("<svg")
    heights = [float(h) for h in re.findall(r'<rect class="bar"[^>]*height="([\d.]+)"', out)]
    assert len(heights) == 2 and abs(heights[1] - 3 * heights[0]) < 0.5  # day 11 has no bar
    assert "3 days" in out


def test_charts_escape_labels_and_survive_bad_input():
    assert svg.sparkline([]) == "" and svg.coverage_chart([("not a date", 3)]) == ""
    chart = svg.coverage_chart([("2025-03-10", 2)], title=EVIL)
    line = svg.timeline([{"date": EVIL, "label": EVIL, "kind": EVIL}])
    for out in (chart, line):
        assert "<script>" not in out and 'onload="x' not in out and "&lt;script&gt;" in out
    assert 'class="dot dot-scriptalert1script' in line  # the class name keeps letters and digits only


def test_stray_dates_do_not_explode_the_axis():
    out = svg.sparkline([("1900-01-01", 1), ("2025-01-01", 1)])
    assert out.count("<rect") == 1  # capped at ten years: the far end is dropped, nothing crashes


def test_pieces_split_at_every_boundary():
    text = "Ada Quill said hello to Port Alder."
    parts = pieces(text, [Mark(0, 9, "ent"), Mark(0, 20, "quote", anchor="q0"), Mark(24, 34, "ent")])
    assert "".join(p.text for p in parts) == text
    assert [(p.text, p.classes) for p in parts if p.classes] == [
        ("Ada Quill", "quote ent"), (" said hello", "quote"), ("Port Alder", "ent")]
    assert parts[0].anchor == "q0"
    assert pieces(text, [Mark(5, 500, "bad"), Mark(3, 3, "empty")])[0].text == text  # invalid marks ignored


def test_marks_map_to_clean_text_and_drop_removed_parts():
    input_text = "MENU HOME\nAda Quill spoke.\nFOOTER"
    clean = "Ada Quill spoke."
    offsets = OffsetMap([(0, 10, len(clean))])
    mapped = to_clean_marks([Mark(10, 19, "ent"), Mark(0, 4, "ent"), Mark(27, 33, "ent")], input_text, clean, offsets)
    assert [(m.start, m.end) for m in mapped] == [(0, 9)]
