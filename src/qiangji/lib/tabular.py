"""Reading and writing tables (CSV, XLSX): the one reader and the one writer of the platform.

Writing: every CSV or XLSX that leaves the platform is made here (`csv_bytes`, `csv_stream`,
`csv_response`, `xlsx_bytes`, `write_xlsx`, `xlsx_response`), so every cell goes through
`neutralise`: text that a spreadsheet would run as a formula (it starts with = + - @, a tab or
a carriage return) is written so that it stays text. In XLSX such a cell is an explicit string
with the "quote prefix" style (Excel shows it unchanged and never evaluates it); in CSV, which
has no types, it gets a leading apostrophe (OWASP's advice). `core/tests` finds every view and
command that makes a spreadsheet and fails when one does not come through here.

Reading: CSV from Chinese government systems arrives as UTF-8, UTF-8 with BOM, GBK or
GB18030; GB18030 is a superset of GBK, so trying UTF-8 (strict) and then GB18030 covers all
four. Only the delimiter is guessed (`csv.Sniffer` also guesses quoting, and guessed wrong:
`doublequote=False` silently cut a cell at its first quote); quoting is always Excel's. An
XLSX is a zip file: its uncompressed size, its cell count and its used area are checked by
streaming the sheet XML before any parser sees it (a 616 KB file held 166 MB of XML).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Limits of what an uploaded workbook may expand to (callers reading larger files pass theirs).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_CELLS = 2_000_000
DELIMITERS = (",", "\t", ";")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# What a spreadsheet may read as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in the user's language."""


@dataclass
class Table:
    headers: list[str]
    rows: list[dict[str, str]]
    encoding: str = ""
    # Source line (CSV) or row (XLSX) number of each row, for error reports.
    line_numbers: list[int] = field(default_factory=list)


# --------------------------------------------------------------------------- writing
def is_formula_like(value: object) -> bool:
    """Return whether a spreadsheet could run this cell's text as a formula."""
    return (
        isinstance(value, str)
        and value[:1] in FORMULA_STARTS
        and not (value[:1] in "+-" and _is_number(value))
    )


def neutralise(value: object) -> object:
    """Return the cell value for a CSV: formula-like text gets a leading apostrophe."""
    if is_formula_like(value):
        return "'" + value  # type: ignore[operator]
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip() == value and "_" not in value


def _csv_line(writer, buffer: io.StringIO, row: Iterable) -> str:
    writer.writerow([neutralise("" if v is None else v) for v in row])
    line = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return line


