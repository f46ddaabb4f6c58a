"""`qiangji route-eval --train A.jsonl --test B.jsonl [--json]`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from qiangji.concerns.analysis.corpus import read_jsonl
from qiangji.concerns.analysis.routing import auto_scores, evaluate, fit_with_threshold


def _labelled(path: str) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for number, row in read_jsonl(path):
        text, label = row.get("text"), row.get("label")
        if not isinstance(text, str) or not isinstance(label, str) or not label.strip():
            raise CommandError(
                f"{path}:{number}: each line needs a string `text` and a non-empty `label`"
            )
        texts.append(text)
        labels.append(label.strip())
    if not texts:
        raise CommandError(f"{path} has no examples")
    return texts, labels


class Command(BaseCommand):
    help = "Train the routing model on one labelled JSON-lines file and score it on another."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--train", required=True, help="JSON lines with text and label")
        parser.add_argument("--test", required=True, help="JSON lines with text and label")
        parser.add_argument(
            "--json",
            action="store_true",
            help="print {accuracy, macro_f1, per_class, auto_threshold, auto_share, auto_precision} as JSON",
        )

    def handle(self, *args, **options) -> None:
        train_texts, train_labels = _labelled(options["train"])
        test_texts, test_labels = _labelled(options["test"])
        if len(set(train_labels)) < 2:
            raise CommandError("The training file needs examples of at least two labels.")
        result = evaluate(train_texts, train_labels, test_texts, test_labels)
        # Routed without a person: the threshold comes from the training file alone.
        model, threshold = fit_with_threshold(train_texts, train_labels)
        result.update(auto_scores(model, threshold, test_texts, test_labels))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"trained on {len(train_texts)}, tested on {len(test_texts)}")
        self.stdout.write(f"accuracy  {result['accuracy']:.4f}")
        self.stdout.write(f"macro-F1  {result['macro_f1']:.4f}")
        self.stdout.write(
            f"routed without a person: {result['auto_share']:.1%} of the test texts at "
            f"confidence ≥ {result['auto_threshold']} (chosen on the training file), "
            f"precision {result['auto_precision']}"
        )
        self.stdout.write(f"{'label':<12} {'precision':>9} {'recall':>7} {'F1':>7} {'support':>8}")
        for label, row in result["per_class"].items():
            self.stdout.write(
                f"{label:<12} {row['precision']:>9.4f} {row['recall']:>7.4f} {row['f1']:>7.4f} {row['support']:>8}"
            )
