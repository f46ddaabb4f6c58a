"""`qiangji serve`: the production server (gunicorn + whitenoise) on the configured port."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve qiangji with gunicorn (static files by whitenoise)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", "4"))
        )
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also run one background worker and the scheduler (for one machine; `make run`).",
        )

    def handle(self, *args, **options) -> None:
        if not options["no_collectstatic"] and not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        if options["with_worker"]:
            start_helpers(self.stdout)
        from gunicorn.app.wsgiapp import run

        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"qiangji serving on http://{bind}/ (Ctrl+C to stop)")
        sys.argv = [
            "gunicorn",
            "qiangji.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--access-logformat",
            '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        ]
        run()


def start_helpers(stdout) -> list[subprocess.Popen]:
    """Start `qiangji worker` and `qiangji scheduler` beside the server; stop them at exit."""
    children = [
        subprocess.Popen([sys.executable, "-m", "qiangji.cli", name])  # noqa: S603
        for name in ("worker", "scheduler")
    ]
    stdout.write(f"background worker and scheduler started (pids {[c.pid for c in children]})")

    def stop() -> None:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    atexit.register(stop)
    return children
