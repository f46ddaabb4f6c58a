"""Full-text search of concerns: SQLite FTS5 or a PostgreSQL GIN index over segmented text.

Chinese has no spaces, so the database cannot find words by itself. Each concern keeps
`search_tokens`: its normalised (simplified, half-width, lower-cased) title and text cut by
rjieba in search mode (a long word also yields its parts: 停车位 → 停车 车位 停车位), joined
by spaces. SQLite indexes that column in the FTS5 table `concerns_concern_fts` (kept in
sync by triggers); PostgreSQL in the GIN index `concern_fts_idx` on
`to_tsvector('simple', search_tokens)`. A query is normalised and cut the same way; every
word must match, as a prefix (电梯坏 → 电梯* 坏* finds 电梯坏了).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField, Value
from django.db.models.expressions import RawSQL

from qiangji.lib.text import default_segmenter, normalise_for_search

FTS_TABLE = "concerns_concern_fts"
MAX_QUERY_WORDS = 8
# A search matching at least this many concerns walks the list's own order and keeps matches
# (see filter_search); below it, the matches are fetched and sorted.
FREQUENT_MATCHES = 5000
_SPLIT_RE = re.compile(r"[^\w]+", re.UNICODE)


def _clean(tokens) -> list[str]:
    """Return the word parts of tokens (punctuation, spaces and `_` dropped)."""
    out = []
    for token in tokens:
        out.extend(part for part in _SPLIT_RE.split(token.replace("_", " ")) if part)
    return out


def document_tokens(text: str, *, normalised: bool = False) -> str:
    """Return the space-joined search tokens of raw text (what the index stores).

    normalised: text is already `normalise_for_search`'s output (the import's fast path).
    """
    norm = text if normalised else normalise_for_search(text)
    if not norm:
        return ""
    segmenter = default_segmenter()
    return " ".join(_clean(segmenter._jieba.cut_for_search(norm)))


def query_words(query: str) -> list[str]:
    """Return the distinct words of a query, cut like the documents (at most 8)."""
    norm = normalise_for_search(query)
    words: list[str] = []
    for word in _clean(default_segmenter()._jieba.cut(norm)):
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def sqlite_match_count(expression: str, *, cap: int) -> int:
    """Return how many concerns match an FTS5 expression, counting at most `cap` (cheap)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT rowid FROM concerns_concern_fts"
            " WHERE concerns_concern_fts MATCH %s LIMIT %s)",
            [expression, cap],
        )
        return cursor.fetchone()[0]


def fts5_query(words: list[str]) -> str:
    """Return an FTS5 MATCH expression: every word as a quoted prefix."""
    return " AND ".join('"{}"*'.format(w.replace('"', '""')) for w in words)


def tsquery(words: list[str]) -> str:
    """Return a PostgreSQL tsquery: every word as a quoted prefix."""
    return " & ".join("'{}':*".format(w.replace("\\", "").replace("'", "''")) for w in words)


class _TsMatch(Func):
    """`to_tsvector('simple', column) @@ to_tsquery('simple', query)`: the GIN index's expression."""

    template = "(to_tsvector('simple'::regconfig, %(expressions)s))"
    arg_joiner = ") @@ to_tsquery('simple'::regconfig, "
    output_field = BooleanField()


