"""Tests of the command-line tools: route-eval, topics, import-concerns, purge-personal-data."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.models import Concern, Reporter
from qiangji.concerns.tests.synthetic import labelled_set


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _jsonl(path, rows) -> str:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return str(path)


def test_route_eval_prints_json_with_accuracy_macro_f1_and_per_class(tmp_path):
    train = _jsonl(
        tmp_path / "a.jsonl",
        [{"text": t, "label": lab} for t, lab in zip(*labelled_set(20, seed=1), strict=True)],
    )
    test = _jsonl(
        tmp_path / "b.jsonl",
        [{"text": t, "label": lab} for t, lab in zip(*labelled_set(5, seed=2), strict=True)],
    )
    result = json.loads(_run("route-eval", "--train", train, "--test", test, "--json"))
    assert set(result) == {
        "accuracy",
        "macro_f1",
        "per_class",
        "auto_threshold",
        "auto_share",
        "auto_precision",
    }
    assert 0 <= result["auto_share"] <= 1
    assert result["macro_f1"] >= 0.85 and set(result["per_class"]) == {
        "电梯",
        "停车",
        "环境卫生",
        "噪音扰民",
        "养老服务",
    }
    assert "macro-F1" in _run("route-eval", "--train", train, "--test", test)


def test_route_eval_refuses_bad_files(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CommandError):
        _run("route-eval", "--train", str(bad), "--test", str(bad))
    with pytest.raises(CommandError):
        _run("route-eval", "--train", str(tmp_path / "missing.jsonl"), "--test", str(bad))


def test_topics_prints_the_top_topics_as_json(tmp_path):
    texts, _ = labelled_set(20, seed=3)
    rows = [
        {"id": str(i), "title": "", "detail": t, "time": "2026/3/1 10:00:00", "likes": i % 3}
        for i, t in enumerate(texts)
    ]
    result = json.loads(
        _run(
            "topics",
            "--input",
            _jsonl(tmp_path / "m.jsonl", rows),
            "--top",
            "3",
            "--topics",
            "5",
            "--json",
        )
    )
    assert len(result["topics"]) == 3
    assert all({"label", "size", "score", "ids"} <= set(t) for t in result["topics"])
    assert sum(t["size"] for t in result["topics"]) <= 100


def test_import_concerns_dry_run_then_import_then_again(tmp_path, demo_world):
    path = tmp_path / "x.csv"
    path.write_bytes("编号,内容\n1,楼道灯坏了\n2,\n3,井盖松动\n".encode("gb18030"))
    out = _run("import-concerns", str(path), "--community", "石榴园社区", "--dry-run")
    assert "2 would be added" in out and not Concern.objects.exists()
    assert "added 2" in _run("import-concerns", str(path), "--community", "石榴园社区")
    assert "added 0, skipped 2" in _run("import-concerns", str(path), "--community", "石榴园社区")
    with pytest.raises(CommandError):
        _run("import-concerns", str(path), "--community", "没有这个社区")


def test_purge_personal_data_respects_the_retention_period(demo_world):
    concern = do_file_concern(
        community=demo_world.shiliuyuan, text="路灯坏了", reporter_phone="13800001111", consent=True
    )
    Reporter.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    Concern.objects.filter(pk=concern.pk).update(closed_at=timezone.now() - dt.timedelta(days=200))
    assert "1 reporters hold" in _run("purge-personal-data", "--dry-run")
    assert "erased the personal data of 0" in _run("purge-personal-data", "--days", "365")
    assert "erased the personal data of 1" in _run("purge-personal-data", "--days", "180")
    assert Reporter.objects.get().phone == ""


def test_the_auto_routing_threshold_is_the_lowest_confidence_that_keeps_the_precision():
    from qiangji.concerns.analysis.routing import choose_threshold

    confidences = [0.99, 0.95, 0.9, 0.8, 0.7]
    assert choose_threshold(confidences, [True, True, True, False, True], target=0.98) == 0.9
    assert choose_threshold(confidences, [False] * 5) > 1
