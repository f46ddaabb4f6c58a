"""Benchmark: residents submitting the survey form at a target rate to `qiangji serve` on loopback.

A bounded, open-loop load: requests are scheduled at `--rate` per second for `--seconds`
(spread over `--clients` threads with keep-alive connections); a request that cannot start on
time starts late and its wait counts in its latency. Two phases from the same process:

1. baseline: GET /healthz at the same rate (no database);
2. submit: POST the verified survey's form of 石榴园 (a fresh one-time code and client id per
   submission, every question answered); 2 % of the posts resend an earlier submission
   unchanged (a double tap), which must be stored once.

After the run the database is counted: responses stored must equal the distinct accepted
submissions (none lost, none duplicated), and used codes must equal responses.
Writes bench/results/surveys_submit_<vendor>.json.

    python bench/surveys_submit.py [--rate 300] [--seconds 20] [--workers 2] [--threads 8]
    QJ_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qj_surveys_bench python bench/surveys_submit.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qiangji.settings",
        "QIANGJI_VAR_DIR": str(var_dir),
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if os.environ.get("QJ_BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["QJ_BENCH_DATABASE_URL"]
    return env


def _prepare(codes_needed: int):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", verbosity=0, interactive=False)
    import datetime as dt

    from django.utils import timezone

    from qiangji.core.demo import load_foundation
    from qiangji.surveys import actions
    from qiangji.surveys.models import Kind, Mode

    world = load_foundation(password=None)

    survey = actions.do_create_survey(
        title="压测测评",
        territory=world.shiliuyuan,
        programme=world.programme,
        mode=Mode.VERIFIED,
        opens_at=timezone.now() - dt.timedelta(hours=1),
        closes_at=timezone.now() + dt.timedelta(days=1),
    )
    codes = []
    while len(codes) < codes_needed:
        batch = actions.do_generate_codes(
            survey=survey, count=min(actions.MAX_CODES_PER_BATCH, codes_needed - len(codes))
        )
        codes.extend(batch.codes.values_list("code", flat=True))
    answers = {}
    for q in survey.questions.all():
        if q.kind == Kind.SCALE:
            answers[f"q{q.pk}"] = "4"
        elif q.kind == Kind.SINGLE:
            answers[f"q{q.pk}"] = "1"
        else:
            answers[f"q{q.pk}"] = "希望多组织活动（压测）"
    return world.shiliuyuan.pk, survey.pk, codes, answers, connection.vendor


def _phase(port, rate, seconds, threads, make_request):
    """Run one open-loop phase; return the latencies and status counts."""
    total = int(rate * seconds)
    start = time.monotonic() + 0.5
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    by_index: dict[int, int] = {}
    lock = threading.Lock()

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(offset, total, threads):
            due = start + i / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            method, path, body, headers = make_request(i)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            done = time.monotonic()
            with lock:
                latencies.append(done - due)
                statuses[status] = statuses.get(status, 0) + 1
                by_index[i] = status
        conn.close()

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    began = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - max(began, start)
    ordered = sorted(latencies)

    def pct(p):
        return round(ordered[int(p * (len(ordered) - 1))] * 1000, 1) if ordered else None

    return {
        "requests": total,
        "seconds": round(elapsed, 2),
        "achieved_per_second": round(total / elapsed, 1),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "max_ms": pct(1.0),
        "statuses": statuses,
        "_by_index": by_index,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=48)
    args = parser.parse_args()
    total = int(args.rate * args.seconds)

    with tempfile.TemporaryDirectory(prefix="qj-bench-surveys-") as tmp:
        env = _environment(Path(tmp))
        os.environ.update(env)
        sys.path.insert(0, str(ROOT / "src"))
        community_id, survey_id, codes, answers, vendor = _prepare(total + 200)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qiangji.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
            ],
            env=env,
            cwd=str(ROOT),
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                    probe.request("GET", "/healthz")
                    probe.getresponse().read()
                    break
                except OSError:
                    time.sleep(0.2)
            form_path = f"/surveys/c/{community_id}/{survey_id}/"
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            probe.request("GET", form_path)
            page = probe.getresponse()
            cookies = "; ".join(
                h.split(";", 1)[0] for k, h in page.getheaders() if k.lower() == "set-cookie"
            )
            token = (
                re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read())
                .group(1)
                .decode()
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookies,
                "Referer": f"http://127.0.0.1:{port}{form_path}",
            }
            rng = random.Random(13)  # noqa: S311
            sent: list[str] = []  # body of each fresh submission, for resends
            plan = []
            fresh = 0
            for _i in range(total):
                if sent and rng.random() < 0.02:
                    plan.append(("resend", rng.choice(sent)))
                    continue
                body = urlencode(
                    {
                        "csrfmiddlewaretoken": token,
                        "client_id": str(uuid.uuid4()),
                        "code": codes[fresh],
                        **answers,
                    }
                )
                fresh += 1
                sent.append(body)
                plan.append(("fresh", body))

            def healthz(i):
                return "GET", "/healthz", None, {}

            def submit(i):
                return "POST", form_path, plan[i][1], headers

            _phase(port, 50, 1, 4, healthz)  # warm-up
            baseline = _phase(port, args.rate, args.seconds, args.clients, healthz)
            load_before = os.getloadavg()
            result = _phase(port, args.rate, args.seconds, args.clients, submit)
            load_after = os.getloadavg()
        finally:
            server.terminate()
            server.wait(timeout=30)

        from qiangji.surveys.models import AccessCode, Response

        stored = Response.objects.filter(survey_id=survey_id).count()
        distinct = len({b for kind, b in plan if kind == "fresh"})
        used = AccessCode.objects.filter(survey_id=survey_id, used=True).count()
        by_index = result.pop("_by_index")
        baseline.pop("_by_index")
        accepted_bodies = {plan[i][1] for i, status in by_index.items() if status == 302}
        accepted = result["statuses"].get(302, 0)
        report = {
            "benchmark": "surveys_submit",
            "database": vendor,
            "rate_target": args.rate,
            "seconds": args.seconds,
            "gunicorn": {"workers": args.workers, "threads": args.threads},
            "clients": args.clients,
            "baseline_healthz": baseline,
            "submit": result,
            "fresh_submissions": distinct,
            "resends": total - distinct,
            "responses_stored": stored,
            "codes_used": used,
            "accepted_distinct": len(accepted_bodies),
            # Lost: a submission the server confirmed (302) that is not in the database.
            "lost": max(0, len(accepted_bodies) - stored),
            # Duplicated: more rows than distinct submissions sent (a resend stored twice).
            "duplicated": max(0, stored - distinct),
            "all_accepted": accepted == total,
            "load_average_before_after": [round(x, 2) for x in (*load_before, *load_after)],
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        }
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"surveys_submit_{vendor}.json"
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(
            f"database {vendor}; target {args.rate}/s for {args.seconds} s; load avg {report['load_average_before_after']}"
        )
        for name, phase in (("baseline /healthz", baseline), ("form submission", result)):
            print(
                f"{name:20} achieved {phase['achieved_per_second']:>7}/s  p50 {phase['p50_ms']} ms  "
                f"p95 {phase['p95_ms']} ms  max {phase['max_ms']} ms  statuses {phase['statuses']}"
            )
        print(
            f"stored {stored} responses for {distinct} distinct submissions (+{total - distinct} resends); "
            f"codes used {used}; lost {report['lost']}, duplicated {report['duplicated']}"
        )
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
