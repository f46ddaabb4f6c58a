"""Demo data of the workshops app, after the seed report: the 18 Feb study visit, the 7-hour
19 Feb secretary salon with 11 round tables, the other activity kinds, and the four cases
learned in Wuhan written as clearly labelled sample texts. People are samples (示例).
Loading is idempotent: rows are found by natural keys before they are created.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qiangji.workshops.actions import do_make_default_groups
from qiangji.workshops.models import (
    Activity,
    ActivityKind,
    AgendaItem,
    Case,
    CaseTag,
    Guest,
    IdeaCard,
    IdeaKind,
)

SALON_TITLE = "社区品牌创建“社区书记沙龙”"
VISIT_TITLE = "赴武汉社区参观学习"
SAMPLE_NOTE = "（示例文本，据新闻报道改写，非官方记录）"

CASES = [
    {
        "title": "“智慧养老”服务",
        "source_community": "杨汊湖社区（示例）",
        "city": "武汉市",
        "tags": ["智慧养老", "为老服务", "数字化"],
        "problem": "老年居民多、独居老人多，子女不在身边，突发情况发现不及时，上门服务供需对接难。",
        "practice": "建立老人信息台账和智能呼叫终端，社区养老服务站统一接单派单，志愿者与网格员结对巡访独居老人。",
        "results": "老人求助响应时间明显缩短，助餐、助浴等服务实现线上预约。",
        "lessons": "先摸清底数再上设备；线上平台要有线下服务队伍兜底。",
    },
    {
        "title": "“邻里共治”议事机制",
        "source_community": "横堤社区（示例）",
        "city": "武汉市",
        "tags": ["邻里共治", "居民议事", "多元参与"],
        "problem": "小区公共事务（停车、绿化、楼道堆物）矛盾多，居民参与意愿低。",
        "practice": "以楼栋为单元设立邻里议事会，按“提议—商议—决议—执行—评议”五步议事，党员骨干带头。",
        "results": "一批停车、楼道整治难题由居民自己商定解决，议事会成为常态机制。",
        "lessons": "议题要小而具体；结果要公开、可追踪。",
    },
    {
        "title": "“1+7+N”小区党建工作法",
        "source_community": "河头社区（示例）",
        "city": "武汉市",
        "tags": ["小区党建", "党建引领", "物业管理"],
        "problem": "小区党组织作用发挥不充分，物业、业委会、居民之间协同不够。",
        "practice": "以1个小区党支部为核心，联动业委会、物业等7方力量，吸纳N个志愿团队和居民骨干共同参与小区治理。",
        "results": "小区治理事项有了统一的协调平台，物业服务满意度提升。",
        "lessons": "核心是党支部统筹；各方职责清单化。",
    },
    {
        "title": "“社小联治”智慧平安小区",
        "source_community": "河头社区（示例）",
        "city": "武汉市",
        "tags": ["平安建设", "智慧小区", "社小联治"],
        "problem": "老旧小区技防设施薄弱，社区与小区之间信息不通、联动不足。",
        "practice": "建设“社小联治”智慧平安阵地，社区与小区共享视频监控和门禁数据，网格员、物业、志愿者联合巡防。",
        "results": "小区可防性案件减少，居民安全感增强。",
        "lessons": "技防与人防结合；数据共享要守住隐私边界。",
    },
]

# (kind, text) cards for two tables, after the seed report.
SEED_CARDS = {
    "石榴园社区": [
        (IdeaKind.GOAL, "幸福石榴园，服务520"),
        (IdeaKind.STATION, "建设“五个站点”：党群服务、养老、儿童、调解、志愿服务"),
        (IdeaKind.MAIN_LINE, "“两条主线”：为老服务线、平安宜居线"),
        (IdeaKind.SLOGAN, "社民关系“零距离”"),
        (IdeaKind.PROBLEM, "老旧小区停车难、楼道堆物多"),
        (IdeaKind.RESOURCE, "辖区学校和医院的志愿者队伍"),
    ],
    "柯尔山社区": [
        (IdeaKind.GOAL, "K23幸福家园"),
        (IdeaKind.SLOGAN, "“2的3次方”：谐音“柯尔山”，23个小区共建"),
        (IdeaKind.PROBLEM, "23个小区分散，物业覆盖不全"),
        (IdeaKind.MAIN_LINE, "小区党支部全覆盖"),
    ],
}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _activity(
    world, *, title: str, kind: str, day: dt.date, start: tuple, end: tuple, **extra
) -> Activity:
    activity = Activity.objects.filter(programme=world.programme, title=title).first()
    if activity is None:
        phase = world.programme.phases.filter(starts_on__lte=day).order_by("-starts_on").first()
        activity = Activity.objects.create(
            programme=world.programme,
            phase=phase,
            kind=kind,
            title=title,
            starts_at=_at(day, *start),
            ends_at=_at(day, *end),
            organiser="团城山街道党工委",
            created_by=world.users.get("jiedao"),
            **extra,
        )
    return activity


def load(world) -> None:
    """Create or refresh the workshops demo data for the foundation's World."""
    names = list(world.communities)
    salon = _activity(
        world,
        title=SALON_TITLE,
        kind=ActivityKind.SALON,
        day=dt.date(2026, 2, 19),
        start=(8, 30),
        end=(15, 30),
        venue="团城山街道党群服务中心（示例）",
        summary=(
            "专家围绕“社区品牌创建”主题授课，从社区品牌定义、核心要素讲解品牌内涵，"
            "从差异化、系列化、精细化、参与度、满意度、影响广六个方面介绍品牌特点，"
            "通过“掰、碎、揉、细”四个层次的分解指导社区规划立项。\n"
            "11个社区分为11个小组开展圆桌会谈，聚焦居民最关切、最紧迫的事项开展“头脑风暴”，"
            "各社区书记以“摆摊”形式向其他小组分享品牌思路，并上台分享成果。"
        ),
        outcomes="各社区形成“社区品牌创建工作方案”初稿，导师从可行性、实用性、创新性、合理性、持续性给出指导意见。",
    )
    salon.communities.set(world.communities.values())
    if not salon.agenda.exists():
        for order, (when, title, speaker) in enumerate(
            [
                (dt.time(8, 30), "开班动员", "街道党工委（示例）"),
                (dt.time(9, 0), "专题授课：社区品牌创建", "示例专家"),
                (dt.time(10, 30), "圆桌会谈与“头脑风暴”", "各组导师"),
                (dt.time(13, 30), "“摆摊”分享", "各社区书记"),
                (dt.time(14, 30), "上台分享与领导点评", "示例领导"),
            ]
        ):
            AgendaItem.objects.create(
                activity=salon, order=order, starts_at=when, title=title, speaker=speaker
            )
    if not salon.guests.exists():
        Guest.objects.create(
            activity=salon,
            role=Guest.Role.EXPERT,
            name="示例专家",
            title="高校政治学研究院教授（示例）",
            user=world.users.get("daoshi"),
        )
        Guest.objects.create(
            activity=salon,
            role=Guest.Role.LEADER,
            name="示例领导甲",
            title="区委组织部部长（示例）",
            order=0,
        )
        Guest.objects.create(
            activity=salon,
            role=Guest.Role.LEADER,
            name="示例·领导",
            title="副区长（示例）",
            order=1,
            user=world.users.get("lingdao"),
        )
    mentor = world.users.get("daoshi")
    do_make_default_groups(activity=salon, mentors=[mentor] if mentor else [])
    people = _participants(world)
    for community_name, cards in SEED_CARDS.items():
        group = salon.groups.filter(community=world.communities[community_name]).first()
        if group is None or group.cards.exists():
            continue
        authors = people[community_name]
        for n, (kind, text) in enumerate(cards):
            IdeaCard.objects.create(
                group=group, kind=kind, text=text, author=authors[n % len(authors)]
            )
        group.bump()
    _sign_in(salon, [u for members in people.values() for u in members[:2]], world)
    _vote(salon, people)

    visit = _activity(
        world,
        title=VISIT_TITLE,
        kind=ActivityKind.STUDY_VISIT,
        day=dt.date(2026, 2, 18),
        start=(8, 0),
        end=(17, 0),
        venue="武汉市杨汊湖、横堤、河头等社区",
        summary="杭州西路、广州路、石榴园社区赴武汉学习“智慧养老”“邻里共治”“1+7+N”小区党建工作法、“社小联治”智慧平安阵地等经验。",
    )
    visit.communities.set(
        [world.communities[n] for n in ("杭州西路社区", "广州路社区", "石榴园社区")]
    )

    for title, kind, day, start, end in [
        ("品牌创建要点讲解", ActivityKind.LECTURE, dt.date(2026, 2, 10), (9, 0), (11, 0)),
        ("诉求台账规范实操", ActivityKind.PRACTICE, dt.date(2026, 3, 5), (14, 30), (17, 0)),
        ("问需圆桌会议", ActivityKind.ROUND_TABLE, dt.date(2026, 3, 20), (9, 0), (11, 30)),
        ("品牌方案汇谈", ActivityKind.PLAN_TALK, dt.date(2026, 4, 16), (9, 0), (12, 0)),
    ]:
        activity = _activity(
            world,
            title=title,
            kind=kind,
            day=day,
            start=start,
            end=end,
            venue="团城山街道会议室（示例）",
        )
        if not activity.communities.exists():
            activity.communities.set([world.communities[n] for n in names[:4]])
        if kind == ActivityKind.ROUND_TABLE:
            _round_table(world, activity, people)

    for data in CASES:
        case = Case.objects.filter(title=data["title"], subdistrict=world.subdistrict).first()
        if case is None:
            case = Case.objects.create(
                title=data["title"],
                source_community=data["source_community"],
                city=data["city"],
                problem=data["problem"] + SAMPLE_NOTE,
                practice=data["practice"],
                results=data["results"],
                lessons=data["lessons"],
                contact_name="示例联系人",
                contact_phone="13800001234",
                is_sample=True,
                subdistrict=world.subdistrict,
                learned_at=visit,
            )
        case.tags.set([CaseTag.objects.get_or_create(name=name)[0] for name in data["tags"]])


