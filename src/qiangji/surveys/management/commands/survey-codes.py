"""`qiangji survey-codes --survey N --count 500 [--label TEXT] [--csv FILE]`: one-time codes."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from qiangji.lib import tabular
from qiangji.surveys import actions
from qiangji.surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Make one-time codes for a verified survey and print them (or write a CSV for mail merge)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--survey", type=int, required=True, help="the survey's id")
        parser.add_argument(
            "--count",
            type=int,
            required=True,
            help=f"how many codes (1–{actions.MAX_CODES_PER_BATCH})",
        )
        parser.add_argument("--label", default="", help="where the codes are handed out")
        parser.add_argument(
            "--csv", default="", help="write the codes to this CSV file instead of printing them"
        )

    def handle(self, *args, **options) -> None:
        survey = Survey.objects.filter(pk=options["survey"]).first()
        if survey is None:
            raise CommandError(f"No survey with id {options['survey']}.")
        try:
            batch = actions.do_generate_codes(
                survey=survey, count=options["count"], label=options["label"]
            )
        except actions.SurveyError as error:
            raise CommandError(str(error)) from None
        codes = [
            actions.display_code(c)
            for c in batch.codes.order_by("code").values_list("code", flat=True)
        ]
        if options["csv"]:
            with open(options["csv"], "wb") as handle:
                handle.write(
                    tabular.csv_bytes(["code", "survey"], [[c, survey.title] for c in codes])
                )
            self.stdout.write(f"{len(codes)} codes written to {options['csv']}")
        else:
            for code in codes:
                self.stdout.write(code)
        self.stderr.write(
            f"Batch {batch.pk}: {len(codes)} codes for survey {survey.pk}. "
            f"Printable slips: /surveys/{survey.pk}/codes/{batch.pk}/"
        )
