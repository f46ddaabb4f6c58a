"""`qiangji hot-issues --input MESSAGES.jsonl [--top N] [--json]`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from qiangji.concerns.analysis.corpus import message_from_row, read_jsonl
from qiangji.concerns.analysis.hotissues import Doc, find_hot_issues


class Command(BaseCommand):
    help = "Find the hot issues (place · problem) of raw messages and print the hottest."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--input", required=True, help="JSON lines with id, title, detail, time, likes, user"
        )
        parser.add_argument(
            "--top", type=int, default=10, help="how many hot issues to print (default 10)"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='print JSON: {"hot_issues": [{label, size, residents, heat, first, last, ids}]}',
        )

    def handle(self, *args, **options) -> None:
        if options["top"] < 1:
            raise CommandError("--top must be at least 1")
        docs = []
        for _, row in read_jsonl(options["input"]):
            message = message_from_row(row)
            if message.text:
                docs.append(
                    Doc(message.id, message.text, message.time, message.likes, message.user)
                )
        if not docs:
            raise CommandError("The input has no message with a title or detail.")
        result = find_hot_issues(docs)
        rows = []
        for issue in result.issues[: options["top"]]:
            rows.append(
                {
                    "label": issue.label,
                    "size": len(issue.members),
                    "residents": issue.residents,
                    "heat": issue.heat.score,
                    "first": issue.first.isoformat() if issue.first else None,
                    "last": issue.last.isoformat() if issue.last else None,
                    "ids": [docs[i].id for i in issue.members],
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps({"hot_issues": rows}, ensure_ascii=False))
            return
        self.stdout.write(
            f"{len(docs)} messages, {len(result.issues)} hot issues; top {len(rows)} by heat:"
        )
        for rank, row in enumerate(rows, start=1):
            sample = ", ".join(row["ids"][:5]) + (" …" if len(row["ids"]) > 5 else "")
            period = f"{(row['first'] or '')[:10]}–{(row['last'] or '')[:10]}"
            self.stdout.write(
                f"{rank:>3}. {row['label']}  heat={row['heat']}  residents={row['residents']}"
                f"  size={row['size']}  {period}  ids: {sample}"
            )
