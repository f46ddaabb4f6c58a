"""The mentor scores with the plan version beside the form on a desktop, above it on a phone."""

from __future__ import annotations

import pytest

from qiangji.core.testing import DESKTOP, PHONE, login
from qiangji.reviews.actions import do_start_review

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "side_by_side"), [(DESKTOP, True), (PHONE, False)])
def test_the_review_page_puts_the_version_beside_the_scores_on_a_desktop_only(
    new_page, live_server, review_world, viewport, side_by_side
):
    world = review_world.world
    review = do_start_review(assignment=review_world.assignment, by=world.users["daoshi"])
    page = new_page(viewport)
    login(page, live_server, "daoshi")
    page.goto(f"{live_server.url}/reviews/review/{review.pk}/")
    version = page.locator(".review-layout > .version-text").bounding_box()
    form = page.locator("#review-form").bounding_box()
    if side_by_side:
        assert version["x"] + version["width"] <= form["x"]  # version left, form right
        assert abs(version["y"] - form["y"]) < 5  # both start at the top
        assert page.locator(".version-text details").get_attribute("open") is not None
        assert page.locator(".version-text .tree").is_visible()
    else:
        assert version["y"] + version["height"] <= form["y"]  # stacked: version first
        assert form["width"] > viewport["width"] * 0.8
