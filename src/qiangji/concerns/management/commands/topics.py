"""`qiangji topics --input MESSAGES.jsonl [--top N] [--topics K] [--json]`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from qiangji.concerns.analysis.corpus import message_from_row, read_jsonl
from qiangji.concerns.analysis.hot import Item, rank_topics


class Command(BaseCommand):
    help = "Cluster raw messages into hot topics and print the top ones by priority."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--input", required=True, help="JSON lines with id, title, detail, optional time, likes"
        )
        parser.add_argument(
            "--top", type=int, default=10, help="how many topics to print (default 10)"
        )
        parser.add_argument(
            "--topics",
            type=int,
            default=None,
            help="number of topics to fit (default: about √(n/2))",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='print JSON: {"topics": [{label, size, score, ids}]}',
        )

    def handle(self, *args, **options) -> None:
        if options["top"] < 1:
            raise CommandError("--top must be at least 1")
        if options["topics"] is not None and options["topics"] < 1:
            raise CommandError("--topics must be at least 1")
        items = []
        for _, row in read_jsonl(options["input"]):
            message = message_from_row(row)
            if message.text:
                items.append(
                    Item(message.id, message.text, message.time, message.likes, message.user)
                )
        if not items:
            raise CommandError("The input has no message with a title or detail.")
        ranked = rank_topics(items, n_topics=options["topics"], top=options["top"])
        if options["json"]:
            self.stdout.write(
                json.dumps({"topics": [r.as_dict() for r in ranked]}, ensure_ascii=False)
            )
            return
        self.stdout.write(f"{len(items)} messages, top {len(ranked)} topics by priority:")
        for rank, topic in enumerate(ranked, start=1):
            sample = ", ".join(topic.ids[:5]) + (" …" if len(topic.ids) > 5 else "")
            self.stdout.write(
                f"{rank:>3}. {topic.label}  size={topic.size}  score={topic.score}  ids: {sample}"
            )
