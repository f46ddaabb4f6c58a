"""Benchmark: a programme of 400 plans × 5 rounds × 5 reviewers (10,000 reviews, 50,000 scores).

Measured in one process with Django's test client on a fresh database (SQLite in a temporary
folder, or QJ_BENCH_DATABASE_URL), each figure the median of several runs, printed beside the
median of the bare `/healthz` from the same run:

* the ranking page of round 5 with bootstrap rank intervals (1,000 resamples):
  - cold: the first request after a review was submitted (statistics recomputed);
  - warm: later requests (statistics cached; the cache key carries the round's fingerprint);
  target < 500 ms for both;
* the mentor's home page (a mentor with 200 assignments, 40 of them due) — target < 100 ms;
* the statistics alone (load + bootstrap + alpha + calibration), without HTTP.

Writes bench/results/reviews_ranking.json.

    .venv/bin/python bench/reviews_ranking.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from _django_bench import setup_django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PLANS, ROUNDS, PER_PLAN, MENTORS = 400, 5, 5, 50
TARGETS_MS = {"ranking_cold": 500, "ranking_warm": 500, "mentor_home": 100}


def _build(world):
    """Create the programme's plans, versions, mentors, assignments, reviews (bulk; not timed)."""
    from django.utils import timezone

    from qiangji.accounts.models import Role, RoleGrant, User
    from qiangji.plans.models import Plan, PlanVersion
    from qiangji.programmes.models import Enrolment
    from qiangji.reviews.actions import do_ensure_rubric
    from qiangji.reviews.models import Assignment, Review, Score
    from qiangji.territories.models import Kind, Territory

    rng = random.Random(7)
    communities = list(world.communities.values())
    for n in range(PLANS - len(communities)):
        t = Territory(
            kind=Kind.COMMUNITY, name=f"基准社区{n:03d}", parent=world.subdistrict, order=100 + n
        )
        t.save()
        communities.append(t)
    Enrolment.objects.bulk_create(
        [Enrolment(programme=world.programme, community=c) for c in communities],
        ignore_conflicts=True,
    )
    Plan.objects.bulk_create(
        [
            Plan(
                programme=world.programme,
                community=c,
                brand_name=f"{c.name}品牌",
                round_number=ROUNDS + 1,
            )
            for c in communities
        ]
    )
    plans = list(Plan.objects.filter(programme=world.programme).order_by("pk"))
    PlanVersion.objects.bulk_create(
        [
            PlanVersion(
                plan=p, number=n, round_name=f"第{n}轮", fields={"brand_name": p.brand_name}
            )
            for p in plans
            for n in range(1, ROUNDS + 1)
        ],
        batch_size=1000,
    )
    versions = {(v.plan_id, v.number): v.pk for v in PlanVersion.objects.filter(plan__in=plans)}
    mentors = [world.users["daoshi"]]
    for n in range(MENTORS - 1):
        user = User(username=f"bench_mentor{n:02d}", display_name=f"基准导师{n:02d}")
        user.set_unusable_password()
        user.save()
        mentors.append(user)
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=m, role=Role.MENTOR, programme=world.programme) for m in mentors[1:]]
    )
    rubric = do_ensure_rubric(programme=world.programme)
    criteria = list(rubric.criteria.all())
    quality = {p.pk: rng.uniform(2.0, 4.5) for p in plans}
    leniency = {m.pk: rng.gauss(0, 0.4) for m in mentors}
    now = timezone.now()
    assignments = []
    for i, p in enumerate(plans):
        for rnd in range(1, ROUNDS + 1):
            for j in range(PER_PLAN):
                reviewer = mentors[(i * 3 + j * 7 + rnd) % MENTORS]
                assignments.append(Assignment(plan=p, round_number=rnd, reviewer=reviewer))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    home_mentor = mentors[0]
    reviews = []
    values: dict[tuple[int, int, int], list[int]] = {}
    for a in Assignment.objects.filter(plan__in=plans).values(
        "pk", "plan_id", "round_number", "reviewer_id"
    ):
        if a["reviewer_id"] == home_mentor.pk and a["round_number"] == ROUNDS:
            continue  # due on the mentor's home page
        base = quality[a["plan_id"]] + leniency[a["reviewer_id"]] + 0.2 * a["round_number"]
        scores = [min(5, max(1, round(base + rng.gauss(0, 0.7)))) for _ in criteria]
        values[(a["plan_id"], a["round_number"], a["reviewer_id"])] = scores
        reviews.append(
            Review(
                assignment_id=a["pk"],
                plan_version_id=versions[(a["plan_id"], a["round_number"])],
                rubric=rubric,
                reviewer_id=a["reviewer_id"],
                status=Review.Status.SUBMITTED,
                confidence=2,
                total=round((sum(scores) / len(scores) - 1) * 25, 2),
                submitted_at=now,
            )
        )
    Review.objects.bulk_create(reviews, batch_size=2000)
    rows = []
    for r in Review.objects.filter(rubric=rubric).values(
        "pk", "plan_version__plan_id", "plan_version__number", "reviewer_id"
    ):
        scores = values[(r["plan_version__plan_id"], r["plan_version__number"], r["reviewer_id"])]
        rows.extend(
            Score(review_id=r["pk"], criterion=c, value=v, scale_min=1, scale_max=5)
            for c, v in zip(criteria, scores, strict=True)
        )
    Score.objects.bulk_create(rows, batch_size=5000)
    return home_mentor, len(reviews), len(rows)


