"""The Content-Security-Policy allows no inline style: no page may carry one, nor let htmx set one.

A `style="…"` attribute or a `<style>` element in a template (or in HTML built in Python) is
blocked by `style-src 'self'` and logged as a console error; htmx settles the `style`
attribute of swapped elements by default (Playwright's screenshots and any CSSOM write leave
`style=""` behind), so the base template tells it not to.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.test import Client

SRC = Path(__file__).resolve().parents[2]
INLINE_STYLE = re.compile(r"""(\sstyle\s*=\s*["'{]|<style[\s>])""", re.IGNORECASE)


def _sources():
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in (".html", ".py") or "vendor" in path.parts or "tests" in path.parts:
            continue
        yield path


def test_no_template_or_python_html_carries_an_inline_style():
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in _sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE_STYLE.search(line)
    ]
    assert found == []


def test_the_pattern_sees_an_inline_style_attribute_and_element():
    assert INLINE_STYLE.search('<img src="a.png" style="max-width:100%">')
    assert INLINE_STYLE.search("<style>p{}</style>")
    assert not INLINE_STYLE.search('<p class="concern-photo" data-style="x">')


def test_htmx_neither_injects_indicator_styles_nor_settles_style_attributes(db):
    page = Client().get("/accounts/login/").text
    raw = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', page).group(1)
    config = json.loads(raw)
    assert config["includeIndicatorStyles"] is False
    assert "style" not in config["attributesToSettle"]
