"""The demo tells the seed's story and agrees with itself (issue 16).

One test loads every app's demo once and checks the invariants a visitor would notice: an
adopted suggestion shows in the next version, tickets are handled at a rate plausible for the
phase the programme is in, the round tables have groups, sign-ins, several authors and votes.
"""

from __future__ import annotations

from django.forms.models import model_to_dict

from qiangji.concerns import demo as concerns_demo
from qiangji.concerns.models import Ticket
from qiangji.concerns.stats import ticket_statistics
from qiangji.plans import demo as plans_demo
from qiangji.plans.models import PlanVersion
from qiangji.reviews import demo as reviews_demo
from qiangji.reviews.models import SuggestionAnswer
from qiangji.workshops import demo as workshops_demo
from qiangji.workshops.models import Activity, ActivityKind, IdeaCard, TableGroup, Vote


def _snapshot(version: PlanVersion) -> tuple:
    nodes = sorted(
        (sorted((k, str(v)) for k, v in model_to_dict(n, exclude=["id", "version"]).items()))
        for n in version.nodes.all()
    )
    return (sorted(version.fields.items()), nodes)


def test_the_demo_agrees_with_itself_and_with_its_phase(demo_world):
    for app in (concerns_demo, workshops_demo, plans_demo, reviews_demo):  # the story's apps
        app.load(demo_world)

    # Every adopted suggestion has a visible change in the next version of its plan.
    adopted = SuggestionAnswer.objects.filter(decision__in=["adopted", "partly"]).select_related(
        "suggestion__review__plan_version__plan"
    )
    checked = 0
    for answer in adopted:
        version = answer.suggestion.review.plan_version
        following = PlanVersion.objects.filter(plan=version.plan, number=version.number + 1).first()
        if following is None:
            continue
        assert _snapshot(version) != _snapshot(following), (
            f"{version.plan.community}: “{answer.suggestion.text}” adopted, "
            f"v{version.number}→v{following.number} shows no difference"
        )
        checked += 1
    assert checked >= 5
    keershan = demo_world.keershan.plans.get()
    v1, v2 = keershan.versions.order_by("number")[:2]
    assert _snapshot(v1) != _snapshot(v2)

    # In the 评估 phase most tickets have been answered; the newest are still open.
    total_row = ticket_statistics(demo_world.subdistrict)[0]
    assert Ticket.objects.count() >= 100
    response_rate, solve_rate = total_row.response_rate, total_row.solve_rate
    assert 60 <= response_rate <= 97, response_rate  # per cent
    assert 45 <= solve_rate <= 90, solve_rate
    assert Ticket.objects.filter(state="accepted").exists()  # the newest are still open

    # Round tables: groups, sign-ins, cards by several people, and votes.
    for activity in Activity.objects.filter(
        kind__in=[ActivityKind.ROUND_TABLE, ActivityKind.SALON]
    ):
        assert activity.groups.exists(), activity
        assert activity.attendances.count() >= 5, activity
    board = TableGroup.objects.filter(
        community=demo_world.shiliuyuan, activity__kind=ActivityKind.SALON
    ).first()
    cards = IdeaCard.objects.filter(group__community=demo_world.shiliuyuan)
    assert cards.values("author").distinct().count() >= 3
    assert Vote.objects.filter(card__group__community=demo_world.shiliuyuan).count() >= 5
    assert board is None or board.cards.count() >= 6
