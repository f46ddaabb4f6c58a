"""The surveys part of the workbench: flagged responses to review, surveys closing soon."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.core.workbench import Todo
from qiangji.surveys.models import Survey


def _organised(access):
    visible = access.visible_territories()
    surveys = Survey.objects.filter(territory__in=visible, replaced_by__isnull=True)
    return surveys


def todos(request, access) -> list[Todo]:
    """Two queries: surveys with unreviewed flags, surveys closing within 3 days."""
    if not (access.is_superuser or access.grants):
        return []
    now = timezone.now()
    found: list[Todo] = []
    flagged = (
        _organised(access)
        .annotate(
            flagged=Count(
                "responses",
                filter=~Q(responses__flag="") & Q(responses__reviewed_at__isnull=True),
            ),
            first=Min(
                "responses__submitted_at",
                filter=~Q(responses__flag="") & Q(responses__reviewed_at__isnull=True),
            ),
        )
        .filter(flagged__gt=0)
        .select_related("territory")
        .order_by("first")[:20]
    )
    for survey in flagged:
        if not _may_organise(access, survey):
            continue
        found.append(
            Todo(
                label=_("Review flagged survey responses: %(title)s") % {"title": survey.title},
                url=reverse("surveys:review", args=[survey.pk]),
                count=survey.flagged,
                oldest=survey.first,
                community=survey.territory.name,
                kind="surveys.flagged_responses",
            )
        )
    closing = (
        _organised(access)
        .filter(closes_at__gt=now, closes_at__lte=now + dt.timedelta(days=3), opens_at__lte=now)
        .annotate(n=Count("responses", filter=Q(responses__counted=True)))
        .select_related("territory")
        .order_by("closes_at")[:20]
    )
    for survey in closing:
        if not _may_organise(access, survey):
            continue
        found.append(
            Todo(
                label=_("Survey closes soon (%(n)d responses): %(title)s")
                % {"n": survey.n, "title": survey.title},
                url=reverse("surveys:detail", args=[survey.pk]),
                count=1,
                oldest=survey.closes_at,
                community=survey.territory.name,
                kind="surveys.closing_soon",
                urgent=survey.closes_at - now < dt.timedelta(days=1),
            )
        )
    return found


def _may_organise(access, survey) -> bool:
    from qiangji.surveys.views import can_organise

    return can_organise(access, survey)
