"""The pages: the phone update with a photo, conflicts, bad input, press, overdue, public page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from qiangji.implementation.models import Evidence, Item, Milestone
from qiangji.implementation.tests.factories import make_delivery
from qiangji.lib.images import has_gps

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 12.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def task(demo_world) -> Item:
    return make_delivery(demo_world).items.get(title="建立助餐点")


def test_a_secretary_updates_a_task_with_a_photo_in_one_post(
    task, client_for, shiliuyuan_secretary
):
    client = client_for(shiliuyuan_secretary)
    photo = SimpleUploadedFile("现场.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        f"/implementation/item/{task.pk}/update/",
        {"revision": task.revision, "progress": 80, "photo": photo, "from": "quick"},
    )
    assert response.status_code == 302 and response["Location"] == "/implementation/update/"
    task.refresh_from_db()
    assert task.progress == Decimal(80) and task.status.key == "in_progress"
    evidence = Evidence.objects.get(milestone__item=task)
    assert evidence.kind == "photo" and evidence.thumbnail
    assert not has_gps(evidence.file.read())
    assert task.parent.__class__.objects.get(pk=task.parent_id).progress == Decimal(40)


def test_a_file_that_only_claims_to_be_a_photo_is_refused_and_nothing_changes(
    task, client_for, shiliuyuan_secretary
):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = client_for(shiliuyuan_secretary).post(
        f"/implementation/item/{task.pk}/update/",
        {"revision": task.revision, "progress": 50, "photo": fake},
    )
    assert response.status_code == 400
    assert "JPEG" in response.content.decode()
    task.refresh_from_db()
    assert task.progress == 0


def test_a_document_is_checked_by_content(task, client_for, shiliuyuan_secretary):
    client = client_for(shiliuyuan_secretary)
    pdf = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    response = client.post(
        f"/implementation/item/{task.pk}/update/",
        {"revision": task.revision, "note": "会议纪要", "document": pdf},
    )
    assert response.status_code == 302
    assert Evidence.objects.get(kind="document").content_type == "application/pdf"
    liar = SimpleUploadedFile("纪要.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(
        f"/implementation/item/{task.pk}/update/",
        {"revision": task.revision + 1, "note": "x", "document": liar},
    )
    assert response.status_code == 400 and "PDF" in response.content.decode()


def test_a_stale_update_from_a_second_tab_shows_the_conflict_and_keeps_the_note(
    task, client_for, shiliuyuan_secretary
):
    client = client_for(shiliuyuan_secretary)
    url = f"/implementation/item/{task.pk}/update/"
    assert client.post(url, {"revision": task.revision, "progress": 50}).status_code == 302
    response = client.post(url, {"revision": task.revision, "progress": 20, "note": "第二个标签页"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "已有人更新" in html and "第二个标签页" in html
    task.refresh_from_db()
    assert task.progress == Decimal(50)


def test_bad_progress_and_progress_on_a_cancelled_item_get_clear_messages(
    task, client_for, shiliuyuan_secretary
):
    client = client_for(shiliuyuan_secretary)
    url = f"/implementation/item/{task.pk}/update/"
    assert client.post(url, {"revision": task.revision, "progress": 150}).status_code == 400
    cancelled = task.status.programme.delivery_statuses.get(key="cancelled")
    response = client.post(url, {"revision": task.revision, "status": cancelled.pk})
    assert response.status_code == 400 and "原因" in response.content.decode()
    client.post(url, {"revision": task.revision, "status": cancelled.pk, "reason": "取消（示例）"})
    task.refresh_from_db()
    response = client.post(url, {"revision": task.revision, "progress": 30})
    assert response.status_code == 400 and "已取消" in response.content.decode()


def test_milestones_dated_before_the_start_or_far_ahead_are_refused(
    task, client_for, shiliuyuan_secretary
):
    client = client_for(shiliuyuan_secretary)
    url = f"/implementation/item/{task.pk}/milestone/"
    for day in (dt.date(2020, 1, 1), dt.date.today() + dt.timedelta(days=30)):  # noqa: DTZ011
        response = client.post(url, {"title": "开放", "happened_on": day.isoformat()})
        assert response.status_code == 400
    response = client.post(url, {"title": "开放", "happened_on": dt.date.today().isoformat()})  # noqa: DTZ011
    assert response.status_code == 302
    assert task.milestones.filter(title="开放").exists()


def test_spending_over_the_budget_is_flagged(task, client_for, shiliuyuan_secretary):
    client = client_for(shiliuyuan_secretary)
    url = f"/implementation/item/{task.pk}/spend/"
    assert (
        client.post(url, {"amount": "-5", "note": "x", "spent_on": "2026-01-01"}).status_code == 400
    )
    client.post(url, {"amount": "25000", "note": "厨房设备", "spent_on": "2026-01-01"})
    task.refresh_from_db()
    assert task.spent == Decimal(25000) and task.over_budget
    assert "超预算" in client.get(f"/implementation/item/{task.pk}/").content.decode()


def test_the_subdistrict_presses_an_item_and_the_secretary_is_told(
    task, client_for, jiedao_admin, shiliuyuan_secretary
):
    from qiangji.notifications.models import Notice

    response = client_for(jiedao_admin).post(
        f"/implementation/item/{task.pk}/press/", {"note": "请尽快推进"}
    )
    assert response.status_code == 302
    assert task.milestones.filter(source=Milestone.Source.PRESS, text="请尽快推进").exists()
    assert Notice.objects.filter(recipient=shiliuyuan_secretary, kind="delivery_pressed").exists()
    htmx = client_for(jiedao_admin).post(
        f"/implementation/item/{task.pk}/press/", HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 200 and "<html" not in htmx.content.decode()


def test_the_overdue_list_shows_late_items_to_the_subdistrict(task, client_for, jiedao_admin):
    Item.objects.filter(pk=task.pk).update(deadline=dt.date(2020, 1, 1))
    html = client_for(jiedao_admin).get("/implementation/overdue/").content.decode()
    assert "建立助餐点" in html
    assert (
        "助餐站"
        not in client_for(jiedao_admin)
        .get("/implementation/overdue/?flag=pressed")
        .content.decode()
        .split("<main")[1]
        .split("pick-list")[1]
    )


def test_the_public_page_shows_progress_and_no_personal_data(demo_world, client):
    delivery = make_delivery(demo_world)
    html = client.get(f"/implementation/p/{demo_world.shiliuyuan.pk}/").content.decode()
    assert "为老服务主线" in html and "建立助餐点" in html
    assert "张**" not in html  # owners are not shown to the public
    assert delivery.plan.community.name in html or "石榴园" in html
    assert client.get(f"/implementation/p/{demo_world.keershan.pk}/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/implementation/", "/implementation/update/", "/implementation/overdue/"]
)
def test_pages_refuse_the_wrong_method(url, client_for, jiedao_admin, demo_world):
    assert client_for(jiedao_admin).post(url).status_code == 405


def test_approval_page_refuses_a_version_that_is_not_the_latest_reviewed(
    demo_world, client_for, jiedao_admin
):
    delivery = make_delivery(demo_world)
    response = client_for(jiedao_admin).post(
        f"/implementation/approve/{delivery.plan_id}/", {"version": "9"}
    )
    assert response.status_code == 400
    response = client_for(jiedao_admin).post(
        f"/implementation/approve/{delivery.plan_id}/", {"version": "1"}
    )
    assert response.status_code == 400 and "已经立项" in response.content.decode()


def test_workbench_lists_overdue_and_pressed_items_in_constant_queries(
    task, demo_world, jiedao_admin, shiliuyuan_secretary, rf, django_assert_max_num_queries
):
    from qiangji.accounts.permissions import access_for
    from qiangji.implementation import workbench

    Item.objects.filter(pk=task.pk).update(deadline=dt.date(2020, 1, 1))
    request = rf.get("/")
    request.user = shiliuyuan_secretary
    with django_assert_max_num_queries(3):
        todos = {t.kind: t for t in workbench.todos(request, access_for(shiliuyuan_secretary))}
    assert todos["implementation.overdue"].count == 1
    assert todos["implementation.overdue"].urgent
    request.user = jiedao_admin
    todos = {t.kind: t for t in workbench.todos(request, access_for(jiedao_admin))}
    assert todos["implementation.overdue"].url.startswith("/implementation/overdue/")


def test_the_daily_job_tells_the_community_about_overdue_items(task, shiliuyuan_secretary):
    from qiangji.implementation.flags import do_notify_overdue
    from qiangji.notifications.models import Notice

    Item.objects.filter(pk=task.pk).update(deadline=dt.date(2020, 1, 1))
    assert do_notify_overdue() >= 1
    assert Notice.objects.filter(recipient=shiliuyuan_secretary, kind="work_overdue").exists()


def test_evidence_is_served_to_the_programmes_readers_and_public_photos_to_everyone(
    task, client_for, shiliuyuan_secretary, outsider
):
    client = client_for(shiliuyuan_secretary)
    photo = SimpleUploadedFile("现场.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    client.post(
        f"/implementation/item/{task.pk}/update/",
        {"revision": task.revision, "progress": 80, "photo": photo, "note": "示例"},
    )
    evidence = Evidence.objects.get(milestone__item=task)
    url = f"/implementation/evidence/{evidence.pk}/"
    assert client.get(url).status_code == 200
    assert client.get(url, {"size": "thumb"}).status_code == 200
    Milestone.objects.filter(pk=evidence.milestone_id).update(public=False)
    assert client_for(None).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    Milestone.objects.filter(pk=evidence.milestone_id).update(public=True)
    public_page = client_for(None).get(f"/implementation/p/{task.community_id}/").content.decode()
    assert url in public_page and evidence.file.name not in public_page
    response = client_for(None).get(url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
