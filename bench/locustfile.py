"""The load test's people (run by bench/load_test.py; locust headless, loopback only).

Accounts and ids come from the generated data (`qiangji generate`): the driver writes them
to the JSON file named by QJ_LOAD_WORLD. Each user class is a role's morning as people use
the platform: a secretary's concerns and plan, a leader's dashboards, a mentor's reviews,
residents on their phones (the public form and the survey entrance), the API, and /healthz
as the baseline in the same run. QJ_LOAD_MAX_REQUESTS stops the run after that many requests.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, events, task

WORLD = json.loads(open(os.environ["QJ_LOAD_WORLD"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = WORLD["password"]
MAX_REQUESTS = int(os.environ.get("QJ_LOAD_MAX_REQUESTS", "0"))
_count = 0


_ENV: dict = {}


@events.init.add_listener
def _keep_env(environment, **kwargs):
    _ENV["env"] = environment


@events.request.add_listener
def _bound(**kwargs):
    """Stop the run after QJ_LOAD_MAX_REQUESTS requests (bounded in requests, not only time)."""
    global _count
    _count += 1
    env = _ENV.get("env")
    if MAX_REQUESTS and _count == MAX_REQUESTS and env is not None and env.runner is not None:
        env.runner.quit()


class LoggedIn(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    accounts: list[str] = []

    def on_start(self) -> None:
        self.me = random.choice(self.accounts)
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/accounts/login/",
            {
                "username": self.me["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
        )


class Secretary(LoggedIn):
    weight = 5
    accounts = WORLD["secretaries"]

    @task(3)
    def workbench(self):
        self.client.get("/", name="workbench /")

    @task(5)
    def concerns(self):
        self.client.get(f"/concerns/?territory={self.me['community']}", name="concerns list")

    @task(2)
    def open_concerns_by_priority(self):
        self.client.get(
            f"/concerns/?territory={self.me['community']}&state=open&order=priority",
            name="concerns open by priority",
        )

    @task(3)
    def top(self):
        self.client.get(f"/concerns/top/?territory={self.me['community']}", name="concerns top")

    @task(2)
    def concern(self):
        if self.me["concerns"]:
            self.client.get(
                f"/concerns/{random.choice(self.me['concerns'])}/", name="concern detail"
            )

    @task(1)
    def search(self):
        self.client.get(
            f"/concerns/?territory={self.me['community']}&q=路灯", name="concerns search"
        )

    @task(2)
    def plan(self):
        if self.me["plan"]:
            self.client.get(f"/plans/{self.me['plan']}/", name="plan detail")

    @task(1)
    def activities(self):
        self.client.get("/workshops/", name="activities")


class Leader(LoggedIn):
    weight = 1
    accounts = WORLD["leaders"]

    @task(2)
    def dashboards(self):
        self.client.get("/insights/", name="insights home")

    @task(2)
    def leader_view(self):
        self.client.get("/insights/leader/", name="insights leader")

    @task(1)
    def stats(self):
        self.client.get("/concerns/stats/", name="concerns stats")

    @task(1)
    def workbench(self):
        self.client.get("/", name="workbench /")


class Mentor(LoggedIn):
    weight = 1
    accounts = WORLD["mentors"]

    @task(3)
    def reviews(self):
        self.client.get("/reviews/", name="reviews home")

    @task(1)
    def programme(self):
        self.client.get(f"/reviews/programme/{self.me['programme']}/", name="reviews programme")

    @task(1)
    def ranking(self):
        self.client.get(
            f"/reviews/programme/{self.me['programme']}/ranking/", name="reviews ranking"
        )


class Resident(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    @task(3)
    def form(self):
        self.client.get(
            f"/concerns/c/{random.choice(WORLD['communities'])}/", name="resident concern form"
        )

    @task(1)
    def survey(self):
        self.client.get(
            f"/surveys/c/{random.choice(WORLD['communities'])}/", name="resident survey entrance"
        )


class ApiClient(LoggedIn):
    weight = 1
    accounts = WORLD["secretaries"]

    @task
    def concerns(self):
        self.client.get(f"/api/concerns/?territory={self.me['community']}", name="api concerns")


class Health(HttpUser):
    weight = 1
    wait_time = between(0.5, 1)

    @task
    def healthz(self):
        self.client.get("/healthz", name="/healthz (baseline)")
