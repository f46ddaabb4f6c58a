"""`qiangji export-plans --programme NAME --out DIR [--format docx|xlsx]`: archive every plan.

Each community's current plan — its latest frozen version, or its draft with ``--draft`` or
when no round has closed yet — is written to DIR as one file per community.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qiangji.plans.exports import plan_docx, tasks_xlsx
from qiangji.plans.models import Plan
from qiangji.programmes.models import Programme

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_filename(text: str) -> str:
    """Return text usable as a file name on Windows and Linux (Chinese kept)."""
    return _UNSAFE.sub("-", text).strip(" .-")[:80] or "plan"


class Command(BaseCommand):
    help = "Export every community's current plan of a programme to a folder (Word or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="Programme name or id.")
        parser.add_argument("--out", required=True, help="Folder to write to (created if missing).")
        parser.add_argument("--format", choices=["docx", "xlsx"], default="docx")
        parser.add_argument(
            "--draft", action="store_true", help="Export the drafts instead of the latest versions."
        )

    def handle(self, *args, programme: str, out: str, format: str, draft: bool, **options):  # noqa: A002
        found = Programme.objects.filter(name=programme)
        if programme.isdigit():
            found = found | Programme.objects.filter(pk=int(programme))
        found = list(found.distinct())
        if not found:
            raise CommandError(f"No programme named {programme!r}.")
        if len(found) > 1:
            raise CommandError(f"{len(found)} programmes are named {programme!r}; give its id.")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        plans = Plan.objects.filter(programme=found[0]).select_related("community", "programme")
        count = 0
        for plan in plans.order_by("community__order", "community__name"):
            version = None if draft else plan.latest_version()
            state = f"v{version.number}" if version else "draft"
            data = plan_docx(plan, version) if format == "docx" else tasks_xlsx(plan, version)
            name = safe_filename(f"{plan.community.name}-{plan.brand_name or 'plan'}-{state}")
            path = folder / f"{name}.{format}"
            path.write_bytes(data)
            count += 1
            self.stdout.write(f"{path}  ({state}, {len(data)} bytes)")
        self.stdout.write(self.style.SUCCESS(f"{count} plan(s) exported to {folder}"))
