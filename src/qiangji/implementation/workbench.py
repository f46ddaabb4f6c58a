"""The implementation app's to-dos on the workbench (contract in core/workbench.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role
from qiangji.core.workbench import Todo
from qiangji.implementation.flags import flag_counts, in_paths, worker_paths
from qiangji.implementation.models import Item


def todos(request, access) -> list[Todo]:
    """Overdue items, items without an update for N days, items pressed (督办): 2 queries."""
    paths = worker_paths(access)
    if paths is not None and not paths:
        return []
    items = Item.objects.all() if paths is None else Item.objects.filter(in_paths(paths))
    counts = flag_counts(items)
    subdistrict = access.has_role(Role.SUBDISTRICT_ADMIN)
    overdue_url = (
        reverse("implementation:overdue") if subdistrict else reverse("implementation:quick")
    )
    return [
        Todo(
            label=_("Delivery items overdue"),
            url=overdue_url + "?flag=overdue",
            count=counts["overdue"],
            oldest=counts["overdue_oldest"],
            kind="implementation.overdue",
            urgent=True,
        ),
        Todo(
            label=_("Delivery items pressed by the subdistrict (督办)"),
            url=overdue_url + "?flag=pressed",
            count=counts["pressed"],
            oldest=counts["pressed_oldest"],
            kind="implementation.pressed",
            urgent=True,
        ),
        Todo(
            label=_("Delivery items without a recent update"),
            url=overdue_url + "?flag=stuck",
            count=counts["stuck"],
            oldest=counts["stuck_oldest"],
            kind="implementation.stuck",
        ),
    ]
