"""Who may use each URL of the concerns app: every persona against every route."""

from __future__ import annotations

import dataclasses

from qiangji.concerns import demo
from qiangji.concerns.models import Concern, ImportBatch
from qiangji.core.testing import EVERYONE, LOGGED_IN, Route, check_matrix

# Read 石榴园's concerns: its people, the subdistrict, the district leader, the programme mentor.
READERS = {"admin", "jiedao", "shiliuyuan", "shiliuyuan_staff", "wangge", "daoshi", "lingdao"}
WORKERS = {"admin", "jiedao", "shiliuyuan", "shiliuyuan_staff"}
ENTRY = WORKERS | {"wangge"}
# Lists default to the person's home territory: anyone with a role has one.
WITH_ROLE = LOGGED_IN - {"outsider"}


def _concern(world) -> dict:
    return {
        "pk": Concern.objects.filter(community=world.shiliuyuan, duplicate_of__isnull=True)
        .first()
        .pk
    }


def _with_reporter(world) -> dict:
    from qiangji.concerns.actions import do_file_concern

    concern = do_file_concern(
        community=world.shiliuyuan,
        text="矩阵测试：路灯坏了",
        reporter_phone="13800001111",
        consent=True,
    )
    return {"pk": concern.pk}


def _with_photo(world) -> dict:
    from django.core.files.base import ContentFile

    from qiangji.concerns.actions import do_file_concern

    concern = Concern.objects.filter(text="矩阵测试：照片").first() or do_file_concern(
        community=world.shiliuyuan,
        text="矩阵测试：照片",
        photo=ContentFile(b"\xff\xd8photo", name="m.jpg"),
    )
    return {"pk": concern.pk}


def _community(world) -> dict:
    return {"community_pk": world.shiliuyuan.pk}


def _follow(world) -> dict:
    from qiangji.concerns.views import follow_token

    return {"community_pk": world.shiliuyuan.pk, "token": follow_token(_concern(world)["pk"])}


def _metoo(world) -> dict:
    concern = Concern.objects.filter(community=world.shiliuyuan, duplicate_of__isnull=True)
    return {"community_pk": world.shiliuyuan.pk, "pk": concern.public().open().first().pk}


def _batch(world) -> dict:
    batch = ImportBatch.objects.create(
        community=world.shiliuyuan,
        source="matrix",
        filename="m.csv",
        content="内容\n路灯坏了\n".encode(),
        mapping={"text": "内容"},
    )
    return {"pk": batch.pk}


def _hot(world) -> dict:
    from qiangji.concerns.models import HotIssue

    issue = HotIssue.objects.active().filter(concerns__community=world.shiliuyuan).first()
    return {"pk": issue.pk}


def _hot_member(world) -> dict:
    from qiangji.concerns.models import HotIssue

    issue = HotIssue.objects.active().filter(concerns__community=world.shiliuyuan).first()
    return {"pk": issue.pk, "concern_pk": issue.concerns.first().pk}


ROUTES = [
    Route("concerns:hot_issues", WITH_ROLE),
    Route("concerns:hot_issue", READERS, _hot),
    Route("concerns:hot_issue_rename", WORKERS, _hot, method="post", data=lambda w: {"label": "x"}),
    Route("concerns:hot_issue_merge", WORKERS, _hot, method="post"),
    Route("concerns:hot_issue_split", WORKERS, _hot, method="post"),
    Route("concerns:hot_issue_ticket", WORKERS, _hot, method="post"),
    Route("concerns:hot_issue_move_out", WORKERS, _hot_member, method="post"),
    Route("concerns:index", WITH_ROLE),
    Route("concerns:top", WITH_ROLE),
    Route("concerns:tickets", WITH_ROLE),
    Route("concerns:tickets", WITH_ROLE, query="?todo=overdue"),
    Route("concerns:topics", WITH_ROLE),
    Route("concerns:stats", WITH_ROLE),
    Route("concerns:new", ENTRY),  # ?community= is added in the test
    Route("concerns:detail", READERS, _concern),
    Route(
        "concerns:ticket_action",
        WORKERS,
        _concern,
        method="post",
        data=lambda w: {"action": "supervise", "version": 0},
    ),
    Route(
        "concerns:recategorise", WORKERS, _concern, method="post", data=lambda w: {"category": ""}
    ),
    Route("concerns:set_public", WORKERS, _concern, method="post", data=lambda w: {"public": "1"}),
    Route("concerns:photo", READERS, _with_photo),
    Route("concerns:erase_reporter", WORKERS, _with_reporter, method="post"),
    Route("concerns:export_reporter", WORKERS, _with_reporter),
    Route("concerns:import_upload", WORKERS),
    Route("concerns:import_detail", WORKERS, _batch),
    Route("concerns:import_rejects", WORKERS, _batch),
    Route("concerns:public_form", EVERYONE, _community),
    Route("concerns:public_similar", EVERYONE, _community, query="?text=电梯坏了"),
    Route("concerns:public_metoo", EVERYONE, _metoo, method="post"),
    Route("concerns:public_thanks", EVERYONE, _community),
    Route("concerns:public_concern", EVERYONE, _follow),
    Route("concerns:poster", WORKERS, _community),
]


def _with_community_query(world, route: Route) -> Route:
    if route.name == "concerns:new":
        return dataclasses.replace(route, query=f"?community={world.shiliuyuan.pk}")
    if route.name == "concerns:import_upload":
        return dataclasses.replace(route, query=f"?territory={world.shiliuyuan.pk}")
    return route


def test_permission_matrix(demo_world, settings):
    settings.CONCERNS_FORM_RATE_LIMIT = 10_000
    demo.load(demo_world)
    routes = [_with_community_query(demo_world, route) for route in ROUTES]
    assert check_matrix(demo_world, routes) == []


def test_the_demo_loads_twice_without_duplicates(demo_world):
    demo.load(demo_world)
    count = Concern.objects.count()
    demo.load(demo_world)
    assert Concern.objects.count() == count > 20
    assert Concern.objects.filter(ticket__state="closed").exists()
