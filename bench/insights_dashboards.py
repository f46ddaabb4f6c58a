"""Benchmark: brand index and dashboards at city scale (`qiangji generate --scale city`).

Fills a fresh database with the project's generator (400 communities in 40 subdistricts, about
1,000,000 concerns, plans, reviews, implementation items and survey responses — whatever the
apps' generate.py add), then measures in one process:

* recomputing every programme's index with its Monte Carlo uncertainty analysis
  (1,000 draws each) — the background job `refresh_all` — target < 60 s;
* the subdistrict overview and the leader view (city level) with Django's test client:
  p50/p95 server time over N requests beside `/healthz` of the same run, and the number of
  queries — target < 150 ms p95.

Writes bench/results/insights_dashboards_<scale>[_postgresql].json.

    .venv/bin/python bench/insights_dashboards.py [--scale city] [--requests 40]
    QJ_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qj_insights_bench .venv/bin/python bench/insights_dashboards.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from _django_bench import setup_django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGETS = {"refresh_all_s": 60, "overview_p95_ms": 150, "leader_p95_ms": 150}


def _timed(client, url: str, n: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    # request_started empties the query log: start from an empty log, or the slice is empty.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(0.95 * len(times)) - 1)], 1),
        "queries": len(captured.captured_queries),
        "bytes": len(client.get(url).content),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="city", choices=["subdistrict", "district", "city"])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="qj-insights-bench-"))
    setup_django(var)
    from django.core.management import call_command
    from django.test import Client

    from qiangji.accounts.models import Role, RoleGrant, User
    from qiangji.insights.tasks import refresh_all
    from qiangji.programmes.models import Programme
    from qiangji.territories.models import Kind, Territory

    started = time.perf_counter()
    call_command("generate", scale=args.scale, seed=1, verbosity=0)
    generate_s = time.perf_counter() - started
    communities = Territory.objects.filter(kind=Kind.COMMUNITY).count()
    programmes = Programme.objects.count()
    from qiangji.concerns.models import Concern

    concerns = Concern.objects.count()

    started = time.perf_counter()
    refreshed = refresh_all.call()
    refresh_s = time.perf_counter() - started

    city = Territory.objects.filter(kind=Kind.CITY).order_by("pk").last()
    leader, _ = User.objects.get_or_create(username="bench_leader")
    RoleGrant.objects.get_or_create(user=leader, role=Role.LEADER, territory=city)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench_admin"
    )
    client = Client()
    client.force_login(admin)
    leader_client = Client()
    leader_client.force_login(leader)
    programme = Programme.objects.order_by("pk").last()

    health = _timed(Client(), "/healthz", args.requests)
    overview = _timed(client, f"/insights/p/{programme.pk}/", args.requests)
    leader_view = _timed(leader_client, f"/insights/leader/?territory={city.pk}", args.requests)
    index_page = _timed(client, f"/insights/p/{programme.pk}/index/", args.requests)

    from django.db import connection

    vendor = connection.vendor
    result = {
        "benchmark": "insights_dashboards",
        "scale": args.scale,
        "database": vendor,
        "machine": platform.node(),
        "load_average": os.getloadavg(),
        "communities": communities,
        "programmes": programmes,
        "concerns": concerns,
        "generate_s": round(generate_s, 1),
        "refresh_all_s": round(refresh_s, 2),
        "programmes_refreshed": refreshed,
        "healthz": health,
        "overview": overview,
        "leader_city": leader_view,
        "brand_index_page": index_page,
        "targets": TARGETS,
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if vendor == "sqlite" else f"_{vendor}"
    path = RESULTS / f"insights_dashboards_{args.scale}{suffix}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(
        f"{args.scale} on {vendor}: {communities} communities, {programmes} programmes, {concerns} concerns"
    )
    print(
        f"  generate {generate_s:.0f} s; refresh_all (index + Monte Carlo, every programme) {refresh_s:.1f} s (target < 60 s)"
    )
    print(f"  /healthz           p50 {health['p50_ms']} ms  p95 {health['p95_ms']} ms")
    for name, figures in (
        ("overview", overview),
        ("leader (city)", leader_view),
        ("brand index", index_page),
    ):
        print(
            f"  {name:<18} p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms  {figures['queries']} queries "
            f"({figures['p95_ms'] / max(health['p95_ms'], 0.01):.0f}× /healthz p95)"
        )
    print(f"  -> {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
