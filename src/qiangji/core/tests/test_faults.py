"""Crashes in the middle of long work: nothing lost, nothing twice, and the work goes on.

Each test starts a real `qiangji worker` (django-tasks-db) or `qiangji serve` (gunicorn) on
the test's database — a file for SQLite, the test database for PostgreSQL — lets long work
begin, kills the process group with SIGKILL at a known step (`faulty.py`), starts a fresh
process, and checks the rows: what was committed is whole, what was not left no trace, and
the work is finished either by itself (a worker that recovers abandoned tasks) or through
the way a person retries it (the import page's 重新运行 button; the nightly job's re-run of a
refit or a recompute; pressing 结束本轮 again). `how` in each test records which one it was.
"""

from __future__ import annotations

import importlib.util
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from qiangji.concerns.actions import do_file_concern, do_refresh_topics
from qiangji.concerns.models import Concern, ImportBatch, ImportState, Topic, TopicModelStore
from qiangji.concerns.tasks import refresh_topics, run_import
from qiangji.core.tests.processes import (
    children,
    free_port,
    serving,
    shared_database,
    wait_for,
)
from qiangji.insights.actions import do_refresh_index
from qiangji.insights.models import IndexSnapshot
from qiangji.insights.tasks import refresh_index
from qiangji.plans.models import Plan, PlanVersion, PlanVersionNode
from qiangji.plans.tests.factories import make_plan, make_small_tree

pytestmark = pytest.mark.django_db(transaction=True)

# Whether workers recover abandoned work when they start (`core.recovery`); imports declare it.
RECOVERY = importlib.util.find_spec("qiangji.core.recovery") is not None

TEXTS = [
    "小区停车位太少晚上没地方停车",
    "电梯经常坏，老人上下楼困难",
    "楼道灯坏了很久没人修",
    "晚上广场舞音乐太吵影响休息",
    "垃圾分类点气味大，夏天蚊蝇多",
    "小区门口路面坑洼，雨天积水",
]


@pytest.fixture
def database_backend_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _task_row(result):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.get(pk=result.id)


def _worker(start, env: dict, tmp_path: Path, *, fault: str = "", name: str):
    extra = {"QIANGJI_FAULT": fault, "QIANGJI_FAULT_MARK": str(tmp_path / f"{name}.mark")}
    return start("worker", env={**env, **(extra if fault else {})}, name=name)


def _finished_by_itself(result, worker, *, grace: float = 3.0) -> bool:
    """Wait for the fresh worker to start; return whether it took up the killed task itself."""
    wait_for(lambda: "Starting worker" in worker.output(), timeout=30, what="the worker")
    time.sleep(grace)  # a worker that recovers abandoned tasks does so when it starts
    row = _task_row(result)
    return row.status != TaskResultStatus.RUNNING or len(row.worker_ids) > 1


def _csv(rows: int) -> bytes:
    lines = ["编号,内容"] + [f"R{i:05d},{TEXTS[i % len(TEXTS)]}（第{i}条）" for i in range(rows)]
    return "\n".join(lines).encode()


