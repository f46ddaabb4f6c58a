"""The territories' first step on the workbench: import the subdistrict's communities."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role
from qiangji.core.workbench import Step
from qiangji.territories.models import Kind, Territory


def first_steps(request, access) -> list[Step]:
    grants = [g for g in access.grants if g.role == Role.SUBDISTRICT_ADMIN and g.territory_path]
    if not grants:
        return []
    inside = Q(pk__in=[])
    for grant in grants:
        inside |= Q(path__startswith=grant.territory_path)
    done = Territory.objects.filter(inside, kind=Kind.COMMUNITY).exists()
    return [
        Step(
            label=_("Import territories"),
            url=reverse("territories:import", args=[grants[0].territory_id]),
            help=_(
                "Upload the communities, compounds and grids of the subdistrict from a "
                "spreadsheet (CSV or XLSX), or add them one by one."
            ),
            done=done,
            order=10,
        )
    ]