# Cards a 问需 round table writes down: residents' most pressing matters, per community.
ROUND_TABLE_CARDS = [
    (IdeaKind.PROBLEM, "老旧小区加装电梯意愿强，资金分摊难（示例）"),
    (IdeaKind.PROBLEM, "独居老人吃饭、看病没人管（示例）"),
    (IdeaKind.RESOURCE, "辖区学校愿意开放操场和图书室（示例）"),
    (IdeaKind.GOAL, "一年内让居民小事不出小区（示例）"),
]


def _participants(world) -> dict[str, list]:
    """Return, per community, the people who sit at its table (accounts first, then samples)."""
    from qiangji.accounts.models import User

    people: dict[str, list] = {}
    accounts = {
        "石榴园社区": ["shiliuyuan", "shiliuyuan_staff", "wangge"],
        "柯尔山社区": ["keershan"],
    }
    for n, name in enumerate(world.communities):
        members = [world.users[u] for u in accounts.get(name, []) if u in world.users]
        for role in ("居民代表", "楼栋长"):
            username = f"demo_{role}_{n + 1:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                short = name.removesuffix("（示例）").removesuffix("社区")
                user = User(username=username, display_name=f"示例·{short}{role}")
                user.set_unusable_password()
                user.save()
            members.append(user)
        people[name] = members
    return people


