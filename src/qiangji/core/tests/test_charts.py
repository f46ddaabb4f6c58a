"""Server-drawn sparkbars: one bar per value, scaled to the largest, described for screen readers."""

from __future__ import annotations

import re

from qiangji.core.templatetags.charts import sparkbars


def test_one_bar_per_value_scaled_to_the_largest():
    svg = str(sparkbars([0, 2, 4], "每周诉求"))
    heights = [int(h) for h in re.findall(r'<rect [^>]*height="(\d+)"', svg)]
    assert heights == [0, 14, 28]
    assert 'aria-label="每周诉求：0, 2, 4"' in svg
    assert svg.count("#c62828") == 1  # the current week stands out


def test_nothing_or_garbage_draws_nothing_and_text_is_escaped():
    assert sparkbars([]) == ""
    assert sparkbars(None) == ""
    assert sparkbars(["x"]) == ""
    assert "&lt;script&gt;" in str(sparkbars([1], "<script>"))
    assert 'height="1"' in str(sparkbars([1, 1000]))  # a small count stays visible
