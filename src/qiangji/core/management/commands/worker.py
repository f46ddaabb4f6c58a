"""`qiangji worker`: run background tasks (django-tasks-db)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from qiangji.core.recovery import recover_abandoned, worker_id


class Command(BaseCommand):
    help = "Run the background task worker (imports, clustering, documents)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, **options) -> None:
        # Work a dead worker left "running" (no heartbeat lately) is resumed or failed first.
        for what, counts in recover_abandoned().items():
            self.stdout.write(f"recovered {what}: {counts}")
        extra = ["--batch"] if options["batch"] else []
        # host:pid:random, so that the next worker on this machine sees this one is gone.
        call_command("db_worker", "--queue-name", "*", "--worker-id", worker_id(), *extra)
