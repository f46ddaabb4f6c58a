"""Benchmark: every role's workbench (工作台) and search everywhere, at a generated scale.

Generates the data once with `qiangji generate --scale S` into a kept folder (SQLite, or the
PostgreSQL database in QJ_BENCH_DATABASE_URL), then, in one process, requests for each role:

- `/healthz` (no database): the baseline of the same run;
- `/` (the workbench) as one generated person of each role, N times;
- `/search/?q=…` as the city leader (the widest reader) for a set of queries: one character,
  a frequent word, two words, a rare word, a thousand characters.

Reported per page: p50/p95/max server time (the Django test client in process: middleware,
view, queries and template, no network), the same as CPU time of the process (on SQLite the
database runs in the process too; on a loaded machine wall time also counts the wait for a
core), and the number of queries of each request (it must be the same on every request and
at every scale). Writes JSON to
bench/results/workbench_<scale>[_postgresql].json.

    PYTHONPATH=src .venv/bin/python bench/workbench.py --scale city --keep /tmp/qj-bench-city
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django_bench import ROOT, setup_django  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench-pass-123"  # noqa: S105 — generated accounts of a throw-away database
ROLES = {
    "subdistrict admin": "g_admin001",
    "community secretary": "g_sec0001",
    "community staff": "g_staff0001_1",
    "grid worker": "g_grid0001_1",
    "mentor": "g_mentor001_1",
    "district leader": "g_leader01",
    "city leader": "g_leader_city",
}
QUERIES = ["电", "电梯", "电梯 停车", "路灯", "石榴", "x" * 1000]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _measure(client, url: str, n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: session, caches, first compile
    times, cpu, queries, statuses = [], [], [], set()
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        statuses.add(response.status_code)
        queries.append(len(captured))
    return {
        "url": url,
        "requests": n,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(_percentile(cpu, 0.95), 1),
        "queries": sorted(set(queries)),
        "statuses": sorted(statuses),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--scale", default="subdistrict", choices=["subdistrict", "district", "city"]
    )
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--keep", default="", help="folder kept between runs (data generated once)")
    args = parser.parse_args()
    var_dir = Path(args.keep or tempfile.mkdtemp(prefix="qj-bench-workbench-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    marker = var_dir / f"generated-{args.scale}.json"
    os.environ["QIANGJI_GENERATE_PASSWORD"] = PASSWORD
    if os.environ.get("QJ_BENCH_DATABASE_URL") and marker.exists():
        marker.unlink()  # setup_django flushes a PostgreSQL database: generate again
    setup_django(var_dir)
    from django.core.management import call_command
    from django.test import Client

    from qiangji.accounts.models import User

    generated_seconds = None
    if not marker.exists():
        started = time.perf_counter()
        call_command("generate", scale=args.scale, seed=1, password=PASSWORD, json=str(marker))
        generated_seconds = round(time.perf_counter() - started, 1)
    from qiangji.concerns.models import Concern

    results: dict = {
        "benchmark": "workbench",
        "scale": args.scale,
        "database": os.environ.get("QJ_BENCH_DATABASE_URL", "sqlite").split("@")[-1],
        "concerns": Concern.objects.count(),
        "generated_seconds": generated_seconds,
        "machine": platform.platform(),
        "load_average": os.getloadavg(),
        "pages": {},
    }
    anonymous = Client()
    results["pages"]["healthz (baseline)"] = _measure(anonymous, "/healthz", args.requests)
    for role, username in ROLES.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"  {role}: no generated account {username}")
            continue
        client = Client()
        client.force_login(user)
        results["pages"][f"workbench: {role}"] = _measure(client, "/", args.requests)
    reader = User.objects.get(username=ROLES["city leader"])
    client = Client()
    client.force_login(reader)
    search_times = []
    for query in QUERIES:
        from urllib.parse import urlencode

        page = _measure(client, "/search/?" + urlencode({"q": query}), max(10, args.requests // 4))
        label = query if len(query) < 20 else f"{len(query)} characters"
        results["pages"][f"search: {label}"] = page
        search_times.append(page["p95_ms"])
    results["search_p95_ms_worst_query"] = max(search_times)
    baseline = results["pages"]["healthz (baseline)"]["p95_ms"] or 0.001
    print(
        f"workbench benchmark, scale {args.scale}, {results['concerns']:,} concerns, "
        f"load {results['load_average'][0]:.1f}"
    )
    for name, page in results["pages"].items():
        print(
            f"  {name:<34} p50 {page['p50_ms']:7.1f} ms  p95 {page['p95_ms']:7.1f} ms "
            f"({page['p95_ms'] / baseline:6.1f}× healthz)  CPU p95 {page['cpu_p95_ms']:6.1f} ms  "
            f"queries {page['queries']}  {page['statuses']}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "_postgresql" if os.environ.get("QJ_BENCH_DATABASE_URL") else ""
    out = RESULTS / f"workbench_{args.scale}{suffix}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"  wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
