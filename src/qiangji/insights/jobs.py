"""The insights app's periodic jobs (see `core.schedule`)."""

from django.utils.translation import gettext_lazy as _

from qiangji.core.schedule import Job
from qiangji.insights import tasks

JOBS = (
    Job("*/2 * * * *", tasks.refresh_changed, _("Refresh the brand index and dashboards after their inputs changed")),
    Job("*/30 * * * *", tasks.refresh_all, _("Refresh the brand index and dashboards of every programme")),
)  # fmt: skip
