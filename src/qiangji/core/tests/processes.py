"""Real `qiangji worker` / `serve` / `scheduler` processes for the fault and scale-out tests.

`shared_database` hands the test's database to child processes: PostgreSQL's test database
as it is (the test must be transactional, so rows are committed); SQLite's in-memory test
database copied to a file that the test's own connection then uses too. `start` runs a
command through `faulty.py`, which can make one step of the work pause (to be killed there).
Every child runs in its own process group and is killed with it (SIGKILL), by its id.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connections

import qiangji

SRC = Path(qiangji.__file__).resolve().parents[1]


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Yield the environment that points child processes at the test's database."""
    conn = connections["default"]
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("QIANGJI_TESTING", "DEBUG")},
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "qiangji.settings",
        "QIANGJI_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": settings.SECRET_KEY,
        "HTTPS": "0",
        "PYTHONUNBUFFERED": "1",
    }
    if conn.vendor == "postgresql":
        s = conn.settings_dict
        auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
        env["DATABASE_URL"] = (
            f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
        yield env
        return
    path = tmp_path / "shared.sqlite3"
    conn.ensure_connection()
    target = sqlite3.connect(path)
    conn.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    # The in-memory database lives as long as its connection: keep it aside, use the file.
    kept, name = conn.connection, conn.settings_dict["NAME"]
    conn.connection = None
    conn.settings_dict["NAME"] = str(path)
    try:
        env["DATABASE_URL"] = f"sqlite:///{path}"
        yield env
    finally:
        conn.close()
        conn.settings_dict["NAME"] = name
        conn.connection = kept


class Child:
    """A started `qiangji …` command, its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.args = args
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "qiangji.core.tests.faulty", *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: gunicorn's workers die with it
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the command and every process it started (its process group)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.kill()


@contextmanager
def children(tmp_path: Path) -> Iterator[Callable[..., Child]]:
    """Yield `start(*args, env=…, name=…)`; every child still running at the end is killed."""
    started: list[Child] = []

    def start(*args: str, env: dict[str, str], name: str) -> Child:
        child = Child(list(args), env, tmp_path / f"{name}.log")
        started.append(child)
        return child

    try:
        yield start
    finally:
        for child in started:
            child.kill()


def wait_for(check: Callable[[], object], *, timeout: float, what: str, every: float = 0.1):
    """Return check()'s first truthy value, polling; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(port: int) -> bool:
    """Return whether something answers /healthz on this loopback port."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:  # noqa: S310
            return r.status == 200
    except OSError:
        return False
