"""The plans entry of the navigation bar."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.core.navigation import NavItem


def items(request, access) -> list[NavItem]:
    if not access.programme_ids:
        return []
    return [NavItem(_("Plans"), reverse("plans:index"), 40, group="cocreation")]
