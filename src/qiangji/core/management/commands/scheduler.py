"""`qiangji scheduler`: enqueue the periodic jobs of every app's `jobs.py` (gathered by `qiangji.core.schedule`) at their times."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from qiangji.core.schedule import jobs, register


class Command(BaseCommand):
    help = "Enqueue the periodic jobs (priorities, overdue notices, digests…) at their times."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--list", action="store_true", help="Print the schedule and exit.")

    def handle(self, *args, **options) -> None:
        if options["list"]:
            for job in jobs():
                args = f"({', '.join(map(str, job.args))})" if job.args else ""
                self.stdout.write(f"{job.crontab:<14} {job.task.name}{args}  — {job.what}")
            return
        register()
        # Our own tasks modules are imported above; crontask's own heartbeat is not needed.
        call_command("crontask", "--no-task-loading", "--no-heartbeat")
