"""Hot issues at scale: a refit of N synthetic concerns and 1,000 arrivals joined or left single.

    PYTHONPATH=src .venv/bin/python bench/hot_issues_scale.py --n 1000000

Texts come from `concerns_scale.generate` (2–3 clauses cut from the real messages, read from
../shared/data/liuyan/, never copied); each text gets its own resident. Baseline in the same
run: segmenting the same texts with rjieba (the floor any word-based method pays) and, for the
arrivals, the hot topics' join (`TopicModel.assign`, cosine ≥ 0.3) fitted on the same texts
(only with --topics-baseline: it costs minutes at 1,000,000).
Targets: refit ≤ 300 s and ≤ 4 GB at 1,000,000; 1,000 arrivals ≤ 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _concerns_common import require_data, write_result  # noqa: E402
from concerns_scale import fragments, generate, load_average, peak_rss_mb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--arrivals", type=int, default=1000)
    parser.add_argument("--topics-baseline", action="store_true")
    args = parser.parse_args()
    require_data()
    import django

    django.setup()
    from qiangji.concerns.analysis import hotissues as method
    from qiangji.lib.text import default_segmenter, normalise

    pieces = fragments()
    rows = generate(args.n + args.arrivals, pieces, seed=0)
    texts = [r[2] for r in rows[: args.n]]
    new_texts = [r[2] for r in rows[args.n :]]
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    docs = [
        method.Doc(str(i), t, t0 + dt.timedelta(minutes=i), 0, f"u{i}") for i, t in enumerate(texts)
    ]
    load = load_average()
    started = time.perf_counter()
    seg = default_segmenter()
    for t in texts:
        seg.cut(normalise(t))
    baseline = time.perf_counter() - started
    print(f"baseline: rjieba cut of {len(texts):,} texts {baseline:.1f} s")

    started = time.perf_counter()
    result = method.find_hot_issues(docs)
    seconds = time.perf_counter() - started
    rss = peak_rss_mb()
    print(
        f"hot-issue refit of {len(texts):,} concerns: {seconds:.1f} s "
        f"({seconds / baseline:.1f}× the bare segmentation), peak RSS {rss:.0f} MB, "
        f"{len(result.issues):,} hot issues, {len(result.lexicon.learned):,} learned names"
    )
    index = method.HotIssueIndex.build(
        result.lexicon,
        result.space,
        [(k, h.places, h.terms) for k, h in enumerate(result.issues)],
    )
    started = time.perf_counter()
    joined = index.join(new_texts)
    arrival_seconds = time.perf_counter() - started
    n_joined = sum(1 for j in joined if j is not None)
    print(
        f"arrivals: {len(new_texts)} joined or left single in {arrival_seconds:.2f} s "
        f"({n_joined} joined a hot issue, {len(new_texts) - n_joined} single)"
    )
    out = {
        "n": len(texts),
        "load_average": load,
        "baseline_segmentation_seconds": round(baseline, 1),
        "refit_seconds": round(seconds, 1),
        "peak_rss_mb": round(rss),
        "hot_issues": len(result.issues),
        "arrivals": {
            "n": len(new_texts),
            "seconds": round(arrival_seconds, 3),
            "joined": n_joined,
            "join_similarity": method.JOIN_SIMILARITY,
        },
        "targets": "refit ≤ 300 s and ≤ 4096 MB at 1,000,000; arrivals ≤ 2 s",
    }
    if args.topics_baseline:
        from qiangji.concerns.analysis.topics import TopicModel

        model = TopicModel(50).fit(texts)
        assigned = model.assign(new_texts)
        out["arrivals"]["topics_joined"] = sum(1 for n, _ in assigned if n is not None)
        print(
            f"baseline: the hot topics joined {out['arrivals']['topics_joined']} of {len(new_texts)}"
        )
    write_result(f"hot_issues_scale_{len(texts)}", out)


if __name__ == "__main__":
    main()
