"""The insights entries of the navigation bar (group "dashboards")."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.models import Role
from qiangji.core.navigation import NavItem


def items(request, access) -> list[NavItem]:
    if not (access.programme_ids or access.has_role(Role.LEADER)):
        return []
    entries = [
        NavItem(_("Brand index and dashboards"), reverse("insights:home"), 60, group="dashboards")
    ]
    if access.has_role(Role.LEADER, Role.SUBDISTRICT_ADMIN):
        entries.append(
            NavItem(_("Leader view"), reverse("insights:leader"), 61, group="dashboards")
        )
    entries.append(NavItem(_("Open data"), reverse("insights:open_data"), 62, group="dashboards"))
    return entries
