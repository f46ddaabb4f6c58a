"""The anonymous "similar concerns" list: public concerns only, masked, rate-limited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.models import Concern, MeToo


@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


def _similar(client, community, text: str):
    return client.get(
        reverse("concerns:public_similar", args=[community.pk]),
        {"text": text},
        headers={"HX-Request": "true"},
    )


def test_the_similar_list_shows_only_concerns_the_community_made_public(client, community):
    private = do_file_concern(community=community, text="示例一区3栋电梯又坏了，困人", person="a")
    response = _similar(client, community, "示例一区3栋电梯坏了")
    assert response.status_code == 200
    assert "电梯" not in response.text
    assert f"/metoo/{private.pk}/" not in response.text
    Concern.objects.filter(pk=private.pk).update(public=True)
    response = _similar(client, community, "示例一区3栋电梯坏了")
    assert f"/metoo/{private.pk}/" in response.text


def test_the_form_offers_no_private_concern_before_filing(client, community):
    do_file_concern(community=community, text="示例一区3栋电梯又坏了，老人下不了楼", person="a")
    response = client.post(
        reverse("concerns:public_form", args=[community.pk]),
        {"text": "示例一区3栋电梯坏了，老人下不了楼"},
    )
    assert response.status_code == 302
    assert Concern.objects.count() == 2


def test_similar_concerns_are_shown_with_names_phones_and_door_numbers_masked(client, community):
    concern = do_file_concern(
        community=community,
        text="我叫张三丰，3栋2单元501室电梯坏了，电话13812345678",
        person="a",
    )
    Concern.objects.filter(pk=concern.pk).update(public=True)
    response = _similar(client, community, "3栋2单元电梯坏了")
    assert f"/metoo/{concern.pk}/" in response.text
    for secret in ("张三丰", "501室", "13812345678"):
        assert secret not in response.text
    assert "3栋" in response.text


def test_the_similar_fragment_is_rate_limited_per_address(client, community, settings):
    settings.CONCERNS_SIMILAR_RATE_LIMIT = 3
    concern = do_file_concern(
        community=community, text="小区门口垃圾没人清运，臭气熏天", person="a"
    )
    Concern.objects.filter(pk=concern.pk).update(public=True)
    statuses = [_similar(client, community, "门口垃圾没人清运").status_code for _ in range(5)]
    assert statuses[:3] == [200] * 3
    assert statuses[3:] == [429, 429]
    limited = _similar(client, community, "门口垃圾没人清运")
    assert "垃圾" not in limited.text and 'id="similar"' in limited.text
    other = client.get(
        reverse("concerns:public_similar", args=[community.pk]),
        {"text": "门口垃圾没人清运"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200 and "垃圾" in other.text


def test_me_too_on_a_concern_not_made_public_is_refused(client, community):
    private = do_file_concern(community=community, text="示例：楼道堆放杂物", person="a")
    url = reverse("concerns:public_metoo", args=[community.pk, private.pk])
    assert client.post(url).status_code == 404
    assert not MeToo.objects.exists()
    Concern.objects.filter(pk=private.pk).update(public=True)
    assert client.post(url).status_code == 302
    assert MeToo.objects.filter(concern=private).count() == 1


def test_a_secretary_makes_a_concern_public_and_hides_it_again(
    client_for, shiliuyuan_secretary, community
):
    concern = do_file_concern(community=community, text="示例：小区健身器材损坏", person="a")
    client = client_for(shiliuyuan_secretary)
    url = reverse("concerns:set_public", args=[concern.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"public": "1"})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.public is True
    page = client.get(reverse("concerns:detail", args=[concern.pk]))
    assert url in page.text
    response = client.post(url, {"public": "0"}, headers={"HX-Request": "true"})
    assert response.status_code in (200, 204, 302)
    concern.refresh_from_db()
    assert concern.public is False


def test_people_who_do_not_work_in_the_community_cannot_make_its_concerns_public(
    client_for, keershan_secretary, outsider, community
):
    concern = do_file_concern(community=community, text="示例：小区健身器材损坏", person="a")
    url = reverse("concerns:set_public", args=[concern.pk])
    assert client_for(keershan_secretary).post(url, {"public": "1"}).status_code in (403, 404)
    assert client_for(outsider).post(url, {"public": "1"}).status_code in (403, 404)
    concern.refresh_from_db()
    assert concern.public is False


def test_the_demo_offers_its_public_lift_concern_to_a_resident_who_types_about_the_lift(
    client, demo_world
):
    from qiangji.concerns import demo

    demo.load(demo_world)
    community = demo_world.shiliuyuan
    response = _similar(client, community, "石榴园示例一区3栋电梯又坏了，老人上下楼很困难")
    assert response.status_code == 200 and "电梯" in response.text
    shown = [int(part.split("/")[0]) for part in response.text.split("/metoo/")[1:]]
    assert shown and all(Concern.objects.get(pk=pk).public for pk in shown)
    assert not Concern.objects.filter(pk__in=shown, text__contains="装修").exists()
    before = MeToo.objects.filter(concern_id=shown[0]).count()
    url = reverse("concerns:public_metoo", args=[community.pk, shown[0]])
    assert client.post(url).status_code == 302
    assert MeToo.objects.filter(concern_id=shown[0]).count() == before + 1
