"""Word documents in the Chinese official-document layout (GB/T 9704-2012), with python-docx.

Used by the plans app (工作方案) and the workshops app (工作简报). The layout:

* A4 paper, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the text block is
  156 × 225 mm;
* title in 2号 (22 pt) 方正小标宋简体, centred;
* body in 3号 (16 pt) 仿宋_GB2312, 22 lines of 28 characters a page, made exact by a fixed
  line pitch (exact line spacing, ``w:docGrid lines``) and characters condensed by 0.2 pt
  (156 mm / 28 = 15.8 pt a character). Word's character grid (``linesAndChars``) is not used:
  LibreOffice lays it out as about 17 characters a line;
* numbered headings 一、 (黑体) → （一） (楷体) → 1. (仿宋, bold) → （1） (仿宋), numbered
  automatically and restarted under each higher level;
* page numbers in 4号 (14 pt) 宋体 as "— 1 —", odd pages on the right, even pages on the
  left, each one character in from the edge of the text block;
* tables in a smaller size (小四, 12 pt by default) with a bold header row repeated on
  every page.

Usage::

    from qiangji.lib.officialdoc import OfficialDocument

    doc = OfficialDocument(title="石榴园社区品牌创建工作方案")
    doc.heading(1, "指导思想")          # → "一、指导思想"
    doc.paragraph("以党建引领基层治理……")
    doc.heading(2, "服务主线")          # → "（一）服务主线"
    doc.table(["序号", "任务", "负责人"], [[1, "建站", "张**"]], widths_mm=[15, 100, 41])
    doc.closing(org="团城山街道石榴园社区", date=datetime.date(2026, 2, 19))
    data: bytes = doc.to_bytes()        # or doc.save(path_or_binary_stream)

Fonts: by default the document names the official fonts (``FontSet.official()``) —
government machines have them and Word substitutes sensibly otherwise; each name also
carries fallbacks (``w:altName`` in the font table: 仿宋 → 仿宋_GB2312 → FangSong → Noto
Serif CJK SC). ``FontSet.installed()`` instead picks, for each role, the first candidate
installed on this machine (via ``fc-list``), ending with the Noto CJK fonts; use it when
the document is rendered on the server (e.g. converted to PDF by LibreOffice).
"""

from __future__ import annotations

import copy
import datetime
import functools
import io
import math
import re
import shutil
import subprocess  # noqa: S404 - fc-list with fixed arguments
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

__all__ = [
    "BODY_PT",
    "CHARS_PER_LINE",
    "LINES_PER_PAGE",
    "LINE_PITCH_PT",
    "MARGINS_MM",
    "PAGE_NUMBER_PT",
    "TITLE_PT",
    "FontSet",
    "OfficialDocument",
    "chinese_numeral",
    "heading_label",
]

PAGE_MM = (210, 297)
#: top, bottom, left, right
MARGINS_MM = (37, 35, 28, 26)
TEXT_BLOCK_MM = (
    PAGE_MM[0] - MARGINS_MM[2] - MARGINS_MM[3],
    PAGE_MM[1] - MARGINS_MM[0] - MARGINS_MM[1],
)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小四

_PT_PER_MM = 72 / 25.4
# Line pitch in twips, rounded down so that 22 lines always fit in the 225 mm block.
LINE_PITCH_TWIPS = int(TEXT_BLOCK_MM[1] * _PT_PER_MM * 20 / LINES_PER_PAGE)
LINE_PITCH_PT = LINE_PITCH_TWIPS / 20
# 28 characters fill the 156 mm line when each is condensed by the difference (in 1/20 pt,
# w:spacing); Word and LibreOffice both honour it, unlike the character grid.
CHAR_PITCH_PT = TEXT_BLOCK_MM[0] * _PT_PER_MM / CHARS_PER_LINE
CHAR_SPACING_TWENTIETHS = math.floor((CHAR_PITCH_PT - BODY_PT) * 20)  # -5: 28 always fit

# Characters XML 1.0 cannot hold; pasted text sometimes carries them.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# ---------------------------------------------------------------------------- fonts

#: Candidates for each role, best first; the last ones are the Noto CJK fonts.
FONT_CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": (
        "方正小标宋简体",
        "方正小标宋_GBK",
        "华文中宋",
        "宋体",
        "SimSun",
        "Noto Serif CJK SC",
    ),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"),
    "heading1": ("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC"),
    "heading2": ("楷体_GB2312", "楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"),
    "page_number": ("宋体", "SimSun", "Noto Serif CJK SC"),
}
LATIN_FONT = "Times New Roman"


