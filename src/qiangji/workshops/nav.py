"""The workshops entries of the navigation bar."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.core.navigation import NavItem


def items(request, access) -> list[NavItem]:
    if not (access.is_superuser or access.grants):
        return []
    return [
        NavItem(_("Activities"), reverse("workshops:index"), 30, group="cocreation"),
        NavItem(_("Cases"), reverse("workshops:case_list"), 35, group="cocreation"),
    ]
