"""The surveys part of `qiangji generate`: two rounds of a satisfaction survey per subdistrict.

`ctx.scale.count("survey_responses")` responses in all, split 40/60 between round 1 (closed,
half a year ago, one-time codes) and round 2 (open now, the open link), spread over the
communities unevenly so that some stay under the n = 30 threshold. Rows are written raw
(`ctx.raw`) with their derived figures, as the platform would have stored them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.db import transaction

from qiangji.surveys import actions
from qiangji.surveys.models import Answer, Kind, Measure, Mode, Response, Survey

CHUNK = 20_000
TEXTS = [
    "希望加装电梯",
    "停车位太少",
    "楼道灯经常坏",
    "多组织老年人活动",
    "垃圾站气味大",
    "路面坑洼积水",
    "增加儿童游乐设施",
    "快递柜不够用",
    "广场舞声音太大",
    "物业服务要改进",
]
RESPONSE_COLUMNS = (
    "id",
    "survey_id",
    "community_id",
    "client_id",
    "content_hash",
    "respondent_key",
    "address_key",
    "submitted_at",
    "flag",
    "counted",
    "exclusion_reason",
    "gain",
    "happiness",
    "security",
    "senses_satisfied",
    "aware",
    "participated",
)
ANSWER_COLUMNS = (
    "id",
    "response_id",
    "question_id",
    "survey_id",
    "community_id",
    "counted",
    "value",
    "text",
)


def _surveys(ctx) -> list[tuple[Survey, list]]:
    """Make each subdistrict's two rounds (with the default questions); return them."""
    made = []
    by_subdistrict = {}
    for programme in ctx.programmes:
        by_subdistrict[programme.subdistrict_id] = programme  # the latest one wins
    for subdistrict in ctx.subdistricts:
        programme = by_subdistrict.get(subdistrict.pk)
        for number, mode, opens, closes in (
            (1, Mode.VERIFIED, ctx.now - dt.timedelta(days=200), ctx.now - dt.timedelta(days=170)),
            (2, Mode.OPEN, ctx.now - dt.timedelta(days=12), ctx.now + dt.timedelta(days=18)),
        ):
            survey = Survey.objects.create(
                title=f"{ctx.today.year}年居民满意度测评（第{'一二'[number - 1]}轮）",
                territory=subdistrict,
                covers_subdistrict=True,
                programme=programme,
                mode=mode,
                opens_at=opens,
                closes_at=closes,
                series=f"{ctx.today.year}年度居民满意度测评",
                round=number,
            )
            questions = actions.add_default_questions(survey)
            made.append((survey, questions))
    return made


def generate(ctx) -> dict[str, int]:
    rng = ctx.rng("surveys")
    total = ctx.scale.count("survey_responses")
    if not total or not ctx.subdistricts:
        return {}
    with transaction.atomic():
        surveys = _surveys(ctx)
    communities_of: dict[int, list[int]] = {}
    for community in ctx.communities:
        communities_of.setdefault(ctx.subdistrict_of[community.pk], []).append(community.pk)
    weights = {c.pk: rng.choice([0.05, 0.3, 1, 1, 1.5, 2]) for c in ctx.communities}
    content = {c.pk: rng.uniform(0.45, 0.8) for c in ctx.communities}
    plan = []  # (survey, questions, community id) per response
    per_survey = {1: 0.4, 2: 0.6}
    for survey, questions in surveys:
        share = per_survey[survey.round] / len(ctx.subdistricts)
        pool = communities_of.get(survey.territory_id, [])
        if not pool:
            continue
        n = round(total * share)
        picks = rng.choices(pool, weights=[weights[c] for c in pool], k=n)
        plan.extend((survey, questions, c) for c in picks)
    db = ctx.db
    made = {"survey_responses": 0, "survey_answers": 0}
    for start in range(0, len(plan), CHUNK):
        part = plan[start : start + CHUNK]
        with transaction.atomic():
            response_ids = ctx.ids(Response, len(part))
            answer_rows, response_rows = [], []
            n_answers = 0
            pending = []
            for rid, (survey, questions, community_id) in zip(response_ids, part, strict=True):
                values = {}
                happy = content[community_id] + (0.05 if survey.round == 2 else 0)
                for q in questions:
                    if q.kind == Kind.SCALE:
                        values[q.pk] = (
                            (5 if rng.random() < 0.4 else 4)
                            if rng.random() < happy
                            else rng.choice((1, 2, 3, 3))
                        )
                    elif q.kind == Kind.SINGLE:
                        values[q.pk] = (
                            rng.choice((0, 1, 1, 2))
                            if q.measure == Measure.AWARENESS
                            else rng.choice((0, 1, 2, 2))
                        )
                    elif q.kind == Kind.TEXT and rng.random() < 0.2:
                        values[q.pk] = TEXTS[rng.randrange(len(TEXTS))] + "（生成）"
                span = (min(survey.closes_at, ctx.now) - survey.opens_at).total_seconds()
                at = survey.opens_at + dt.timedelta(seconds=rng.random() * span)
                if survey.mode == Mode.VERIFIED:
                    at = at.replace(minute=0, second=0, microsecond=0)
                derived = actions._derived(questions, values)
                response_rows.append(
                    (
                        rid,
                        survey.pk,
                        community_id,
                        db.uuid(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        hashlib.sha256(
                            repr((community_id, sorted(values.items()))).encode()
                        ).hexdigest(),
                        "",
                        "",
                        db.moment(at),
                        "",
                        True,
                        "",
                        derived.get("gain"),
                        derived.get("happiness"),
                        derived.get("security"),
                        derived.get("senses_satisfied"),
                        derived.get("aware"),
                        derived.get("participated"),
                    )
                )
                pending.append((rid, survey.pk, community_id, values))
                n_answers += len(values)
            answer_ids = iter(ctx.ids(Answer, n_answers))
            for rid, survey_id, community_id, values in pending:
                for question_id, value in values.items():
                    text = value if isinstance(value, str) else ""
                    number = None if isinstance(value, str) else value
                    answer_rows.append(
                        (
                            next(answer_ids),
                            rid,
                            question_id,
                            survey_id,
                            community_id,
                            True,
                            number,
                            text,
                        )
                    )
            ctx.raw(Response, RESPONSE_COLUMNS, response_rows)
            ctx.raw(Answer, ANSWER_COLUMNS, answer_rows)
        made["survey_responses"] += len(response_rows)
        made["survey_answers"] += len(answer_rows)
        ctx.progress("survey responses", made["survey_responses"], len(plan))
    made["surveys"] = len(surveys)
    return made
