"""The Chinese UI speaks Chinese: no page in zh-Hans shows a run of English words.

Every GET page of the permission matrices is rendered for every demo persona on the whole
demo in zh-Hans; its visible text (no <script>, <style>, attributes) must contain no run of
two or more Latin words, except the few stated in ALLOWED (product and file names, codes).
One Latin word alone (Word, CSV, v2, a username) is allowed: a name or a code, not a phrase.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from qiangji.core.demo import load_capabilities, load_foundation
from qiangji.core.testing import DEMO_PASSWORD, walk_pages

pytestmark = pytest.mark.django_db

# A Chinese label takes the full-width colon (渠道：来访), not the ASCII one (渠道: 来访).
ASCII_COLON = re.compile(r"[\u4e00-\u9fff\uff09][ \t]*:")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’.-]*(?:[ \t\u00a0]+[A-Za-z][A-Za-z'’.-]*)+")
# Runs that are names or codes, not untranslated phrases, each with why.
ALLOWED = {
    "Ctrl K": "the keyboard shortcut, printed on the key caps",
    "English": "the language switch names each language in itself",
    "Open Data": "",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea", "pre", "code"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea", "pre", "code") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    """Return the chunks of a page's visible text (no script, style, form text or attribute)."""
    parser = _Text()
    parser.feed(html)
    return parser.chunks


def latin_runs(html: str) -> list[str]:
    """Return the runs of two or more Latin words in a page's visible text."""
    runs = []
    for chunk in visible_text(html):
        runs.extend(m.group(0) for m in LATIN_RUN.finditer(chunk))
    return [run for run in runs if run not in ALLOWED]


def ascii_colons(html: str) -> list[str]:
    """Return each Chinese label followed by an ASCII colon, with a little context."""
    text = "".join(visible_text(html))
    return [text[max(0, m.start() - 6) : m.end() + 4] for m in ASCII_COLON.finditer(text)]


def test_latin_runs_finds_phrases_in_text_but_not_in_attributes_scripts_or_single_words():
    html = (
        '<p title="Select an option">渠道：来访 · Word · v2</p><script>var a = "x y";</script>'
        "<p>- Select an option -</p><p>Ctrl K</p>"
    )
    assert latin_runs(html) == ["Select an option"]


def test_ascii_colons_finds_a_chinese_label_with_an_ascii_colon_but_not_a_time():
    assert ascii_colons("<p>渠道: 来访</p>") == ["渠道: 来访"]
    assert ascii_colons("<p>渠道：来访 · 08:30 · v2: 说明</p>") == []


def test_no_page_in_the_chinese_ui_shows_a_run_of_english_words(settings):
    settings.CONCERNS_FORM_RATE_LIMIT = 10_000
    world = load_foundation(password=DEMO_PASSWORD)
    load_capabilities(world)
    found: dict[str, set[str]] = {}
    colons: dict[str, set[str]] = {}
    pages = 0
    for persona, _client, url, response in walk_pages(world, HTTP_ACCEPT_LANGUAGE="zh-hans"):
        pages += 1
        for run in latin_runs(response.content.decode()):
            found.setdefault(run, set()).add(f"{url} ({persona})")
        for place in ascii_colons(response.content.decode()):
            colons.setdefault(place, set()).add(url)
    assert pages >= 100, f"only {pages} pages rendered"
    assert not found, "English in the Chinese UI:\n" + "\n".join(
        f"{run!r}: {', '.join(sorted(where)[:3])}" for run, where in sorted(found.items())
    )
    assert not colons, "ASCII colons after Chinese labels:\n" + "\n".join(
        f"{place!r}: {', '.join(sorted(where)[:3])}" for place, where in sorted(colons.items())
    )
