"""Generated reviews: each plan version scored by mentors and peers, with suggestions and answers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from qiangji.lib.stats import weighted_total
from qiangji.plans.models import Plan, PlanVersion
from qiangji.reviews.actions import do_ensure_rubric
from qiangji.reviews.models import Assignment, Remark, Review, Score, Suggestion, SuggestionAnswer
from qiangji.reviews.statistics import percent

OPINIONS = [
    "方案聚焦居民最关切的问题，思路清晰，建议进一步细化项目的责任分工。",
    "品牌定位鲜明，但项目之间的关联还不够紧密，可再梳理主线。",
    "任务可操作性强，建议补充经费来源和持续运营的机制。",
    "创新性较好，建议加强居民参与环节的设计。",
]
SUGGESTIONS = [
    "建议明确每项任务的完成时限。",
    "建议补充居民满意度的测评方式。",
    "建议引入辖区单位共建资源。",
    "建议把志愿者招募纳入常态化机制。",
    "建议量化服务指标，便于年底评估。",
]
REASONS = ["已采纳，方案已相应修改。", "部分采纳，受场地条件限制。", "暂不采纳，将在下一阶段考虑。"]
DECISIONS = ["adopted", "adopted", "partly", "declined"]
CHUNK = 500  # versions per transaction


def generate(ctx) -> dict[str, int]:
    """Make about ctx.scale.count("reviews") submitted reviews over the generated plan versions."""
    rng = ctx.rng("reviews")
    programme_ids = [p.pk for p in ctx.programmes]
    rubrics = {p.pk: do_ensure_rubric(programme=p) for p in ctx.programmes}
    criteria = {pk: list(r.criteria.order_by("order")) for pk, r in rubrics.items()}
    versions = list(
        PlanVersion.objects.filter(plan__programme_id__in=programme_ids)
        .select_related("plan")
        .order_by("pk")
        .values_list(
            "pk", "plan_id", "number", "plan__programme_id", "plan__community_id", "frozen_at"
        )
    )
    if not versions:
        return {}
    per_version = max(1, round(ctx.scale.count("reviews") / len(versions)))
    peers_of: dict[int, list] = {}
    for community in ctx.communities:
        peers_of.setdefault(community.parent_id, []).append(
            (community.pk, ctx.secretary[community.pk])
        )
    subdistrict_of = {p.pk: p.subdistrict_id for p in ctx.programmes}
    made = {
        "assignments": 0,
        "reviews": 0,
        "scores": 0,
        "suggestions": 0,
        "answers": 0,
        "remarks": 0,
    }
    for start in range(0, len(versions), CHUNK):
        chunk = versions[start : start + CHUNK]
        with transaction.atomic():
            assignments, reviews, score_rows, suggestions = [], [], [], []
            for version_id, plan_id, number, programme_id, community_id, frozen_at in chunk:
                subdistrict = subdistrict_of[programme_id]
                reviewers = list(ctx.mentors.get(subdistrict, []))
                reviewers += [s for cid, s in peers_of.get(subdistrict, []) if cid != community_id]
                rubric = rubrics[programme_id]
                for reviewer in reviewers[:per_version]:
                    assignment = Assignment(
                        plan_id=plan_id,
                        round_number=number,
                        reviewer=reviewer,
                        due_on=(frozen_at + dt.timedelta(days=7)).date(),
                        automatic=True,
                    )
                    values = [
                        rng.choices(range(1, 6), weights=(1, 2, 5, 6, 3))[0]
                        for _ in criteria[programme_id]
                    ]
                    total = percent(
                        weighted_total(values, [float(c.weight) for c in criteria[programme_id]]),
                        rubric.scale_min,
                        rubric.scale_max,
                    )
                    submitted = frozen_at + dt.timedelta(days=rng.randint(1, 6))
                    review = Review(
                        assignment=assignment,
                        plan_version_id=version_id,
                        rubric=rubric,
                        reviewer=reviewer,
                        status=Review.Status.SUBMITTED,
                        opinion=rng.choice(OPINIONS),
                        confidence=rng.randint(1, 3),
                        total=round(total, 2),
                        submitted_at=submitted,
                    )
                    assignments.append(assignment)
                    reviews.append(review)
                    score_rows.append((review, values))
                    for order in range(rng.randint(0, 2)):
                        suggestions.append(
                            (
                                Suggestion(
                                    review=review, text=rng.choice(SUGGESTIONS), order=order
                                ),
                                number,
                                community_id,
                            )
                        )
            ctx.bulk(Assignment, assignments, batch_size=2000)
            for review in reviews:
                review.assignment_id = review.assignment.pk
            ctx.bulk(Review, reviews, batch_size=2000)
            scores = [
                Score(
                    review=review,
                    criterion=criterion,
                    value=value,
                    scale_min=review.rubric.scale_min,
                    scale_max=review.rubric.scale_max,
                )
                for review, values in score_rows
                for criterion, value in zip(
                    criteria[review.rubric.programme_id], values, strict=True
                )
            ]
            ctx.bulk(Score, scores, batch_size=2000)
            for suggestion, _n, _c in suggestions:
                suggestion.review_id = suggestion.review.pk
            ctx.bulk(Suggestion, [s for s, _n, _c in suggestions], batch_size=2000)
            answers = [
                SuggestionAnswer(
                    suggestion=suggestion,
                    decision=(decision := rng.choice(DECISIONS)),
                    reason=REASONS[["adopted", "partly", "declined"].index(decision)],
                    round_number=number,
                    answered_by=ctx.secretary[community_id],
                )
                for suggestion, number, community_id in suggestions
                if rng.random() < 0.8
            ]
            ctx.bulk(SuggestionAnswer, answers, batch_size=2000)
        made["assignments"] += len(assignments)
        made["reviews"] += len(reviews)
        made["scores"] += len(scores)
        made["suggestions"] += len(suggestions)
        made["answers"] += len(answers)
        ctx.progress("reviews", made["reviews"], len(versions) * per_version)
    remarks = []
    with transaction.atomic():
        leaders = ctx.leaders
        for plan_id in Plan.objects.filter(programme_id__in=programme_ids).values_list(
            "pk", flat=True
        ):
            if rng.random() < 0.3 and leaders:
                remarks.append(
                    Remark(
                        plan_id=plan_id,
                        author=leaders[rng.randrange(len(leaders))],
                        text="方案贴近群众需求，请抓好落实，形成可复制可推广的经验。",
                        visibility=Remark.Visibility.PROGRAMME,
                        round_number=5,
                    )
                )
        ctx.bulk(Remark, remarks, batch_size=2000)
    made["remarks"] = len(remarks)
    return made
