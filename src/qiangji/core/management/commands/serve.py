"""`qiangji serve`: the production server (gunicorn + whitenoise) on the configured port."""

from __future__ import annotations

import os
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

    def handle(self, *args, **options) -> None:
        if not options["no_collectstatic"] and not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
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
