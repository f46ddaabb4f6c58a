"""The foundation's own periodic jobs (see `core.schedule`)."""

from django.utils.translation import gettext_lazy as _

from qiangji.core import tasks
from qiangji.core.schedule import Job

JOBS = (
    Job("*/5 * * * *", tasks.heartbeat, _("Prove the worker is alive")),
    Job("*/5 * * * *", tasks.recover_abandoned_work, _("Resume or fail work whose worker died")),
    Job("17 * * * *", tasks.prune_rate_counters, _("Delete rate-limit counters of past windows")),
    Job("0 4 * * Sun", tasks.prune_task_results, _("Delete finished task results older than 14 days")),
)  # fmt: skip
