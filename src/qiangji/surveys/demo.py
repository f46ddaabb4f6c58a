"""Demo surveys: the subdistrict's 2026 satisfaction survey in two rounds across its 11 communities.

Round 1 (May, one-time codes handed out on household visits) is closed; round 2 (from
16 November, the open link on posters) is running. Response counts differ by community as
they would (a few communities stay under the n = 30 threshold); two bursts from one address
are flagged in round 2, one already excluded with its reason. Written answers are samples
(示例); no real resident is represented. Idempotent: surveys are found by series and round.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.db import transaction
from django.utils import timezone

from qiangji.surveys import actions
from qiangji.surveys.models import (
    AccessCode,
    Answer,
    Flag,
    Kind,
    Measure,
    Mode,
    Response,
    Survey,
)

SERIES = "2026年度居民满意度测评"
TZ = dt.timezone(dt.timedelta(hours=8))
ROUNDS = [
    # round, title, mode, opens, closes
    (
        1,
        "2026年居民满意度测评（第一轮）",
        Mode.VERIFIED,
        dt.datetime(2026, 5, 6, 8, tzinfo=TZ),
        dt.datetime(2026, 5, 31, 22, tzinfo=TZ),
    ),
    (
        2,
        "2026年居民满意度测评（第二轮）",
        Mode.OPEN,
        dt.datetime(2026, 11, 16, 8, tzinfo=TZ),
        dt.datetime(2026, 12, 15, 22, tzinfo=TZ),
    ),
]
# Responses per community in round 1 and round 2, in the order of the demo's communities
# (杭州西路, 广州路, 石榴园, 柯尔山, then the seven sample ones): some stay under 30.
COUNTS = {
    1: [168, 142, 215, 236, 88, 61, 24, 47, 17, 121, 73],
    2: [131, 96, 174, 203, 64, 42, 21, 36, 11, 84, 58],
}
# How content residents are (probability of a 4–5 answer) in round 1; round 2 gains a little.
CONTENT = [0.62, 0.58, 0.74, 0.71, 0.55, 0.5, 0.6, 0.52, 0.48, 0.66, 0.57]
SAMPLE_TEXTS = [
    "希望小区加装电梯，老人上下楼太难了（示例）",
    "希望老旧小区加装电梯，老人爬楼困难（示例）",
    "晚上停车位太少，车停到路边不安全（示例）",
    "停车难，希望规划更多停车位（示例）",
    "楼道灯经常坏，晚上回家看不清（示例）",
    "楼道的灯坏了很久没人修（示例）",
    "希望多组织老年人的文体活动（示例）",
    "社区食堂的饭菜可以再便宜一点（示例）",
    "垃圾分类点气味大，夏天尤其严重（示例）",
    "垃圾站太臭了，希望勤清理（示例）",
    "小区门口路面坑洼，下雨积水（示例）",
    "希望增加儿童游乐设施（示例）",
    "快递柜太少，经常取不到件（示例）",
    "广场舞声音太大，影响休息（示例）",
    "社区工作人员态度很好，继续保持（示例）",
]


def _answers(rng: random.Random, questions, content: float, brand_boost: float) -> dict:
    values: dict = {}
    for q in questions:
        if q.kind == Kind.SCALE:
            if rng.random() < content:
                values[q.pk] = 5 if rng.random() < 0.45 else 4
            else:
                values[q.pk] = rng.choice([1, 2, 2, 3, 3, 3, 3])
        elif q.kind == Kind.SINGLE and q.measure == Measure.AWARENESS:
            roll = rng.random()
            values[q.pk] = 0 if roll < 0.25 + brand_boost else 1 if roll < 0.55 + brand_boost else 2
        elif q.kind == Kind.SINGLE:
            roll = rng.random()
            values[q.pk] = (
                0 if roll < 0.15 + brand_boost / 2 else 1 if roll < 0.5 + brand_boost else 2
            )
        elif q.kind == Kind.TEXT and rng.random() < 0.3:
            values[q.pk] = rng.choice(SAMPLE_TEXTS)
    return values


def _survey(
    world, number: int, title: str, mode: str, opens: dt.datetime, closes: dt.datetime
) -> Survey:
    survey = Survey.objects.filter(
        territory=world.subdistrict, series=SERIES, round=number, replaced_by__isnull=True
    ).first()
    if survey is None:
        survey = actions.do_create_survey(
            title=title,
            intro="本次测评不记名，约需2分钟。您的回答只以汇总形式使用，帮助社区改进服务和品牌项目（示例数据）。",
            territory=world.subdistrict,
            programme=world.programme,
            mode=mode,
            opens_at=opens,
            closes_at=closes,
            series=SERIES,
            round=number,
            by=world.users.get("jiedao"),
        )
    return survey


@transaction.atomic
def load(world) -> None:
    communities = list(world.communities.values())
    now = timezone.now()
    for number, title, mode, opens, closes in ROUNDS:
        survey = _survey(world, number, title, mode, opens, closes)
        if survey.responses.exists():
            continue
        questions = list(survey.questions.order_by("order", "pk"))
        rng = random.Random(2026 + number)  # noqa: S311 — reproducible sample data
        end = min(closes, now) if opens < now else opens + dt.timedelta(days=1)
        span = max((end - opens).total_seconds(), 3600)
        responses: list[Response] = []
        answer_values: list[dict] = []
        for index, community in enumerate(communities):
            content = CONTENT[index] + (0.06 if number == 2 else 0)
            brand = 0.05 * number
            for k in range(COUNTS[number][index]):
                values = _answers(rng, questions, content, brand)
                at = opens + dt.timedelta(seconds=rng.random() * span)
                if mode == Mode.VERIFIED:
                    at = at.replace(minute=0, second=0, microsecond=0)
                responses.append(
                    Response(
                        survey=survey,
                        community=community,
                        client_id=uuid.uuid5(
                            uuid.NAMESPACE_URL, f"qiangji-demo/{survey.pk}/{community.pk}/{k}"
                        ),
                        content_hash=actions._content_hash(community.pk, values),
                        submitted_at=at,
                        respondent_key=actions.keyed_hash(
                            "demo-respondent", survey.pk, community.pk, k, length=64
                        )
                        if mode == Mode.OPEN
                        else "",
                        **actions._derived(questions, values),
                    )
                )
                answer_values.append(values)
        # Two bursts in the open round: many answers within minutes from one address.
        if mode == Mode.OPEN:
            for community, size, minute in (
                (communities[8 % len(communities)], 14, 9),
                (communities[5 % len(communities)], 9, 21),
            ):
                address = actions.keyed_hash("address", survey.pk, f"demo-burst-{community.pk}")
                at = opens + dt.timedelta(days=3, hours=minute)
                for k in range(size):
                    values = {q.pk: 5 for q in questions if q.kind == Kind.SCALE}
                    responses.append(
                        Response(
                            survey=survey,
                            community=community,
                            client_id=uuid.uuid5(
                                uuid.NAMESPACE_URL,
                                f"qiangji-demo/burst/{survey.pk}/{community.pk}/{k}",
                            ),
                            content_hash=actions._content_hash(community.pk, values),
                            submitted_at=at + dt.timedelta(seconds=20 * k),
                            address_key=address,
                            flag=Flag.BURST,
                            **actions._derived(questions, values),
                        )
                    )
                    answer_values.append(values)
        created = Response.objects.bulk_create(responses, batch_size=500)
        if not created or created[0].pk is None:  # backends without RETURNING on bulk insert
            created = list(Response.objects.filter(survey=survey).order_by("pk"))
        rows = []
        for response, values in zip(created, answer_values, strict=True):
            for question_id, value in values.items():
                if isinstance(value, str):
                    rows.append(
                        Answer(
                            response=response,
                            question_id=question_id,
                            survey=survey,
                            community_id=response.community_id,
                            text=value,
                        )
                    )
                else:
                    rows.append(
                        Answer(
                            response=response,
                            question_id=question_id,
                            survey=survey,
                            community_id=response.community_id,
                            value=value,
                        )
                    )
        Answer.objects.bulk_create(rows, batch_size=2000)
        if mode == Mode.VERIFIED:
            batch = actions.do_generate_codes(
                survey=survey,
                count=min(len(created) + 200, actions.MAX_CODES_PER_BATCH),
                label="入户走访发放（示例）",
            )
            used = list(batch.codes.order_by("?").values_list("pk", flat=True)[: len(created)])
            AccessCode.objects.filter(pk__in=used).update(used=True)
        else:
            first_burst = (
                Response.objects.filter(survey=survey, flag=Flag.BURST).order_by("pk").first()
            )
            if first_burst is not None:
                burst = Response.objects.filter(
                    survey=survey, flag=Flag.BURST, address_key=first_burst.address_key
                )
                for response in burst:
                    actions.do_exclude_response(
                        response=response,
                        reason="同一网络20秒一份、全部5分，核实为同一人连续提交（示例）",
                        by=world.users.get("jiedao"),
                    )
