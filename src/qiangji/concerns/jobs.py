"""The concerns app's periodic jobs (see `core.schedule`)."""

from django.utils.translation import gettext_lazy as _

from qiangji.concerns import tasks
from qiangji.core.schedule import Job

JOBS = (
    Job("*/10 * * * *", tasks.notify_overdue, _("Tell people about tickets that just became overdue"), (11,)),
    Job("30 8 * * *", tasks.notify_overdue, _("Morning reminder of every overdue ticket")),
    Job("20 2 * * *", tasks.refresh_priorities, _("Recompute priorities (recency decays daily)")),
    Job("40 2 * * *", tasks.refresh_all_topics, _("Refit the hot topics")),
    Job("50 2 * * *", tasks.refresh_all_hot_issues, _("Refit the hot issues (staff corrections are kept)")),
    Job("10 3 * * *", tasks.purge_personal_data, _("Erase personal data past the retention period")),
)  # fmt: skip
