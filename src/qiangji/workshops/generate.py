"""Generated activities with their communities, attendance and round-table boards (`qiangji generate`)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction

from qiangji.workshops.models import (
    Activity,
    ActivityKind,
    Attendance,
    IdeaCard,
    IdeaKind,
    TableGroup,
)

TITLES = {
    ActivityKind.LECTURE: [
        "社区品牌创建要点讲解",
        "党建引领基层治理专题讲座",
        "居民需求调查方法讲解",
    ],
    ActivityKind.PRACTICE: ["诉求办理规范实操", "工单流转规范实操", "入户走访规范实操"],
    ActivityKind.ROUND_TABLE: [
        "社区品牌圆桌会议",
        "居民最关切事项圆桌会议",
        "多元主体共治圆桌会议",
    ],
    ActivityKind.PLAN_TALK: ["品牌创建工作方案汇谈", "方案优化汇谈", "项目立项汇谈"],
    ActivityKind.SALON: [
        "书记沙龙：社区品牌怎么创",
        "书记沙龙：邻里共治经验交流",
        "书记沙龙：智慧养老",
    ],
    ActivityKind.STUDY_VISIT: [
        "赴兄弟社区参观学习",
        "智慧养老服务站参观学习",
        "红色物业示范点参观学习",
    ],
}
VENUES = ["街道党群服务中心", "社区党群服务站", "新时代文明实践站", "社区会议室", "街道综治中心"]
IDEAS = [
    "设立楼栋长议事会",
    "老旧小区加装电梯代办服务",
    "社区食堂与志愿送餐结合",
    "口袋公园共建共管",
    "党员认领微心愿",
    "物业服务满意度每季度公示",
    "停车错时共享",
    "邻里互助积分兑换",
]
KINDS = list(ActivityKind)


def generate(ctx) -> dict[str, int]:
    """Make ctx.scale.count("activities") activities over the programmes, with attendance."""
    rng = ctx.rng("workshops")
    total = ctx.scale.count("activities")
    programmes = ctx.programmes
    per_programme = max(1, total // max(1, len(programmes)))
    activities, links, attendance, groups = [], [], [], []
    made = {"activities": 0, "attendance": 0, "table_groups": 0, "idea_cards": 0}
    Link = Activity.communities.through
    with transaction.atomic():
        for p_index, programme in enumerate(programmes):
            n = per_programme + (1 if p_index < total - per_programme * len(programmes) else 0)
            communities = ctx.enrolled.get(programme.pk, [])
            phases = ctx.phases.get(programme.pk, [])
            for a in range(n):
                kind = KINDS[rng.randrange(len(KINDS))]
                phase = phases[a * len(phases) // n] if phases else None
                day = (
                    phase.starts_on + dt.timedelta(days=rng.randrange(20))
                    if phase
                    else programme.starts_on
                )
                starts = ctx.now.replace(
                    year=day.year, month=day.month, day=day.day, hour=rng.choice([9, 14])
                )
                hours = 7 if kind == ActivityKind.SALON else rng.choice([2, 3])
                activity = Activity(
                    programme=programme,
                    phase=phase,
                    kind=kind,
                    title=f"{rng.choice(TITLES[kind])}（第{a + 1}期）",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=hours),
                    venue=rng.choice(VENUES),
                    organiser=f"{programme.subdistrict.name}党工委",
                    summary="围绕居民最关切、最紧迫的事项开展交流研讨（生成数据）。",
                    qr_secret=secrets.token_urlsafe(24),
                    created_at=starts - dt.timedelta(days=7),
                    updated_at=starts,
                )
                chosen = (
                    rng.sample(communities, min(len(communities), rng.randint(1, 4)))
                    if communities
                    else []
                )
                activities.append((activity, chosen))
        ctx.bulk(Activity, [a for a, _c in activities])
        for activity, chosen in activities:
            seen: set[int] = set()  # one attendance per person (a person may serve two communities)
            for cid in chosen:
                links.append(Link(activity_id=activity.pk, territory_id=cid))
                people = [ctx.secretary[cid], *ctx.staff.get(cid, [])]
                for person in people:
                    if rng.random() < 0.85 and person.pk not in seen:
                        seen.add(person.pk)
                        attendance.append(
                            Attendance(
                                activity=activity,
                                person=person,
                                signed_at=activity.starts_at
                                + dt.timedelta(minutes=rng.randint(-15, 20)),
                                late=rng.random() < 0.1,
                            )
                        )
            if activity.kind == ActivityKind.ROUND_TABLE:
                mentors = ctx.mentors.get(activity.programme.subdistrict_id, [])
                for number, cid in enumerate(chosen, start=1):
                    groups.append(
                        (
                            TableGroup(
                                activity=activity,
                                number=number,
                                name=f"第{number}组",
                                community_id=cid,
                                mentor=mentors[number % len(mentors)] if mentors else None,
                            ),
                            cid,
                        )
                    )
        ctx.bulk(Link, links, batch_size=2000)
        ctx.bulk(Attendance, attendance, batch_size=2000)
        ctx.bulk(TableGroup, [g for g, _c in groups])
        cards = [
            IdeaCard(
                group=group,
                kind=rng.choice(list(IdeaKind)),
                text=rng.choice(IDEAS),
                author=ctx.secretary[cid],
                marked=rng.random() < 0.2,
            )
            for group, cid in groups
            for _ in range(rng.randint(2, 6))
        ]
        ctx.bulk(IdeaCard, cards, batch_size=2000)
    made.update(
        activities=len(activities),
        attendance=len(attendance),
        table_groups=len(groups),
        idea_cards=len(cards),
    )
    return made
