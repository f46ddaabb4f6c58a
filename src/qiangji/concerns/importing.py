"""Bulk import of concerns from CSV/XLSX exports (12345 hotlines, message boards).

Reading: XLSX through python-calamine; CSV in UTF-8, UTF-8 with BOM, GB18030 (which covers
GBK and GB2312) — the first that decodes the whole file wins. Columns are mapped onto our
fields by header name (a mapping remembered per source, else guessed from usual headers).
Each row is checked on its own; bad rows are rejected with a reason and can be downloaded.
Idempotence: a row's external id (its id column, else a hash of its content) is unique per
community and source, so a repeated upload, or a re-run after a worker died midway, adds
only the rows not yet stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qiangji.concerns.analysis.corpus import parse_board_time
from qiangji.lib.bulk import allocate_ids, write_rows
from qiangji.lib.tabular import TableError, csv_bytes, read_csv_rows, read_spreadsheet_rows
from qiangji.lib.text import normalise

MAX_ROWS = 200_000
MAX_BYTES = 50 * 1024 * 1024
# What a workbook may expand to: a 100,000-row hotline export holds about 70 MB of XML.
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_COLUMNS = 30
FIELDS = ("external_id", "title", "text", "reported_at", "likes", "compound", "category")
REQUIRED = ("text",)
# Header names seen in exports, normalised (simplified, half-width, lower case).
GUESSES: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "编号", "留言编号", "工单编号", "工单号", "序号"),
    "title": ("title", "标题", "留言主题", "主题"),
    "text": ("detail", "text", "内容", "留言详情", "诉求内容", "来电内容", "问题描述", "详情"),
    "reported_at": ("time", "时间", "留言时间", "来电时间", "受理时间", "日期"),
    "likes": ("likes", "点赞数", "赞", "支持数"),
    "compound": ("compound", "小区", "所在小区"),
    "category": ("label", "category", "分类", "类别", "一级分类"),
}
ENCODINGS = ("utf-8-sig", "gb18030")


class ImportFileError(ValueError):
    """The file cannot be read at all; the message is for the person who uploaded it."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    encoding: str = ""


def read_table(filename: str, content: bytes) -> Table:
    """Return the header and rows of a CSV or XLSX file, or raise ImportFileError."""
    if not content:
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 50 MB."))
    name = filename.lower()
    if name.endswith((".xlsx", ".xls", ".xlsm", ".ods")) or content[:4] == b"PK\x03\x04":
        return _read_workbook(content)
    return _read_csv(content)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_workbook(content: bytes) -> Table:
    try:
        rows = read_spreadsheet_rows(
            content,
            max_uncompressed=MAX_UNCOMPRESSED_BYTES,
            max_cells=(MAX_ROWS + 1) * MAX_COLUMNS,
            skip_empty_area=True,
        )
    except TableError as exc:
        raise ImportFileError(str(exc)) from None
    if not rows:
        raise ImportFileError(_("The first sheet has no rows."))
    headers = [_cell(h) for h in rows[0]]
    body = [
        [v.strip() if type(v) is str else _cell(v) for v in row] for row in rows[1 : MAX_ROWS + 1]
    ]
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})
    return Table(headers, body, "xlsx")


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def _mixes_utf8_with_another_encoding(content: bytes) -> bool:
    """Return whether bytes that are not valid UTF-8 still hold many valid UTF-8 Chinese characters.

    A GBK file read as UTF-8 yields almost only replacement characters; a file pasted together
    from a UTF-8 and a GBK export yields both real characters and replacements.
    """
    text = content.decode("utf-8", errors="replace")
    chinese, broken = len(_CJK_RE.findall(text)), text.count("\ufffd")
    return chinese >= 10 and chinese >= 0.05 * broken


