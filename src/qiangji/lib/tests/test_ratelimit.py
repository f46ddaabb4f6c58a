"""Rate limits are shared by every worker and keyed on the client behind a trusted proxy."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from qiangji.concerns.models import Concern
from qiangji.core.models import RateCounter
from qiangji.lib.ratelimit import Limit, client_address, prune

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_redis(settings):
    """Run on the per-process local cache even where Redis is configured (as in CI).

    Clearing the local cache then stands for "another worker process": the count must be in
    the database, which every worker shares.
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def _request(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_rightmost_untrusted_hop(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client forged the first entry; nginx appended the real address.
    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3")
    assert client_address(request) == "198.51.100.7"


def test_a_request_not_from_the_proxy_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.usefixtures("without_redis")
def test_the_count_lives_in_the_database_when_there_is_no_redis():
    limit = Limit("test", 3, 60)
    assert [limit.hit("k") for _ in range(4)] == [1, 2, 3, 4]
    cache.clear()  # another worker has its own local memory: the count must not be there
    assert limit.exceeded("k")
    assert RateCounter.objects.get().count == 4


@pytest.mark.usefixtures("without_redis")
def test_ended_windows_are_pruned():
    Limit("test", 3, 60).hit("k")
    RateCounter.objects.update(expires_at=0)
    assert prune() == 1


def _post(client, community, i, **extra):
    return client.post(
        reverse("concerns:public_form", args=[community.pk]),
        {"text": f"第{i}件事：路灯坏了{i}号", "confirm_new": "on"},
        **extra,
    )


@pytest.mark.usefixtures("without_redis")
def test_a_second_worker_shares_the_public_forms_count(client, demo_world):
    community = demo_world.shiliuyuan
    statuses = []
    for i in range(10):
        cache.clear()  # each request served by a fresh worker process
        statuses.append(_post(client, community, i).status_code)
    assert statuses.count(302) == 5 and statuses[-1] == 429
    assert Concern.objects.count() == 5


def test_residents_behind_the_proxy_each_have_their_own_count(client, demo_world, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    community = demo_world.shiliuyuan
    for i in range(5):
        assert _post(client, community, i, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert _post(client, community, 9, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert _post(client, community, 10, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
