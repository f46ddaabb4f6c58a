"""An approved delivery for tests: the small plan of plans' factories, reviewed and approved."""

from __future__ import annotations

from django.utils import timezone

from qiangji.implementation.actions import do_approve
from qiangji.implementation.models import Delivery
from qiangji.plans.actions import do_close_round
from qiangji.plans.tests.factories import make_plan, make_small_tree


def mark_reviewed(version, reviewer) -> None:
    """Record a submitted mentor review of a version (what 立项 requires)."""
    from qiangji.reviews.actions import do_ensure_rubric
    from qiangji.reviews.models import Assignment, Review

    rubric = do_ensure_rubric(programme=version.plan.programme, by=reviewer)
    assignment = Assignment.objects.create(
        plan=version.plan, round_number=version.number, reviewer=reviewer
    )
    Review.objects.create(
        assignment=assignment,
        plan_version=version,
        rubric=rubric,
        reviewer=reviewer,
        status=Review.Status.SUBMITTED,
        total=80.0,
        submitted_at=timezone.now(),
    )


def make_delivery(world, community=None) -> Delivery:
    """Return an approved delivery of a two-line plan (石榴园 by default)."""
    community = community or world.shiliuyuan
    by = world.users["shiliuyuan"] if community == world.shiliuyuan else world.users["jiedao"]
    plan = make_plan(world, community, by)
    make_small_tree(plan, by)
    version = do_close_round(plan=plan, by=by)
    mark_reviewed(version, world.users["daoshi"])
    return do_approve(plan=plan, version=version, by=world.users["jiedao"]).delivery
