"""`qiangji programme-report --programme NAME --out FILE.docx`: the programme's summary in Word."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qiangji.insights.actions import compute_result
from qiangji.insights.management.lookup import find_programme
from qiangji.insights.report import programme_report


class Command(BaseCommand):
    help = "Write the programme report (工作总结, GB/T 9704 layout) as a .docx file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--programme", required=True, help="The programme's name (or id).")
        parser.add_argument("--out", required=True, help="Where to write the .docx file.")

    def handle(self, *args, **options) -> None:
        out = Path(options["out"])
        if out.suffix.lower() != ".docx":
            raise CommandError("The output file must end in .docx.")
        if not out.parent.is_dir():
            raise CommandError(f"The folder {out.parent} does not exist.")
        programme = find_programme(options["programme"])
        data = programme_report(programme, compute_result(programme))
        out.write_bytes(data)
        self.stdout.write(f"{out} ({len(data) // 1024} KB)")
