"""The demo data: two rounds of reviews that the pages can show, loaded idempotently."""

from __future__ import annotations

from django.urls import reverse

from qiangji.reviews import demo
from qiangji.reviews.interface import open_suggestions
from qiangji.reviews.models import Review, SuggestionAnswer


def test_demo_loads_two_rounds_of_reviews_once(demo_world, client_for):
    demo.load(demo_world)
    submitted = Review.objects.filter(status=Review.Status.SUBMITTED)
    assert submitted.filter(plan_version__number=1).count() == 33  # 11 plans × 3 mentors
    assert submitted.filter(plan_version__number=2).count() > 0
    assert SuggestionAnswer.objects.exists()
    shiliuyuan_plan = demo_world.shiliuyuan.plans.get()
    assert open_suggestions(shiliuyuan_plan)
    count = Review.objects.count()
    demo.load(demo_world)
    assert Review.objects.count() == count
    page = client_for(demo_world.users["lingdao"]).get(
        reverse("reviews:ranking", kwargs={"pk": demo_world.programme.pk}) + "?round=1"
    )
    assert page.status_code == 200 and "Krippendorff" in page.text
