"""Search everywhere: one box that asks every app's `finder.py` for what matches.

An app contributes by defining `finder.py` with
`find(request, access, query, limit) -> list[Found]`: for each kind of thing it holds
(concerns, hot issues, plans, cases, activities, people), at most `limit` hits the person may
see, best first, and a link to the app's own list filtered by the query when there are more.
`query` is already stripped and at most MAX_QUERY characters; each `find` runs a constant
number of queries and uses the app's own full-text search where it has one.
Shared code never imports a capability app: `core.plugins.app_modules` finds these modules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qiangji.core.plugins import app_modules

MAX_QUERY = 100  # characters kept of a query (the finders cut it into at most 8 words)
LIMIT = 5  # hits per kind on the results page


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    context: str = ""  # community, kind, state: one short line under the title
    when: dt.datetime | dt.date | None = None


@dataclass(frozen=True)
class Found:
    kind: str  # a stable key, e.g. "concerns.concern"
    label: str  # the kind's name for people, e.g. 居民诉求
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # there are more than the hits shown
    more_url: str = ""  # the app's own list, filtered by the query
    order: int = 50


def clean_query(raw: str | None) -> str:
    """Return a query as the finders get it: one line, spaces collapsed, at most MAX_QUERY chars."""
    text = " ".join((raw or "").replace("\x00", " ").split())
    return text[:MAX_QUERY].strip()


def find_everywhere(request, access, query: str, *, limit: int = LIMIT) -> list[Found]:
    """Return every app's hits for query, grouped by kind, the kinds with hits first."""
    if not query:
        return []
    found: list[Found] = []
    for module in app_modules("finder", include_core=False):
        if hasattr(module, "find"):
            found.extend(module.find(request, access, query, limit))
    return sorted(found, key=lambda f: (not f.hits, f.order, f.label))
