"""`qiangji survey-results --programme NAME [--json]`: each survey's figures per question."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from qiangji.programmes.models import Programme
from qiangji.surveys.models import Kind, Survey
from qiangji.surveys.results import survey_results


def programme_results(programme: Programme) -> dict:
    """Return {"surveys": [...]} in the shape the issue fixes for `--json`."""
    surveys = (
        Survey.objects.filter(programme=programme, replaced_by__isnull=True)
        .select_related("territory")
        .order_by("territory__path", "round", "pk")
    )
    out = []
    for survey in surveys:
        data = survey_results(survey)
        questions = []
        for qr in data.questions:
            scale = qr.question.kind == Kind.SCALE
            r = qr.satisfied if scale else None
            questions.append(
                {
                    "text": qr.question.text,
                    "kind": qr.question.kind,
                    "n": qr.n,
                    "satisfied_share": r.share if r else None,
                    "ci_low": r.ci_low if r else None,
                    "ci_high": r.ci_high if r else None,
                    "insufficient": r.insufficient if r else None,
                }
            )
        out.append(
            {
                "id": survey.pk,
                "title": survey.title,
                "community": survey.territory.name,
                "responses": data.counted,
                "questions": questions,
            }
        )
    return {"surveys": out}


class Command(BaseCommand):
    help = (
        "Print the results of every survey of a programme (share 4–5 with its Wilson 95% interval)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--programme", required=True, help="the programme's name (or id)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options) -> None:
        name = options["programme"].strip()
        programmes = Programme.objects.filter(name=name)
        if not programmes.exists() and name.isdigit():
            programmes = Programme.objects.filter(pk=int(name))
        if not programmes.exists():
            raise CommandError(f"No programme named {name!r}.")
        if programmes.count() > 1:
            raise CommandError(f"Several programmes are named {name!r}; give its id instead.")
        result = programme_results(programmes.get())
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for survey in result["surveys"]:
            self.stdout.write(
                f"#{survey['id']} {survey['title']} · {survey['community']} · {survey['responses']} responses"
            )
            for q in survey["questions"]:
                if q["kind"] != "scale":
                    self.stdout.write(f"    {q['text']}: n={q['n']}")
                elif q["insufficient"]:
                    self.stdout.write(f"    {q['text']}: n={q['n']} 样本不足")
                else:
                    self.stdout.write(
                        f"    {q['text']}: n={q['n']} satisfied {q['satisfied_share'] * 100:.1f}% "
                        f"[{q['ci_low'] * 100:.1f}%–{q['ci_high'] * 100:.1f}%]"
                    )
