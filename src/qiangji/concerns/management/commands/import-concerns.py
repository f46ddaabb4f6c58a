"""`qiangji import-concerns FILE --community NAME [--source S] [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qiangji.concerns import importing
from qiangji.concerns.actions import do_run_import
from qiangji.concerns.models import Concern, ImportBatch, ImportMapping
from qiangji.territories.models import Kind, Territory


class Command(BaseCommand):
    help = "Import concerns from a CSV/XLSX export into a community (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--community", required=True, help="the community's name (or id)")
        parser.add_argument(
            "--source", default="12345", help="source name; rows are unique per source"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, store nothing")

    def handle(self, *args, **options) -> None:
        name = options["community"]
        communities = Territory.objects.filter(kind=Kind.COMMUNITY)
        matches = list(
            communities.filter(pk=int(name)) if name.isdigit() else communities.filter(name=name)
        )
        if len(matches) != 1:
            raise CommandError(f"{len(matches)} communities match {name!r}; give the id instead")
        community = matches[0]
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        try:
            table = importing.read_table(path.name, content)
        except importing.ImportFileError as exc:
            raise CommandError(str(exc)) from None
        remembered = (
            ImportMapping.objects.filter(source=options["source"])
            .values_list("mapping", flat=True)
            .first()
        )
        mapping = importing.guess_mapping(table.headers, remembered)
        missing = importing.missing_fields(mapping)
        if missing:
            raise CommandError(
                f"No column found for {', '.join(missing)}; headers are: {', '.join(table.headers)}"
            )
        self.stdout.write(f"{len(table.rows)} rows, encoding {table.encoding}, mapping {mapping}")
        if options["dry_run"]:
            rows = list(importing.parse_rows(table, mapping))
            seen = set(
                Concern.objects.filter(community=community, source=options["source"]).values_list(
                    "external_id", flat=True
                )
            )
            errors = [r for r in rows if r.error]
            new = sum(1 for r in rows if not r.error and r.values["key"] not in seen)
            self.stdout.write(
                f"dry run: {new} would be added, {len(rows) - len(errors) - new} seen before, {len(errors)} rejected"
            )
            for row in errors[:20]:
                self.stdout.write(f"  line {row.line}: {row.error}")
            return
        batch = ImportBatch.objects.create(
            community=community,
            source=options["source"],
            filename=path.name[:200],
            content=content,
            encoding=table.encoding,
            mapping=mapping,
            total_rows=len(table.rows),
        )
        do_run_import(batch=batch)
        batch.refresh_from_db()
        if batch.error:
            raise CommandError(batch.error)
        self.stdout.write(
            f"added {batch.created_rows}, skipped {batch.duplicate_rows} seen before, rejected {len(batch.rejects)}"
        )
        for reject in batch.rejects[:20]:
            self.stdout.write(f"  line {reject['line']}: {reject['error']}")
