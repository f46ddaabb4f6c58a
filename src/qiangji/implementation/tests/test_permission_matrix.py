"""Who may use each implementation URL: the community's workers update, the programme reads,
the subdistrict approves and presses, everyone sees the public page."""

import pytest
from django.utils import timezone

from qiangji.core.testing import EVERYONE, LOGGED_IN, Route, check_matrix
from qiangji.implementation.models import Delivery, Item
from qiangji.implementation.tests.factories import make_delivery

READERS = LOGGED_IN - {"outsider"}
EDITORS = {"admin", "jiedao", "shiliuyuan", "shiliuyuan_staff"}
SUBDISTRICT = {"admin", "jiedao"}


def _d(world) -> dict:
    return {"pk": Delivery.objects.get(community=world.shiliuyuan).pk}


def _task(world) -> Item:
    return Item.objects.get(delivery__community=world.shiliuyuan, title="建立助餐点")


def _i(world) -> dict:
    return {"pk": _task(world).pk}


def _e(world) -> dict:
    """A document of a milestone kept off the public page: the programme's readers only."""
    from django.core.files.base import ContentFile

    from qiangji.implementation.models import Evidence, Milestone

    evidence = Evidence.objects.filter(name="矩阵纪要.pdf").first()
    if evidence is None:
        milestone = Milestone.objects.create(item=_task(world), title="矩阵", public=False)
        evidence = Evidence(milestone=milestone, kind="document", name="矩阵纪要.pdf")
        evidence.content_type = "application/pdf"
        evidence.file.save("m.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        evidence.save()
    return {"pk": evidence.pk}


def _p(world) -> dict:
    return {"programme_pk": world.programme.pk}


ROUTES = [
    Route("implementation:index", READERS),
    Route(
        "implementation:approve",
        SUBDISTRICT,
        kwargs=lambda w: {"plan_pk": Delivery.objects.get(community=w.shiliuyuan).plan_id},
    ),
    Route("implementation:delivery", READERS, kwargs=_d),
    Route("implementation:export", READERS, kwargs=lambda w: {**_d(w), "fmt": "xlsx"}),
    Route("implementation:import", EDITORS, kwargs=_d),
    Route("implementation:report", READERS, kwargs=_d),
    Route("implementation:item", READERS, kwargs=_i),
    Route(
        "implementation:item_update",
        EDITORS,
        kwargs=_i,
        method="post",
        data=lambda w: {"revision": _task(w).revision, "progress": 50},
    ),
    Route(
        "implementation:milestone_add",
        EDITORS,
        kwargs=_i,
        method="post",
        data=lambda w: {
            "title": "开放",
            "happened_on": timezone.localdate(_task(w).delivery.approved_at),
        },
    ),
    Route(
        "implementation:spend_add",
        EDITORS,
        kwargs=_i,
        method="post",
        data=lambda w: {"amount": "100", "note": "桌椅", "spent_on": "2026-01-01"},
    ),
    Route("implementation:press", SUBDISTRICT, kwargs=_i, method="post"),
    Route("implementation:weight", EDITORS, kwargs=_i, method="post", data=lambda w: {"weight": 2}),
    Route("implementation:quick", EDITORS | {"keershan"}),
    Route("implementation:quick_item", EDITORS, kwargs=_i),
    Route("implementation:overdue", SUBDISTRICT | {"lingdao"}),
    Route("implementation:evidence", READERS, kwargs=_e),
    Route("implementation:statuses", SUBDISTRICT, kwargs=_p),
    Route("implementation:export_programme", READERS, kwargs=lambda w: {**_p(w), "fmt": "csv"}),
    Route("implementation:report_programme", READERS, kwargs=_p),
    Route("implementation:public", EVERYONE, kwargs=lambda w: {"community_pk": w.shiliuyuan.pk}),
]


@pytest.mark.django_db
def test_every_implementation_url_answers_each_persona_as_declared(demo_world):
    make_delivery(demo_world)
    assert check_matrix(demo_world, ROUTES) == []
