"""Background work of the surveys app."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from qiangji.surveys.models import Response


def forget_addresses() -> int:
    """Clear the hashed addresses and browser tokens of closed surveys; return how many rows.

    They exist only to flag bursts and refuse a second response while the survey is open.
    """
    return (
        Response.objects.filter(survey__closes_at__lte=timezone.now())
        .exclude(address_key="", respondent_key="")
        .update(address_key="", respondent_key="")
    )


@task
def forget_closed_survey_addresses() -> int:
    return forget_addresses()
