"""The GB/T 9704-2012 Word helper, read back with python-docx."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from qiangji.lib.officialdoc import (
    CHARS_PER_LINE,
    LINE_PITCH_PT,
    LINES_PER_PAGE,
    FontSet,
    OfficialDocument,
    chinese_numeral,
    cn_date,
    heading_label,
)


def _sample() -> bytes:
    doc = OfficialDocument(title="石榴园社区品牌创建工作方案", subtitle="（第二版）")
    doc.heading(1, "品牌定位")
    doc.paragraph("以“零距离”为理念。\n服务居民520。")
    doc.heading(2, "服务主线")
    doc.heading(3, "邻里守望站")
    doc.heading(4, "建立志愿者队伍")
    doc.heading(4, "每周走访")
    doc.heading(2, "第二条主线")
    doc.heading(1, "任务安排")
    doc.table(
        ["序号", "任务", "负责人"],
        [[1, "建站\x07", "张**"], [2, "走访", "李**"]],
        widths_mm=[15, 100, 41],
    )
    doc.closing(org="石榴园社区", date=datetime.date(2026, 2, 19))
    return doc.to_bytes()


def _east_asian(run) -> str:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_dates_are_written_the_official_way_without_leading_zeros():
    assert cn_date(datetime.date(2026, 4, 5)) == "2026年4月5日"
    assert cn_date(datetime.date(2026, 12, 31), year=False) == "12月31日"
    assert cn_date(None) == ""


def test_the_closing_date_uses_the_one_date_format():
    text = "\n".join(p.text for p in Document(io.BytesIO(_sample())).paragraphs)
    assert "2026年2月19日" in text and "2026-02-19" not in text


def test_chinese_numerals_cover_the_heading_range():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 23, 99, 100, 105)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
        "一百",
        "一百零五",
    ]
    assert [heading_label(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]
    with pytest.raises(ValueError):
        heading_label(5, 1)


def test_page_is_a4_with_the_official_margins_and_text_block():
    section = Document(io.BytesIO(_sample())).sections[0]

    def mm(length) -> float:
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    block_w = section.page_width - section.left_margin - section.right_margin
    block_h = section.page_height - section.top_margin - section.bottom_margin
    assert (round(Length(block_w).mm), round(Length(block_h).mm)) == (156, 225)


def test_body_grid_gives_22_lines_of_28_characters():
    document = Document(io.BytesIO(_sample()))
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    pitch_pt = int(grid.get(qn("w:linePitch"))) / 20
    assert int(225 / 25.4 * 72 // pitch_pt) == LINES_PER_PAGE
    normal_rpr = document.styles["Normal"].element.rPr
    condensed = int(normal_rpr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert int(156 / 25.4 * 72 // (16 + condensed)) == CHARS_PER_LINE
    body = [p for p in document.paragraphs if p.text.startswith("以“零距离”")][0]
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.paragraph_format.line_spacing == Pt(LINE_PITCH_PT)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.runs[0].font.size == Pt(16)
    assert _east_asian(body.runs[0]) == "仿宋_GB2312"


def test_title_is_2hao_xiaobiaosong_centred():
    document = Document(io.BytesIO(_sample()))
    title = document.paragraphs[0]
    assert title.text == "石榴园社区品牌创建工作方案"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert _east_asian(title.runs[0]) == "方正小标宋简体"


def test_headings_are_numbered_and_restart_under_each_level():
    texts = [p.text for p in Document(io.BytesIO(_sample())).paragraphs]
    expected = [
        "一、品牌定位",
        "（一）服务主线",
        "1.邻里守望站",
        "（1）建立志愿者队伍",
        "（2）每周走访",
        "（二）第二条主线",
        "二、任务安排",
    ]
    positions = [texts.index(t) for t in expected]
    assert positions == sorted(positions)
    document = Document(io.BytesIO(_sample()))
    by_text = {p.text: p for p in document.paragraphs}
    assert _east_asian(by_text["一、品牌定位"].runs[0]) == "黑体"
    assert _east_asian(by_text["（一）服务主线"].runs[0]) == "楷体_GB2312"
    assert by_text["1.邻里守望站"].runs[0].font.bold is True
    levels = [
        p._p.pPr.find(qn("w:outlineLvl"))
        for p in (by_text["一、品牌定位"], by_text["（一）服务主线"])
    ]
    assert [el.get(qn("w:val")) for el in levels] == ["0", "1"]


def test_page_numbers_alternate_sides_in_4hao_with_dashes():
    document = Document(io.BytesIO(_sample()))
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for paragraph in (odd, even):
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert "PAGE" in "".join(t.text or "" for t in paragraph._p.iter(qn("w:instrText")))
        assert {r.font.size for r in paragraph.runs} == {Pt(14)}


def test_table_has_repeated_bold_header_and_control_characters_are_dropped():
    document = Document(io.BytesIO(_sample()))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "任务", "负责人"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[0].cells[0].paragraphs[0].runs[0].font.bold is True
    assert table.rows[1].cells[1].text == "建站"
    assert round(table.rows[1].cells[1].width.mm) == 100


def test_font_table_declares_fallbacks_down_to_noto():
    with zipfile.ZipFile(io.BytesIO(_sample())) as zf:
        font_table = zf.read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"' in font_table
    assert "Noto Serif CJK SC" in font_table


def test_installed_fonts_fall_back_to_what_the_machine_has():
    fonts = FontSet.installed(["Noto Serif CJK SC", "Noto Sans CJK SC"])
    assert fonts.body == "Noto Serif CJK SC"
    assert fonts.heading1 == "Noto Sans CJK SC"
    assert FontSet.installed(["仿宋"]).body == "仿宋"
    assert FontSet.installed([]).body == "仿宋_GB2312"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_converts_the_document_to_pdf(tmp_path):
    source = tmp_path / "plan.docx"
    source.write_bytes(_sample())
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "plan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice or poppler-utils is not installed",
)
def test_libreoffice_lays_out_28_characters_a_line(tmp_path):
    doc = OfficialDocument(title="版式检查", fonts=FontSet.installed())
    doc.paragraph("居民诉求办理" * 40, indent=False)
    source = tmp_path / "grid.docx"
    source.write_bytes(doc.to_bytes())
    subprocess.run(  # noqa: S603 - fixed arguments
        [shutil.which("soffice") or "soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    text = subprocess.run(  # noqa: S603 - fixed arguments
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(tmp_path / "grid.pdf"), "-"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    body = [line.replace(" ", "") for line in text.splitlines() if "居民" in line or "办理" in line]
    full_lines = body[:-1]  # the last line of the paragraph is short
    assert len(full_lines) >= 7
    assert {len(line) for line in full_lines} == {CHARS_PER_LINE}


# CT_PPr's child order (ECMA-376 Part 1, 17.3.1.26), the part this helper writes to.
PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
]  # fmt: skip


def test_paragraph_properties_follow_the_schema_order_word_requires():
    with zipfile.ZipFile(io.BytesIO(_sample())) as zf:
        xml = {
            name: zf.read(name)
            for name in ("word/document.xml", "word/footer1.xml", "word/footer2.xml")
            if name in zf.namelist()
        }
    from lxml import etree

    checked = 0
    for data in xml.values():
        for ppr in etree.fromstring(data).iter(qn("w:pPr")):
            names = [etree.QName(child).localname for child in ppr]
            positions = [PPR_ORDER.index(n) for n in names]
            assert positions == sorted(positions), names
            checked += 1
    assert checked > 10
