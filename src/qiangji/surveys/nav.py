"""The surveys entries of the menu, and the open surveys offered to residents on the landing page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.core.navigation import NavItem


def items(request, access) -> list[NavItem]:
    if not (access.is_superuser or access.grants):
        return []
    return [NavItem(_("Resident surveys"), reverse("surveys:index"), 60, group="surveys")]


def public_links(community) -> list[NavItem]:
    """The community's survey entrance while a survey is open (one query), else its results."""
    from qiangji.surveys.models import Survey

    if Survey.objects.open_now().for_community(community).exists():
        return [
            NavItem(
                _("Answer the residents' survey"),
                reverse("surveys:public_entry", args=[community.pk]),
                20,
            )
        ]
    return [
        NavItem(_("Survey results"), reverse("surveys:public_summary", args=[community.pk]), 60)
    ]
