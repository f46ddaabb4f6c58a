"""An import whose worker died: found by its heartbeat, resumed or failed; counters stay true."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qiangji.concerns import actions, importing
from qiangji.concerns.models import Concern, ImportBatch, ImportState
from qiangji.core.recovery import recover_abandoned

ROWS = 30
CHUNK = 7


class WorkerKilled(BaseException):
    """Stands for kill -9: nothing after it runs, not even `except Exception`."""


@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


def _batch(community) -> ImportBatch:
    lines = ["编号,内容"] + [
        f"k{i},示例{i}号楼的第{i}件事：路灯坏了{i}盏需要维修" for i in range(ROWS)
    ]
    return ImportBatch.objects.create(
        community=community,
        source="hotline",
        filename="h.csv",
        content="\n".join(lines).encode(),
        mapping={"external_id": "编号", "text": "内容"},
        state=ImportState.QUEUED,
    )


def _crash_after(monkeypatch, chunks: int) -> None:
    """Make the worker die while storing chunk number `chunks + 1`."""
    monkeypatch.setattr(actions, "IMPORT_CHUNK", CHUNK)
    store, calls = importing.store_items, []

    def dying(**kwargs):
        calls.append(1)
        if len(calls) > chunks:
            raise WorkerKilled
        return store(**kwargs)

    monkeypatch.setattr(importing, "store_items", dying)


def _crashed(community, monkeypatch, *, chunks: int = 2) -> ImportBatch:
    batch = _batch(community)
    _crash_after(monkeypatch, chunks)
    with pytest.raises(WorkerKilled):
        actions.do_run_import(batch=batch)
    monkeypatch.undo()
    batch.refresh_from_db()
    assert batch.state == ImportState.RUNNING and batch.heartbeat_at is not None
    return batch


def _silent_for(batch: ImportBatch, minutes: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_the_counters_count_what_was_written_after_a_crash(community, monkeypatch):
    batch = _crashed(community, monkeypatch)
    # Only whole chunks were written, and the batch says exactly that.
    assert Concern.objects.filter(source="hotline").count() == 2 * CHUNK
    assert (batch.processed_rows, batch.created_rows) == (2 * CHUNK, 2 * CHUNK)
    actions.do_run_import(batch=batch)
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE
    assert (batch.created_rows, batch.duplicate_rows) == (ROWS, 0)
    assert Concern.objects.filter(source="hotline").count() == ROWS


def test_a_worker_that_starts_resumes_an_import_whose_heartbeat_stopped(community, monkeypatch):
    batch = _crashed(community, monkeypatch)
    assert recover_abandoned() == {}  # still beating a moment ago: left alone
    _silent_for(batch, 60)
    assert recover_abandoned() == {"concerns.import": {"resumed": 1, "failed": 0}}
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and batch.recoveries == 1
    assert (batch.created_rows, batch.duplicate_rows, batch.processed_rows) == (ROWS, 0, ROWS)
    assert Concern.objects.filter(source="hotline").count() == ROWS


def test_an_import_that_keeps_dying_is_failed_with_a_retry_button(
    community, monkeypatch, client_for, shiliuyuan_secretary
):
    batch = _crashed(community, monkeypatch)
    ImportBatch.objects.filter(pk=batch.pk).update(recoveries=actions.IMPORT_MAX_RECOVERIES)
    _silent_for(batch, 60)
    assert recover_abandoned() == {"concerns.import": {"resumed": 0, "failed": 1}}
    batch.refresh_from_db()
    assert batch.state == ImportState.FAILED and batch.error
    client = client_for(shiliuyuan_secretary)
    url = reverse("concerns:import_detail", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'name="resume"' in page and "form-errors" in page
    client.post(url, {"resume": "1"})
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and batch.created_rows == ROWS


def test_a_silent_import_says_its_worker_probably_stopped(
    community, client_for, shiliuyuan_secretary
):
    batch = _batch(community)
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportState.RUNNING, heartbeat_at=timezone.now()
    )
    client = client_for(shiliuyuan_secretary)
    url = reverse("concerns:import_detail", args=[batch.pk])
    assert 'id="import-stalled"' not in client.get(url).content.decode()
    _silent_for(batch, 60)
    page = client.get(url).content.decode()
    assert 'id="import-stalled"' in page and 'name="resume"' in page


def test_a_worker_that_starts_resumes_at_once_what_a_dead_worker_of_this_machine_held(
    community, monkeypatch
):
    import subprocess
    import sys

    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from qiangji.concerns.tasks import run_import
    from qiangji.core.recovery import worker_id

    batch = _crashed(community, monkeypatch)  # its heartbeat is seconds old
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],  # noqa: S603
        capture_output=True,
        text=True,
        check=True,
    )
    host = worker_id().rsplit(":", 2)[0]
    row = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [batch.pk], "kwargs": {}},
        task_path=run_import.module_path,
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[f"{host}:{gone.stdout.strip()}:dead"],
    )
    alive = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [batch.pk], "kwargs": {}},
        task_path=run_import.module_path,
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[worker_id()],  # this very process: alive
    )
    assert recover_abandoned() == {"concerns.import": {"resumed": 1, "failed": 0}}
    row.refresh_from_db()
    batch.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert batch.state == ImportState.DONE and batch.created_rows == ROWS
    alive.refresh_from_db()
    # Same arguments: its batch was taken over too, so its row is closed as well.
    assert alive.status == TaskResultStatus.FAILED


def test_an_old_run_that_wakes_up_after_being_replaced_writes_nothing(community, monkeypatch):
    batch = _batch(community)
    monkeypatch.setattr(actions, "IMPORT_CHUNK", CHUNK)
    timer, chunks = importing.TIMER, []

    class TakenOverAfterOneChunk:
        """Between chunks, recovery hands the batch to another run (its own transaction)."""

        def start(self) -> None:
            timer.start()

        def lap(self, step: str) -> None:
            timer.lap(step)
            if step == "items":
                chunks.append(1)
                if len(chunks) == 2:
                    ImportBatch.objects.filter(pk=batch.pk).update(runner="someone-else")

    monkeypatch.setattr(importing, "TIMER", TakenOverAfterOneChunk())
    actions.do_run_import(batch=batch)
    batch.refresh_from_db()
    assert batch.runner == "someone-else" and batch.state == ImportState.RUNNING
    assert Concern.objects.filter(source="hotline").count() == CHUNK == batch.created_rows


def test_the_abandoned_task_row_is_marked_failed_not_left_running(community, monkeypatch):
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from qiangji.concerns.tasks import run_import

    batch = _crashed(community, monkeypatch)
    row = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [batch.pk], "kwargs": {}},
        task_path=run_import.module_path,
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    other = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [batch.pk + 1000], "kwargs": {}},
        task_path=run_import.module_path,
        backend_name="default",
        run_after=timezone.now(),
    )
    _silent_for(batch, 60)
    recover_abandoned()
    row.refresh_from_db()
    other.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and "heartbeat" in row.traceback
    assert other.status == TaskResultStatus.RUNNING


def test_the_worker_command_recovers_before_it_takes_work(monkeypatch):
    from qiangji.core.management.commands import worker

    order = []
    monkeypatch.setattr(worker, "recover_abandoned", lambda: order.append("recover") or {})
    monkeypatch.setattr(worker, "call_command", lambda *a, **k: order.append(a[0]))
    worker.Command().handle(batch=True)
    assert order == ["recover", "db_worker"]


def test_shared_recovery_code_imports_no_capability_app():
    from pathlib import Path

    import qiangji.core.recovery as recovery

    source = Path(recovery.__file__).read_text(encoding="utf-8")
    for app in ("concerns", "workshops", "plans", "reviews", "implementation", "surveys"):
        assert f"qiangji.{app}" not in source
