"""Several app servers and workers on one PostgreSQL and one Redis (docs/deploy.md).

Two `qiangji serve` (gunicorn, two loopback ports), two `qiangji worker` and two
`qiangji scheduler` share the test's PostgreSQL database and the Redis of `REDIS_URL`:
a session made on one server is good on the other, each queued task runs once, the failed-
login limit counts the attempts made on both servers together, a figure one server cached
is what the other shows, and one scheduler holds the lock while the other gives up.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils.crypto import get_random_string

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.models import Ticket
from qiangji.core.tasks import heartbeat
from qiangji.core.testing import DEMO_PASSWORD
from qiangji.core.tests.processes import children, free_port, serving, shared_database, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

TASKS = 40


def _get(port: int, path: str, cookies: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310
        f"http://127.0.0.1:{port}{path}",
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _login(port: int, username: str, password: str) -> int:
    """POST the login form on this server; return its status (302 logged in, 400 refused)."""
    csrf = get_random_string(32)
    request = urllib.request.Request(  # noqa: S310
        f"http://127.0.0.1:{port}/accounts/login/",
        data=urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
        ).encode(),
        headers={"Cookie": f"csrftoken={csrf}"},
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _tickets_in_figure(html: str) -> int:
    """Return the number of tickets the workbench's response-rate figure was computed on."""
    found = re.search(r'data-kind="concerns.response_rate" title="[^"]*?(\d+) 件', html)
    assert found, "the response-rate figure is on the workbench"
    return int(found.group(1))


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL,
    reason="needs PostgreSQL and Redis (REDIS_URL): machines do not share one SQLite file; "
    "runs in the PostgreSQL pass of CI",
)
def test_two_servers_and_two_workers_share_one_postgresql_and_one_redis(
    demo_world, settings, tmp_path
):
    import redis

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    secretary = demo_world.users["shiliuyuan"]
    # The servers check passwords with the real hasher (the tests' fast MD5 is not theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    secretary.set_password(DEMO_PASSWORD)
    secretary.save(update_fields=["password"])
    do_file_concern(community=demo_world.shiliuyuan, text="楼道灯坏了很久没人修")
    redis.Redis.from_url(settings.REDIS_URL).delete("crontask-lock")
    ports = [free_port(), free_port()]
    with shared_database(tmp_path) as env, children(tmp_path) as start:
        env = {**env, "REDIS_URL": settings.REDIS_URL, "LOGIN_CLIENT_FAILURES": "4"}
        schedulers = [start("scheduler", env=env, name=f"scheduler-{i}") for i in (1, 2)]
        server_env = {**env, "DEBUG": "1"}  # static files from the finders: no collectstatic
        for i, port in enumerate(ports, 1):
            args = ("serve", "--port", str(port), "--workers", "1", "--threads", "2")
            start(*args, env=server_env, name=f"server-{i}")
        workers = [start("worker", env=env, name=f"worker-{i}") for i in (1, 2)]
        wait_for(lambda: all(serving(p) for p in ports), timeout=60, what="both servers")

        # One session, made through the database, is good on both servers.
        client = Client()
        client.force_login(secretary)
        cookies = {"sessionid": client.cookies["sessionid"].value}
        first_status, first = _get(ports[0], "/", cookies)
        assert first_status == 200
        # A figure server 1 computed and cached is what server 2 shows, though a ticket came
        # in meanwhile (the cache is shared, for its ten minutes).
        counted = _tickets_in_figure(first)
        do_file_concern(community=demo_world.shiliuyuan, text="井盖松动很危险")
        assert Ticket.objects.count() > counted
        second_status, second = _get(ports[1], "/", cookies)
        assert second_status == 200
        assert _tickets_in_figure(second) == counted

        # Each task queued runs once, whichever worker takes it.
        wait_for(
            lambda: all("Starting worker" in w.output() for w in workers),
            timeout=60,
            what="both workers",
        )
        results = [heartbeat.enqueue() for _ in range(TASKS)]
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.filter(pk__in=[r.id for r in results])
        wait_for(
            lambda: rows.filter(status=TaskResultStatus.SUCCESSFUL).count() == TASKS,
            timeout=60,
            what="every task",
        )
        claims = [row.worker_ids for row in rows]
        assert all(len(ids) == 1 for ids in claims), claims
        by_worker = Counter(ids[0] for ids in claims)
        assert sum(by_worker.values()) == TASKS

        # The failed-login limit counts attempts on both servers together (4 per window):
        # the right password works; after two wrong ones on each, it is refused on either.
        assert _login(ports[1], "shiliuyuan", DEMO_PASSWORD) == 302
        for port in (*ports, *ports):
            assert _login(port, f"nobody-{get_random_string(6)}", "wrong-password") == 400
        assert _login(ports[0], "shiliuyuan", DEMO_PASSWORD) == 400
        assert _login(ports[1], "shiliuyuan", DEMO_PASSWORD) == 400

        # The scheduler: one holds the Redis lock, the other waits, then gives up.
        wait_for(
            lambda: any("Starting scheduler" in s.output() for s in schedulers),
            timeout=30,
            what="a scheduler to start",
        )
        wait_for(
            lambda: any(s.process.poll() is not None for s in schedulers),
            timeout=30,
            what="the other scheduler to give up",
        )
        time.sleep(0.5)
        started = [s for s in schedulers if "Starting scheduler" in s.output()]
        refused = [s for s in schedulers if "Another scheduler is already running" in s.output()]
        assert len(started) == 1 and len(refused) == 1 and started != refused
        assert started[0].process.poll() is None  # the elected one keeps running
    print(f"tasks per worker: {sorted(by_worker.values())}")  # noqa: T201
