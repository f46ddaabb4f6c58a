"""The concerns entries of the navigation bar, and the public form offered to residents."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.core.navigation import NavItem


def items(request, access) -> list[NavItem]:
    if not (access.is_superuser or access.grants):
        return []
    return [
        NavItem(_("Concerns"), reverse("concerns:index"), 25, group="concerns"),
        NavItem(_("Top 10"), reverse("concerns:top"), 26, group="concerns"),
        NavItem(_("Hot issues"), reverse("concerns:hot_issues"), 27, group="concerns"),
        NavItem(_("Tickets"), reverse("concerns:tickets"), 28, group="concerns"),
    ]


def public_links(community) -> list[NavItem]:
    return [NavItem(_("Raise a concern"), reverse("concerns:public_form", args=[community.pk]), 10)]