def _sign_in(activity, persons, world) -> None:
    from qiangji.workshops.models import Attendance

    start = activity.starts_at
    for n, person in enumerate(persons):
        Attendance.objects.get_or_create(
            activity=activity,
            person=person,
            defaults={
                "signed_at": start - dt.timedelta(minutes=20) + dt.timedelta(minutes=n % 25),
                "late": n % 17 == 16,
            },
        )
    mentor = world.users.get("daoshi")
    if mentor is not None:
        Attendance.objects.get_or_create(
            activity=activity, person=mentor, defaults={"signed_at": start}
        )


def _vote(activity, people) -> None:
    """Table members vote for the cards they back (two or three votes each, none on their own)."""
    from qiangji.workshops.models import Vote

    for group in activity.groups.select_related("community"):
        voters = people.get(group.community.name, []) if group.community else []
        cards = list(group.cards.order_by("pk"))
        if not cards or Vote.objects.filter(card__group=group).exists():
            continue
        for v, voter in enumerate(voters):
            for card in cards[v % len(cards) :: 2][:3]:
                if card.author_id != voter.pk:
                    Vote.objects.get_or_create(card=card, voter=voter)
        group.bump()


def _round_table(world, activity, people) -> None:
    """Fill a 问需 round table: groups with their mentor, sign-ins, cards by several people, votes."""
    mentor = world.users.get("daoshi")
    do_make_default_groups(activity=activity, mentors=[mentor] if mentor else [])
    seated = []
    for group in activity.groups.select_related("community"):
        members = people.get(group.community.name, []) if group.community else []
        seated += members
        if group.cards.exists() or not members:
            continue
        for n, (kind, text) in enumerate(ROUND_TABLE_CARDS):
            IdeaCard.objects.create(
                group=group, kind=kind, text=text, author=members[n % len(members)]
            )
        group.bump()
    _sign_in(activity, seated, world)
    _vote(activity, people)
