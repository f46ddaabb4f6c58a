"""`qiangji generate --scale {subdistrict,district,city} [--seed N]`: synthetic data at scale."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from qiangji.core.generate import CITY_NAME, SCALES, default_password, run


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic data the size of a subdistrict, a district or a city "
        f"(under “{CITY_NAME}”), deterministic by seed. Every app with generate.py adds its part."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="subdistrict")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--apps",
            default="",
            help="comma-separated app labels to generate after the foundation (default: all)",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="password of the generated accounts (default: QIANGJI_GENERATE_PASSWORD or "
            "QIANGJI_DEMO_PASSWORD; none: the accounts cannot log in)",
        )
        parser.add_argument("--json", default="", help="also write the summary to this file")

    def handle(self, *args, **options) -> None:
        password = options["password"] if options["password"] is not None else default_password()
        apps = [a for a in options["apps"].split(",") if a] or None
        started = time.perf_counter()
        try:
            summary = run(
                options["scale"],
                seed=options["seed"],
                password=password,
                out=self.stdout.write,
                apps=apps,
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.perf_counter() - started
        for part, figures in summary.items():
            rows = ", ".join(f"{k} {v:,}" for k, v in figures["rows"].items())
            self.stdout.write(f"  {part:<16} {figures['seconds']:7.1f} s  {rows}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated scale {options['scale']} (seed {options['seed']}) in {seconds:.1f} s."
                + ("" if password else " Accounts have no password (set --password to log in).")
            )
        )
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as handle:
                json.dump(
                    {
                        "scale": options["scale"],
                        "seed": options["seed"],
                        "seconds": round(seconds, 1),
                        "parts": summary,
                    },
                    handle,
                    ensure_ascii=False,
                    indent=2,
                )
