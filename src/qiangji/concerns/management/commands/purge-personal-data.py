"""`qiangji purge-personal-data [--days N] [--dry-run]`: enforce the retention period."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qiangji.concerns.actions import do_purge_personal_data
from qiangji.concerns.models import Reporter


class Command(BaseCommand):
    help = "Erase residents' names and phones once all their concerns closed more than N days ago."

    def add_arguments(self, parser) -> None:
        default = getattr(settings, "CONCERNS_RETENTION_DAYS", 180)
        parser.add_argument(
            "--days", type=int, default=default, help=f"retention in days (default {default})"
        )
        parser.add_argument("--dry-run", action="store_true", help="only count")

    def handle(self, *args, **options) -> None:
        if options["days"] < 0:
            raise CommandError("--days must not be negative")
        retention = dt.timedelta(days=options["days"])
        if options["dry_run"]:
            total = Reporter.objects.filter(erased_at__isnull=True).count()
            self.stdout.write(f"{total} reporters hold personal data; nothing changed (dry run)")
            return
        count = do_purge_personal_data(older_than=retention)
        self.stdout.write(
            f"erased the personal data of {count} reporters (retention {options['days']} days)"
        )
