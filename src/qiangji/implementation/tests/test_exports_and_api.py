"""XLSX/CSV export, the all-or-nothing progress import, the Word report, the API, the command."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document

from qiangji.implementation.exports import HEADERS, import_progress
from qiangji.implementation.models import Item
from qiangji.implementation.tests.factories import make_delivery
from qiangji.lib import tabular
from qiangji.lib.officialdoc import cn_date

pytestmark = pytest.mark.django_db


def _csv(rows: list[list]) -> bytes:
    return tabular.csv_bytes(["编号", "进度", "状态", "实际值"], rows)


def test_export_lists_every_item_with_its_progress_and_neutralises_formulas(
    demo_world, client_for, leader
):
    delivery = make_delivery(demo_world)
    Item.objects.filter(title="建立助餐点").update(actual="=HYPERLINK(1)")
    response = client_for(leader).get(f"/implementation/d/{delivery.pk}/export.xlsx")
    assert response.status_code == 200
    table = tabular.read_table(response.content, "x.xlsx")
    assert table.headers == HEADERS
    assert len(table.rows) == 7
    row = next(r for r in table.rows if r["名称"] == "建立助餐点")
    assert row["进度"] in ("0", "0.0") and row["实际值"] == "=HYPERLINK(1)"
    csv = client_for(leader).get(f"/implementation/d/{delivery.pk}/export.csv")
    assert b"'=HYPERLINK(1)" in b"".join(csv.streaming_content)
    assert client_for(leader).get(f"/implementation/d/{delivery.pk}/export.pdf").status_code == 404


def test_import_is_a_dry_run_by_default_and_applies_all_rows_at_once(demo_world):
    delivery = make_delivery(demo_world)
    by = demo_world.users["shiliuyuan"]
    a = delivery.items.get(title="建立助餐点")
    b = delivery.items.get(title="招募志愿者")
    data = _csv([[a.reference, "60", "", "30人"], [b.reference.lower(), "100%", "", ""]])
    report = import_progress(delivery=delivery, data=data, filename="p.csv", by=by, apply=False)
    assert not report.errors and report.changed == 2 and not report.applied
    a.refresh_from_db()
    assert a.progress == 0
    report = import_progress(delivery=delivery, data=data, filename="p.csv", by=by, apply=True)
    assert report.applied
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.progress, a.actual, b.progress, b.status.key) == (Decimal(60), "30人", 100, "done")


def test_one_wrong_row_stops_the_whole_import_with_a_report_by_row(demo_world):
    delivery = make_delivery(demo_world)
    other = make_delivery(demo_world, demo_world.keershan)
    by = demo_world.users["shiliuyuan"]
    mine = delivery.items.get(title="建立助餐点")
    theirs = other.items.get(title="建立助餐点")
    project = delivery.items.get(title="助餐站")
    data = _csv(
        [
            [mine.reference, "50", "", ""],
            [theirs.reference, "50", "", ""],
            ["NOSUCHREF", "10", "", ""],
            [mine.reference, "70", "", ""],
            [project.reference, "40", "", ""],
            [delivery.items.get(title="招募志愿者").reference, "abc", "", ""],
            [delivery.items.get(title="议事站").reference, "120", "", ""],
            [delivery.items.get(title="健康站").reference, "", "不存在的状态", ""],
        ]
    )
    report = import_progress(delivery=delivery, data=data, filename="p.csv", by=by, apply=True)
    assert not report.applied
    errors = {r.line: r.error for r in report.rows if r.error}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert "其他社区" in errors[3]
    mine.refresh_from_db()
    assert mine.progress == 0
    bad = import_progress(
        delivery=delivery, data=b"\x00\x01garbage", filename="p.xlsx", by=by, apply=True
    )
    assert bad.file_error


def test_the_import_page_reports_errors_without_a_500(demo_world, client_for, shiliuyuan_secretary):
    from django.core.files.uploadedfile import SimpleUploadedFile

    delivery = make_delivery(demo_world)
    upload = SimpleUploadedFile("p.csv", _csv([["NOSUCH", "10", "", ""]]))
    response = client_for(shiliuyuan_secretary).post(
        f"/implementation/d/{delivery.pk}/import/", {"file": upload, "apply": "on"}
    )
    assert response.status_code == 400 and "没有此编号" in response.content.decode()


def test_the_word_report_is_in_the_official_layout_per_community_and_subdistrict(
    demo_world, client_for, jiedao_admin
):
    delivery = make_delivery(demo_world)
    response = client_for(jiedao_admin).get(f"/implementation/d/{delivery.pk}/report.docx")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "落实进展情况报告" in text and "总体进度" in text
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=1)
    assert any("建立助餐点" in c.text for t in document.tables for r in t.rows for c in r.cells)
    # Every date in the tables is written as official documents write it (2026年4月15日).
    deadlines = [i.deadline for i in Item.objects.filter(delivery=delivery) if i.deadline]
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert deadlines and all(cn_date(d) in cells for d in deadlines)
    assert not any(re.fullmatch(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}", c) for c in cells)
    response = client_for(jiedao_admin).get(
        f"/implementation/programme/{demo_world.programme.pk}/report.docx"
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "团城山街道社区品牌创建落实进展情况报告" in text


def test_the_api_reads_items_and_posts_progress_with_the_version_column(
    demo_world, client_for, shiliuyuan_secretary, keershan_secretary, outsider
):
    delivery = make_delivery(demo_world)
    client = client_for(shiliuyuan_secretary)
    items = client.get(f"/api/implementation/deliveries/{delivery.pk}/items").json()
    task = next(i for i in items if i["title"] == "建立助餐点")
    url = f"/api/implementation/items/{task['id']}/progress"
    ok = client.post(
        url, {"revision": task["revision"], "progress": 40}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["progress"] == "40.00"
    stale = client.post(
        url, {"revision": task["revision"], "progress": 90}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["theirs"]["progress"] == "40.00"
    bad = client.post(url, {"revision": 1, "progress": 101}, content_type="application/json")
    assert bad.status_code == 422
    denied = client_for(keershan_secretary).post(
        url, {"revision": 3, "progress": 50}, content_type="application/json"
    )
    assert denied.status_code == 403
    assert client_for(outsider).get(f"/api/implementation/items/{task['id']}").status_code == 404
    statuses = client.get(
        f"/api/implementation/programmes/{demo_world.programme.pk}/statuses"
    ).json()
    assert [s["name"] for s in statuses][:3] == ["未启动", "筹备中", "实施中"]
    schema = client.get("/api/openapi.json").json()
    assert "/api/implementation/items/{pk}/progress" in schema["paths"]


def test_the_progress_command_prints_the_documented_json(demo_world, capsys):
    make_delivery(demo_world)
    call_command("progress", "--programme", demo_world.programme.name, "--json")
    data = json.loads(capsys.readouterr().out)
    rows = {r["name"]: r for r in data["communities"]}
    assert set(rows["石榴园社区"]) == {"name", "progress", "items", "done", "overdue"}
    assert rows["石榴园社区"]["progress"] == 0 and rows["石榴园社区"]["items"] == 7
    assert rows["柯尔山社区"]["progress"] is None
    call_command("progress", "--programme", str(demo_world.programme.pk))
    assert "石榴园社区" in capsys.readouterr().out
