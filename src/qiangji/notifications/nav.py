"""The notifications entry of the admin menu: where notices also go (group robots, SMS)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.models import Role
from qiangji.core.navigation import NavItem


def items(request, access) -> list[NavItem]:
    if not (access.is_superuser or access.has_role(Role.SUBDISTRICT_ADMIN)):
        return []
    return [NavItem(_("Group chats and SMS"), reverse("notifications:channels"), 85, group="admin")]
