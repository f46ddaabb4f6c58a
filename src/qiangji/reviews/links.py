"""Who may follow a link to a plan's reviews (read by `core.links`)."""

from __future__ import annotations

from qiangji.accounts.permissions import Access
from qiangji.reviews.interface import may_read_reviews


def may_open_plan_reviews(access: Access, plan) -> bool:
    """Return whether the person may open the plan's 评审 page (the view's rule)."""
    return may_read_reviews(access.user, plan=plan)


GATES = {"reviews:plan": may_open_plan_reviews}
