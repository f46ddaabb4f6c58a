"""End to end on a 390×844 phone: a secretary updates a task with a photo; the public page
shows the new progress; the resident whose concern was linked sees 已落实; the subdistrict
sees the overdue list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.defaultfilters import floatformat
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.views import follow_token
from qiangji.core.testing import DESKTOP, PHONE, login, screenshot
from qiangji.implementation.actions import do_link_concern
from qiangji.implementation.models import Evidence, Item
from qiangji.implementation.tests.factories import make_delivery

pytestmark = pytest.mark.browser


def _photo(path) -> str:
    image = Image.new("RGB", (800, 600), (240, 236, 228))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 150, 700, 450), fill=(198, 40, 40))
    draw.rectangle((330, 280, 470, 450), fill=(250, 250, 250))
    image.save(path, "JPEG")
    return str(path)


def test_a_secretary_updates_a_task_with_a_photo_and_the_loop_closes_for_the_resident(
    new_page, live_server, demo_world, tmp_path
):
    delivery = make_delivery(demo_world)
    task = delivery.items.get(title="建立助餐点")
    late = delivery.items.get(title="招募志愿者")
    Item.objects.filter(pk=late.pk).update(deadline=dt.date(2026, 3, 1))
    concern = do_file_concern(
        community=demo_world.shiliuyuan, text="希望社区增设老年助餐点，独居老人吃饭不方便（示例）"
    )
    do_link_concern(item=task, delivery=delivery, concern_id=concern.pk, text=concern.summary)

    # The secretary, in the field: pick the task, 100 %, a photo, done.
    page = new_page(PHONE)
    login(page, live_server, "shiliuyuan")
    page.goto(f"{live_server.url}/implementation/update/")
    expect(
        page.locator(".pick-list a", has_text="招募志愿者").locator(".flag.overdue")
    ).to_be_visible()
    screenshot(page, "implementation-pick-phone")
    page.locator(".pick-list a", has_text="建立助餐点").click()
    page.locator(".progress-chips label", has_text="100%").click()
    page.set_input_files("input[name=photo]", _photo(tmp_path / "现场.jpg"))
    screenshot(page, "implementation-update-phone")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".message", has_text="建立助餐点")).to_be_visible()
    assert Evidence.objects.filter(milestone__item=task, kind="photo").count() == 1

    # Anyone, without an account: the community's public page shows the new progress.
    public = new_page(PHONE)
    public.goto(f"{live_server.url}/implementation/p/{demo_world.shiliuyuan.pk}/")
    delivery.refresh_from_db()
    expect(public.locator("#overall-progress")).to_have_text(
        f"{floatformat(delivery.progress, 0)}%"
    )
    assert delivery.progress > 0
    expect(public.locator(".photo-grid img").first).to_be_visible()
    screenshot(public, "implementation-public-phone")

    # The resident who raised the concern follows it: 已落实.
    resident = new_page(PHONE)
    resident.goto(
        f"{live_server.url}/concerns/c/{demo_world.shiliuyuan.pk}/follow/{follow_token(concern.pk)}/"
    )
    expect(resident.locator(".outcome-done")).to_contain_text("已落实")
    expect(resident.locator(".outcome-done")).to_contain_text("建立助餐点")
    screenshot(resident, "implementation-concern-delivered-phone")

    # The subdistrict sees what is late, and presses it.
    admin = new_page(PHONE)
    login(admin, live_server, "jiedao")
    admin.goto(f"{live_server.url}/implementation/overdue/")
    expect(admin.locator(".pick-list", has_text="招募志愿者")).to_be_visible()
    screenshot(admin, "implementation-overdue-phone")
    desktop = new_page(DESKTOP)
    login(desktop, live_server, "jiedao")
    desktop.goto(f"{live_server.url}/implementation/d/{delivery.pk}/")
    expect(desktop.locator(".flag.overdue").first).to_be_visible()
    screenshot(desktop, "implementation-delivery-desktop")
    desktop.goto(f"{live_server.url}/implementation/item/{task.pk}/")
    screenshot(desktop, "implementation-item-desktop")
    assert PHONE == {"width": 390, "height": 844}
