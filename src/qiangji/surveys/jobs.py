"""The surveys app's periodic jobs (see `core.schedule`)."""

from django.utils.translation import gettext_lazy as _

from qiangji.core.schedule import Job
from qiangji.surveys import tasks

JOBS = (
    Job(
        "50 3 * * *",
        tasks.forget_closed_survey_addresses,
        _("Forget the hashed addresses of closed surveys"),
    ),
)
