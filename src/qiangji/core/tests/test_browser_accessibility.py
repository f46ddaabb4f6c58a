"""axe-core finds no serious or critical WCAG 2.1 A/AA violation on every role's workbench
and on the main page of every app, with the whole demo, on an office screen and a phone.

Every browser test already runs axe after each page load (`AxeWatch` in the `new_page`
fixture), once per kind of page and width; this test makes sure the pages every person starts
from are checked for each persona, not only for whichever persona a test happened to use.
"""

import pytest
from django.test import RequestFactory

from qiangji.accounts.permissions import access_for
from qiangji.core.demo import load_capabilities
from qiangji.core.navigation import nav_items, public_links
from qiangji.core.testing import ROLE_PERSONAS, AxeWatch
from qiangji.core.tests.test_browser_navigation import log_in_as

pytestmark = pytest.mark.browser

ROLES = ("admin", *ROLE_PERSONAS)
VIEWPORTS = ({"width": 1280, "height": 800}, {"width": 390, "height": 844})


def _menu_urls(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [item.url for item in nav_items(request, access_for(user))]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_axe_finds_no_serious_violation_on_workbenches_and_app_pages(
    new_page, live_server, demo_world, viewport
):
    load_capabilities(demo_world)
    page = new_page(viewport)
    axe = AxeWatch("strict")
    checked: list[str] = []

    def visit(path: str, *, per_persona: bool) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, (path, response)
        page.wait_for_load_state("networkidle")  # charts and htmx fragments drawn
        axe.check(page, reuse=not per_persona)
        if per_persona:
            assert page.evaluate("typeof axe.run") == "function", path  # axe did run here
        checked.append(path)

    # Residents, without an account: the home page, the login page, a community's public pages.
    visit("/", per_persona=True)
    visit("/accounts/login/", per_persona=True)
    for link in public_links(demo_world.shiliuyuan):
        visit(link.url, per_persona=True)
    # Each role's workbench, then each app's main page as the first role whose menu has it.
    menu_pages: set[str] = set()
    for role in ROLES:
        user = demo_world.users[role]
        log_in_as(page.context, live_server, user)
        visit("/", per_persona=True)
        for url in _menu_urls(user):
            if url not in menu_pages:
                menu_pages.add(url)
                visit(url, per_persona=False)

    assert len(checked) >= len(ROLES) + 10, checked
    assert axe.finish() == "", f"axe at {viewport['width']}px:\n{axe.finish()}"
