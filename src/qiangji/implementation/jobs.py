"""The implementation app's periodic jobs (see `core.schedule`)."""

from django.utils.translation import gettext_lazy as _

from qiangji.core.schedule import Job
from qiangji.implementation import tasks

JOBS = (
    Job("0 8 * * *", tasks.notify_overdue, _("Tell communities about overdue and stuck delivery items")),
)  # fmt: skip
