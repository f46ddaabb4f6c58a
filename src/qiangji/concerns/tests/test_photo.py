"""A concern's photo: a random name, served only to who may read the concern."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.models import Concern


def _with_photo(community) -> Concern:
    return do_file_concern(
        community=community,
        text="示例：楼道里堆满了杂物",
        person="a",
        photo=ContentFile(b"\xff\xd8photo", name="concern.jpg"),
    )


def test_a_photo_is_stored_under_a_name_nobody_can_guess(demo_world):
    first, second = _with_photo(demo_world.shiliuyuan), _with_photo(demo_world.shiliuyuan)
    assert "concern" not in first.photo.name.rsplit("/", 1)[1]
    assert first.photo.name != second.photo.name


def test_a_private_concerns_photo_is_for_its_readers_only(
    client_for, shiliuyuan_secretary, keershan_secretary, outsider, demo_world
):
    concern = _with_photo(demo_world.shiliuyuan)
    url = reverse("concerns:photo", args=[concern.pk])
    response = client_for(shiliuyuan_secretary).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8photo"
    assert response["Cache-Control"].startswith("private")
    for person in (None, outsider, keershan_secretary):
        assert client_for(person).get(url).status_code == 404
    assert client_for(shiliuyuan_secretary).post(url).status_code == 405
    page = client_for(shiliuyuan_secretary).get(reverse("concerns:detail", args=[concern.pk]))
    assert url in page.text and concern.photo.name not in page.text


def test_a_public_concerns_photo_is_for_everyone(client, demo_world):
    concern = _with_photo(demo_world.shiliuyuan)
    Concern.objects.filter(pk=concern.pk).update(public=True)
    response = client.get(reverse("concerns:photo", args=[concern.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")


def test_a_concern_without_a_photo_answers_404(client_for, shiliuyuan_secretary, demo_world):
    concern = do_file_concern(community=demo_world.shiliuyuan, text="示例：路灯坏了", person="b")
    url = reverse("concerns:photo", args=[concern.pk])
    assert client_for(shiliuyuan_secretary).get(url).status_code == 404
