"""Every link a person is shown opens for them: no link to a page that answers 403 or 404.

For each demo persona, every GET page of every app's permission matrix that the persona may
open is fetched on the whole demo; every internal `<a href>` on it is then followed once, as
the same persona. A link that answers 403 or 404 is a defect: the page should not have shown
it (templates link through `{% link %}` / `{% allowed_url %}`, core/links.py).

KNOWN lists the links that still fail, each with its reason; the test fails when one of them
starts working (remove it) or any other link fails.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from qiangji.core.demo import load_capabilities, load_foundation
from qiangji.core.testing import DEMO_PASSWORD, walk_pages

pytestmark = pytest.mark.django_db

# Paths never followed: files rather than pages, and the language switch's form target.
NOT_PAGES = re.compile(
    r"^/(static|media|admin|api|i18n)/|/(export|download)[^/]*/?$|\.(docx|xlsx|csv|pdf|png|jpg|zip)$"
)
# (persona, URL name of the link's target) → why following it may fail today.
KNOWN: dict[tuple[str, str], str] = {}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(html: str) -> set[str]:
    """Return the site-internal paths (with their query) linked from a page."""
    parser = _Links()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        href, _fragment = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if NOT_PAGES.search(parts.path):
            continue
        links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def test_internal_links_reads_only_site_paths():
    html = (
        '<a href="/plans/3/#x">a</a><a href="https://example.com/">b</a><a href="#top">c</a>'
        '<a href="/plans/3/export.docx">d</a><a href="/concerns/?page=2">e</a><a>f</a>'
    )
    assert internal_links(html) == {"/plans/3/", "/concerns/?page=2"}


def test_no_page_links_a_person_to_a_page_they_may_not_open(settings):
    settings.CONCERNS_FORM_RATE_LIMIT = 10_000
    world = load_foundation(password=DEMO_PASSWORD)
    load_capabilities(world)
    broken: dict[tuple[str, str], str] = {}
    followed: set[tuple[str, str]] = set()
    pages_seen = 0
    for persona, client, url, response in walk_pages(world):
        pages_seen += 1
        for link in sorted(internal_links(response.content.decode())):
            if (persona, link) in followed:
                continue
            followed.add((persona, link))
            status = client.get(link).status_code
            if status in (403, 404):
                try:
                    target = resolve(urlsplit(link).path).view_name
                except Resolver404:
                    target = link
                broken.setdefault((persona, target), f"{status} {link} (on {url})")
    assert pages_seen >= 100, f"only {pages_seen} pages walked"
    unexpected = {k: v for k, v in broken.items() if k not in KNOWN}
    assert not unexpected, "links to pages the person may not open:\n" + "\n".join(
        f"{p} → {name}: {why}" for (p, name), why in sorted(unexpected.items())
    )
    fixed = sorted(set(KNOWN) - set(broken))
    assert not fixed, f"these links now open: remove them from KNOWN: {fixed}"
