"""`qiangji backup --out DIR`: the database, uploads and secret key, with a manifest."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qiangji.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database named by DATABASE_URL, the uploaded files and the secret key into DIR."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="a new (or empty) folder")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            result = make_backup(Path(options["out"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest['database']} ({len(manifest['tables'])} tables, {rows:,} rows, "
                f"{len(manifest['files'])} files) to {result.path} in {time.perf_counter() - started:.1f} s."
            )
        )
        self.stdout.write(
            "The folder holds the secret key: keep it as safe as the server (copy it off the machine encrypted)."
        )