@functools.cache
def installed_font_families() -> frozenset[str]:
    """Return the font family names fontconfig knows on this machine (empty if no fc-list)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return frozenset()
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names: set[str] = set()
    for line in out.splitlines():
        names.update(part.strip() for part in line.split(",") if part.strip())
    return frozenset(names)


def cn_date(value: datetime.date | None, *, year: bool = True) -> str:
    """Return a date as official documents write it: 2026年4月15日 (4月15日 without the year).

    The one date format of every generated Word document (text, tables, the closing date);
    "" for no date.
    """
    if value is None:
        return ""
    day = f"{value.month}月{value.day}日"
    return f"{value.year}年{day}" if year else day


@dataclass(frozen=True)
class FontSet:
    """The East Asian font family used for each role of the document."""

    title: str
    body: str
    heading1: str
    heading2: str
    page_number: str

    @classmethod
    def official(cls) -> FontSet:
        """Return the fonts GB/T 9704-2012 names (the first candidate of each role)."""
        return cls(**{role: names[0] for role, names in FONT_CANDIDATES.items()})

    @classmethod
    def installed(cls, available: Iterable[str] | None = None) -> FontSet:
        """Return, for each role, the first candidate installed here (else the official one)."""
        have = frozenset(available) if available is not None else installed_font_families()
        picked = {}
        for role, names in FONT_CANDIDATES.items():
            picked[role] = next((name for name in names if name in have), names[0])
        return cls(**picked)


# ---------------------------------------------------------------------------- numbering

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Return n (1–9999) in Chinese numerals as used in headings: 1→一, 10→十, 23→二十三."""
    if not 0 < n < 10000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    out, zero = "", False
    for value, name in units:
        digit = (n // value) % 10
        if digit:
            if zero and out:
                out += "零"
            out += _DIGITS[digit] + name
            zero = False
        else:
            zero = True
    return out


def heading_label(level: int, n: int) -> str:
    """Return the number label of the n-th heading of a level: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level must be 1–4, not {level}")


def clean_text(value: object) -> str:
    """Return value as text XML can hold (control characters removed, CRLF → LF)."""
    text = "" if value is None else str(value)
    return _CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# ---------------------------------------------------------------------------- document


class OfficialDocument:
    """A GB/T 9704-2012 document being written: title, headings, paragraphs, tables."""

    def __init__(self, *, title: str, subtitle: str = "", fonts: FontSet | None = None) -> None:
        self.fonts = fonts or FontSet.official()
        self.document = Document()
        self._section_end = self.document.element.body.sectPr
        self._prototypes: dict[tuple, etree._Element] = {}
        self._counters = [0, 0, 0, 0]
        self._setup_page()
        self._setup_styles()
        self._setup_page_numbers()
        self._add_font_fallbacks()
        self._title(title, subtitle)

    # -- public API -------------------------------------------------------------

    def heading(self, level: int, text: str) -> str:
        """Add a numbered heading (level 1–4) and return its label, e.g. "（二）"."""
        if level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1–4, not {level}")
        self._counters[level - 1] += 1
        for lower in range(level, 4):
            self._counters[lower] = 0
        label = heading_label(level, self._counters[level - 1])
        text = clean_text(label + clean_text(text).replace("\n", " "))
        self._append_clone(self._prototype(("heading", level)), text)
        return label

    def paragraph(self, text: str, *, indent: bool = True, bold: bool = False) -> None:
        """Add body text; each line of text becomes a paragraph indented by two characters."""
        proto = self._prototype(("body", indent, bold))
        for line in clean_text(text).split("\n"):
            line = line.strip()
            if line:
                self._append_clone(proto, line)

    # Formatting a paragraph through python-docx's API costs ~1 ms; a document with 2,000
    # tasks has ~10,000 paragraphs and cells, so each kind is formatted once (a prototype)
    # and then deep-copied, which lxml does in C.
    def _prototype(self, key: tuple) -> etree._Element:
        proto = self._prototypes.get(key)
        if proto is not None:
            return proto
        paragraph = self._new_paragraph()
        if key[0] == "heading":
            level = key[1]
            self._body_format(paragraph, indent=True)
            paragraph.paragraph_format.keep_with_next = True
            font = {1: self.fonts.heading1, 2: self.fonts.heading2}.get(level, self.fonts.body)
            _set_run_font(paragraph.add_run(""), font, BODY_PT, bold=(level == 3))
            # An outline level lets Word's navigation pane list the headings.
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            paragraph._p.get_or_add_pPr().insert_element_before(outline, *_AFTER_OUTLINE_LVL)
        elif key[0] == "body":
            _kind, indent, bold = key
            self._body_format(paragraph, indent=indent)
            _set_run_font(paragraph.add_run(""), self.fonts.body, BODY_PT, bold=bold)
        elif key[0] == "cell":
            _kind, header, font_pt = key
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            fmt.space_before = Pt(2)
            fmt.space_after = Pt(2)
            fmt.first_line_indent = Pt(0)
            _no_snap_to_grid(paragraph)
            if header:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_run_font(paragraph.add_run(""), self.fonts.body, font_pt, bold=header)
        else:  # pragma: no cover - programming error
            raise KeyError(key)
        element = paragraph._p
        element.getparent().remove(element)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        element.findall(qn("w:r"))[-1].append(t)
        self._prototypes[key] = element
        return element

    def _append_clone(self, proto: etree._Element, text: str) -> None:
        p = copy.deepcopy(proto)
        p.find(f"{qn('w:r')}/{qn('w:t')}").text = text
        self._section_end.addprevious(p)

    def labelled(self, label: str, text: str) -> None:
        """Add a paragraph "label：text" with the label in bold, e.g. "品牌口号：服务520"."""
        paragraph = self._new_paragraph()
        self._body_format(paragraph, indent=True)
        _set_run_font(
            paragraph.add_run(clean_text(label) + "："), self.fonts.body, BODY_PT, bold=True
        )
        body = clean_text(text).replace("\n", " ").strip()
        _set_run_font(paragraph.add_run(body), self.fonts.body, BODY_PT)

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        widths_mm: Sequence[float] | None = None,
        font_pt: float = TABLE_PT,
    ) -> None:
        """Add a bordered table with a bold header row repeated on each page."""
        rows = [list(row) for row in rows]
        if widths_mm is None:
            widths_mm = [TEXT_BLOCK_MM[0] / len(headers)] * len(headers)
        if len(widths_mm) != len(headers):
            raise ValueError("widths_mm needs one width per column")
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        tbl = table._tbl
        # One prototype row for the header and one for the body, deep-copied per row:
        # python-docx's table.rows[r].cells rebuilds the whole grid on each call.
        template_tr = tbl.tr_lst[0]
        tbl.remove(template_tr)
        prototypes = {}
        for header in (True, False):
            tr = copy.deepcopy(template_tr)
            for tc, width in zip(tr.tc_lst, widths_mm, strict=True):
                cell = _Cell(tc, table)
                cell.width = Mm(width)
                for p in tc.findall(qn("w:p")):
                    tc.remove(p)
                tc.append(copy.deepcopy(self._prototype(("cell", header, font_pt))))
            if header:
                tbl_header = OxmlElement("w:tblHeader")
                tbl_header.set(qn("w:val"), "true")
                tr.get_or_add_trPr().append(tbl_header)
            prototypes[header] = tr
        for r, values in enumerate([list(headers), *rows]):
            tr = copy.deepcopy(prototypes[r == 0])
            for c, t in enumerate(tr.iter(qn("w:t"))):
                value = values[c] if c < len(values) else ""
                t.text = clean_text(value).strip()
            tbl.append(tr)

    def picture(self, image: bytes, *, width_mm: float = 120, caption: str = "") -> None:
        """Add a centred image (PNG or JPEG bytes), with an optional caption line below it."""
        paragraph = self._new_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(
            io.BytesIO(image), width=Mm(min(width_mm, TEXT_BLOCK_MM[0]))
        )
        if caption:
            line = self._new_paragraph()
            self._body_format(line, indent=False)
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_run_font(line.add_run(clean_text(caption)), self.fonts.body, TABLE_PT)

    def page_break(self) -> None:
        """Start a new page."""
        self._new_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def closing(self, *, org: str, date: datetime.date) -> None:
        """Add the issuing organisation and date, right-aligned four characters from the edge."""
        self._new_paragraph()
        for text in (org, cn_date(date)):
            paragraph = self._new_paragraph()
            self._body_format(paragraph, indent=False)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(BODY_PT * 4)
            _set_run_font(paragraph.add_run(clean_text(text)), self.fonts.body, BODY_PT)

    def save(self, target: str | Path | IO[bytes]) -> None:
        """Write the .docx to a path or a binary stream."""
        self.document.save(target)

    def to_bytes(self) -> bytes:
        """Return the .docx file as bytes."""
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    # -- layout -----------------------------------------------------------------

    def _new_paragraph(self) -> Paragraph:
        """Append an empty paragraph to the body, before the final section properties.

        python-docx's add_paragraph() searches the body for w:sectPr from its first child on
        every call, which is quadratic for long documents.
        """
        p = OxmlElement("w:p")
        self._section_end.addprevious(p)
        return Paragraph(p, self.document._body)

    def _setup_page(self) -> None:
        section = self.document.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        top, bottom, left, right = MARGINS_MM
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.header_distance = Mm(15)
        # The page number sits 7 mm below the text block: its line ends ≈ 23 mm from the edge.
        section.footer_distance = Mm(bottom - 7 - PAGE_NUMBER_PT / _PT_PER_MM)
        sect_pr = section._sectPr
        for grid in sect_pr.findall(qn("w:docGrid")):
            sect_pr.remove(grid)
        grid = OxmlElement("w:docGrid")
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        sect_pr.append(grid)

    def _setup_styles(self) -> None:
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        normal.font.name = LATIN_FONT
        _set_east_asian(normal.element.get_or_add_rPr(), self.fonts.body)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_SPACING_TWENTIETHS))
        normal.element.get_or_add_rPr().insert_element_before(spacing, *_AFTER_RPR_SPACING)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_PT)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.widow_control = False

    def _setup_page_numbers(self) -> None:
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            fmt.first_line_indent = Pt(0)
            # One character in from the edge of the text block.
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = Pt(PAGE_NUMBER_PT)
            else:
                fmt.left_indent = Pt(PAGE_NUMBER_PT)
            _no_snap_to_grid(paragraph)
            _set_run_font(paragraph.add_run("— "), self.fonts.page_number, PAGE_NUMBER_PT)
            _add_page_field(paragraph, self.fonts.page_number)
            _set_run_font(paragraph.add_run(" —"), self.fonts.page_number, PAGE_NUMBER_PT)

    def _add_font_fallbacks(self) -> None:
        """Declare every used font in the font table with its fallbacks as w:altName."""
        part = next(
            (
                rel.target_part
                for rel in self.document.part.rels.values()
                if rel.reltype.endswith("/fontTable")
            ),
            None,
        )
        if part is None:  # pragma: no cover - the default template has one
            return
        root = etree.fromstring(part.blob)  # noqa: S320 - our own template
        existing = {el.get(qn("w:name")) for el in root.findall(qn("w:font"))}
        for role in ("title", "body", "heading1", "heading2", "page_number"):
            name = getattr(self.fonts, role)
            if name in existing:
                continue
            existing.add(name)
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            alternatives = [n for n in FONT_CANDIDATES[role] if n != name]
            alt = etree.SubElement(font, qn("w:altName"))
            alt.set(qn("w:val"), ",".join(alternatives))
            charset = etree.SubElement(font, qn("w:charset"))
            charset.set(qn("w:val"), "86")  # GB2312
            family = etree.SubElement(font, qn("w:family"))
            family.set(qn("w:val"), "modern" if role == "heading1" else "roman")
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _title(self, title: str, subtitle: str) -> None:
        for i, line in enumerate(clean_text(title).split("\n")):
            paragraph = self._new_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(max(LINE_PITCH_PT, TITLE_PT * 1.45))
            fmt.keep_with_next = True
            _no_snap_to_grid(paragraph)
            run = paragraph.add_run(line.strip())
            _set_run_font(run, self.fonts.title, TITLE_PT)
            if i == 0:
                self.title_paragraph = paragraph
        if subtitle:
            paragraph = self._new_paragraph()
            self._body_format(paragraph, indent=False)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_run_font(paragraph.add_run(clean_text(subtitle)), self.fonts.heading2, BODY_PT)
        # One empty line between the title and the body.
        blank = self._new_paragraph()
        self._body_format(blank, indent=False)

    def _body_format(self, paragraph: Paragraph, *, indent: bool) -> None:
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_PT)
        if indent:
            fmt.first_line_indent = Pt(BODY_PT * 2)
            ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
            if ind is not None:
                ind.set(qn("w:firstLineChars"), "200")


# ---------------------------------------------------------------------------- xml helpers


def _set_east_asian(r_pr: etree._Element, font: str) -> None:
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:cs"), LATIN_FONT)


def _set_run_font(run: Run, font: str, size_pt: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size_pt)
    run.font.name = LATIN_FONT
    run.font.bold = bold or None
    _set_east_asian(run._r.get_or_add_rPr(), font)


# The order of w:pPr's children after w:snapToGrid and after w:outlineLvl (ECMA-376
# CT_PPr): Word rejects out-of-order elements where LibreOffice would not.
_AFTER_SNAP_TO_GRID = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
# The children of w:rPr that follow w:spacing (ECMA-376 CT_RPr).
_AFTER_RPR_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
    "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip
_AFTER_OUTLINE_LVL = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _no_snap_to_grid(paragraph: Paragraph) -> None:
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    paragraph._p.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP_TO_GRID)


def _add_page_field(paragraph: Paragraph, font: str) -> None:
    """Append a PAGE field (begin, instruction, separate, placeholder, end runs)."""
    parts = [("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)]
    for char_type, text in parts:
        run = paragraph.add_run()
        _set_run_font(run, font, PAGE_NUMBER_PT)
        if char_type:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), char_type)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run._r.append(copy.deepcopy(_text_element(text or "")))


def _text_element(text: str) -> etree._Element:
    t = OxmlElement("w:t")
    t.text = text
    return t
