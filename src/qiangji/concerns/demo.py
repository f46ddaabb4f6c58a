"""Demo data of the concerns app: synthetic sample concerns for the demo communities.

Every text is made up here (示例), not taken from any real board. Loading is idempotent:
a demo concern is found by its (community, source, external id) before it is created.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from qiangji.concerns.actions import do_file_concern, do_me_too, do_refresh_topics, do_ticket_action
from qiangji.concerns.models import Channel, Concern, Satisfaction, Ticket, TicketState

SOURCE = "demo"

# (text, compound index or None, days ago, extra residents reporting the same, me-too)
SAMPLES = [
    ("{c}3栋电梯又坏了，老人上下楼很困难，已经停了三天（示例）", 0, 1, 3, 6),
    ("{c}门口晚上路灯不亮，孩子放学回家很危险（示例）", 1, 2, 1, 4),
    ("{c}地下车库积水，电动车在楼道里飞线充电，存在安全隐患（示例）", 0, 3, 2, 5),
    ("{c}小区垃圾清运不及时，夏天气味很大（示例）", 2, 4, 1, 2),
    ("{c}楼下烧烤店油烟和噪音扰民到深夜（示例）", 1, 5, 0, 3),
    ("{c}希望社区增设老年助餐点，独居老人吃饭不方便（示例）", None, 6, 2, 8),
    ("{c}外来车辆占用消防通道，停车秩序混乱（示例）", 0, 7, 1, 2),
    ("{c}楼顶防水层老化，顶楼住户家里漏水（示例）", 2, 9, 0, 1),
    ("{c}小区健身器材损坏，存在安全隐患（示例）", 1, 12, 0, 1),
    ("{c}希望开设暑期少儿托管班（示例）", None, 15, 0, 2),
    ("{c}停水一天了没有通知，家里老人孩子用水困难（示例）", 2, 0, 2, 3),
    ("{c}邻居装修占用公共楼道堆放建材（示例）", 0, 20, 0, 0),
]


# Hot issues (热点问题): one matter, several residents, each in their own words (all made up).
# (community name, compound index, texts)
HOT_SAMPLES = [
    (
        "石榴园社区",
        0,
        [
            "{c}5栋电梯这个月停运好几次，老人只能爬楼（示例）",
            "{c}5栋的电梯三天两头坏，维保公司一直不来修（示例）",
            "反映{c}5栋电梯频繁停运困人，请物业尽快更换（示例）",
            "{c}5栋电梯又停了，家里有孕妇上下楼很不方便（示例）",
            "{c}5栋电梯老化，停运后没人管，希望社区督促维修（示例）",
        ],
    ),
    (
        "石榴园社区",
        1,
        [
            "{c}旁边工地夜里渣土车来回跑，噪音吵得睡不着（示例）",
            "{c}外面渣土车半夜轰鸣，孩子被吵醒好几次（示例）",
            "晚上十一点后还有渣土车经过{c}，噪音太大（示例）",
            "{c}附近渣土车夜间运输噪音扰民，希望限时通行（示例）",
        ],
    ),
]


def _load_hot_samples(world, now) -> None:
    from qiangji.concerns.hotissues import do_refresh_hot_issues, fit_territories

    fitted = {}
    for community_name, compound_index, texts in HOT_SAMPLES:
        community = world.communities.get(community_name)
        if community is None:
            continue
        compounds = _compounds(community)
        compound = compounds[compound_index] if compound_index < len(compounds) else None
        place = compound.name if compound else community_name
        for n, template in enumerate(texts):
            external_id = f"demo-hot-{compound_index}-{n}"
            if Concern.objects.filter(
                community=community, source=SOURCE, external_id=external_id
            ).exists():
                continue
            do_file_concern(
                community=community,
                text=template.format(c=place),
                compound=compound,
                person=f"demo-hot-resident-{community.pk}-{compound_index}-{n}",
                reported_at=now - dt.timedelta(days=2 * n + compound_index, hours=n),
                source=SOURCE,
                external_id=external_id,
                assign_topic=False,
            )
        for territory in fit_territories(community):
            fitted[territory.pk] = territory
    for territory in fitted.values():
        do_refresh_hot_issues(territory=territory)


def _compounds(community) -> list:
    compounds = list(community.children.filter(kind="compound").order_by("order", "name")[:3])
    return compounds


def load(world) -> None:
    """Create the demo concerns of 石榴园 and 柯尔山 (and a few in the other communities)."""
    now = timezone.now()
    secretary = world.users.get("shiliuyuan")
    grid_worker = world.users.get("wangge")
    for community_name, community in world.communities.items():
        # Seeded by names, not ids: the same story on every database, whatever ids it gives.
        rng = random.Random(community_name)  # noqa: S311 — reproducible demo data, not security
        compounds = _compounds(community)
        grids = list(community.children.filter(kind="grid").order_by("order", "name"))
        samples = (
            SAMPLES if community_name in ("石榴园社区", "柯尔山社区") else rng.sample(SAMPLES, 4)
        )
        for index, (template, compound_index, days_ago, extra, me_too) in enumerate(samples):
            compound = (
                compounds[compound_index]
                if compound_index is not None and compound_index < len(compounds)
                else None
            )
            place = compound.name if compound else community_name
            text = template.format(c=place)
            external_id = f"demo-{index}"
            if Concern.objects.filter(
                community=community, source=SOURCE, external_id=external_id
            ).exists():
                continue
            reported = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
            concern = do_file_concern(
                community=community,
                text=text,
                compound=compound,
                grid=grids[index % len(grids)] if grids else None,
                channel=rng.choice([Channel.FORM, Channel.WALK_IN, Channel.PATROL, Channel.PHONE]),
                person=f"demo-resident-{community.pk}-{index}",
                reported_at=reported,
                source=SOURCE,
                external_id=external_id,
                assign_topic=False,
            )
            for n in range(extra):
                do_file_concern(
                    community=community,
                    text=text.replace("（示例）", "，请尽快处理（示例）"),
                    compound=compound,
                    grid=grids[index % len(grids)] if grids else None,
                    person=f"demo-neighbour-{community.pk}-{index}-{n}",
                    reported_at=reported + dt.timedelta(hours=n + 1),
                    source=SOURCE,
                    external_id=f"{external_id}-{n}",
                    assign_topic=False,
                )
            for n in range(me_too):
                do_me_too(concern=concern, person=f"demo-supporter-{community.pk}-{index}-{n}")
            # Move some 石榴园 tickets along the cycle so every state shows in the demo.
            if community_name == "石榴园社区" and secretary is not None and index in (1, 3, 7, 9):
                steps = [("dispatch", {"assignee": grid_worker}), ("sign", {}), ("start", {})]
                if index in (7, 9):
                    steps += [("answer", {"answer": "已联系物业维修完毕（示例）"})]
                if index == 9:
                    steps += [("follow_up", {"satisfaction": "satisfied"})]
                ticket = concern.ticket
                for action, extra_args in steps:
                    ticket = do_ticket_action(
                        ticket=ticket, action=action, by=secretary, **extra_args
                    )
                # Spread the steps over realistic times, so the statistics show hours, not 0.
                Ticket.objects.filter(pk=ticket.pk).update(
                    created_at=reported,
                    signed_at=min(reported + dt.timedelta(hours=2 + index), now),
                    answered_at=(
                        min(reported + dt.timedelta(hours=20 + 6 * index), now)
                        if index in (7, 9)
                        else None
                    ),
                )
        do_refresh_topics(territory=community)
    _load_hot_samples(world, now)
    _handle_at_realistic_rates(world, now)
    _make_public(world)


# The neighbours' quarrel stays with the staff; the rest the communities chose to show on the
# resident form ("我也关心"), as a community would for matters of common interest.
PRIVATE_SAMPLES = {"demo-11"}


def _make_public(world) -> None:
    """Mark the demo concerns public, except the private ones (idempotent)."""
    Concern.objects.filter(
        community__in=list(world.communities.values()), source=SOURCE, public=False
    ).exclude(external_id__in=PRIVATE_SAMPLES).update(public=True)


# The programme is in its 评估 phase: communities have handled most concerns for months. Of the
# tickets older than a day about nine in ten were signed for, four in five of those answered,
# and most answers followed up by a call; the newest stay open, as they would.
HANDLED_AFTER_DAYS = 1
P_SIGNED, P_ANSWERED, P_FOLLOWED_UP = 0.92, 0.85, 0.8
ANSWERS = [
    "已联系物业维修完毕，经现场查看已恢复正常（示例）",
    "已协调城管部门处理，并向居民说明了后续安排（示例）",
    "已纳入社区为老服务项目，下月起试运行（示例）",
    "已召开楼栋议事会，居民商定了解决办法（示例）",
]


def _handle_at_realistic_rates(world, now) -> None:
    """Move the demo's older open tickets along the cycle at a 评估-phase rate (idempotent)."""
    for community_name, community in world.communities.items():
        by = world.users.get(
            {"石榴园社区": "shiliuyuan", "柯尔山社区": "keershan"}.get(community_name, "jiedao")
        )
        assignee = world.users.get("wangge") if community_name == "石榴园社区" else None
        tickets = (
            Ticket.objects.filter(
                concern__community=community,
                concern__source=SOURCE,
                state=TicketState.ACCEPTED,
                concern__reported_at__lt=now - dt.timedelta(days=HANDLED_AFTER_DAYS),
            )
            .select_related("concern")
            .order_by("pk")
        )
        for ticket in tickets:
            # Reproducible demo data, seeded by names, not ids (see load).
            rng = random.Random(f"{community_name}:{ticket.concern.external_id}")  # noqa: S311
            if rng.random() >= P_SIGNED:
                continue  # left open: the one a secretary still has to pick up
            reported = ticket.concern.reported_at
            steps = [
                ("dispatch", {"assignee": assignee} if assignee else {"unit": "物业公司（示例）"}),
                ("sign", {}),
                ("start", {}),
            ]
            answered = rng.random() < P_ANSWERED
            if answered:
                steps.append(("answer", {"answer": rng.choice(ANSWERS)}))
                if rng.random() < P_FOLLOWED_UP:
                    satisfaction = rng.choice(
                        [Satisfaction.SATISFIED] * 6
                        + [Satisfaction.FAIRLY] * 3
                        + [Satisfaction.UNSATISFIED]
                    )
                    steps.append(("follow_up", {"satisfaction": satisfaction}))
            try:
                for action, extra in steps:
                    ticket = do_ticket_action(ticket=ticket, action=action, by=by, **extra)
            except ValueError:  # ConcernError
                continue  # e.g. a member of a hot issue, moved with its issue's ticket
            age = now - reported
            Ticket.objects.filter(pk=ticket.pk).update(
                created_at=reported,
                signed_at=reported + min(dt.timedelta(hours=rng.randint(1, 20)), age / 4),
                answered_at=reported + min(dt.timedelta(hours=rng.randint(24, 120)), age / 2)
                if answered
                else None,
            )
