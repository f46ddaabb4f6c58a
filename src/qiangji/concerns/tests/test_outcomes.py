"""A concern's public page, and what other apps report about it through the plug-in."""

from __future__ import annotations

import pytest
from django.core import signing

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.views import follow_token

pytestmark = pytest.mark.django_db


def test_the_resident_gets_a_link_to_follow_the_concern_they_filed(demo_world, client):
    response = client.post(
        f"/concerns/c/{demo_world.shiliuyuan.pk}/",
        {"text": "楼下路灯坏了好几天，晚上很黑（示例）", "confirm_new": "on"},
        follow=True,
    )
    html = response.content.decode()
    assert "/follow/" in html
    follow = html.split('href="')[
        [i for i, p in enumerate(html.split('href="')) if "/follow/" in p][0]
    ]
    page = client.get(follow.split('"')[0])
    assert page.status_code == 200
    assert "路灯" in page.content.decode()


def test_the_public_page_masks_phones_and_refuses_forged_tokens(demo_world, client):
    concern = do_file_concern(
        community=demo_world.shiliuyuan,
        text="电梯坏了，联系13812345678",
        reporter_phone="13812345678",
        consent=True,
    )
    url = f"/concerns/c/{demo_world.shiliuyuan.pk}/follow/{follow_token(concern.pk)}/"
    html = client.get(url).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    forged = signing.dumps(concern.pk, salt="other")
    assert client.get(f"/concerns/c/{demo_world.shiliuyuan.pk}/follow/{forged}/").status_code == 404
    other = f"/concerns/c/{demo_world.keershan.pk}/follow/{follow_token(concern.pk)}/"
    assert client.get(other).status_code == 404
    assert client.post(url).status_code == 405
