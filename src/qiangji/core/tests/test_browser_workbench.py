"""Every role's workbench in Chromium with the whole demo: its real to-dos, each leading to
the page where it is done; screenshots on a desktop and a phone for the user guide."""

import pytest
from django.test import RequestFactory

from qiangji.accounts.permissions import access_for
from qiangji.core import workbench
from qiangji.core.demo import load_capabilities
from qiangji.core.testing import PHONE, SCREENSHOTS, screenshot
from qiangji.core.tests.test_browser_navigation import log_in_as

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
ROLES = ("jiedao", "shiliuyuan", "shiliuyuan_staff", "wangge", "daoshi", "lingdao", "admin")
# Where a kind of to-do is done: something that page must show.
LANDS_ON = {
    "concerns.route": "#ticket-table, form[action*='/ticket/']",
    "concerns.overdue": "#ticket-table, form[action*='/ticket/']",
    "concerns.grid": "#ticket-table, form[action*='/ticket/']",
    "concerns.follow_up": "#ticket-table, form[action*='/ticket/']",
    "concerns.sign": "#ticket-table, form[action*='/ticket/']",
    "concerns.handle": "#ticket-table, form[action*='/ticket/']",
    "reviews.suggestions_to_answer": ".open-suggestions",
    "reviews.reviews_due": "#due-h",
}


def _expected(user) -> list[workbench.Todo]:
    request = RequestFactory().get("/")
    request.user = user
    first_page = workbench.todos(request, access_for(user))[:30]
    # Shown grouped by community (the person's own first), each group oldest first.
    return [todo for _community, todos in workbench.by_community(first_page) for todo in todos]


def test_every_roles_workbench_lists_the_demos_to_dos_and_each_leads_where_it_is_done(
    new_page, live_server, demo_world
):
    load_capabilities(demo_world)
    desktop, phone = new_page(DESKTOP), new_page(PHONE)
    seen_kinds = set()
    for role in ROLES:
        user = demo_world.users[role]
        expected = _expected(user)
        for page, suffix in ((desktop, "desktop"), (phone, "phone")):
            log_in_as(page.context, live_server, user)
            page.goto(f"{live_server.url}/")
            shown = page.locator(".todo")
            assert shown.count() == len(expected), role
            labels = [text.strip() for text in page.locator(".todo-label").all_inner_texts()]
            assert labels == [str(todo.label) for todo in expected], role
            counts = page.locator(".todo-count").all_inner_texts()
            assert counts == [str(todo.count) for todo in expected], role
            screenshot(page, f"workbench-{role}-{suffix}")
        for todo in expected:
            response = desktop.goto(f"{live_server.url}{todo.url}")
            assert response.status == 200, (role, todo.kind, todo.url, response.status)
            selector = LANDS_ON.get(todo.kind)
            if selector:
                assert desktop.locator(selector).count() >= 1, (role, todo.kind, todo.url)
                seen_kinds.add(todo.kind)
    # The demo holds real to-dos of these kinds, and each was followed to where it is done.
    assert {"concerns.route", "concerns.overdue", "reviews.suggestions_to_answer"} <= seen_kinds
    assert (SCREENSHOTS / "workbench-shiliuyuan-phone.png").exists()
