"""The implementation (落实) entries of the menu, and the public progress page for residents."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.models import Role
from qiangji.core.navigation import NavItem


def items(request, access) -> list[NavItem]:
    if not access.programme_ids:
        return []
    entries = [NavItem(_("Delivery"), reverse("implementation:index"), 60, group="delivery")]
    if access.has_role(Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF, Role.SUBDISTRICT_ADMIN):
        entries.append(
            NavItem(_("Update progress"), reverse("implementation:quick"), 61, group="delivery")
        )
    if access.has_role(Role.SUBDISTRICT_ADMIN, Role.LEADER):
        entries.append(
            NavItem(_("Overdue and stuck"), reverse("implementation:overdue"), 62, group="delivery")
        )
    return entries


def public_links(community) -> list[NavItem]:
    return [NavItem(_("Brand progress"), reverse("implementation:public", args=[community.pk]), 30)]
