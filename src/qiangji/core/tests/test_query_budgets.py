"""Query budgets: a page runs as many SQL queries with a lot of data as with a little.

Every GET route of every app's permission matrix (`tests/test_permission_matrix.py`) is
requested by one persona allowed to open it, on the whole demo, then again after the
generator (`core/generate.py`) has added many concerns with tickets and activities with
attendance inside the demo's own communities and programme. The number of queries must not
change (as Zulip pins query counts per request). A page that cannot be opened with the demo
alone (its matrix builds special objects first) is skipped and counted; the test asserts
that most pages are covered.

KNOWN_GROWTH lists pages whose count grows today, with the counts seen: each is an N+1 to
fix; the test fails if one of them stops growing (remove it) or any other page starts.
"""

import importlib
import random

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qiangji.accounts.models import Role, RoleGrant
from qiangji.core.demo import load_capabilities, load_foundation
from qiangji.core.generate import SCALES, Context
from qiangji.core.testing import DEMO_PASSWORD
from qiangji.programmes.models import Phase
from qiangji.territories.models import Kind, Territory

pytestmark = pytest.mark.django_db

# The persona who opens a page, in this order of preference (the busiest scope first).
PREFERENCE = (
    "jiedao",
    "shiliuyuan",
    "lingdao",
    "daoshi",
    "wangge",
    "shiliuyuan_staff",
    "keershan",
    "admin",
    "anonymous",
    "outsider",
)
KNOWN_GROWTH: dict[str, str] = {}
# Pages that raise on the demo data today (reported to their owners; not this test's subject).
KNOWN_BROKEN: set[str] = set()


def _routes():
    for config in apps.get_app_configs():
        if not config.name.startswith("qiangji."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.test_permission_matrix")
        except ModuleNotFoundError:
            continue
        yield from getattr(module, "ROUTES", [])


def demo_context(world, scale) -> Context:
    """A generator context whose territories, people and programme are the demo's own."""
    ctx = Context(scale, seed=5)
    ctx.city, ctx.districts, ctx.subdistricts = world.city, [world.district], [world.subdistrict]
    ctx.communities = list(world.communities.values())
    for child in Territory.objects.filter(
        parent__in=ctx.communities, kind__in=[Kind.COMPOUND, Kind.GRID]
    ):
        (ctx.compounds if child.kind == Kind.COMPOUND else ctx.grids).setdefault(
            child.parent_id, []
        ).append(child.pk)
    grants = RoleGrant.objects.select_related("user")
    for grant in grants.filter(role=Role.COMMUNITY_SECRETARY):
        ctx.secretary[grant.territory_id] = grant.user
    for community in ctx.communities:
        ctx.subdistrict_of[community.pk] = world.subdistrict.pk
        ctx.secretary.setdefault(community.pk, world.users["shiliuyuan"])
        ctx.staff[community.pk] = []
    ctx.mentors[world.subdistrict.pk] = [g.user for g in grants.filter(role=Role.MENTOR)]
    ctx.programmes = [world.programme]
    ctx.enrolled[world.programme.pk] = [c.pk for c in ctx.communities]
    ctx.phases[world.programme.pk] = list(
        Phase.objects.filter(programme=world.programme).order_by("order")
    )
    return ctx


def _count(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries.captured_queries)


def test_every_page_runs_the_same_number_of_queries_with_ten_times_the_data(settings):
    settings.CONCERNS_FORM_RATE_LIMIT = 10_000
    world = load_foundation(password=DEMO_PASSWORD)
    load_capabilities(world)
    clients = {}
    for persona in PREFERENCE:
        client = Client()
        if persona != "anonymous":
            from qiangji.accounts.models import User

            user = world.users.get(persona) or User.objects.get_or_create(username=persona)[0]
            client.force_login(user)
        clients[persona] = client
    pages = []
    skipped = []
    broken: dict[str, str] = {}
    for route in _routes():
        if route.method != "get" or not route.allowed:
            continue
        persona = next((p for p in PREFERENCE if p in route.allowed), None)
        if persona is None:
            continue
        try:
            url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
        except Exception:  # noqa: BLE001 — the route needs objects its own matrix test builds
            skipped.append(route.name)
            continue
        try:
            _count(clients[persona], url)
            _count(clients[persona], url)  # warm per-process caches (menus, rubrics)
            status, small = _count(clients[persona], url)
        except Exception as exc:  # noqa: BLE001 — reported below, not hidden
            broken[route.name] = f"{type(exc).__name__}: {str(exc)[:120]}"
            continue
        if status != 200:
            skipped.append(route.name)
            continue
        pages.append((route.name, persona, url, small))

    from qiangji.concerns import generate as concerns_generate
    from qiangji.workshops import generate as workshops_generate

    scale = SCALES["subdistrict"].shrunk(5)  # 2,000 concerns with tickets, 25 activities
    ctx = demo_context(world, scale)
    concerns_generate.generate(ctx)
    workshops_generate.generate(ctx)
    random.seed(0)

    grown = {}
    for name, persona, url, small in pages:
        _count(clients[persona], url)  # warm again: the new data changed cache keys (versions)
        status, large = _count(clients[persona], url)
        assert status == 200, (name, url, status)
        if large != small:
            grown[name] = f"{small} → {large}"
    assert set(broken) <= KNOWN_BROKEN, f"pages that fail on the demo: {broken}"
    assert len(pages) >= 60, f"only {len(pages)} pages measured; skipped {skipped}"
    unexpected = {k: v for k, v in grown.items() if k not in KNOWN_GROWTH}
    assert not unexpected, f"queries grow with the data on: {unexpected}"
    fixed = sorted(set(KNOWN_GROWTH) - set(grown))
    assert not fixed, f"these pages no longer grow: remove them from KNOWN_GROWTH: {fixed}"
