"""Who may use each plans URL: secretaries and staff edit their own plan, programme members read."""

from qiangji.core.testing import LOGGED_IN, Route, check_matrix
from qiangji.plans.actions import do_close_round
from qiangji.plans.models import EditConflict, Plan, PlanNode
from qiangji.plans.tests.factories import make_plan, make_small_tree

READERS = LOGGED_IN - {"outsider"}
EDITORS = {"admin", "jiedao", "shiliuyuan", "shiliuyuan_staff"}


def _plan(world) -> Plan:
    return Plan.objects.get(programme=world.programme, community=world.shiliuyuan)


def _p(world) -> dict:
    return {"pk": _plan(world).pk}


def _n(world) -> dict:
    plan = _plan(world)
    node = PlanNode.objects.get(plan=plan, title="助餐站")
    return {"pk": plan.pk, "node_id": node.pk}


def _conflict(world) -> dict:
    plan = _plan(world)
    return {"pk": plan.pk, "conflict_id": EditConflict.objects.get(plan=plan).pk}


def _node_post(world) -> dict:
    node = PlanNode.objects.get(plan=_plan(world), title="助餐站")
    return {"title": "助餐站", "description": "新", "revision": node.revision, "round": 2}


ROUTES = [
    Route("plans:index", LOGGED_IN),
    Route(
        "plans:start",
        EDITORS,
        kwargs=lambda w: {"programme_id": w.programme.pk, "community_id": w.shiliuyuan.pk},
        method="post",
    ),
    Route("plans:detail", READERS, kwargs=_p),
    Route(
        "plans:round_names", {"admin", "jiedao"}, kwargs=lambda w: {"programme_id": w.programme.pk}
    ),
    Route(
        "plans:fields",
        EDITORS,
        kwargs=_p,
        method="post",
        data=lambda w: {"brand_name": "x", "revision": 1},
    ),
    Route(
        "plans:node_add",
        EDITORS,
        kwargs=_p,
        method="post",
        data=lambda w: {"kind": "line", "title": "新主线"},
    ),
    Route("plans:node", READERS, kwargs=_n),
    Route("plans:node_edit", EDITORS, kwargs=_n),
    Route("plans:node_tasks", READERS, kwargs=_n),
    Route("plans:node_save", EDITORS, kwargs=_n, method="post", data=_node_post),
    Route("plans:node_move", EDITORS, kwargs=_n),
    Route("plans:node_delete", EDITORS, kwargs=_n, method="post"),
    Route("plans:close_round", EDITORS, kwargs=_p, method="post", data=lambda w: {"round": 2}),
    Route("plans:versions", READERS, kwargs=_p),
    Route("plans:version", READERS, kwargs=lambda w: {**_p(w), "number": 1}),
    Route("plans:diff", READERS, kwargs=_p),
    Route("plans:conflict", EDITORS, kwargs=_conflict),
    Route("plans:comment_add", READERS, kwargs=_p, method="post", data=lambda w: {"body": "好"}),
    Route("plans:timeline", READERS, kwargs=_p),
    Route("plans:export_docx", READERS, kwargs=_p),
    Route("plans:export_xlsx", READERS, kwargs=_p),
    Route("plans:import_tasks", EDITORS, kwargs=_p),
    Route("plans:print", READERS, kwargs=_p),
]


def test_plans_permission_matrix(demo_world):
    plan = make_plan(demo_world)
    nodes = make_small_tree(plan, demo_world.users["shiliuyuan"])
    do_close_round(plan=plan, by=demo_world.users["shiliuyuan"])
    EditConflict.objects.create(
        plan=plan,
        node=nodes["助餐站"],
        node_key=nodes["助餐站"].key,
        base_revision=1,
        mine={"title": "甲"},
        theirs={"title": "乙"},
        author=demo_world.users["shiliuyuan"],
    )
    assert check_matrix(demo_world, ROUTES) == []