def test_an_import_killed_midway_resumes_without_losing_or_doubling_a_row(
    demo_world, database_backend_tasks, tmp_path
):
    community, secretary = demo_world.shiliuyuan, demo_world.users["shiliuyuan"]
    rows = 480  # 12 chunks of 40 in the faulty worker
    batch = ImportBatch.objects.create(
        community=community,
        source="热线",
        filename="hotline.csv",
        content=_csv(rows),
        mapping={"external_id": "编号", "text": "内容"},
        state=ImportState.QUEUED,
        uploaded_by=secretary,
    )
    with shared_database(tmp_path) as env, children(tmp_path) as start:
        result = run_import.enqueue(batch.pk)
        worker = _worker(start, env, tmp_path, fault="import", name="worker-1")
        wait_for(
            lambda: ImportBatch.objects.get(pk=batch.pk).processed_rows >= 120,
            timeout=45,
            what="three chunks imported",
        )
        worker.kill()

        stored = Concern.objects.filter(community=community, source="热线")
        at_kill = stored.count()
        batch.refresh_from_db()
        assert 120 <= at_kill < rows, at_kill  # the kill came in the middle
        assert batch.state == ImportState.RUNNING  # left running by the dead worker
        assert at_kill % 40 == 0  # whole chunks only: a chunk is one transaction
        assert stored.values("external_id").distinct().count() == at_kill
        if RECOVERY:  # each chunk commits with its counters
            assert batch.created_rows == at_kill

        # The fresh worker on the same machine sees that the batch's worker (host:pid) is gone.
        worker = _worker(start, env, tmp_path, name="worker-2")
        if _finished_by_itself(result, worker):
            how = "resumed by itself"
        else:
            assert not RECOVERY, "the worker recovers abandoned imports: it should have resumed"
            # What the secretary does: 重新运行（如导入中断） on the import page.
            page = Client()
            page.force_login(secretary)
            detail = reverse("concerns:import_detail", args=[batch.pk])
            assert 'name="resume"' in page.get(detail).content.decode()
            assert page.post(detail, {"resume": "1"}).status_code == 302
            how = "resumed by the import page's button"
        wait_for(
            lambda: ImportBatch.objects.get(pk=batch.pk).state == ImportState.DONE,
            timeout=40,
            what="the import to finish",
        )
        assert stored.count() == rows, how
        assert stored.values("external_id").distinct().count() == rows
        print(f"import killed at {at_kill}/{rows} rows: {how}")  # noqa: T201


def test_a_topic_refit_killed_midway_keeps_the_old_topics_then_refits_once(
    demo_world, database_backend_tasks, tmp_path
):
    community = demo_world.shiliuyuan
    texts = [f"{TEXTS[i % len(TEXTS)]}（{i}号楼）" for i in range(40)]
    for text in texts[:30]:
        do_file_concern(community=community, text=text)
    before = {t.pk: t.label for t in do_refresh_topics(territory=community)}
    assert before
    for text in texts[30:]:
        do_file_concern(community=community, text=text)  # placed in the old topics as filed
    linked = set(Concern.objects.filter(topic__isnull=False).values_list("pk", "topic_id"))

    with shared_database(tmp_path) as env, children(tmp_path) as start:
        result = refresh_topics.enqueue(community.pk)
        worker = _worker(start, env, tmp_path, fault="topics", name="worker-1")
        wait_for((tmp_path / "worker-1.mark").exists, timeout=45, what="the refit")
        worker.kill()

        # The refit had deleted the old topics inside its transaction: the kill undid that.
        assert dict(Topic.objects.filter(territory=community).values_list("pk", "label")) == (
            before
        )
        assert (
            set(Concern.objects.filter(topic__isnull=False).values_list("pk", "topic_id")) == linked
        )

        worker = _worker(start, env, tmp_path, name="worker-2")
        if _finished_by_itself(result, worker):
            how = "refitted by itself"
        else:
            # What the nightly job does (refresh_all_topics): enqueue the refit again.
            result = refresh_topics.enqueue(community.pk)
            how = "refitted by the next run"
        wait_for(
            lambda: _task_row(result).status == TaskResultStatus.SUCCESSFUL,
            timeout=40,
            what="the refit",
        )
        topics = Topic.objects.filter(territory=community)
        assert topics.exists() and not topics.filter(pk__in=before).exists()
        assert TopicModelStore.objects.filter(territory=community).count() == 1
        assert sum(t.size for t in topics) == Concern.objects.filter(topic__in=topics).count()
        print(f"topic refit killed inside its transaction: {how}")  # noqa: T201


