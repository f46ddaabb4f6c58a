from django.core.management import call_command
from django.tasks import TaskResultStatus

from qiangji.core.tasks import heartbeat


def test_the_worker_runs_queued_tasks_from_the_database(settings, transactional_db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = heartbeat.enqueue()
    assert result.status == TaskResultStatus.READY
    call_command("worker", "--batch")
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value.startswith("20")
