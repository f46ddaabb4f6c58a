"""Any sequence of edits keeps the tree sound, and a closed round copies it exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qiangji.plans.actions import (
    PlanError,
    do_add_node,
    do_close_round,
    do_delete_node,
    do_move_node,
    do_shift_node,
    live_tree,
)
from qiangji.plans.models import PARENT_KIND, NodeKind, PlanNode, flatten
from qiangji.plans.tests.factories import make_plan

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "move", "shift", "delete"]), st.integers(0, 50), st.integers(0, 50)
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_random_edits_keep_the_tree_sound_and_versions_copy_it(
    demo_world, shiliuyuan_secretary, operations
):
    plan = make_plan(demo_world)
    PlanNode.objects.filter(plan=plan).delete()
    by = shiliuyuan_secretary
    do_add_node(plan=plan, kind="line", parent=None, title="主线", by=by)
    for op, a, b in operations:
        nodes = list(PlanNode.objects.filter(plan=plan).order_by("pk"))
        node = nodes[a % len(nodes)] if nodes else None
        other = nodes[b % len(nodes)] if nodes else None
        try:
            if op == "add":
                kinds = {NodeKind.LINE: NodeKind.PROJECT, NodeKind.PROJECT: NodeKind.TASK}
                kind = kinds.get(node.kind, NodeKind.LINE) if node else NodeKind.LINE
                parent = node if kind != NodeKind.LINE else None
                do_add_node(plan=plan, kind=kind, parent=parent, title=f"节点{a}", by=by)
            elif op == "move" and node and other:
                do_move_node(node=node, parent=other, position=b % 4, by=by)
            elif op == "shift" and node:
                do_shift_node(node=node, offset=1 if b % 2 else -1, by=by)
            elif op == "delete" and node and len(nodes) > 1:
                do_delete_node(node=node, by=by)
        except PlanError:
            pass  # refused moves (wrong kind, own descendant) must leave the tree as it was
        nodes = list(PlanNode.objects.filter(plan=plan))
        by_pk = {n.pk: n for n in nodes}
        for n in nodes:
            expected = PARENT_KIND[NodeKind(n.kind)]
            assert (by_pk[n.parent_id].kind if n.parent_id else None) == expected
        siblings: dict[int | None, list[int]] = {}
        for n in nodes:
            siblings.setdefault(n.parent_id, []).append(n.position)
        assert all(len(p) == len(set(p)) for p in siblings.values())
        assert len(flatten(live_tree(plan))) == len(nodes)  # every node reachable: no cycle
    items = flatten(live_tree(plan))
    version = do_close_round(plan=plan, by=by)
    frozen = list(version.nodes.all())
    assert [n.key for n in frozen] == [i.node.key for i in items]
    assert [n.title for n in frozen] == [i.node.title for i in items]
