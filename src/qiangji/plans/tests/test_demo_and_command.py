"""The demo plans and the export-plans archive command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from qiangji.plans import demo
from qiangji.plans.diffing import compare, snapshot_of_draft, snapshot_of_version
from qiangji.plans.models import NodeKind, Plan


def test_the_demo_builds_shiliuyuan_with_two_lines_and_five_stations_and_is_idempotent(demo_world):
    demo.load(demo_world)
    demo.load(demo_world)
    plan = Plan.objects.get(community=demo_world.shiliuyuan)
    assert plan.slogan == "幸福石榴园，服务520" and plan.concept == "零距离"
    assert plan.nodes.filter(kind=NodeKind.LINE).count() == 2
    assert plan.nodes.filter(kind=NodeKind.PROJECT).count() == 5
    assert plan.versions.count() == 1 and plan.round_name == "讨论"
    changes = compare(snapshot_of_version(plan.versions.get()), snapshot_of_draft(plan))
    assert changes.fields and changes.changed
    keershan = Plan.objects.get(community=demo_world.keershan)
    assert keershan.brand_name == "K23幸福家园" and keershan.concept == "2的3次方"


def test_export_plans_writes_one_document_per_community(demo_world, tmp_path):
    demo.load(demo_world)
    out = io.StringIO()
    call_command("export-plans", programme=demo_world.programme.name, out=str(tmp_path), stdout=out)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["柯尔山社区-K23幸福家园-draft.docx", "石榴园社区-幸福石榴园-v1.docx"]
    texts = [p.text for p in Document(tmp_path / "石榴园社区-幸福石榴园-v1.docx").paragraphs]
    assert "（第1版·提出）" in texts[1]
    call_command(
        "export-plans",
        programme=str(demo_world.programme.pk),
        out=str(tmp_path / "x"),
        format="xlsx",
        draft=True,
        stdout=out,
    )
    assert len(list((tmp_path / "x").glob("*.xlsx"))) == 2
    assert "2 plan(s) exported" in out.getvalue()


def test_export_plans_names_an_unknown_programme(demo_world, tmp_path):
    with pytest.raises(CommandError, match="No programme"):
        call_command("export-plans", programme="不存在", out=str(tmp_path))
