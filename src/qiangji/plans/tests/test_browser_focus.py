"""On a phone, a tap on 添加 keeps the cursor in the add box, so the next task is typed at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qiangji.core.testing import PHONE, login
from qiangji.plans.tests.factories import make_plan, make_small_tree

pytestmark = pytest.mark.browser


def test_after_tapping_add_on_a_phone_the_cursor_is_back_in_the_tasks_add_box(
    new_page, live_server, demo_world
):
    plan = make_plan(demo_world)
    nodes = make_small_tree(plan, demo_world.users["shiliuyuan"])
    station = nodes["健康站"]
    page = new_page(PHONE)
    login(page, live_server, "shiliuyuan")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    box = f"#add-{station.pk}"
    for title in ("每周测血压", "每月义诊"):
        page.fill(box, title)
        page.locator(f"form:has({box}) button[type=submit]").click()
        expect(page.locator(".node-title strong", has_text=title)).to_be_visible()
        expect(page.locator(box)).to_be_focused()