def _median_ms(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from qiangji.core.demo import load_foundation
        from qiangji.reviews.models import Review
        from qiangji.reviews.statistics import load_facts, round_statistics

        world = load_foundation(password=None)
        t0 = time.perf_counter()
        home_mentor, n_reviews, n_scores = _build(world)
        build_s = time.perf_counter() - t0
        admin = Client()
        admin.force_login(world.users["jiedao"])
        mentor = Client()
        mentor.force_login(home_mentor)
        ranking_url = f"/reviews/programme/{world.programme.pk}/ranking/?round={ROUNDS}"

        def get(client, url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        get(admin, "/healthz")
        healthz, _ = _median_ms(lambda: get(admin, "/healthz"), max(args.runs, 21))

        def cold():
            # A new review arrives: the round's fingerprint changes, the next request recomputes.
            Review.objects.filter(
                pk=Review.objects.filter(plan_version__number=ROUNDS).first().pk
            ).update(submitted_at=timezone.now())
            get(admin, ranking_url)

        get(admin, ranking_url)  # warm the programme-wide improvement chart and imports
        ranking_cold, cold_runs = _median_ms(cold, args.runs)
        ranking_warm, warm_runs = _median_ms(lambda: get(admin, ranking_url), args.runs)
        page = get(admin, ranking_url).content.decode()
        assert page.count('class="band ') == PLANS, "every plan has a band"
        with CaptureQueriesContext(connection) as ranking_queries:
            get(admin, ranking_url)

        get(mentor, "/reviews/")
        home, home_runs = _median_ms(lambda: get(mentor, "/reviews/"), max(args.runs, 21))
        with CaptureQueriesContext(connection) as home_queries:
            due_page = get(mentor, "/reviews/").content.decode()
        due = due_page.count("/start/")

        cache.clear()
        facts = [f for _n, f in load_facts(world.programme.pk, ROUNDS)]
        criteria = ["可行性", "实用性", "创新性", "合理性", "持续性"]
        stats_only, _ = _median_ms(lambda: round_statistics(facts, criteria=criteria), args.runs)
        result = round_statistics(facts, criteria=criteria)

    figures = {
        "healthz_ms": round(healthz, 2),
        "ranking_cold_ms": round(ranking_cold, 1),
        "ranking_warm_ms": round(ranking_warm, 1),
        "mentor_home_ms": round(home, 1),
        "statistics_only_ms": round(stats_only, 1),
    }
    payload = {
        "benchmark": "reviews_ranking",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "database": "postgresql" if os.environ.get("QJ_BENCH_DATABASE_URL") else "sqlite",
        "size": {
            "plans": PLANS,
            "rounds": ROUNDS,
            "reviewers_per_plan": PER_PLAN,
            "mentors": MENTORS,
            "reviews": n_reviews,
            "scores": n_scores,
            "build_seconds": round(build_s, 1),
        },
        "figures": figures,
        "ratios_to_healthz": {
            k: round(v / healthz, 1) for k, v in figures.items() if k != "healthz_ms"
        },
        "targets_ms": TARGETS_MS,
        "runs_ms": {
            "ranking_cold": [round(t, 1) for t in cold_runs],
            "ranking_warm": [round(t, 1) for t in warm_runs],
            "mentor_home": [round(t, 1) for t in home_runs],
        },
        "queries": {"ranking_page": len(ranking_queries), "mentor_home": len(home_queries)},
        "mentor_home_due": due,
        "round_5": {
            "bands": result.bands,
            "alpha_total": result.alpha_total.alpha,
            "calibration": "on" if result.calibration.ok else str(result.calibration.reason),
        },
        "passed": {
            "ranking_cold": ranking_cold < TARGETS_MS["ranking_cold"],
            "ranking_warm": ranking_warm < TARGETS_MS["ranking_warm"],
            "mentor_home": home < TARGETS_MS["mentor_home"],
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "_postgresql" if payload["database"] == "postgresql" else ""
    out = RESULTS / f"reviews_ranking{suffix}.json"
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"reviews_ranking: {n_reviews} reviews, {n_scores} scores ({payload['database']})")
    print(f"  /healthz                         {healthz:8.2f} ms  (baseline)")
    for name, key, target in (
        ("ranking, recomputed after a review", "ranking_cold_ms", 500),
        ("ranking, cached", "ranking_warm_ms", 500),
        ("mentor home page", "mentor_home_ms", 100),
        ("statistics only (no HTTP)", "statistics_only_ms", None),
    ):
        value = figures[key]
        tail = f"  target < {target} ms {'OK' if value < target else 'MISSED'}" if target else ""
        print(f"  {name:<34} {value:8.1f} ms  ×{value / healthz:6.1f} healthz{tail}")
    print(
        f"  queries: ranking {len(ranking_queries)}, mentor home {len(home_queries)}; due on home: {due}"
    )
    print(f"  wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
