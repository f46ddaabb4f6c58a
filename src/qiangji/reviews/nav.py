"""The reviews entry of the navigation bar: mentors, organisers and leaders."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.models import Role
from qiangji.core.navigation import NavItem


def items(request, access) -> list[NavItem]:
    if not access.programme_ids:
        return []
    if not access.has_role(Role.MENTOR, Role.LEADER, Role.SUBDISTRICT_ADMIN):
        from qiangji.reviews.models import Assignment

        # A secretary asked for peer review sees the entry too.
        if not Assignment.objects.filter(reviewer=request.user).exists():
            return []
    return [NavItem(_("Reviews"), reverse("reviews:home"), 45, group="review")]
