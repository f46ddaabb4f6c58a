"""Large plans: constant query counts, tasks loaded on demand past 400 nodes."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiangji.plans.models import PlanNode
from qiangji.plans.tests.factories import make_plan, make_small_tree


def _bulk_tree(plan, lines: int, projects: int, tasks: int) -> None:
    line_rows = PlanNode.objects.bulk_create(
        [PlanNode(plan=plan, kind="line", title=f"主线{i}", position=i) for i in range(lines)]
    )
    project_rows = PlanNode.objects.bulk_create(
        [
            PlanNode(
                plan=plan, kind="project", parent=line, title=f"{line.title}站点{j}", position=j
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
                parent=p,
                title=f"{p.title}任务{k}",
                position=k,
                owner="甲",
                deadline=dt.date(2026, 5, 1),
                indicator="人次",
                target="10",
            )
            for p in project_rows
            for k in range(tasks)
        ]
    )


def _queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_page_queries_do_not_grow_with_the_number_of_nodes(
    demo_world, client_for, shiliuyuan_secretary, keershan_secretary
):
    small = make_plan(demo_world)
    make_small_tree(small, shiliuyuan_secretary)
    large = make_plan(demo_world, community=demo_world.keershan, by=keershan_secretary)
    make_small_tree(large, keershan_secretary)
    _bulk_tree(large, 3, 4, 10)
    small_client, large_client = client_for(shiliuyuan_secretary), client_for(keershan_secretary)
    for suffix in ("", "versions/", "diff/", "print/", "timeline/"):
        small_client.get(f"/plans/{small.pk}/{suffix}")  # warm caches (content types)
        assert _queries(small_client, f"/plans/{small.pk}/{suffix}") == _queries(
            large_client, f"/plans/{large.pk}/{suffix}"
        ), suffix


def test_a_plan_over_400_nodes_shows_tasks_on_demand(demo_world, client_for, shiliuyuan_secretary):
    plan = make_plan(demo_world)
    _bulk_tree(plan, 2, 10, 20)
    client = client_for(shiliuyuan_secretary)
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "主线0站点0任务0" not in html
    project = PlanNode.objects.get(title="主线0站点0")
    assert f'id="tasks-{project.pk}"' in html
    fragment = client.get(
        f"/plans/{plan.pk}/nodes/{project.pk}/tasks/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.count('class="node kind-task') == 20
    assert f'id="add-{project.pk}"' in fragment
    # Adding a task keeps its project open in the re-rendered tree.
    tree = client.post(
        f"/plans/{plan.pk}/nodes/add/",
        {"kind": "task", "parent": project.pk, "title": "新任务", "expand": project.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "新任务" in tree and "主线0站点0任务0" in tree and "主线0站点1任务0" not in tree
