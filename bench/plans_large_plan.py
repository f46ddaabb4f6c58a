"""Benchmark: one plan of 10 main lines × 10 projects × 20 tasks (2,110 nodes, long texts).

Measured in one process with Django's test client on a fresh database (SQLite in a temporary
folder, or QJ_BENCH_DATABASE_URL), each figure the median of several runs, printed beside
the median of the bare `/healthz` from the same run:

* the edit page (`GET /plans/<id>/`) — target < 150 ms;
* a node save over htmx (`POST /plans/<id>/nodes/<n>/save/`) — target < 50 ms;
* the diff of two versions (`GET /plans/<id>/diff/?a=1&b=2`, 5 % of nodes changed) — < 300 ms,
  with the version snapshots cached (they never change) and with the cache cleared;
* the Word export (`GET /plans/<id>/export.docx`) — target < 3 s;
* the number of SQL queries of the edit page for a 7-node plan and for the 2,110-node plan
  (must be equal: constant in the number of nodes).

Writes bench/results/plans_large_plan_<sqlite or postgresql>.json.

    .venv/bin/python bench/plans_large_plan.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from _django_bench import setup_django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LINES, PROJECTS, TASKS = 10, 10, 20
LONG = (
    "围绕居民最关切、最紧迫的事项，社区党组织牵头，居委会、业委会、物业、社会组织、驻区单位、"
    "志愿者和居民代表共同参与，明确分工、细化措施、压实责任，确保项目按期落地见效。"
)
TARGETS_MS = {
    "edit_page": 150,
    "node_save": 50,
    "diff_two_versions": 300,
    "diff_two_versions_uncached": 300,
    "word_export": 3000,
}


def _build_plan(world, *, lines: int, projects: int, tasks: int):
    """Create a plan with bulk inserts (setup, not measured); return it."""
    import datetime as dt
    from decimal import Decimal

    from qiangji.plans.actions import do_start_plan
    from qiangji.plans.models import Plan, PlanNode

    community = world.shiliuyuan if lines > 1 else world.keershan
    plan = do_start_plan(programme=world.programme, community=community, by=world.users["jiedao"])
    Plan.objects.filter(pk=plan.pk).update(
        brand_name="幸福石榴园",
        slogan="幸福石榴园，服务520",
        concept="零距离",
        goals=LONG * 5,
        concerns="老年人吃饭难\n停车难",
        actors="社区党组织：统筹\n物业：场地",
    )
    line_rows = PlanNode.objects.bulk_create(
        [
            PlanNode(plan=plan, kind="line", title=f"第{i + 1}条主线", description=LONG, position=i)
            for i in range(lines)
        ]
    )
    project_rows = PlanNode.objects.bulk_create(
        [
            PlanNode(
                plan=plan,
                kind="project",
                parent=line,
                title=f"{line.title}·站点{j + 1}",
                description=LONG * 2,
                actors="社区党组织\n物业\n志愿者",
                venues="党群服务中心",
                concerns="老年人吃饭难",
                position=j,
            )
            for line in line_rows
            for j in range(projects)
        ]
    )
    PlanNode.objects.bulk_create(
        [
            PlanNode(
                plan=plan,
                kind="task",
                parent=project,
                title=f"任务{k + 1}：{project.title}",
                description=LONG * 3,
                owner="居委会（示例）",
                deadline=dt.date(2026, 5, 1) + dt.timedelta(days=k),
                budget=Decimal(1000 + k),
                indicator="服务人次",
                target=f"{100 + k}人次",
                milestone="试运行",
                position=k,
            )
            for project in project_rows
            for k in range(tasks)
        ],
        batch_size=500,
    )
    plan.refresh_from_db()
    return plan


def _median_ms(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up (templates, caches, imports)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from qiangji.core.demo import load_foundation
        from qiangji.plans.actions import do_close_round, do_save_node
        from qiangji.plans.models import PlanNode

        world = load_foundation(password="bench-pass-123")  # noqa: S106 - a throwaway database
        secretary = world.users["jiedao"]
        big = _build_plan(world, lines=LINES, projects=PROJECTS, tasks=TASKS)
        small = _build_plan(world, lines=1, projects=2, tasks=2)
        node_count = big.nodes.count()
        small_count = small.nodes.count()
        do_close_round(plan=big, by=secretary)
        changed = list(big.nodes.filter(kind="task").order_by("pk")[::20])
        for node in changed:
            do_save_node(
                node=node,
                values={
                    "description": node.description.replace("确保", "务必"),
                    "owner": "物业（示例）",
                },
                base_revision=node.revision,
                round_number=None,
                by=secretary,
            )
        do_close_round(plan=big, by=secretary)

        client = Client()
        client.force_login(secretary)
        task = big.nodes.filter(kind="task").order_by("pk").last()

        def get(url: str, **extra) -> None:
            response = client.get(url, **extra)
            assert response.status_code == 200, (url, response.status_code)

        def save() -> None:
            node = PlanNode.objects.get(pk=task.pk)
            response = client.post(
                f"/plans/{big.pk}/nodes/{task.pk}/save/",
                {
                    "title": node.title,
                    "description": node.description + "再",
                    "owner": node.owner,
                    "deadline": node.deadline.isoformat(),
                    "budget": str(node.budget),
                    "indicator": node.indicator,
                    "target": node.target,
                    "milestone": node.milestone,
                    "revision": node.revision,
                    "round": 3,
                },
                HTTP_HX_REQUEST="true",
            )
            assert response.status_code == 200 and b"conflict-panel" not in response.content

        figures = {}
        figures["healthz"], _ = _median_ms(lambda: get("/healthz"), args.runs)
        figures["edit_page"], _ = _median_ms(lambda: get(f"/plans/{big.pk}/"), args.runs)
        figures["node_save"], _ = _median_ms(save, args.runs)
        figures["diff_two_versions"], _ = _median_ms(
            lambda: get(f"/plans/{big.pk}/diff/?a=1&b=2"), args.runs
        )
        from django.core.cache import cache

        def cold_diff() -> None:
            cache.clear()  # version snapshots are cached (versions never change): measure without
            get(f"/plans/{big.pk}/diff/?a=1&b=2")

        figures["diff_two_versions_uncached"], _ = _median_ms(cold_diff, args.runs)
        figures["word_export"], _ = _median_ms(
            lambda: get(f"/plans/{big.pk}/export.docx"), max(3, args.runs // 2)
        )

        queries = {}
        for name, plan in (("small", small), ("large", big)):
            with CaptureQueriesContext(connection) as ctx:
                get(f"/plans/{plan.pk}/")
            queries[name] = len(ctx.captured_queries)

    baseline = figures["healthz"]
    print(
        f"plan: {node_count} nodes ({LINES} lines × {PROJECTS} projects × {TASKS} tasks), "
        f"{len(changed)} tasks changed between v1 and v2; median of {args.runs} runs; "
        f"database {connection.vendor}"
    )
    print(f"{'measure':<28}{'median ms':>12}{'× /healthz':>12}{'target ms':>12}  ok")
    print(f"{'/healthz (baseline)':<28}{baseline:>12.1f}{1:>12.1f}{'':>12}")
    results = {}
    for name, target in TARGETS_MS.items():
        value = figures[name]
        ok = value < target
        results[name] = {
            "median_ms": round(value, 1),
            "ratio_to_healthz": round(value / baseline, 1),
            "target_ms": target,
            "ok": ok,
        }
        print(
            f"{name:<28}{value:>12.1f}{value / baseline:>12.1f}{target:>12}  {'yes' if ok else 'NO'}"
        )
    print(
        f"edit page queries: {queries['small']} for a {small_count}-node plan, "
        f"{queries['large']} for the {node_count}-node plan "
        f"({'constant' if queries['small'] == queries['large'] else 'NOT constant'})"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"plans_large_plan_{connection.vendor}.json"
    path.write_text(
        json.dumps(
            {
                "benchmark": "plans_large_plan",
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                },
                "database": connection.vendor,
                "nodes": node_count,
                "runs": args.runs,
                "healthz_median_ms": round(baseline, 2),
                "results": results,
                "edit_page_queries": queries,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
