"""Routing quality: 5-fold cross-validated macro-F1 on labelled_dev.jsonl, beside the baseline.

Baseline: TF-IDF over character 1–2-grams + LinearSVC (scikit-learn defaults).
Ours: qiangji.concerns.analysis.routing.RoutingModel (characters + rjieba words, sublinear TF).
Both see the same folds (stratified, shuffled, seed 0). Target: ≥ 0.94.

    .venv/bin/python bench/concerns_routing.py [--folds 5]
"""

from __future__ import annotations

import argparse
import time

from _concerns_common import read_jsonl, require_data, setup_django, write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    require_data("labelled_dev.jsonl")
    setup_django()
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from qiangji.concerns.analysis.routing import RoutingModel, baseline_model, scores

    rows = read_jsonl("labelled_dev.jsonl")
    texts = np.array([r["text"] for r in rows], dtype=object)
    labels = np.array([r["label"] for r in rows], dtype=object)
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(texts, labels))

    def cross_validate(make, *, fit_kwargs=None) -> tuple[dict, float]:
        predicted = np.empty(len(labels), dtype=object)
        started = time.perf_counter()
        for train, test in folds:
            model = make()
            model.fit(list(texts[train]), list(labels[train]), **(fit_kwargs or {}))
            out = model.predict(list(texts[test]))
            predicted[test] = [getattr(p, "category", p) for p in out]
        return scores(list(labels), list(predicted)), time.perf_counter() - started

    baseline, baseline_seconds = cross_validate(baseline_model)
    ours, ours_seconds = cross_validate(RoutingModel, fit_kwargs={"calibrate": False})
    print(f"{len(rows)} labelled texts, {args.folds}-fold CV, {len(set(labels))} labels")
    print(
        f"baseline char 1-2 + LinearSVC   macro-F1 {baseline['macro_f1']:.4f}  acc {baseline['accuracy']:.4f}  ({baseline_seconds:.1f} s)"
    )
    print(
        f"qiangji RoutingModel            macro-F1 {ours['macro_f1']:.4f}  acc {ours['accuracy']:.4f}  ({ours_seconds:.1f} s)"
    )
    print(
        f"difference {ours['macro_f1'] - baseline['macro_f1']:+.4f}; target 0.94 {'met' if ours['macro_f1'] >= 0.94 else 'NOT met'}"
    )
    path = write_result(
        "concerns_routing",
        {
            "folds": args.folds,
            "n": len(rows),
            "target_macro_f1": 0.94,
            "baseline": {
                "name": "tfidf char 1-2 + LinearSVC",
                **baseline,
                "seconds": round(baseline_seconds, 1),
            },
            "qiangji": {
                "name": "RoutingModel (char 1-2 + rjieba words, sublinear tf, LinearSVC)",
                **ours,
                "seconds": round(ours_seconds, 1),
            },
        },
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
