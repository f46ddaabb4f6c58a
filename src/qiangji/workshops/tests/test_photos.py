"""Photos: checked by content, stored without EXIF/GPS, thumbnails made by a task."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from qiangji.lib.images import has_gps
from qiangji.workshops.models import Photo


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (30.0, 12.0, 5.0)
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (20, 120, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_uploaded_photo_loses_its_gps_and_gets_a_thumbnail(
    client_for, jiedao_admin, salon, django_capture_on_commit_callbacks
):
    original = _jpeg_with_gps()
    assert has_gps(original)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(jiedao_admin).post(
            reverse("workshops:photo_upload", args=[salon.pk]),
            {
                "image": SimpleUploadedFile("IMG_0001.jpg", original, "image/jpeg"),
                "caption": "圆桌会谈",
                "credit": "通讯员供图",
            },
        )
    assert response.status_code == 302
    photo = Photo.objects.get(activity=salon)
    with photo.image.open("rb") as handle:
        stored = handle.read()
    assert not has_gps(stored)
    assert (photo.width, photo.height) == (1200, 800)
    photo.refresh_from_db()
    assert photo.thumbnail  # the immediate task backend ran the thumbnail task
    with photo.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert max(thumb.size) == 480


def test_a_non_image_photo_is_refused_with_a_message(client_for, jiedao_admin, salon):
    response = client_for(jiedao_admin).post(
        reverse("workshops:photo_upload", args=[salon.pk]),
        {
            "image": SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture", "image/jpeg"),
            "caption": "x",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "message-error" in response.content.decode()
    assert not Photo.objects.exists()


def test_a_50_mb_photo_is_refused(client_for, jiedao_admin, salon):
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (50 * 1024 * 1024), "image/jpeg")
    response = client_for(jiedao_admin).post(
        reverse("workshops:photo_upload", args=[salon.pk]),
        {"image": big, "caption": "大图"},
        follow=True,
    )
    assert response.status_code == 200
    assert "10 MB" in response.content.decode()
    assert not Photo.objects.exists()


def test_a_secretary_cannot_upload_to_the_subdistricts_activity(
    client_for, shiliuyuan_secretary, salon
):
    response = client_for(shiliuyuan_secretary).post(
        reverse("workshops:photo_upload", args=[salon.pk]),
        {"image": SimpleUploadedFile("a.jpg", _jpeg_with_gps(), "image/jpeg"), "caption": "x"},
    )
    assert response.status_code == 403


def test_a_case_gets_a_photo_from_the_subdistrict_admin_only(
    client_for, jiedao_admin, shiliuyuan_secretary, world
):
    from qiangji.workshops.models import Case

    case = Case.objects.first()
    url = reverse("workshops:case_photo_upload", args=[case.pk])
    upload = {
        "image": SimpleUploadedFile("c.jpg", _jpeg_with_gps(), "image/jpeg"),
        "caption": "河头社区平安阵地（示例）",
    }
    assert client_for(shiliuyuan_secretary).post(url, upload).status_code == 403
    upload["image"] = SimpleUploadedFile("c.jpg", _jpeg_with_gps(), "image/jpeg")
    assert client_for(jiedao_admin).post(url, upload).status_code == 302
    photo = case.photos.get()
    assert photo.activity is None and photo.caption == "河头社区平安阵地（示例）"
    html = (
        client_for(shiliuyuan_secretary)
        .get(reverse("workshops:case_detail", args=[case.pk]))
        .content.decode()
    )
    assert "河头社区平安阵地（示例）" in html


def test_the_organiser_removes_a_photo_and_its_files(
    client_for, jiedao_admin, shiliuyuan_secretary, salon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(jiedao_admin).post(
            reverse("workshops:photo_upload", args=[salon.pk]),
            {
                "image": SimpleUploadedFile("a.jpg", _jpeg_with_gps(), "image/jpeg"),
                "caption": "待删除",
            },
        )
    photo = Photo.objects.get(caption="待删除")
    photo.refresh_from_db()
    storage, names = photo.image.storage, [photo.image.name, photo.thumbnail.name]
    assert all(storage.exists(name) for name in names)
    url = reverse("workshops:photo_delete", args=[photo.pk])
    assert client_for(shiliuyuan_secretary).post(url).status_code == 403
    assert client_for(jiedao_admin).get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(jiedao_admin).post(url).status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not any(storage.exists(name) for name in names)


def test_a_photo_is_served_only_to_who_may_see_its_activity(
    client_for, jiedao_admin, outsider, salon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(jiedao_admin).post(
            reverse("workshops:photo_upload", args=[salon.pk]),
            {
                "image": SimpleUploadedFile("IMG_0001.jpg", _jpeg_with_gps(), "image/jpeg"),
                "caption": "x",
            },
        )
    photo = Photo.objects.get(activity=salon)
    url = reverse("workshops:photo", args=[photo.pk])
    response = client_for(jiedao_admin).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    thumb = client_for(jiedao_admin).get(url, {"size": "thumb"})
    assert thumb.status_code == 200
    assert b"".join(thumb.streaming_content) != b"".join(response.streaming_content)
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to the login page
    page = client_for(jiedao_admin).get(reverse("workshops:activity_detail", args=[salon.pk]))
    assert url in page.content.decode() and photo.image.name not in page.content.decode()
