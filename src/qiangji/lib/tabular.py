"""Reading and writing tables (CSV, XLSX) as uploaded by staff, whatever the encoding.

CSV from Chinese government systems arrives as UTF-8, UTF-8 with BOM, GBK or GB18030;
GB18030 is a superset of GBK, so trying UTF-8 (strict) and then GB18030 covers all four.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in the user's language."""


@dataclass
class Table:
    headers: list[str]
    rows: list[dict[str, str]]
    encoding: str = ""
    # Source line (CSV) or row (XLSX) number of each row, for error reports.
    line_numbers: list[int] = field(default_factory=list)


def decode_text(data: bytes) -> tuple[str, str]:
    """Return the text of data and the name of the encoding that decoded it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise TableError(
            _("The file is not in a known text encoding (UTF-8, GBK or GB18030).")
        ) from None


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(data: bytes, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Table:
    """Parse an uploaded CSV or XLSX file into a header row and rows of strings."""
    if len(data) > max_bytes:
        raise TableError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": len(data) / 1024 / 1024, "limit": max_bytes // 1024 // 1024}
        )
    if not data.strip():
        raise TableError(_("The file is empty."))
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")) or data[:4] == b"PK\x03\x04":
        return _read_spreadsheet(data)
    if name.endswith((".csv", ".txt", ".tsv")) or not name:
        return _read_csv(data)
    raise TableError(_("Upload a CSV or XLSX file."))


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        all_rows = list(reader)
    except csv.Error as exc:
        raise TableError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None
    return _to_table(all_rows, encoding, first_line=1)


def _read_spreadsheet(data: bytes) -> Table:
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        all_rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 — calamine raises several kinds for a bad file
        raise TableError(
            _("The spreadsheet cannot be read (%(error)s). Save it as .xlsx or CSV and try again.")
            % {"error": type(exc).__name__}
        ) from None
    return _to_table(all_rows, "xlsx", first_line=1)


def _to_table(all_rows: list[list], encoding: str, *, first_line: int) -> Table:
    rows_iter = iter(enumerate(all_rows, start=first_line))
    headers: list[str] = []
    for _line, row in rows_iter:
        if any(_clean(cell) for cell in row):
            headers = [_clean(cell).lstrip("\ufeff") for cell in row]
            break
    if not headers:
        raise TableError(_("The file has no header row."))
    seen = set()
    for header in headers:
        if header and header in seen:
            raise TableError(_("The column “%(name)s” appears twice.") % {"name": header})
        seen.add(header)
    rows, lines = [], []
    for line, row in rows_iter:
        cells = [_clean(cell) for cell in row]
        if not any(cells):
            continue
        rows.append({h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h})
        lines.append(line)
    return Table(
        headers=[h for h in headers if h], rows=rows, encoding=encoding, line_numbers=lines
    )


def csv_bytes(headers: list[str], rows: list[list]) -> bytes:
    """Return a CSV file (UTF-8 with BOM, so Excel opens Chinese text correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(headers: list[str], rows: list[list], *, title: str = "Sheet1") -> bytes:
    """Return an XLSX workbook with one sheet: a bold header row, then the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:200]]) + 2
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width * 1.6, 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe_cell(value):
    """Neutralise spreadsheet formula injection (=, +, -, @ at the start of text)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
