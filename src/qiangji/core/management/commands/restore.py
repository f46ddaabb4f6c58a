"""`qiangji restore DIR`: restore a backup into the empty database named by DATABASE_URL."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qiangji.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `qiangji backup` into the empty database named by DATABASE_URL "
        "and an empty MEDIA_ROOT. Refuses a backup of another qiangji version."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="the backup folder")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            report = restore_backup(Path(options["source"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report['tables']} tables, {report['rows']:,} rows in "
                f"{time.perf_counter() - started:.1f} s; every table's rows match the manifest."
            )
        )
        if report["pending_migrations"]:
            self.stdout.write(
                f"Run `qiangji migrate`: {len(report['pending_migrations'])} migrations are newer than the backup."
            )
        if not report["secret_key_matches"]:
            self.stdout.write(
                self.style.WARNING(
                    "This server's SECRET_KEY differs from the backup's: set "
                    f"SECRET_KEY_FILE={report['secret_key_file']} (or copy it to QIANGJI_VAR_DIR/secret_key) "
                    "before starting qiangji, or residents' keys and signed links will not match."
                )
            )
