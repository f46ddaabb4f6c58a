"""`qiangji progress --programme NAME|ID [--json]`: each enrolled community's delivery.

With ``--json``: ``{"communities": [{"name", "progress", "items", "done", "overdue"}]}`` —
``progress`` 0–100 rolled up by the documented rule (docs/implementation.md), ``null`` when
the community has no approved plan. Figures come from ``interface.delivery_by_community``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from qiangji.implementation.interface import delivery_by_community
from qiangji.programmes.models import Programme
from qiangji.territories.models import Territory


class Command(BaseCommand):
    help = "Print each enrolled community's delivery progress in a programme."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="Programme name or id.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, programme: str, json: bool, **options):  # noqa: FBT001
        found = Programme.objects.filter(name=programme)
        if programme.isdigit():
            found = found | Programme.objects.filter(pk=int(programme))
        found = list(found.distinct())
        if not found:
            raise CommandError(f"No programme named {programme!r}.")
        if len(found) > 1:
            raise CommandError(f"{len(found)} programmes are named {programme!r}; give its id.")
        chosen = found[0]
        communities = list(
            Territory.objects.filter(enrolments__programme=chosen).order_by("order", "name", "pk")
        )
        figures = delivery_by_community([c.pk for c in communities], programme=chosen)
        rows = [
            {
                "name": c.name,
                "progress": None
                if figures[c.pk]["progress"] is None
                else round(figures[c.pk]["progress"], 2),
                "items": figures[c.pk]["items"],
                "done": figures[c.pk]["done"],
                "overdue": figures[c.pk]["overdue"],
            }
            for c in communities
        ]
        if json:
            self.stdout.write(_dumps({"communities": rows}))
            return
        width = max((len(r["name"]) for r in rows), default=4)
        self.stdout.write(f"{chosen.name}")
        for r in rows:
            progress = "—" if r["progress"] is None else f"{r['progress']:.0f}%"
            self.stdout.write(
                f"  {r['name']:<{width}}  {progress:>5}  "
                f"done {r['done']}/{r['items']}  overdue {r['overdue']}"
            )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
