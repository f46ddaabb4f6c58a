"""Load test: generated data, `qiangji serve`, locust headless against it on loopback.

    .venv/bin/python bench/load_test.py                       # district scale, SQLite
    .venv/bin/python bench/load_test.py --scale city --database-url postgres://postgres@127.0.0.1:5432/qj_bench_load
    .venv/bin/python bench/load_test.py --var-dir /tmp/qj-city --skip-generate   # reuse a generated city

Steps: a fresh database (a temporary SQLite file, or the PostgreSQL scratch database named,
which must contain "bench" and is dropped and created), `qiangji generate --scale S`,
`qiangji serve` (gunicorn, WEB_CONCURRENCY workers × GUNICORN_THREADS) on 127.0.0.1, then
locust headless for --run-time or --max-requests, whichever comes first, with --users people
(secretaries, leaders, mentors, residents, the API, and /healthz as the baseline measured in
the same run). Writes bench/results/load_<scale>_<database>.json: per page the requests,
failures, p50/p95/p99 in ms and requests/s, and the target (p95 under 300 ms, no error).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
PASSWORD = "load-test-pass-123"  # noqa: S105 — generated accounts of a throw-away database


def fresh_postgres(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name or not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing to drop {name!r}: a scratch database name must contain 'bench'")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def qiangji(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "qiangji"), *args], env=env, check=True, **kwargs)  # noqa: S603


def world_file(env: dict, path: Path, sample: int) -> None:
    """Write the accounts and ids the locust users need (from the generated data)."""
    script = f"""
import json, random
from qiangji.accounts.models import RoleGrant
from qiangji.concerns.models import Concern
from qiangji.plans.models import Plan
from qiangji.programmes.models import Programme
rng = random.Random(1)
secs = list(RoleGrant.objects.filter(role="community_secretary", user__username__startswith="g_").values_list("user__username", "territory_id"))
secs = rng.sample(secs, min({sample}, len(secs)))
out = {{"password": {PASSWORD!r}, "secretaries": [], "leaders": [], "mentors": [], "communities": []}}
for username, community in secs:
    ids = list(Concern.objects.filter(community_id=community).order_by("-reported_at").values_list("pk", flat=True)[:20])
    plan = Plan.objects.filter(community_id=community).order_by("-programme__starts_on").values_list("pk", flat=True).first()
    out["secretaries"].append({{"username": username, "community": community, "concerns": ids, "plan": plan}})
    out["communities"].append(community)
for username in RoleGrant.objects.filter(role="leader", user__username__startswith="g_").values_list("user__username", flat=True):
    out["leaders"].append({{"username": username}})
for username, programme in RoleGrant.objects.filter(role="mentor", user__username__startswith="g_").values_list("user__username", "programme_id")[:{sample}]:
    out["mentors"].append({{"username": username, "programme": programme}})
print(json.dumps(out))
"""
    done = qiangji(env, "shell", "-c", script, capture_output=True, text=True)
    path.write_text(done.stdout.strip().splitlines()[-1], encoding="utf-8")


def wait_ready(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} in {seconds:.0f} s")


def read_stats(prefix: Path) -> dict:
    pages = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                name = "ALL"
            else:
                name = row["Name"]
            pages[name] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "rps": round(float(row["Requests/s"] or 0), 2),
            }
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="district", choices=["subdistrict", "district", "city"])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--var-dir", default="")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--run-time", default="90s")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8106)
    args = parser.parse_args()

    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="qj-load-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "QIANGJI_VAR_DIR": str(var_dir),
        "SECRET_KEY": "load-test-secret-key-not-for-production-0123456789",
        "DEBUG": "0",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": "4",
        "QIANGJI_GENERATE_PASSWORD": PASSWORD,
    }
    env.pop("DATABASE_URL", None)
    database = "sqlite"
    if args.database_url:
        env["DATABASE_URL"] = (
            args.database_url if args.skip_generate else fresh_postgres(args.database_url)
        )
        database = "postgresql"
    started = time.perf_counter()
    generate_seconds = None
    if not args.skip_generate:
        qiangji(env, "migrate", "-v0")
        t = time.perf_counter()
        qiangji(env, "generate", "--scale", args.scale, "--seed", "1")
        generate_seconds = round(time.perf_counter() - t, 1)
    world = var_dir / "load-world.json"
    world_file(env, world, sample=40)
    env["QJ_LOAD_WORLD"] = str(world)
    env["QJ_LOAD_MAX_REQUESTS"] = str(args.max_requests)
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "qiangji"), "serve", "--host", "127.0.0.1", "--port", str(args.port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(var_dir / "serve.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    host = f"http://127.0.0.1:{args.port}"
    try:
        wait_ready(f"{host}/readyz")
        prefix = var_dir / "locust"
        load_before = os.getloadavg()[0]
        subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(max(1, args.users // 5)),
                "--run-time",
                args.run_time,
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "5",
            ],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=open(var_dir / "locust.log", "w"),  # noqa: SIM115
        )
        load_after = os.getloadavg()[0]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    pages = read_stats(prefix)
    baseline = pages.get("/healthz (baseline)", {})
    worst = max((p["p95_ms"] for n, p in pages.items() if n not in ("ALL",)), default=0)
    errors = sum(p["failures"] for n, p in pages.items() if n != "ALL")
    result = {
        "benchmark": f"load_{args.scale}_{database}",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "scale": args.scale,
        "database": database,
        "users": args.users,
        "run_time": args.run_time,
        "max_requests": args.max_requests,
        "server": f"qiangji serve, {args.workers} gunicorn workers × 4 threads, 127.0.0.1",
        "generate_seconds": generate_seconds,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(load_after, 2),
        "cpus": os.cpu_count(),
        "target": "every page p95 < 300 ms, 0 errors",
        "worst_p95_ms": worst,
        "errors": errors,
        "pages": pages,
        "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load_{args.scale}_{database}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'page':<32} {'n':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'rps':>6}")
    for name, p in sorted(pages.items(), key=lambda kv: -kv[1]["p95_ms"]):
        print(
            f"{name:<32} {p['requests']:>6} {p['failures']:>4} {p['p50_ms']:>7.0f} {p['p95_ms']:>7.0f} {p['p99_ms']:>7.0f} {p['rps']:>6.1f}"
        )
    print(
        f"baseline /healthz p95 {baseline.get('p95_ms', 0):.0f} ms in the same run; worst page p95 {worst:.0f} ms "
        f"(target 300 ms), {errors} errors; load average {load_before:.1f} → {load_after:.1f}"
    )
    print(f"written {out}")
    if not args.var_dir:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    random.seed(0)
    main()
