"""Findings of the walk through every role: the stage, the scores' scale, the ranking's sentence."""

from __future__ import annotations

from django.urls import reverse

from qiangji.plans.actions import do_close_round
from qiangji.reviews.actions import do_set_stage
from qiangji.reviews.tests.test_views import scored  # noqa: F401 — the fixture


def test_the_stage_opens_on_the_latest_published_round_not_one_being_scored(
    scored,  # noqa: F811
    client_for,
):
    world = scored.world
    do_set_stage(programme=world.programme, round_number=1, published=True)
    for plan in (scored.shiliuyuan_plan, scored.keershan_plan):
        do_close_round(plan=plan, by=world.users["jiedao"], note="")
    url = reverse("reviews:stage", kwargs={"pk": world.programme.pk})
    response = client_for(world.users["keershan"]).get(url)
    assert 2 in response.context["rounds"]
    assert response.context["round_number"] == 1
    assert "stage-score" in response.text
    chosen = client_for(world.users["keershan"]).get(url + "?round=2")
    assert chosen.context["round_number"] == 2


def test_a_review_shows_its_mean_on_the_rubrics_scale_and_explains_the_100_point_figure(
    scored,  # noqa: F811
    client_for,
):
    from qiangji.reviews.models import Review

    review = Review.objects.filter(status=Review.Status.SUBMITTED).first()
    assert review.rubric.scale_max == 5
    page = client_for(scored.world.users["jiedao"]).get(
        reverse("reviews:review", kwargs={"pk": review.pk})
    )
    assert f'{review.mean_on_scale:.1f}</strong> <small class="muted">/ 5</small>' in page.text
    assert "/ 100" not in page.text
    assert "百分制" in page.text  # the 100-point figure is said to be one, with its meaning


def test_four_four_three_four_three_on_one_to_five_reads_three_point_six():
    from qiangji.reviews.models import Review, Rubric

    review = Review(rubric=Rubric(scale_min=1, scale_max=5), total=65.0)
    assert review.mean_on_scale == 3.6


def test_the_ranking_leads_with_a_sentence_naming_the_first_band(
    scored,  # noqa: F811
    client_for,
):
    world = scored.world
    response = client_for(world.users["jiedao"]).get(
        reverse("reviews:ranking", kwargs={"pk": world.programme.pk})
    )
    sentence = response.context["sentence"]
    assert "石榴园社区" in sentence and "第一" in sentence
    assert "满分5" in sentence or "/5" in sentence or "5分" in sentence
    assert response.text.index("ranking-sentence") < response.text.index("<table")


def test_the_plans_review_tab_shows_only_to_those_who_may_open_it(review_world, client_for):
    world = review_world.world
    plan = review_world.shiliuyuan_plan
    tab = reverse("reviews:plan", kwargs={"pk": plan.pk})
    page = reverse("plans:detail", kwargs={"pk": plan.pk})
    for username, shown in [
        ("shiliuyuan", True),
        ("daoshi", True),
        ("keershan", False),
        ("wangge", False),
    ]:
        client = client_for(world.users[username])
        response = client.get(page)
        assert response.status_code == 200, username
        assert (f'href="{tab}"' in response.text) is shown, username
        assert (client.get(tab).status_code == 200) is shown, username


def test_another_communitys_staff_see_no_review_events_in_a_plans_history(
    scored,  # noqa: F811
    client_for,
):
    world = scored.world
    url = reverse("plans:timeline", kwargs={"pk": scored.shiliuyuan_plan.pk})
    own = client_for(world.users["shiliuyuan"]).get(url).text
    other = client_for(world.users["keershan"]).get(url)
    assert other.status_code == 200
    assert "/reviews/review/" in own
    assert "/reviews/review/" not in other.text


def test_a_suggestion_is_shown_once_on_the_plan_page_open_or_answered(
    scored,  # noqa: F811
    client_for,
):
    from qiangji.reviews.models import Review

    world = scored.world
    url = reverse("reviews:plan", kwargs={"pk": scored.shiliuyuan_plan.pk})
    suggestion = Review.objects.get(
        reviewer=world.users["daoshi"], plan_version=scored.v1
    ).suggestions.get()
    anchor = f'id="suggestion-{suggestion.pk}"'
    for username in ("shiliuyuan", "jiedao"):  # the community (with the form), a reader
        page = client_for(world.users[username]).get(url).text
        assert page.count(anchor) == 1, username
        assert page.count("<p>站点写明开放时间</p>") == 1, username
    client_for(world.users["shiliuyuan"]).post(
        reverse("reviews:suggestion_answer", kwargs={"pk": suggestion.pk}),
        {"decision": "partly", "reason": "工作日开放"},
    )
    page = client_for(world.users["shiliuyuan"]).get(url).text
    assert page.count(anchor) == 1
    assert page.count("<p>站点写明开放时间</p>") == 1
