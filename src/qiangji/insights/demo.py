"""Demo data of insights: media reports, the default index version and a first snapshot.

Idempotent. Populations and households of the demo communities belong to `core/demo.py`;
where they are still empty this loader fills plausible sample figures (示例) so that the
per-1,000-resident indicators mean something, and never overwrites figures already there.
"""

from __future__ import annotations

import datetime as dt

from qiangji.territories.models import Territory

from .actions import current_version, do_add_media_report, do_refresh_index

# community → (population, households): sample figures of the right order for Huangshi.
SAMPLE_POPULATION = {
    "杭州西路社区": (8600, 3150),
    "广州路社区": (7200, 2680),
    "石榴园社区": (9800, 3560),
    "柯尔山社区": (12400, 4420),
    "示例社区01": (6100, 2240),
    "示例社区02": (5400, 1980),
    "示例社区03": (7700, 2830),
    "示例社区04": (4900, 1820),
    "示例社区05": (6600, 2410),
    "示例社区06": (5800, 2150),
    "示例社区07": (3900, 1460),
}

MEDIA = [
    (
        "石榴园社区",
        "荆楚网（示例）",
        dt.date(2026, 3, 2),
        "幸福石榴园，服务520：五个站点织密零距离服务网（示例）",
    ),
    (
        "石榴园社区",
        "黄石日报（示例）",
        dt.date(2026, 4, 18),
        "石榴园社区“两条主线”让居民议事有了固定场所（示例）",
    ),
    ("石榴园社区", "下陆发布（示例）", dt.date(2026, 6, 9), "老旧小区里的“零距离”服务站（示例）"),
    (
        "柯尔山社区",
        "黄石日报（示例）",
        dt.date(2026, 3, 25),
        "K23幸福家园：23个小区的自管之路（示例）",
    ),
    (
        "柯尔山社区",
        "下陆发布（示例）",
        dt.date(2026, 5, 12),
        "柯尔山社区“2的3次方”工作法见成效（示例）",
    ),
    (
        "杭州西路社区",
        "下陆发布（示例）",
        dt.date(2026, 4, 2),
        "杭州西路社区学武汉经验开展智慧养老（示例）",
    ),
]


def load(world) -> None:
    """Fill missing sample populations, add media reports, publish v1 and compute the index."""
    for name, (population, households) in SAMPLE_POPULATION.items():
        community = world.communities.get(name)
        if community is None:
            continue
        Territory.objects.filter(pk=community.pk, population__isnull=True).update(
            population=population
        )
        Territory.objects.filter(pk=community.pk, households__isnull=True).update(
            households=households
        )
    admin = world.users.get("jiedao")
    for name, outlet, day, title in MEDIA:
        community = world.communities.get(name)
        if community is not None:
            do_add_media_report(
                programme=world.programme, community=community, outlet=outlet,
                published_on=day, title=title, link="", by=admin,
            )  # fmt: skip
    current_version(world.programme)
    do_refresh_index(programme=world.programme)