def test_an_index_recompute_killed_midway_keeps_the_last_snapshots_then_recomputes(
    demo_world, database_backend_tasks, tmp_path
):
    programme = demo_world.programme
    do_refresh_index(programme=programme)
    snapshots = IndexSnapshot.objects.filter(programme=programme)
    before = dict(snapshots.values_list("period", "computed_at"))
    assert len(before) == 2  # "current" and this month's

    with shared_database(tmp_path) as env, children(tmp_path) as start:
        result = refresh_index.enqueue(programme.pk)
        worker = _worker(start, env, tmp_path, fault="index", name="worker-1")
        wait_for((tmp_path / "worker-1.mark").exists, timeout=45, what="the recompute")
        worker.kill()
        # "current" was rewritten inside the transaction: the kill undid it, both stay as were.
        assert dict(snapshots.values_list("period", "computed_at")) == before

        worker = _worker(start, env, tmp_path, name="worker-2")
        if _finished_by_itself(result, worker):
            how = "recomputed by itself"
        else:
            # What the next change or the nightly refresh does: enqueue the recompute again.
            result = refresh_index.enqueue(programme.pk)
            how = "recomputed by the next run"
        wait_for(
            lambda: _task_row(result).status == TaskResultStatus.SUCCESSFUL,
            timeout=40,
            what="the recompute",
        )
        after = dict(snapshots.values_list("period", "computed_at"))
        assert after.keys() == before.keys()
        assert all(after[p] > before[p] for p in before)
        print(f"index recompute killed inside its transaction: {how}")  # noqa: T201


def test_a_round_close_killed_in_the_server_leaves_no_version_and_closes_once_on_retry(
    demo_world, tmp_path
):
    secretary = demo_world.users["shiliuyuan"]
    plan = make_plan(demo_world, by=secretary)
    make_small_tree(plan, secretary)
    round_before = plan.round_number
    with shared_database(tmp_path) as env, children(tmp_path) as start:
        port = free_port()
        server_env = {**env, "DEBUG": "1"}  # static files from the finders: no collectstatic
        args = ("serve", "--port", str(port), "--workers", "1", "--threads", "2")
        marks = {"QIANGJI_FAULT": "round", "QIANGJI_FAULT_MARK": str(tmp_path / "round.mark")}
        server = start(*args, env={**server_env, **marks}, name="server-1")
        wait_for(lambda: serving(port), timeout=45, what="the server")

        client = Client()
        client.force_login(secretary)
        session = client.cookies["sessionid"].value
        csrf = get_random_string(32)
        url = f"http://127.0.0.1:{port}{reverse('plans:close_round', args=[plan.pk])}"

        def press() -> None:
            request = urllib.request.Request(  # noqa: S310
                url,
                data=f"round={round_before}&note=".encode(),
                headers={
                    "Cookie": f"sessionid={session}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{port}/",
                },
            )
            try:
                urllib.request.urlopen(request, timeout=60)  # noqa: S310
            except OSError:
                pass  # the server dies under it

        pressing = threading.Thread(target=press, daemon=True)
        pressing.start()
        wait_for((tmp_path / "round.mark").exists, timeout=30, what="the round close")
        server.kill()
        pressing.join(timeout=10)

        # Killed after the frozen nodes were written, before the plan moved on: nothing stays.
        assert not PlanVersion.objects.filter(plan=plan).exists()
        assert not PlanVersionNode.objects.filter(version__plan=plan).exists()
        assert Plan.objects.get(pk=plan.pk).round_number == round_before

        start(*args, env=server_env, name="server-2")
        wait_for(lambda: serving(port), timeout=45, what="the server again")
        # The secretary presses 结束本轮 again; a third press (a double click) closes nothing.
        pressing = threading.Thread(target=press)
        pressing.start()
        pressing.join(timeout=30)
        press()
        versions = PlanVersion.objects.filter(plan=plan)
        assert versions.count() == 1
        assert (
            versions.get().node_count == PlanVersionNode.objects.filter(version__plan=plan).count()
        )
        assert Plan.objects.get(pk=plan.pk).round_number == round_before + 1
