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

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qiangji.concerns.analysis.corpus import parse_board_time
from qiangji.lib.text import normalise

MAX_ROWS = 200_000
MAX_BYTES = 50 * 1024 * 1024
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
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=True)
    except Exception as exc:  # noqa: BLE001 — calamine raises several kinds for broken files
        raise ImportFileError(
            _("The workbook cannot be read: %(error)s") % {"error": str(exc)[:200]}
        ) from None
    if not rows:
        raise ImportFileError(_("The first sheet has no rows."))
    headers = [_cell(h) for h in rows[0]]
    body = [[_cell(v) for v in row] for row in rows[1 : MAX_ROWS + 1]]
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
    if "\x00" in text:
        raise ImportFileError(_("This does not look like a CSV file."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = [row for row in reader if any(cell.strip() for cell in row)]
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
    from qiangji.lib.text import has_meaningful_text

    for offset, raw in enumerate(table.rows, start=2):
        values = {key: (raw[i] if i < len(raw) else "") for key, i in index.items()}
        row = ParsedRow(line=offset, raw=raw)
        text = values.get("text", "")
        if not has_meaningful_text(text) and not has_meaningful_text(values.get("title", "")):
            row.error = _("The text is empty.")
        elif len(text) > 5000:
            row.error = _("The text is longer than 5000 characters.")
        if not row.error and values.get("reported_at"):
            parsed = parse_board_time(values["reported_at"])
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


def rejects_csv(headers: list[str], rejects: list[dict]) -> bytes:
    """Return the rejected rows as a UTF-8 (with BOM, for Excel) CSV with a reason column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("line"), _("reason"), *headers])
    for reject in rejects:
        writer.writerow([reject["line"], reject["error"], *[_safe_cell(v) for v in reject["raw"]]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula when the file is opened in Excel.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