def _read_csv(content: bytes) -> Table:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        if _mixes_utf8_with_another_encoding(content):
            raise ImportFileError(
                _(
                    "The file mixes UTF-8 with another encoding: save it again with one encoding (UTF-8)."
                )
            ) from None
    for encoding in ENCODINGS:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise ImportFileError(
            _("The file's encoding is not UTF-8, GBK or GB18030 (or it mixes several encodings).")
        )
    try:
        rows = [row for row in read_csv_rows(text) if any(cell.strip() for cell in row)]
    except TableError as exc:
        raise ImportFileError(str(exc)) from None
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})
    headers = [h.strip() for h in rows[0]]
    return Table(
        headers,
        [[c.strip() for c in row] for row in rows[1:]],
        "gb18030" if encoding == "gb18030" else "utf-8",
    )


def guess_mapping(headers: list[str], remembered: dict | None = None) -> dict[str, str]:
    """Return field → header: the remembered mapping where its headers exist, else guesses."""
    mapping: dict[str, str] = {}
    if remembered:
        for key, header in remembered.items():
            if key in FIELDS and header in headers:
                mapping[key] = header
    normalised = {normalise(h).lower(): h for h in headers}
    for key, names in GUESSES.items():
        if key in mapping:
            continue
        for name in names:
            if name in normalised:
                mapping[key] = normalised[name]
                break
    return mapping


def missing_fields(mapping: dict[str, str]) -> list[str]:
    return [f for f in REQUIRED if not mapping.get(f)]


@dataclass
class ParsedRow:
    line: int
    values: dict = field(default_factory=dict)
    error: str = ""
    raw: list[str] = field(default_factory=list)


def row_key(values: dict) -> str:
    """Return the row's external id, or a content hash when the file has no id column."""
    if values.get("external_id"):
        return str(values["external_id"])[:100]
    basis = "\x1f".join(normalise(str(values.get(k, ""))) for k in ("title", "text", "reported_at"))
    return "h:" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def parse_rows(table: Table, mapping: dict[str, str]) -> Iterator[ParsedRow]:
    """Yield each data row as field values, or with the reason it is rejected."""
    index = {
        key: table.headers.index(header)
        for key, header in mapping.items()
        if header in table.headers
    }
    times: dict[str, object] = {}  # exports repeat their time stamps: parse each once
    for offset, raw in enumerate(table.rows, start=2):
        values = {key: (raw[i] if i < len(raw) else "") for key, i in index.items()}
        row = ParsedRow(line=offset, raw=raw)
        text = values.get("text", "")
        if not is_meaningful(text) and not is_meaningful(values.get("title", "")):
            row.error = _("The text is empty.")
        elif len(text) > 5000:
            row.error = _("The text is longer than 5000 characters.")
        if not row.error and values.get("reported_at"):
            stamp = values["reported_at"]
            if stamp not in times:
                times[stamp] = parse_board_time(stamp)
            parsed = times[stamp]
            if parsed is None:
                row.error = _("The time “%(value)s” is not a date.") % {
                    "value": values["reported_at"][:30]
                }
            values["reported_at"] = parsed
        if not row.error and values.get("likes"):
            try:
                values["likes"] = max(int(float(values["likes"])), 0)
            except ValueError:
                row.error = _("Likes must be a number.")
        if not text and values.get("title"):
            values["text"] = values["title"]
        values["key"] = row_key(values) if not row.error else ""
        row.values = values
        yield row


def rejects_table(headers: list[str], rejects: list[dict]) -> tuple[list[str], list[list]]:
    """Return the header and rows of the rejects download: line, reason, the row as read."""
    return (
        [_("line"), _("reason"), *headers],
        [[reject["line"], reject["error"], *reject["raw"]] for reject in rejects],
    )


def rejects_csv(headers: list[str], rejects: list[dict]) -> bytes:
    """Return the rejected rows as a UTF-8 (with BOM, for Excel) CSV with a reason column."""
    return csv_bytes(*rejects_table(headers, rejects))


# --- storing (the bulk path behind `actions.do_bulk_file_concerns`) -------------------------
# Django's `bulk_create` compiles every value of every row through the ORM (≈ 45 % of an
# import). The rows below are built once as plain tuples and written with raw SQL: multi-row
# INSERTs on SQLite (a statement per ~1,000 rows: the FTS5 trigger then flushes once per
# statement, not once per row), `COPY` on PostgreSQL. Ids are allocated up front (SQLite: the
# chunk's transaction is BEGIN IMMEDIATE, so nobody else writes meanwhile; PostgreSQL:
# `nextval` of the table's sequence), so concerns, their near-duplicate links, tickets and
# first events go in without reading anything back. Each text is normalised once; search
# tokens, the near-duplicate form, urgency factors, ticket kind and keyword routing all read
# that one normal form; the near-duplicate TF-IDF is built with numpy (`tfidf_rows`). The
# SQLite FTS5 triggers and the PostgreSQL GIN index follow the inserted rows as before.

