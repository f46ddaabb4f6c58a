"""Chinese full-text search of the case library that works the same on SQLite and PostgreSQL.

Text is normalised (NFKC, traditional → simplified, lower case); a query is cut into words
with jieba, and a case matches when its normalised text contains every word.
"""

from __future__ import annotations

import functools
import unicodedata

from django.db.models import Q, QuerySet

MAX_TERMS = 8


@functools.cache
def _converter():
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # noqa: BLE001 - search still works without conversion
        return None


def normalise(text: str) -> str:
    """Return text in the form it is stored and searched: NFKC, simplified, lower case."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    converter = _converter()
    return converter.convert(text) if converter else text


def query_terms(query: str) -> list[str]:
    """Return the words of a search query (at most MAX_TERMS, punctuation dropped)."""
    import rjieba

    terms: list[str] = []
    for chunk in normalise(query).split():
        words = [w for w in rjieba.cut(chunk) if w.strip() and any(ch.isalnum() for ch in w)]
        terms.extend(words)
    seen: dict[str, None] = dict.fromkeys(terms)
    return list(seen)[:MAX_TERMS]


def search_cases(queryset: QuerySet, query: str) -> QuerySet:
    """Return the cases whose text contains every word of query."""
    condition = Q()
    for term in query_terms(query):
        condition &= Q(search_text__contains=term)
    return queryset.filter(condition)