def csv_stream(headers: list[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """Yield a CSV file (UTF-8 with BOM, so Excel opens Chinese text) line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode() + _csv_line(writer, buffer, headers).encode()
    for row in rows:
        yield _csv_line(writer, buffer, row).encode()


def csv_bytes(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """Return a CSV file (UTF-8 with BOM), every cell neutralised."""
    return b"".join(csv_stream(headers, rows))


def attachment_header(filename: str, *, fallback: str = "download") -> str:
    """Return a Content-Disposition value for a download, Chinese file names included.

    Browsers that cannot read `filename*` get an ASCII name: `fallback`, then what is left of
    the name in ASCII, and always the extension after a dot (石榴园-20261128.docx gives
    download-20261128.docx, never "20261128docx").
    """
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    ascii_stem = "-".join(part for part in (fallback, slugify(stem)) if part)
    ascii_extension = slugify(extension)
    ascii_name = f"{ascii_stem}.{ascii_extension}" if ascii_extension else ascii_stem
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(filename: str, headers: list[str], rows: Iterable[Iterable]):
    """Return a streamed CSV download (rows may be a lazy iterator of a large query)."""
    response = StreamingHttpResponse(csv_stream(headers, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    return response


@dataclass
class Sheet:
    """One worksheet: optional lines above the header, the header row, rows, lines below."""

    title: str
    headers: list[str]
    rows: Iterable[Iterable]
    before: list[list] = field(default_factory=list)
    after: list[list] = field(default_factory=list)
    widths: list[float] | None = None  # column widths in characters; guessed when None
    header_fill: str = ""  # an RGB hex colour for the header cells
    freeze_header: bool = False
    title_size: int = 0  # a font size for the first line of `before`


def write_xlsx(sheets: list[Sheet]) -> bytes:
    """Return an XLSX workbook (openpyxl write-only) of the sheets, every cell neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(spec.title))
        rows = spec.rows
        if spec.widths is None:  # guessing widths reads the rows first; given widths stream
            rows = rows if isinstance(rows, list) else list(rows)
        widths = spec.widths or _guess_widths(spec.headers, rows)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if spec.freeze_header:
            sheet.freeze_panes = f"A{len(spec.before) + 2}"

        def cells(values, *, font=None, fill=None, sheet=sheet):
            out = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
                if is_formula_like(value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                if font is not None:
                    cell.font = font
                if fill is not None:
                    cell.fill = fill
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                out.append(cell)
            return out

        for n, line in enumerate(spec.before):
            title_font = (
                Font(bold=True, size=spec.title_size) if spec.title_size and n == 0 else None
            )
            sheet.append(cells(line, font=title_font))
        fill = PatternFill("solid", fgColor=spec.header_fill) if spec.header_fill else None
        sheet.append(cells(spec.headers, font=bold, fill=fill))
        for row in rows:
            sheet.append(cells(row))
        for line in spec.after:
            sheet.append(cells(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(headers: list[str], rows: Iterable[Iterable], *, title: str = "Sheet1") -> bytes:
    """Return an XLSX workbook with one sheet: a bold header row, then the rows."""
    return write_xlsx([Sheet(title=title, headers=headers, rows=rows)])


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    """Return a workbook made by `write_xlsx`/`xlsx_bytes` as a download."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    return response


_BAD_TITLE_RE = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    return _BAD_TITLE_RE.sub("_", str(title))[:31] or "Sheet"


_ILLEGAL_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_value(value):
    if isinstance(value, str):
        return _ILLEGAL_XML_RE.sub("", value)  # openpyxl refuses control characters
    return value


def _guess_widths(headers: list[str], rows: list) -> list[float]:
    widths = []
    for index, header in enumerate(headers):
        sample = [len(str(header))]
        for row in rows[:200]:
            row = list(row)
            if index < len(row) and row[index] is not None:
                sample.append(len(str(row[index])))
        widths.append(min((max(sample) + 2) * 1.6, 60))
    return widths


# --------------------------------------------------------------------------- reading
def decode_text(data: bytes) -> tuple[str, str]:
    """Return the text of data and the name of the encoding that decoded it."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError:
            raise TableError(
                _("The file is not in a known text encoding (UTF-8, GBK or GB18030).")
            ) from None
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


def read_table(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_cells: int = MAX_CELLS,
) -> Table:
    """Parse an uploaded CSV or XLSX file into a header row and rows of strings."""
    if len(data) > max_bytes:
        raise TableError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": len(data) / 1024 / 1024, "limit": max_bytes // 1024 // 1024}
        )
    if not data.strip():
        raise TableError(_("The file is empty."))
    name = (filename or "").lower()
    if is_spreadsheet(data, name):
        rows = read_spreadsheet_rows(
            data, max_uncompressed=max_uncompressed, max_cells=max_cells, skip_empty_area=False
        )
        return _to_table(rows, "xlsx", first_line=1)
    if name.endswith((".csv", ".txt", ".tsv")) or not name:
        text, encoding = decode_text(data)
        rows = [[_restore(cell) for cell in row] for row in read_csv_rows(text)]
        return _to_table(rows, encoding, first_line=1)
    raise TableError(_("Upload a CSV or XLSX file."))


def _restore(cell: str) -> str:
    """Return a CSV cell as it was before `neutralise` (our exports read back unchanged)."""
    if cell[:1] == "'" and is_formula_like(cell[1:]):
        return cell[1:]
    return cell


def is_spreadsheet(data: bytes, filename: str) -> bool:
    """Return whether the upload is a workbook (by its name or its zip/OLE signature)."""
    return filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")) or data[:4] in (
        b"PK\x03\x04",
        b"\xd0\xcf\x11\xe0",
    )


def sniff_delimiter(text: str) -> str:
    """Return the delimiter of a CSV text: the candidate that splits its first records evenly.

    Quoting is never guessed (it is always Excel's: "" inside quotes). Each candidate parses
    the first records; the one giving the header's width to every record wins, more columns
    before fewer, "," before tab before ";" on a tie.
    """
    sample = text[:65536]
    best, best_score = ",", None
    for rank, delimiter in enumerate(DELIMITERS):
        widths = []
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            for row in reader:
                if any(cell.strip() for cell in row):
                    widths.append(len(row))
                if len(widths) >= 50:
                    break
        except csv.Error:
            continue
        if not widths:
            continue
        # The last record of a cut sample may be incomplete: do not judge by it.
        judged = widths[:-1] if len(sample) < len(text) and len(widths) > 1 else widths
        even = sum(1 for w in judged if w == judged[0]) / len(judged)
        score = (even, judged[0], -rank)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_rows(text: str) -> list[list[str]]:
    """Return the records of a CSV text (delimiter sniffed, Excel quoting)."""
    if "\x00" in text:
        raise TableError(_("This does not look like a CSV file."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        return list(reader)
    except csv.Error as exc:
        raise TableError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None


_CELL_RE = re.compile(rb"<(?:\w+:)?c[ >/]")
_REF_RE = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
_DIMENSION_RE = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?([0-9]{1,7})?:?([A-Z]{1,3})?([0-9]{1,7})?\""
)


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def check_workbook(
    data: bytes, *, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES, max_cells: int = MAX_CELLS
) -> None:
    """Raise TableError unless the zip workbook expands to a bounded size and area.

    Declared sizes are checked first; then every worksheet and the shared strings are
    decompressed in chunks (never held whole) to count their real size, their cells and the
    furthest cell reference — a parser fills the rectangle up to that cell.
    """
    too_big = TableError(
        _(
            "The spreadsheet expands to more than %(mb)d MB or %(cells)d cells; split it into smaller files."
        )
        % {"mb": max_uncompressed // 1024 // 1024, "cells": max_cells}
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TableError(
            _("The spreadsheet cannot be read (%(error)s). Save it as .xlsx or CSV and try again.")
            % {"error": "zip"}
        ) from None
    if len(members) > 10_000 or sum(m.file_size for m in members) > max_uncompressed:
        raise too_big
    total = cells = 0
    max_row = max_col = 0
    for member in members:
        name = member.filename
        is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
        if not (is_sheet or name in ("xl/sharedStrings.xml", "content.xml")):
            continue
        tail = b""
        try:
            with archive.open(member) as handle:
                while chunk := handle.read(1 << 20):
                    total += len(chunk)
                    if total > max_uncompressed:
                        raise too_big
                    if not is_sheet:
                        continue
                    window = tail + chunk
                    cells += len(_CELL_RE.findall(chunk))
                    for letters, digits in _REF_RE.findall(window):
                        max_col = max(max_col, _column_number(letters))
                        max_row = max(max_row, int(digits))
                    for match in _DIMENSION_RE.finditer(window):
                        col, row = (
                            match.group(3) or match.group(1),
                            match.group(4) or match.group(2),
                        )
                        if col and row and _column_number(col) * int(row) > max_cells:
                            raise too_big
                    tail = chunk[-200:]
                    if cells > max_cells or max_row * max_col > max_cells:
                        raise too_big
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise TableError(
                _(
                    "The spreadsheet cannot be read (%(error)s). Save it as .xlsx or CSV and try again."
                )
                % {"error": "zip"}
            ) from None


def read_spreadsheet_rows(
    data: bytes,
    *,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_cells: int = MAX_CELLS,
    skip_empty_area: bool = False,
) -> list[list]:
    """Return the first sheet's rows of a workbook, after checking what it expands to."""
    if data[:4] == b"PK\x03\x04":
        check_workbook(data, max_uncompressed=max_uncompressed, max_cells=max_cells)
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        if sheet.total_height * max(sheet.total_width, 1) > max_cells:
            raise TableError(
                _("The spreadsheet has more than %(cells)d cells; split it into smaller files.")
                % {"cells": max_cells}
            )
        return sheet.to_python(skip_empty_area=skip_empty_area)
    except TableError:
        raise
    except Exception as exc:  # noqa: BLE001 — calamine raises several kinds for a bad file
        raise TableError(
            _("The spreadsheet cannot be read (%(error)s). Save it as .xlsx or CSV and try again.")
            % {"error": type(exc).__name__}
        ) from None


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
