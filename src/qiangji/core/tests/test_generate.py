import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.accounts.permissions import access_for
from qiangji.concerns.models import Concern, Ticket, TicketEvent
from qiangji.core.generate import CITY_NAME, SCALES, run
from qiangji.core.plugins import app_modules
from qiangji.lib.text import normalise_for_search
from qiangji.plans.models import PlanVersion
from qiangji.reviews.models import Review
from qiangji.territories.models import Kind, Territory
from qiangji.workshops.models import Activity

pytestmark = pytest.mark.django_db

SMALL = SCALES["subdistrict"].shrunk(20)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for row in Concern.objects.order_by("pk").values_list(
        "community__name", "title", "text", "reported_at"
    ):
        digest.update(repr(row).encode())
    for row in PlanVersion.objects.order_by("pk").values_list(
        "plan__community__name", "number", "fields", "node_count"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_the_city_scale_is_the_size_the_issue_asks_for():
    city = SCALES["city"]
    assert (city.subdistricts, city.communities) == (40, 400)
    assert city.count("concerns") == 1_000_000
    assert city.count("activities") == 5_000
    assert city.count("plans") == 2_000 and city.count("plan_versions") == 5
    assert city.count("reviews") == 50_000


def test_every_app_with_a_generate_module_adds_its_rows():
    summary = run(SMALL, seed=3)
    parts = {m.__name__.split(".")[1] for m in app_modules("generate", include_core=False)}
    assert {"concerns", "workshops", "plans", "reviews"} <= parts
    assert set(summary) == {"foundation", *parts}
    assert (
        Territory.objects.filter(
            kind=Kind.COMMUNITY, path__startswith=Territory.objects.get(name=CITY_NAME).path
        ).count()
        == 11
    )
    assert Concern.objects.count() == SMALL.count("concerns")
    assert Ticket.objects.count() == Concern.objects.count()
    assert TicketEvent.objects.count() >= Ticket.objects.count()
    assert Activity.objects.count() == SMALL.count("activities")
    assert PlanVersion.objects.count() == 5 * SMALL.count("plans")
    assert Review.objects.filter(status="submitted").count() >= SMALL.count("reviews") // 2


def test_generated_concerns_read_as_the_platform_would_have_stored_them():
    run(SMALL, seed=1, apps=["concerns"])
    for concern in Concern.objects.all()[:50]:
        assert concern.search_text == normalise_for_search(f"{concern.title} {concern.text}")
        assert concern.search_tokens
    closed = Ticket.objects.filter(state="closed")
    assert closed.exists()
    assert not closed.filter(concern__closed_at__isnull=True).exists()
    assert Concern.objects.search("路灯").exists()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    prints = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            run(SMALL, seed=seed, apps=["concerns", "plans"])
            prints.append(_fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_a_generated_secretary_works_in_her_community_only():
    run(SMALL, seed=2, password="generated-pass-123", apps=[])
    grant = (
        RoleGrant.objects.filter(role=Role.COMMUNITY_SECRETARY)
        .select_related("user", "territory")
        .first()
    )
    secretary = grant.user
    assert secretary.check_password("generated-pass-123")
    access = access_for(secretary)
    assert access.can_work_in_community(grant.territory)
    other = Territory.objects.filter(kind=Kind.COMMUNITY).exclude(pk=grant.territory_id).first()
    assert not access.can_work_in_community(other)
    assert User.objects.filter(username__startswith="g_mentor").exists()


def test_generating_twice_into_one_database_is_refused_clearly():
    run(SMALL, seed=0, apps=[])
    with pytest.raises(CommandError, match="already in this database"):
        call_command("generate", "--scale", "subdistrict", stdout=StringIO())
