"""Benchmark: delivery pages and the roll-up at city scale, beside /healthz from the same run.

Data come from the shared generator (`qiangji.core.generate`, the plans and implementation
parts) on the city's territory tree (400 communities in 40 subdistricts, 5 programmes each):
2,000 approved plans. The plans generator makes ~20 nodes a plan, so the implementation part
yields ~40,000 items; ``--milestones-per-item`` (default 25) brings milestones to ~1,000,000.
Measured in one process with Django's test client, p50/p95 over ``--runs`` requests:

* a community's public progress page (`GET /implementation/p/<community>/`) — target p95 < 100 ms;
* the subdistrict's overdue list as its administrator (`GET /implementation/overdue/`) — < 100 ms;
* one progress change rolled up (`do_update_item` on a task: the task, its project, its line,
  the community; a timeline entry) — target p95 < 50 ms;
* the SQL queries of both pages (must equal the counts at the small size, see
  `implementation/tests/test_scale.py`).

Writes bench/results/implementation_delivery_<sqlite or postgresql>.json.

    .venv/bin/python bench/implementation_delivery.py [--runs 50] [--scale city]
    QJ_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qj_impl_bench .venv/bin/python bench/implementation_delivery.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _django_bench import setup_django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGETS_MS = {"public_page": 100, "overdue_list": 100, "roll_up": 50}


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def _time(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--scale", default="city")
    parser.add_argument("--milestones-per-item", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qj-bench-impl-") as var:
        setup_django(Path(var))
        run(args)


def run(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qiangji.core.generate import SCALES
    from qiangji.core.generate import run as generate
    from qiangji.implementation.actions import do_update_item
    from qiangji.implementation.models import Delivery, Item, Milestone

    base = SCALES[args.scale]
    counts = {
        **base.counts,
        "plans": base.count("plans"),
        "plan_versions": 2,
        "implementation_items": 10_000_000,  # every approved plan's nodes
    }
    scale = replace(base, counts=counts)
    items_target = counts["implementation_items"]
    counts["implementation_milestones"] = items_target * args.milestones_per_item
    started = time.perf_counter()
    generate(scale, seed=1, apps=["plans", "implementation"], out=print)
    setup_seconds = round(time.perf_counter() - started, 1)
    sizes = {
        "communities": Delivery.objects.values("community").distinct().count(),
        "deliveries": Delivery.objects.count(),
        "items": Item.objects.count(),
        "milestones": Milestone.objects.count(),
    }
    print("data:", sizes, f"generated in {setup_seconds} s")

    delivery = Delivery.objects.order_by("-pk").select_related("community", "programme").first()
    community = delivery.community
    from qiangji.accounts.models import Role, RoleGrant

    admin = (
        RoleGrant.objects.filter(role=Role.SUBDISTRICT_ADMIN, territory_id=community.parent_id)
        .select_related("user")
        .first()
        .user
    )
    secretary = (
        RoleGrant.objects.filter(role=Role.COMMUNITY_SECRETARY, territory=community)
        .select_related("user")
        .first()
        .user
    )
    public, staff = Client(), Client()
    staff.force_login(admin)
    health_url = "/healthz"
    public_url = f"/implementation/p/{community.pk}/"
    overdue_url = "/implementation/overdue/"
    for url, client in ((public_url, public), (overdue_url, staff), (health_url, public)):
        assert client.get(url).status_code == 200, url  # warm up
    results: dict = {}
    results["healthz"] = _percentiles(_time(lambda: public.get(health_url), args.runs))
    results["public_page"] = _percentiles(_time(lambda: public.get(public_url), args.runs))
    results["overdue_list"] = _percentiles(_time(lambda: staff.get(overdue_url), args.runs))
    with CaptureQueriesContext(connection) as q_public:
        public.get(public_url)
    with CaptureQueriesContext(connection) as q_overdue:
        staff.get(overdue_url)
    results["public_page"]["queries"] = len(q_public)
    results["overdue_list"]["queries"] = len(q_overdue)

    task = (
        Item.objects.filter(delivery=delivery, kind="task")
        .exclude(status__meaning__in=["cancelled"])
        .first()
    )
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90]

    def change(counter=[0]):  # noqa: B006 — a counter across calls
        counter[0] += 1
        do_update_item(item=task, by=secretary, progress=values[counter[0] % len(values)])

    results["roll_up"] = _percentiles(_time(change, args.runs))
    for name, target in TARGETS_MS.items():
        figure = results[name]
        figure["target_ms"] = target
        figure["ratio_to_healthz_p50"] = round(figure["p50_ms"] / results["healthz"]["p50_ms"], 1)
        print(
            f"{name:13s} p50 {figure['p50_ms']:7.1f} ms  p95 {figure['p95_ms']:7.1f} ms  "
            f"(target p95 < {target} ms){'  queries ' + str(figure['queries']) if 'queries' in figure else ''}"
        )
    print(
        f"{'healthz':13s} p50 {results['healthz']['p50_ms']:7.2f} ms  p95 {results['healthz']['p95_ms']:7.2f} ms"
    )
    vendor = connection.vendor
    out = {
        "benchmark": "implementation_delivery",
        "database": vendor,
        "scale": args.scale,
        "sizes": sizes,
        "generated_seconds": setup_seconds,
        "runs": args.runs,
        "results": results,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load": os.getloadavg()[0]},
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"implementation_delivery_{vendor}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
