"""Routing quality: 5-fold cross-validated macro-F1 on labelled_dev.jsonl, beside the baseline.

Baseline: TF-IDF over character 1–2-grams + LinearSVC (scikit-learn defaults).
Ours: qiangji.concerns.analysis.routing.RoutingModel (characters + rjieba words, sublinear TF,
terms seen in one training text dropped). Both see the same folds (stratified, shuffled,
seed 0). Target: ≥ 0.94.

Also printed, from the same folds:
- label consistency of near-duplicates: for each test text whose nearest training text
  (cosine of character 1–2-gram TF-IDF fitted on the training fold) is at least 0.9 alike,
  whether the two carry the same label: an indicator of the label noise no model can learn;
- the platform's own training cost: RoutingModel().fit on all texts with the confidence
  calibration (what staff-correction retraining runs), and routing 1,000 texts with it;
- with --learning-curve: our macro-F1 when each training fold is cut to 25/50/75 % (the
  test folds unchanged), to see how the score grows with more labelled texts.

    .venv/bin/python bench/concerns_routing.py [--folds 5] [--learning-curve]
"""

from __future__ import annotations

import argparse
import time

from _concerns_common import read_jsonl, require_data, setup_django, write_result

NEAR_DUPLICATE = 0.9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--learning-curve", action="store_true")
    args = parser.parse_args()
    require_data("labelled_dev.jsonl")
    setup_django()
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold

    from qiangji.concerns.analysis.routing import RoutingModel, baseline_model, scores

    rows = read_jsonl("labelled_dev.jsonl")
    texts = np.array([r["text"] for r in rows], dtype=object)
    labels = np.array([r["label"] for r in rows], dtype=object)
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(texts, labels))

    def cross_validate(make, *, fit_kwargs=None, fraction=1.0) -> tuple[dict, float]:
        predicted = np.empty(len(labels), dtype=object)
        rng = np.random.default_rng(0)
        started = time.perf_counter()
        for train, test in folds:
            if fraction < 1.0:
                train = np.sort(rng.permutation(train)[: int(len(train) * fraction)])
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

    # Label consistency of near-duplicates (no classifier involved).
    near, disagree = 0, 0
    for train, test in folds:
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
        train_vectors = vectorizer.fit_transform(list(texts[train]))
        similarity = (vectorizer.transform(list(texts[test])) @ train_vectors.T).tocsr()
        for row, index in enumerate(test):
            start, end = similarity.indptr[row], similarity.indptr[row + 1]
            if start == end:
                continue
            best = start + int(np.argmax(similarity.data[start:end]))
            if similarity.data[best] >= NEAR_DUPLICATE:
                near += 1
                disagree += labels[train[similarity.indices[best]]] != labels[index]
    print(
        f"near-duplicates (cosine >= {NEAR_DUPLICATE} to a training text): {near} test texts, "
        f"{disagree} ({disagree / max(near, 1):.1%}) labelled differently from that text"
    )

    started = time.perf_counter()
    platform_model = RoutingModel().fit(list(texts), list(labels))
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    platform_model.predict(list(texts[:1000]))
    route_seconds = time.perf_counter() - started
    print(
        f"platform training on all {len(texts)} texts (with calibration): {fit_seconds:.1f} s; "
        f"routing 1,000 texts: {route_seconds:.2f} s; stored model {len(platform_model.to_bytes()) / 1e6:.1f} MB"
    )

    curve = {}
    if args.learning_curve:
        for fraction in (0.25, 0.5, 0.75):
            result, _ = cross_validate(
                RoutingModel, fit_kwargs={"calibrate": False}, fraction=fraction
            )
            curve[str(fraction)] = result["macro_f1"]
            print(
                f"learning curve: {fraction:.0%} of each training fold  macro-F1 {result['macro_f1']:.4f}"
            )
        curve["1.0"] = ours["macro_f1"]

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
                "name": "RoutingModel (char 1-2 + rjieba words, sublinear tf, min_df 2, LinearSVC)",
                **ours,
                "seconds": round(ours_seconds, 1),
            },
            "near_duplicates": {
                "cosine_at_least": NEAR_DUPLICATE,
                "test_texts": near,
                "labelled_differently": int(disagree),
            },
            "platform_fit_seconds": round(fit_seconds, 1),
            "platform_route_1000_seconds": round(route_seconds, 2),
            **({"learning_curve_macro_f1": curve} if curve else {}),
        },
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
