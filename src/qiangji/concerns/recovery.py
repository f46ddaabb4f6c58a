"""The concerns app's long work that a dead worker may leave behind (see `core.recovery`)."""

from __future__ import annotations

from qiangji.concerns import actions
from qiangji.concerns.tasks import run_import
from qiangji.core.recovery import Recoverable

RECOVERABLE = (
    Recoverable(
        what="concerns.import",
        task=run_import,
        abandoned=actions.abandoned_imports,
        args=lambda batch: [batch.pk],
        recover=actions.do_recover_import,
        running_row=actions.running_import,
    ),
)
