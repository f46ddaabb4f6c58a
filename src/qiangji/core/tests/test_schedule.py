"""The periodic jobs: a valid schedule, the scheduler enqueues them, each job does its work."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from apscheduler.triggers.cron import CronTrigger
from crontask import scheduler
from django.core.management import call_command
from django.tasks import Task
from django.utils import timezone

from qiangji.concerns import tasks as concerns_tasks
from qiangji.concerns.actions import do_file_concern, do_ticket_action
from qiangji.concerns.models import Concern, Topic
from qiangji.core import schedule as schedule_module
from qiangji.core import tasks as core_tasks
from qiangji.core.schedule import jobs, register
from qiangji.notifications import tasks as notifications_tasks


def test_every_job_is_a_task_with_a_valid_crontab_and_json_arguments():
    assert len(jobs()) >= 8
    for job in jobs():
        assert isinstance(job.task, Task)
        trigger = CronTrigger.from_crontab(job.crontab, timezone=timezone.get_default_timezone())
        assert trigger.get_next_fire_time(None, timezone.now()) is not None
        assert json.loads(json.dumps(list(job.args))) == list(job.args)
        assert str(job.what)


def test_register_puts_every_job_on_the_scheduler_and_a_tick_enqueues_it(db):
    scheduler.remove_all_jobs()
    try:
        register()
        scheduled = scheduler.get_jobs()
        assert len(scheduled) == len(jobs())
        overdue = next(j for j in scheduled if j.args == (11,))
        assert overdue.name == "notify_overdue(11,)"
        # What the scheduler does at the job's time: call its function with its arguments.
        result = overdue.func(*overdue.args)
        assert result.return_value == 0  # the immediate backend ran it: nothing overdue
    finally:
        scheduler.remove_all_jobs()


def test_shared_code_imports_no_capability_app_to_build_the_schedule():
    import ast
    from pathlib import Path

    source = Path(schedule_module.__file__).read_text()
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {name for name in imported if name.startswith("qiangji.")} - {"qiangji.core.plugins"}
    assert {job.task.name for job in jobs()} >= {"heartbeat", "notify_overdue", "send_digests"}


def test_weekday_numbers_are_refused():
    from qiangji.core import schedule

    bad = schedule.Job("0 4 * * 0", core_tasks.heartbeat, "x")
    scheduler.remove_all_jobs()
    with pytest.raises(ValueError, match="weekday names"):
        schedule.register((bad,))
    scheduler.remove_all_jobs()


def test_the_scheduler_command_lists_the_schedule():
    out = io.StringIO()
    call_command("scheduler", "--list", stdout=out)
    text = out.getvalue()
    for job in jobs():
        assert job.task.name in text and job.crontab in text


@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


def test_the_nightly_priority_refresh_rewrites_every_open_concern_in_batches(
    community, monkeypatch
):
    monkeypatch.setattr(concerns_tasks, "PRIORITY_BATCH", 2)
    old = timezone.now() - dt.timedelta(days=60)
    for text in ("楼道灯坏了", "井盖松动很危险", "垃圾没人清运", "电梯困人"):
        do_file_concern(community=community, text=text, reported_at=old)
    open_ids = list(Concern.objects.open().roots().values_list("pk", flat=True))
    Concern.objects.update(priority_score=999, care_score=999)
    assert concerns_tasks.refresh_priorities.call() == len(open_ids)
    scores = dict(Concern.objects.filter(pk__in=open_ids).values_list("pk", "priority_score"))
    assert all(0 < score < 999 for score in scores.values())
    assert concerns_tasks.refresh_priorities.call(community.pk) >= 4
    assert concerns_tasks.refresh_priorities.call(10**9) == 0


def test_the_frequent_overdue_run_only_tells_about_newly_overdue_tickets(
    community, shiliuyuan_secretary, grid_worker
):
    long_ago = timezone.now() - dt.timedelta(days=30)
    stale = do_file_concern(community=community, text="楼道灯坏了", reported_at=long_ago)
    fresh = do_file_concern(community=community, text="井盖松动很危险")
    do_ticket_action(
        ticket=fresh.ticket, action="dispatch", by=shiliuyuan_secretary, assignee=grid_worker
    )
    fresh.ticket.deadline_at = timezone.now() - dt.timedelta(minutes=3)
    fresh.ticket.save(update_fields=["deadline_at"])
    assert concerns_tasks.notify_overdue.call(11) == 1
    assert grid_worker.notices.filter(kind="work_overdue").count() == 1
    assert not shiliuyuan_secretary.notices.filter(
        kind="work_overdue", url__endswith=f"/{stale.pk}/"
    ).exists()
    # The morning reminder covers every overdue ticket.
    assert concerns_tasks.notify_overdue.call() == 2
    assert shiliuyuan_secretary.notices.filter(
        kind="work_overdue", url__endswith=f"/{stale.pk}/"
    ).exists()


def test_the_nightly_topic_refit_covers_communities_with_open_concerns(community):
    for text in ("小区停车位太少晚上没地方停车", "停车难，车位被外来车辆占用", "电梯经常坏"):
        do_file_concern(community=community, text=text)
    assert concerns_tasks.refresh_all_topics.call() >= 1
    assert Topic.objects.filter(territory=community).exists()
    # Nothing changed since: the next night refits nothing.
    assert concerns_tasks.refresh_all_topics.call() == 0
    do_file_concern(community=community, text="晚上广场舞音乐太吵")
    assert concerns_tasks.refresh_all_topics.call() == 1


def test_the_retention_and_digest_jobs_run(community, mailoutbox):
    assert concerns_tasks.purge_personal_data.call() == 0  # nothing is past retention yet
    sent = notifications_tasks.send_digests.call()
    assert sent == len(mailoutbox)


def test_old_task_results_are_pruned(settings, transactional_db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    core_tasks.heartbeat.enqueue()
    call_command("worker", "--batch")
    DBTaskResult.objects.update(finished_at=timezone.now() - dt.timedelta(days=20))
    assert core_tasks.prune_task_results.call() == 1
    assert not DBTaskResult.objects.exists()


def test_serve_with_worker_starts_the_worker_and_the_scheduler_and_stops_them(monkeypatch):
    import sys

    from qiangji.core.management.commands import serve

    started = []

    class FakeProcess:
        def __init__(self, argv):
            self.argv, self.pid, self.stopped = argv, 1000 + len(started), False
            started.append(self)

        def terminate(self):
            self.stopped = True

        def wait(self, timeout=None):
            return 0

    exits = []
    monkeypatch.setattr(serve.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(serve.atexit, "register", exits.append)
    out = io.StringIO()
    serve.start_helpers(out)
    assert [p.argv for p in started] == [
        [sys.executable, "-m", "qiangji.cli", "worker"],
        [sys.executable, "-m", "qiangji.cli", "scheduler"],
    ]
    assert "1000" in out.getvalue()
    exits[0]()
    assert all(p.stopped for p in started)
