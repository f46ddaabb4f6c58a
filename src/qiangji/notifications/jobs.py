"""The notifications app's periodic jobs (see `core.schedule`)."""

from django.utils.translation import gettext_lazy as _

from qiangji.core.schedule import Job
from qiangji.notifications import tasks

JOBS = (
    Job("30 7 * * *", tasks.send_digests, _("E-mail the daily digest")),
    Job("* * * * *", tasks.retry_deliveries, _("Retry group-robot and SMS messages that failed")),
)
