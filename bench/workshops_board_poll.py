"""Benchmark: 50 people at one brainstorm board, each polling for updates every 1.5 s.

Starts gunicorn (gthread) on a fresh SQLite database with the demo loaded, then runs two
phases of the same length from the same process:

1. baseline: every participant polls the bare `/healthz` (no session, no database);
2. board: every participant polls `/workshops/g/<id>/cards/?v=<version>` with their session,
   while a writer adds a card every 3 s (so some polls return the 200 fragment and most
   return the cheap 204).

Reported for each phase: requests, p50/p95/max latency, and the server's CPU time per
participant-second (utime + stime of the gunicorn master and workers, from /proc).
Writes JSON to bench/results/workshops_board_poll.json (…_postgresql.json when
QJ_BENCH_DATABASE_URL names an empty PostgreSQL database).

    .venv/bin/python bench/workshops_board_poll.py [--participants 50] [--seconds 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POLL_SECONDS = 1.5
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DATABASE_URL", None)
    if os.environ.get("QJ_BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["QJ_BENCH_DATABASE_URL"]
    return env


def _prepare(participants: int) -> tuple[int, list[str]]:
    """Load the demo, seat the participants at 石榴园's table; return its id and session keys."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from qiangji.accounts.models import Role, RoleGrant, User
    from qiangji.core.demo import load_foundation
    from qiangji.workshops import demo
    from qiangji.workshops.models import TableGroup

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    world = load_foundation(password=None)  # random passwords: sessions are made directly
    demo.load(world)
    group = TableGroup.objects.get(activity__title=demo.SALON_TITLE, community=world.shiliuyuan)
    keys = []
    for n in range(participants):
        user, _ = User.objects.get_or_create(
            username=f"bench{n:03d}", defaults={"display_name": f"参与者{n}"}
        )
        group.members.add(user)
        # Staff of the community at the table: the role that lets them read the programme.
        RoleGrant.objects.get_or_create(
            user=user, role=Role.COMMUNITY_STAFF, territory=world.shiliuyuan
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return group.pk, keys


def _server_pids(master: int) -> list[int]:
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _poller(
    port: int, path_for, cookie: str | None, stop: float, latencies: list, statuses: dict, lock
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    state = {"version": "0"}
    next_at = time.monotonic()
    while time.monotonic() < stop:
        headers = {"HX-Request": "true"}
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        started = time.perf_counter()
        try:
            connection.request("GET", path_for(state), headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            with lock:
                statuses["error"] = statuses.get("error", 0) + 1
            continue
        elapsed = time.perf_counter() - started
        if response.status == 200 and body:
            match = re.search(rb'data-version="(\d+)"', body)
            if match:
                state["version"] = match.group(1).decode()
        with lock:
            latencies.append((response.status, elapsed))
            statuses[response.status] = statuses.get(response.status, 0) + 1
        next_at += POLL_SECONDS
        time.sleep(max(0.0, next_at - time.monotonic()))
    connection.close()


def _phase(
    port: int, pids: list[int], participants: int, seconds: float, path_for, cookies, writer=None
) -> dict:
    latencies: list[float] = []
    statuses: dict = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_poller,
            args=(port, path_for, cookies[i] if cookies else None, stop, latencies, statuses, lock),
            daemon=True,
        )
        for i in range(participants)
    ]
    cpu_before = _cpu_seconds(pids)
    wall_before = time.monotonic()
    for index, thread in enumerate(threads):
        thread.start()
        time.sleep(POLL_SECONDS / participants * (index % 2))  # spread the first polls a little
    writes = 0
    while time.monotonic() < stop:
        time.sleep(3)
        if writer is not None and time.monotonic() < stop:
            writer(writes)
            writes += 1
    for thread in threads:
        thread.join()
    wall = time.monotonic() - wall_before
    cpu = _cpu_seconds(pids) - cpu_before
    ordered = sorted(elapsed for _status, elapsed in latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else None
    by_status = {}
    for code in sorted({status for status, _elapsed in latencies}):
        times = sorted(elapsed for status, elapsed in latencies if status == code)
        by_status[str(code)] = {
            "requests": len(times),
            "p50_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 2),
        }
    return {
        "by_status": by_status,
        "requests": len(latencies),
        "statuses": {str(k): v for k, v in statuses.items()},
        "writes": writes,
        "wall_seconds": round(wall, 2),
        "p50_ms": round(statistics.median(ordered) * 1000, 2) if ordered else None,
        "p95_ms": round(p95 * 1000, 2) if p95 is not None else None,
        "max_ms": round(ordered[-1] * 1000, 2) if ordered else None,
        "server_cpu_seconds": round(cpu, 3),
        "cpu_ms_per_participant_second": round(cpu * 1000 / (participants * wall), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qj-bench-") as tmp:
        env = _environment(Path(tmp))
        os.environ.update(env)
        sys.path.insert(0, str(ROOT / "src"))
        group_id, cookies = _prepare(args.participants)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "qiangji.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=str(ROOT),
        )
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).request(
                        "GET", "/healthz"
                    )
                    break
                except OSError:
                    time.sleep(0.1)
            time.sleep(1.0)
            pids = _server_pids(server.pid)

            from qiangji.accounts.models import User
            from qiangji.workshops.actions import do_add_card
            from qiangji.workshops.models import IdeaKind, TableGroup

            group = TableGroup.objects.get(pk=group_id)
            author = User.objects.get(username="bench000")

            def add_card(n: int) -> None:
                do_add_card(group=group, author=author, kind=IdeaKind.PROBLEM, text=f"压测点子{n}")

            # Warm both paths so that imports and template loading are not measured.
            _phase(port, pids, 5, 2, lambda s: "/healthz", None)
            _phase(
                port,
                pids,
                5,
                2,
                lambda s: f"/workshops/g/{group_id}/cards/?v={s['version']}",
                cookies,
            )
            baseline = _phase(
                port, pids, args.participants, args.seconds, lambda s: "/healthz", None
            )
            board = _phase(
                port,
                pids,
                args.participants,
                args.seconds,
                lambda s: f"/workshops/g/{group_id}/cards/?v={s['version']}",
                cookies,
                writer=add_card,
            )
        finally:
            server.terminate()
            server.wait(timeout=10)

    result = {
        "benchmark": "workshops_board_poll",
        "participants": args.participants,
        "poll_seconds": POLL_SECONDS,
        "phase_seconds": args.seconds,
        "server": f"gunicorn gthread {args.workers}×{args.threads}",
        "database": env.get("DATABASE_URL", "sqlite"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "baseline_healthz": baseline,
        "board_poll": board,
        "ratio_cpu": round(
            board["cpu_ms_per_participant_second"]
            / max(baseline["cpu_ms_per_participant_second"], 1e-9),
            2,
        ),
        "ratio_p95": round(board["p95_ms"] / max(baseline["p95_ms"], 1e-9), 2),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = "_postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else ""
    (RESULTS / f"workshops_board_poll{suffix}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2)
    )
    print(
        f"{args.participants} participants polling every {POLL_SECONDS}s for {args.seconds:.0f}s each phase"
    )
    print(f"{'':24}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'CPU ms/participant-s':>22}")
    for name, phase in (("baseline /healthz", baseline), ("board update poll", board)):
        print(
            f"{name:24}{phase['requests']:>9}{phase['p50_ms']:>9}{phase['p95_ms']:>9}{phase['cpu_ms_per_participant_second']:>22}"
        )
    for code, figures in board["by_status"].items():
        print(
            f"  board answers {code}: {figures['requests']} requests, "
            f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms"
        )
    print(
        f"board/baseline: CPU ×{result['ratio_cpu']}, p95 ×{result['ratio_p95']}; "
        f"{board['writes']} cards added"
    )


if __name__ == "__main__":
    main()
