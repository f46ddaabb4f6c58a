"""`qiangji brand-index --programme NAME [--json]`: the brand index of a programme, computed now."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from qiangji.insights.actions import compute_result
from qiangji.insights.management.lookup import find_programme
from qiangji.insights.spec import TRAIT_KEYS, TRAIT_ZH


def public_json(result: dict) -> dict:
    """Return the command's JSON: version, and per community the six traits and the ranks."""
    return {
        "version": result["version"],
        "communities": [
            {
                "name": row["name"],
                "traits": {
                    TRAIT_ZH[key]: {
                        "score": row["traits"][key]["score"],
                        "status": row["traits"][key]["status"],
                    }
                    for key in TRAIT_KEYS
                },
                "rank_median": row["rank_median"],
                "rank_band": row["rank_band"],
            }
            for row in result["communities"]
        ],
    }


class Command(BaseCommand):
    help = "Compute the brand index (品牌六性) of a programme with its uncertainty analysis."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--programme", required=True, help="The programme's name (or id).")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args, **options) -> None:
        programme = find_programme(options["programme"])
        result = compute_result(programme)
        if options["json"]:
            self.stdout.write(json.dumps(public_json(result), ensure_ascii=False, indent=2))
            return
        names = [TRAIT_ZH[key] for key in TRAIT_KEYS]
        self.stdout.write(f"{programme.name} · 品牌指数 v{result['version']}")
        self.stdout.write("社区\t" + "\t".join(names) + "\t秩次中位数\t5–95%")
        for row in result["communities"]:
            cells = [
                "数据不足"
                if row["traits"][key]["score"] is None
                else f"{row['traits'][key]['score']:.1f}"
                for key in TRAIT_KEYS
            ]
            band = row["rank_band"]
            rank = "—" if row["rank_median"] is None else f"{row['rank_median']:g}"
            self.stdout.write(
                f"{row['name']}\t" + "\t".join(cells) + f"\t{rank}\t{band[0]}–{band[1]}"
                if band
                else f"{row['name']}\t" + "\t".join(cells) + f"\t{rank}\t—"
            )
