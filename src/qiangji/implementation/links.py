"""Who may follow a link to the implementation app's subdistrict pages (read by `core.links`)."""

from __future__ import annotations

from qiangji.accounts.models import Role
from qiangji.accounts.permissions import Access


def may_see_overdue(access: Access) -> bool:
    """Return whether the person may open the subdistrict's overdue list (the view's rule)."""
    return access.has_role(Role.SUBDISTRICT_ADMIN, Role.LEADER)


GATES = {"implementation:overdue": may_see_overdue}