def filter_search(queryset, query: str, *, one_community_page: bool = False):
    """Return queryset narrowed to concerns matching every word of query (one SQL query).

    one_community_page: queryset is one community's concerns, to be ordered by priority or
    time and cut into pages (the list view). On SQLite one more, cheap, query then counts the
    matches (up to FREQUENT_MATCHES) to pick the faster plan. Measured on a 1,000,000-row
    copy: a word in 6 % of concerns took 110 ms the plain way and 17 ms walking the
    community's priority index; across a whole city the walk is slower (no index leads
    with priority), so it is only for one community.
    """
    words = query_words(query)
    if not words:
        return queryset
    vendor = connection.vendor
    if vendor == "sqlite":
        # The query is a bound parameter; only the constant table name is in the SQL.
        expression = fts5_query(words)
        matching = RawSQL(  # noqa: S611
            "SELECT rowid FROM concerns_concern_fts WHERE concerns_concern_fts MATCH %s",
            (expression,),
        )
        if (
            one_community_page
            and sqlite_match_count(expression, cap=FREQUENT_MATCHES) >= FREQUENT_MATCHES
        ):
            # A frequent word: fetching tens of thousands of matches city-wide to keep one
            # community's and sort them costs more than walking the community's priority index
            # and keeping the rows in the match set until a page is full. The unary + stops SQLite from driving the query
            # by the primary key, so it takes the index of the ORDER BY.
            return queryset.alias(
                _fts_id=Func(F("pk"), template="+%(expressions)s", output_field=IntegerField())
            ).filter(_fts_id__in=matching)
        return queryset.filter(pk__in=matching)
    if vendor == "postgresql":
        return queryset.filter(_TsMatch(F("search_tokens"), Value(tsquery(words))))
    for word in words:  # another database: a substring match of the normal form
        queryset = queryset.filter(search_text__contains=word)
    return queryset


# --- schema (used by the migration and after every migrate) -----------------------------------
SQLITE_SCHEMA = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS concerns_concern_fts USING fts5(search_tokens,"
    " content='concerns_concern', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS concerns_concern_fts_ai AFTER INSERT ON concerns_concern"
    " BEGIN INSERT INTO concerns_concern_fts(rowid, search_tokens)"
    " VALUES (new.id, new.search_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS concerns_concern_fts_ad AFTER DELETE ON concerns_concern"
    " BEGIN INSERT INTO concerns_concern_fts(concerns_concern_fts, rowid, search_tokens)"
    " VALUES ('delete', old.id, old.search_tokens); END",
    "CREATE TRIGGER IF NOT EXISTS concerns_concern_fts_au AFTER UPDATE OF search_tokens"
    " ON concerns_concern"
    " BEGIN INSERT INTO concerns_concern_fts(concerns_concern_fts, rowid, search_tokens)"
    " VALUES ('delete', old.id, old.search_tokens);"
    " INSERT INTO concerns_concern_fts(rowid, search_tokens)"
    " VALUES (new.id, new.search_tokens); END",
]
SQLITE_REBUILD = "INSERT INTO concerns_concern_fts(concerns_concern_fts) VALUES ('rebuild')"
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS concerns_concern_fts_ai",
    "DROP TRIGGER IF EXISTS concerns_concern_fts_ad",
    "DROP TRIGGER IF EXISTS concerns_concern_fts_au",
    "DROP TABLE IF EXISTS concerns_concern_fts",
]
POSTGRES_SCHEMA = [
    "CREATE INDEX IF NOT EXISTS concern_fts_idx ON concerns_concern "
    "USING gin (to_tsvector('simple'::regconfig, search_tokens))",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS concern_fts_idx"]


def _sqlite_triggers(cursor) -> int:
    cursor.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE 'concerns_concern_fts_%'"
    )
    return cursor.fetchone()[0]


def install(conn) -> None:
    """Create the index for conn's database if missing (rebuilding FTS5 if it was out of sync).

    A later migration that makes SQLite copy the concerns table drops its triggers; this runs
    after every `migrate` (post_migrate) so the triggers come back and the index is rebuilt.
    """
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            if _sqlite_triggers(cursor) == 3:
                return
            for sql in SQLITE_SCHEMA:
                cursor.execute(sql)
            cursor.execute(SQLITE_REBUILD)
        elif conn.vendor == "postgresql":
            # Pending deferred foreign-key checks forbid CREATE INDEX in the same transaction:
            # run them now, then defer again (Django's constraints are initially deferred).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in POSTGRES_SCHEMA:
                cursor.execute(sql)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def uninstall(conn) -> None:
    with conn.cursor() as cursor:
        for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(conn.vendor, []):
            cursor.execute(sql)
