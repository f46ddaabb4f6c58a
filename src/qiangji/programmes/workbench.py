"""The programmes' first step on the workbench: a programme with its communities enrolled."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role
from qiangji.core.workbench import Step
from qiangji.programmes.models import Programme


def first_steps(request, access) -> list[Step]:
    grants = [
        g
        for g in access.grants
        if g.role == Role.SUBDISTRICT_ADMIN and g.territory_kind == "subdistrict"
    ]
    if not grants:
        return []
    programme = (
        Programme.objects.filter(pk__in=access.programme_ids).order_by("-pk").only("pk").first()
    )
    enrolled = programme is not None and programme.enrolments.exists()
    url = (
        reverse("programmes:detail", args=[programme.pk])
        if programme
        else reverse("programmes:create", args=[grants[0].territory_id])
    )
    return [
        Step(
            label=_("Enrol communities in a programme"),
            url=url,
            help=_(
                "Create the programme (e.g. 培育强基工程) with its phases, then enrol the "
                "communities that take part."
            ),
            done=enrolled,
            order=20,
        )
    ]
