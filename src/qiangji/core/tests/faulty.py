"""Run a `qiangji` command with one step of the work made to pause there (fault tests only).

    python -m qiangji.core.tests.faulty worker          # as `qiangji worker`
    QIANGJI_FAULT=topics QIANGJI_FAULT_MARK=/tmp/m python -m qiangji.core.tests.faulty worker

`QIANGJI_FAULT` names the step; when the work reaches it, the file `QIANGJI_FAULT_MARK` is
written and the process sleeps, so the test kills it (SIGKILL) in exactly that place:

- `import`: small chunks (40 rows) and a pause after each chunk's commit, before its progress
  is written — the test kills it when some chunks are in;
- `topics`: after the topic model is fitted, inside the transaction that already deleted the
  territory's old topics;
- `index`: after the programme's "current" snapshot is written, inside the transaction that
  writes it and this month's;
- `round`: (a server) after a closing round's frozen nodes are written, before the plan moves
  to the next round, inside the transaction.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _pause(step: str) -> None:
    Path(os.environ["QIANGJI_FAULT_MARK"]).write_text(f"{step} {os.getpid()}")
    time.sleep(float(os.environ.get("QIANGJI_FAULT_PAUSE", "300")))


def install(fault: str) -> None:
    """Patch the named step (see the module's docstring)."""
    if fault == "import":
        from qiangji.concerns import actions

        actions.IMPORT_CHUNK = 40
        store_chunk = actions.do_bulk_file_concerns

        def slow_chunk(**kwargs):
            result = store_chunk(**kwargs)
            Path(os.environ["QIANGJI_FAULT_MARK"]).write_text(f"import {os.getpid()}")
            time.sleep(0.3)
            return result

        actions.do_bulk_file_concerns = slow_chunk
    elif fault == "topics":
        from qiangji.concerns.analysis.topics import TopicModel

        fit = TopicModel.fit

        def fit_then_pause(self, *args, **kwargs):
            model = fit(self, *args, **kwargs)
            _pause("topics")
            return model

        TopicModel.fit = fit_then_pause
    elif fault == "index":
        from qiangji.insights.models import IndexSnapshot

        manager = IndexSnapshot.objects
        write = manager.update_or_create

        def write_then_pause(*args, **kwargs):
            row = write(*args, **kwargs)
            if kwargs.get("period") == "current":
                _pause("index")
            return row

        manager.update_or_create = write_then_pause
    elif fault == "round":
        from qiangji.plans import actions

        citation_rows = actions.citation_rows

        def rows_then_pause(*args, **kwargs):
            rows = citation_rows(*args, **kwargs)
            _pause("round")
            return rows

        actions.citation_rows = rows_then_pause
    else:
        raise SystemExit(f"unknown fault {fault!r}")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
    fault = os.environ.get("QIANGJI_FAULT", "")
    if fault:
        import django

        django.setup()
        install(fault)
    from qiangji.cli import main as qiangji

    qiangji(sys.argv[1:])


if __name__ == "__main__":
    main()
