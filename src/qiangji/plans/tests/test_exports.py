"""Word export read back, XLSX task table round trip, import with a dry run, printable view."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from qiangji.lib.tabular import xlsx_bytes
from qiangji.plans.actions import do_close_round
from qiangji.plans.exports import TASK_COLUMNS, import_tasks, plan_docx, tasks_xlsx
from qiangji.plans.models import PlanNode
from qiangji.plans.tests.factories import make_plan, make_small_tree


@pytest.fixture
def plan(demo_world, shiliuyuan_secretary):
    plan = make_plan(demo_world)
    plan.brand_name, plan.slogan, plan.goals = "幸福石榴园", "幸福石榴园，服务520", "建设五个站点。"
    plan.save()
    make_small_tree(plan, shiliuyuan_secretary)
    return plan


def _xlsx_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_word_export_has_the_official_layout_and_the_tree_as_numbered_headings(plan):
    document = Document(io.BytesIO(plan_docx(plan)))
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "石榴园社区“幸福石榴园”品牌创建工作方案"
    assert "一、品牌概况" in texts and "二、工作目标" in texts
    tree_start = texts.index("三、主线、项目与任务")
    assert texts[tree_start + 1] == "（一）为老服务主线"
    assert texts[tree_start + 2] == "1.助餐站"
    assert texts[tree_start + 3] == "（1）建立助餐点"
    assert "四、任务清单" in texts
    title = document.paragraphs[0].runs[0]
    assert title.font.size == Pt(22)
    assert title._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells][2:4] == ["建立助餐点", "张**"]


def test_word_export_of_a_version_shows_the_frozen_text(plan, shiliuyuan_secretary):
    version = do_close_round(plan=plan, by=shiliuyuan_secretary)
    plan.brand_name = "新名字"
    plan.save()
    texts = [p.text for p in Document(io.BytesIO(plan_docx(plan, version))).paragraphs]
    assert "幸福石榴园" in texts[0] and "（第1版·提出）" in texts[1]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_opens_the_plan_document(plan, tmp_path):
    source = tmp_path / "plan.docx"
    source.write_bytes(plan_docx(plan))
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice"),
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
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF")


def test_task_table_exports_one_row_per_task_with_its_line_and_project(plan):
    rows = _xlsx_rows(tasks_xlsx(plan))
    assert rows[0] == TASK_COLUMNS
    assert rows[1][1:5] == ["为老服务主线", "助餐站", "建立助餐点", "张**"]
    assert len(rows) == 3


def test_importing_the_exported_table_changes_nothing(plan, shiliuyuan_secretary):
    report = import_tasks(
        plan=plan, data=tasks_xlsx(plan), filename="t.xlsx", dry_run=True, by=shiliuyuan_secretary
    )
    assert report.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}


def test_a_dry_run_reports_changes_and_new_tasks_without_writing(plan, shiliuyuan_secretary):
    rows = _xlsx_rows(tasks_xlsx(plan))
    rows[1][4] = "王**"
    rows.append(
        [
            "",
            "邻里共治主线",
            "议事站",
            "每月议事会",
            "李**",
            "2026-07-01",
            500,
            "参会人数",
            "30人",
            "首次议事会",
        ]
    )
    data = xlsx_bytes(rows[0], rows[1:])
    report = import_tasks(
        plan=plan, data=data, filename="t.xlsx", dry_run=True, by=shiliuyuan_secretary
    )
    assert report.counts == {"create": 1, "update": 1, "unchanged": 1, "error": 0}
    assert report.rows[0].changes == {"owner": ("张**", "王**")}
    assert not PlanNode.objects.filter(title="每月议事会").exists()
    applied = import_tasks(
        plan=plan, data=data, filename="t.xlsx", dry_run=False, by=shiliuyuan_secretary
    )
    assert applied.applied
    task = PlanNode.objects.get(title="每月议事会")
    assert task.parent.title == "议事站" and str(task.budget) == "500.00"
    assert PlanNode.objects.get(title="建立助餐点").owner == "王**"


def test_a_table_with_bad_rows_is_not_applied_and_each_row_says_why(plan, shiliuyuan_secretary):
    headers = TASK_COLUMNS
    rows = [
        ["", "主线甲", "项目甲", "任务一", "", "2025-01-01", "", "", "", ""],
        ["", "主线甲", "项目甲", "任务二", "", "明天", "-5", "", "", ""],
        ["", "主线甲", "项目甲", "任务三", "", "", "1e12", "", "", ""],
        ["not-a-key", "", "", "任务四", "", "", "", "", "", ""],
    ]
    report = import_tasks(
        plan=plan,
        data=xlsx_bytes(headers, rows),
        filename="t.xlsx",
        dry_run=False,
        by=shiliuyuan_secretary,
    )
    assert not report.applied
    assert [r.action for r in report.rows] == ["error"] * 4
    assert "2026-02-01" in report.rows[0].errors[0]
    assert len(report.rows[1].errors) == 2
    assert not PlanNode.objects.filter(title__startswith="任务").exists()


def test_a_file_that_is_not_a_table_gets_a_message(plan, shiliuyuan_secretary):
    report = import_tasks(
        plan=plan, data=b"\x00\x01garbage", filename="x.pdf", dry_run=True, by=shiliuyuan_secretary
    )
    assert report.error and not report.rows


def _width_mm(text: str, pt: float) -> float:
    """The printed width of a line: CJK characters a full em, digits and Latin half of one."""
    ems = sum(1.0 if ord(ch) > 0x2E80 else 0.5 for ch in text)
    return ems * pt * 25.4 / 72 + 3.9  # Word's default cell margins, 1.9 mm each side


def test_the_word_task_table_writes_dates_one_way_on_one_line(plan):
    from docx.shared import Mm

    document = Document(io.BytesIO(plan_docx(plan)))
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    column = header.index("完成时限")
    dates = [row.cells[column].text for row in table.rows[1:] if row.cells[column].text]
    assert dates == ["2026年5月1日"]  # the same words as the text above the table
    assert any("完成时限：2026年5月1日" in p.text for p in document.paragraphs)
    width = table.columns[column].width
    assert width >= Mm(_width_mm("2026年12月31日", 12))  # the longest date at 小四, unbroken
