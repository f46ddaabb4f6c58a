"""The insights entries of the navigation bar (group "dashboards")."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.models import Role
from qiangji.core.navigation import NavItem

# Who reads a programme's dashboards (views._rights): its organisers, mentors, leaders and the
# staff of its communities. A grid worker reads their community's programme, not its index.
DASHBOARD_ROLES = (
    Role.SUBDISTRICT_ADMIN,
    Role.COMMUNITY_SECRETARY,
    Role.COMMUNITY_STAFF,
    Role.MENTOR,
    Role.LEADER,
)


def items(request, access) -> list[NavItem]:
    if not (access.programme_ids or access.has_role(Role.LEADER)):
        return []
    entries = []
    if access.has_role(*DASHBOARD_ROLES):
        entries.append(
            NavItem(
                _("Brand index and dashboards"), reverse("insights:home"), 60, group="dashboards"
            )
        )
    if access.has_role(Role.LEADER, Role.SUBDISTRICT_ADMIN):
        entries.append(
            NavItem(_("Leader view"), reverse("insights:leader"), 61, group="dashboards")
        )
    entries.append(NavItem(_("Open data"), reverse("insights:open_data"), 62, group="dashboards"))
    return entries