_NOT_ALNUM_RE = re.compile(r"[\W_]+")  # exactly the characters `str.isalnum` refuses
_SEARCH_PART_RE = re.compile(r"[^\W_]+")  # the word parts `search._clean` keeps
# Characters normalisation never removes: their presence alone makes a text meaningful.
_KEPT_WORDISH_RE = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]")

CONCERN_COLUMNS = (
    "id",
    "community_id",
    "compound_id",
    "grid_id",
    "channel",
    "title",
    "text",
    "search_text",
    "search_tokens",
    "photo",
    "reporter_id",
    "reporter_key",
    "category_id",
    "category_confidence",
    "category_by_staff",
    "duplicate_of_id",
    "residents",
    "me_too_count",
    "likes",
    "staff_flag",
    "public",
    "urgency_factors",
    "care_score",
    "urgency_score",
    "priority_score",
    "topic_id",
    "hot_issue_id",
    "hot_issue_by_staff",
    "source",
    "external_id",
    "reported_at",
    "last_reported_at",
    "closed_at",
    "created_by_id",
    "created_at",
    "updated_at",
    "category_corrected_at",
)
TICKET_COLUMNS = (
    "id",
    "concern_id",
    "state",
    "kind",
    "deadline_at",
    "assignee_id",
    "unit",
    "answer",
    "satisfaction",
    "supervised",
    "extensions",
    "returns",
    "signed_at",
    "answered_at",
    "closed_at",
    "version",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = ("ticket_id", "action", "from_state", "to_state", "note", "by_id", "at")


def is_meaningful(text: str | None) -> bool:
    """`has_meaningful_text`, without normalising when a kept letter, digit or hanzi is there."""
    from qiangji.lib.text import has_meaningful_text

    if not text:
        return False
    return bool(_KEPT_WORDISH_RE.search(text)) or has_meaningful_text(text)


def compact(norm_lower: str) -> str:
    """`dedup._compact` of a text whose `normalise(...).lower()` is norm_lower."""
    return _NOT_ALNUM_RE.sub("", norm_lower)


def search_tokens(norm_lower: str) -> str:
    """`search.document_tokens(norm_lower, normalised=True)` with one regex pass per text."""
    from qiangji.lib.text import default_segmenter

    if not norm_lower:
        return ""
    cut = default_segmenter()._jieba.cut_for_search(norm_lower)
    return " ".join(_SEARCH_PART_RE.findall(" ".join(cut)))


def tfidf_rows(docs: list[str]):
    """`dedup._vectorizer().fit_transform(docs)` up to the order of columns and float rounding.

    Character 2–3-grams, sublinear tf (1 + ln count), smooth idf (ln((1 + n) / (1 + df)) + 1),
    rows scaled to unit length — the cosines are those of scikit-learn's matrix, but the
    vocabulary is found by numpy in one sort instead of a Python dict and a sorted copy.
    Returns None when no text has two characters (scikit-learn raises then).
    """
    import numpy as np
    from scipy import sparse

    n = len(docs)
    lengths = np.fromiter((len(doc) for doc in docs), dtype=np.int64, count=n)
    total = int(lengths.sum())
    if total == 0:
        return None
    # Every character as its code point (< 2**21): a bigram is two codes in one int64, a
    # trigram three (at least 2**42 since no code is 0, so never equal to a bigram).
    codes = np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    doc_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    left = np.repeat(lengths, lengths) - (
        np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )  # characters from each position to the end of its text, itself included
    two = np.flatnonzero(left >= 2)
    three = np.flatnonzero(left >= 3)
    if len(two) == 0:
        return None
    gram_keys = np.concatenate(
        [
            (codes[two] << 21) | codes[two + 1],
            (codes[three] << 42) | (codes[three + 1] << 21) | codes[three + 2],
        ]
    )
    gram_docs = np.concatenate([doc_of[two], doc_of[three]])
    vocabulary, gram_ids = np.unique(gram_keys, return_inverse=True)
    width = len(vocabulary)
    keys, counts = np.unique(gram_docs * width + gram_ids.ravel(), return_counts=True)
    rows, cols = keys // width, keys % width
    idf = np.log((1 + n) / (1 + np.bincount(cols, minlength=width))) + 1
    data = (1 + np.log(counts)) * idf[cols]
    lengths_l2 = np.sqrt(np.bincount(rows, weights=data * data, minlength=n))
    data /= lengths_l2[rows]
    return sparse.csr_matrix(
        (data.astype(np.float32), (rows, cols)), shape=(n, width), dtype=np.float32
    )


def group_compact(docs: list[str]) -> list[int]:
    """`dedup.group_near_duplicates` of texts already in their compact form."""
    from qiangji.concerns.analysis import dedup

    n = len(docs)
    if n == 0:
        return []
    matrix = tfidf_rows(docs)
    if matrix is None:
        return list(range(n))
    return dedup.group_rows(matrix)


def route(texts: list[str], norms: list[str]) -> list[tuple]:
    """`actions.route_texts(texts)`; the keyword fallback reads the texts' normal forms."""
    from qiangji.concerns.filing import (
        active_routing_model,
        ensure_default_categories,
        route_texts,
    )
    from qiangji.concerns.models import Category

    if not texts:
        return []
    if active_routing_model() is not None:
        return route_texts(texts)  # one batch predict
    categories = {c.name: c for c in Category.objects.filter(active=True)}
    if not categories:
        ensure_default_categories()
        categories = {c.name: c for c in Category.objects.filter(active=True)}
    keyword_lists = [(c, c.keyword_list()) for c in categories.values()]
    # Each keyword under its first character: a text is searched only for the keywords whose
    # first character it contains (the same counts as trying every keyword).
    by_first: dict[str, list[tuple[int, str]]] = {}
    for position, (_category, words) in enumerate(keyword_lists):
        for word in words:
            if word:
                by_first.setdefault(word[0], []).append((position, word))
    other = categories.get("其他")
    out: list[tuple] = []
    for norm in norms:
        counts: dict[int, int] = {}
        for char in set(norm) & by_first.keys():
            for position, word in by_first[char]:
                if word in norm:
                    counts[position] = counts.get(position, 0) + norm.count(word)
        # In taxonomy order, as `route_texts` lists them (its sort is stable).
        hits = [(counts[p], keyword_lists[p][0]) for p in sorted(counts)]
        if not hits:
            out.append((other, 0.0))
            continue
        hits.sort(key=lambda h: (-h[0], h[1].order))
        total = sum(h[0] for h in hits)
        out.append((hits[0][1], round(min(0.6, hits[0][0] / total * 0.6), 4)))
    return out


class Timer:
    """Seconds spent per step of the bulk path (the scale benchmark prints them)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = 0.0

    def start(self) -> None:
        """Forget the laps so far and start timing now."""
        import time

        self.seconds = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        import time

        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._last
        self._last = now


TIMER = Timer()


# The raw writers live in lib/bulk.py (the data generator writes with them too).
_allocate_ids = allocate_ids
_write = write_rows


def store_items(
    *, community, items: list[dict], source: str, by=None, compact_of: dict | None = None
) -> tuple[int, list[dict]]:
    """The body of `actions.do_bulk_file_concerns` (which wraps it in a transaction).

    compact_of: concern id → its compact form, kept by the caller across the chunks of one
    import, so the open concerns each chunk is compared with are normalised only once.
    """
    import datetime as dt
    import json

    from django.db import connection
    from django.utils import timezone

    from qiangji.concerns import filing as actions
    from qiangji.concerns.analysis.priority import _FACTOR_RES, priority
    from qiangji.concerns.models import (
        Channel,
        Concern,
        DeadlineRule,
        Ticket,
        TicketAction,
        TicketEvent,
        TicketKind,
        TicketState,
        person_key,
    )

    timer = TIMER
    timer.lap("begin")
    refused, valid = [], []
    for item in items:
        # actions.validate_text, with the faster emptiness check.
        text = (item["text"] or item["title"] or "").replace("\x00", "").strip()
        if not is_meaningful(text):
            error = _("Please describe the matter in words (not only symbols or emoji).")
        elif len(text) > actions.MAX_TEXT_LENGTH:
            error = _("Please keep the description under %(n)d characters.") % {
                "n": actions.MAX_TEXT_LENGTH
            }
        else:
            error = ""
        if error:
            refused.append({"line": item["line"], "error": error, "raw": item["raw"]})
            continue
        item["text"] = text
        item["title"] = (item["title"] or "").replace("\x00", "").strip()[:200]
        valid.append(item)
    if not valid:
        return 0, refused
    texts = [f"{it['title']} {it['text']}" for it in valid]
    norms = [normalise(t) for t in texts]
    lowers = [n.lower() for n in norms]
    timer.lap("normalise")
    to_route = [i for i, it in enumerate(valid) if it["category"] is None]
    routes = route([texts[i] for i in to_route], [norms[i] for i in to_route])
    for i, routed in zip(to_route, routes, strict=True):
        valid[i]["route"] = routed
    timer.lap("route")
    candidates = list(
        Concern.objects.filter(community=community)
        .open()
        .roots()
        .order_by("-reported_at")
        .values_list("pk", "title", "text")[: actions.DUPLICATE_WINDOW]
    )
    if compact_of is None:
        compact_of = {}
    docs = []
    for pk, title, text in candidates:
        if pk not in compact_of:
            compact_of[pk] = compact(normalise(f"{title} {text}").lower())
        docs.append(compact_of[pk])
    fresh_docs = [compact(lower) for lower in lowers]
    groups = group_compact(docs + fresh_docs)
    group_root: dict[int, int] = {}
    for (pk, _title, _text), group in zip(candidates, groups, strict=False):
        group_root.setdefault(group, pk)
    timer.lap("group")
    tokens = [search_tokens(lower) for lower in lowers]
    timer.lap("tokens")

    now = timezone.now()
    vendor = connection.vendor
    if vendor == "postgresql":

        def moment(value):
            return value  # psycopg sends datetimes as they are

    else:
        from django.conf import settings

        adapt = connection.ops.adapt_datetimefield_value
        zone = connection.timezone

        def moment(value):
            # adapt_datetimefield_value: an aware value made naive in the connection's zone.
            if value is None:
                return None
            if settings.USE_TZ and value.utcoffset() is not None:
                return str(value.astimezone(zone).replace(tzinfo=None))
            return adapt(value)

    stamp = moment(now)  # created_at, updated_at and the first event of every row
    factor_json: dict[tuple, str] = {}
    by_id = by.pk if getattr(by, "is_authenticated", False) else None
    community_id = community.pk
    hours = {kind: DeadlineRule.hours_for(kind) for kind in TicketKind.values}
    emergency, utilities = actions.EMERGENCY_RE, actions.UTILITIES_RE
    # (the row, its id and duplicate link filled in later; its group; ticket kind; reported at)
    roots, followers = [], []
    root_docs, follower_docs = [], []  # their compact forms, for the next chunks' comparisons
    for index, item in enumerate(valid):
        category, confidence, by_staff = item["category"], 1.0, True
        if category is None:
            (category, confidence), by_staff = item["route"], False
        reported_at = item["reported_at"] or now
        likes = min(max(int(item["likes"] or 0), 0), actions.MAX_LIKES)
        norm = norms[index]
        factors = tuple(key for key, pattern in _FACTOR_RES.items() if pattern.search(norm))
        age_days = max((now - reported_at).total_seconds() / 86400, 0.0)
        score = priority(likes=likes, age_days=age_days, factors=factors)
        factors_json = factor_json.get(score.factors)
        if factors_json is None:
            factors_json = factor_json[score.factors] = json.dumps(list(score.factors))
        if emergency.search(norm):
            kind = TicketKind.EMERGENCY
        elif utilities.search(norm):
            kind = TicketKind.UTILITIES
        else:
            kind = TicketKind.GENERAL
        row = [
            None,  # id
            community_id,
            item["compound"].pk if item["compound"] is not None else None,
            None,  # grid
            Channel.IMPORT.value,
            item["title"],
            item["text"],
            lowers[index],
            tokens[index],
            "",  # photo
            None,  # reporter: an import carries no personal data
            person_key(f"import:{source}:{item['external_id']}"),
            category.pk if category is not None else None,
            confidence,
            by_staff,
            None,  # duplicate_of
            1,  # residents
            0,  # me_too_count
            likes,
            False,  # staff_flag
            False,  # public: the community decides, concern by concern
            factors_json,
            score.care,
            score.urgency,
            score.score,
            None,  # topic
            None,  # hot issue: joined by the refit the import enqueues
            False,  # hot_issue_by_staff
            source,
            item["external_id"],
            moment(reported_at),
            None,  # last_reported_at
            None,  # closed_at
            by_id,
            stamp,
            stamp,
            None,  # category_corrected_at: an import corrects nothing
        ]
        group = groups[len(candidates) + index]
        entry = (row, group, kind, reported_at)
        if group in group_root:
            followers.append(entry)
            follower_docs.append(fresh_docs[index])
        else:
            root_docs.append(fresh_docs[index])
            group_root[group] = -1 - len(roots)  # a placeholder until ids are allocated
            roots.append(entry)
    timer.lap("rows")
    stored = roots + followers
    concern_table = Concern._meta.db_table
    ticket_table = Ticket._meta.db_table
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            # The default page cache (2 MB) is far smaller than the concerns table's dozen
            # indexes; a bigger one for this connection spares re-reading their pages.
            cursor.execute("PRAGMA cache_size")
            if -65536 < cursor.fetchone()[0] < 16384:
                cursor.execute("PRAGMA cache_size = -65536")
        concern_ids = _allocate_ids(cursor, vendor, concern_table, len(stored))
        ticket_ids = _allocate_ids(cursor, vendor, ticket_table, len(stored))
        for (row, _group, _kind, _at), pk in zip(roots, concern_ids, strict=False):
            row[0] = pk
        for group in list(group_root):
            if group_root[group] < 0:
                group_root[group] = concern_ids[-1 - group_root[group]]
        for row, group, _kind, _at in followers:
            row[15] = group_root[group]
        for (row, _group, _kind, _at), pk in zip(followers, concern_ids[len(roots) :], strict=True):
            row[0] = pk
        timer.lap("ids")
        tickets, events = [], []
        note = _("Filed via %(channel)s") % {"channel": Channel.IMPORT.label}
        for (row, _group, kind, reported_at), ticket_id in zip(stored, ticket_ids, strict=True):
            tickets.append(
                (
                    ticket_id,
                    row[0],
                    TicketState.ACCEPTED.value,
                    kind.value,
                    moment(reported_at + dt.timedelta(hours=hours[kind])),
                    None,
                    "",
                    "",
                    "",
                    False,
                    0,
                    0,
                    None,
                    None,
                    None,
                    0,
                    stamp,
                    stamp,
                )
            )
            events.append(
                (
                    ticket_id,
                    TicketAction.ACCEPT.value,
                    "",
                    TicketState.ACCEPTED.value,
                    note,
                    by_id,
                    stamp,
                )
            )
        timer.lap("ticket rows")
        _write(cursor, vendor, concern_table, CONCERN_COLUMNS, [e[0] for e in stored])
        for (row, _group, _kind, _at), doc in zip(stored, root_docs + follower_docs, strict=True):
            compact_of[row[0]] = doc
        timer.lap("insert concerns")
        _write(cursor, vendor, ticket_table, TICKET_COLUMNS, tickets)
        _write(cursor, vendor, TicketEvent._meta.db_table, EVENT_COLUMNS, events)
        timer.lap("insert tickets")
    actions._regroup_many(group_root[group] for _row, group, _kind, _at in followers)
    timer.lap("regroup")
    return len(stored), refused
