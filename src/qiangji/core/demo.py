"""The demo world: 黄石市 → 下陆区 → 团城山街道, its 11 communities, the programme, one account per role.

Loading is idempotent: every row is found by its natural key before it is created, so
`qiangji demo` can run any number of times. Capability apps add their own demo data in
`<app>/demo.py` with `load(world)`, called in INSTALLED_APPS order after this.
Person names are samples (示例); the real people of the seed are not named.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import transaction

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.core.plugins import app_modules
from qiangji.programmes.models import Enrolment, Phase, Programme
from qiangji.territories.models import Kind, Territory

REAL_COMMUNITIES = ["杭州西路社区", "广州路社区", "石榴园社区", "柯尔山社区"]
# The report names four of the eleven communities; the other seven are invented, plausible
# names for a 黄石 subdistrict, marked （示例） wherever they are shown.
SAMPLE_COMMUNITIES = [
    "磁湖苑社区（示例）",
    "桂花湾社区（示例）",
    "青龙山社区（示例）",
    "新华里社区（示例）",
    "月亮山社区（示例）",
    "长乐坊社区（示例）",
    "铁山路社区（示例）",
]
# Names of the first demo, renamed in place when the demo is loaded again.
OLD_SAMPLE_NAMES = {f"示例社区{n:02d}": name for n, name in enumerate(SAMPLE_COMMUNITIES, 1)}

# 12-digit statistical division codes (统计用区划代码). 黄石市 and 下陆区 are the real codes;
# the subdistrict's and communities' digits are samples in the official format (the real
# ones are not in the report), so per-1,000-resident figures have a denominator to use.
CITY_CODE = "420200000000"
DISTRICT_CODE = "420204000000"
SUBDISTRICT_CODE = "420204004000"
# name → (village digits, population, households); sample figures of the right size for an
# urban community of 黄石 (5,000–12,000 residents, about 2.7 residents a household).
COMMUNITY_FIGURES = {
    "杭州西路社区": ("001", 9860, 3640),
    "广州路社区": ("002", 11240, 4110),
    "石榴园社区": ("003", 8420, 3180),
    "柯尔山社区": ("004", 10350, 3920),
    "磁湖苑社区（示例）": ("005", 7680, 2850),
    "桂花湾社区（示例）": ("006", 6240, 2310),
    "青龙山社区（示例）": ("007", 5370, 2020),
    "新华里社区（示例）": ("008", 8930, 3310),
    "月亮山社区（示例）": ("009", 6810, 2560),
    "长乐坊社区（示例）": ("010", 7450, 2790),
    "铁山路社区（示例）": ("011", 5920, 2200),
}
CITY_FIGURES = (2_468_000, 905_000)  # 黄石市, rounded (sample)
DISTRICT_FIGURES = (201_000, 74_500)  # 下陆区, rounded (sample)
PROGRAMME_NAME = "2026年培育强基工程·社区品牌创建"
PROGRAMME_START = dt.date(2026, 2, 1)
PROGRAMME_END = dt.date(2026, 12, 31)
PHASE_DATES = [
    ("学习", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("问需", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    ("共创", dt.date(2026, 4, 1), dt.date(2026, 5, 31)),
    ("评审", dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
    ("落实", dt.date(2026, 7, 1), dt.date(2026, 11, 15)),
    ("评估", dt.date(2026, 11, 16), dt.date(2026, 12, 31)),
]

# username, display name (sample), title, role, scope ("programme" or a territory name)
DEMO_ACCOUNTS = [
    ("jiedao", "示例·街道管理员", "团城山街道党工委委员", Role.SUBDISTRICT_ADMIN, "团城山街道"),
    ("shiliuyuan", "示例·石榴园书记", "石榴园社区党委书记", Role.COMMUNITY_SECRETARY, "石榴园社区"),
    ("keershan", "示例·柯尔山书记", "柯尔山社区党委书记", Role.COMMUNITY_SECRETARY, "柯尔山社区"),
    (
        "shiliuyuan_staff",
        "示例·石榴园干事",
        "石榴园社区工作人员",
        Role.COMMUNITY_STAFF,
        "石榴园社区",
    ),
    ("wangge", "示例·网格员", "石榴园社区第一网格网格员", Role.GRID_WORKER, "石榴园社区/第一网格"),
    ("daoshi", "示例·导师", "高校政治学研究院教授（示例）", Role.MENTOR, "programme"),
    ("lingdao", "示例·领导", "副区长（示例）", Role.LEADER, "下陆区"),
]


@dataclass
class World:
    """The demo's main objects, handed to each app's demo loader."""

    city: Territory
    district: Territory
    subdistrict: Territory
    communities: dict[str, Territory]
    programme: Programme
    users: dict[str, User] = field(default_factory=dict)

    @property
    def shiliuyuan(self) -> Territory:
        return self.communities["石榴园社区"]

    @property
    def keershan(self) -> Territory:
        return self.communities["柯尔山社区"]


def _territory(kind: str, name: str, parent: Territory | None, **extra) -> Territory:
    """Find or create the territory; fill in code and figures that are still blank."""
    territory = Territory.objects.filter(parent=parent, name=name).first()
    if territory is None:
        territory = Territory(kind=kind, name=name, parent=parent, **extra)
        territory.save()
        return territory
    blank = {
        key: value
        for key, value in extra.items()
        if key in ("code", "population", "households") and getattr(territory, key) in ("", None)
    }
    if blank:
        for key, value in blank.items():
            setattr(territory, key, value)
        territory.save()
    return territory


def _split(total: int, parts: int, seed: int) -> list[int]:
    """Return parts positive integers summing to total, unevenly (reproducibly) spread."""
    weights = [3 + (seed * 7 + i * 13) % 5 for i in range(parts)]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def _user(username: str, password: str | None, **extra) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **extra)
        user.set_password(password or secrets.token_urlsafe(16))
        user.save()
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_foundation(*, password: str | None) -> World:
    """Create or refresh the demo territories, programme and accounts; return the World.

    With password None, existing accounts keep their passwords (new ones get a random one).
    """
    city = _territory(
        Kind.CITY,
        "黄石市",
        None,
        code=CITY_CODE,
        population=CITY_FIGURES[0],
        households=CITY_FIGURES[1],
    )
    district = _territory(
        Kind.DISTRICT,
        "下陆区",
        city,
        code=DISTRICT_CODE,
        population=DISTRICT_FIGURES[0],
        households=DISTRICT_FIGURES[1],
    )
    subdistrict = _territory(
        Kind.SUBDISTRICT,
        "团城山街道",
        district,
        code=SUBDISTRICT_CODE,
        population=sum(f[1] for f in COMMUNITY_FIGURES.values()),
        households=sum(f[2] for f in COMMUNITY_FIGURES.values()),
    )
    for old, new in OLD_SAMPLE_NAMES.items():
        Territory.objects.filter(parent=subdistrict, name=old).exclude(
            parent__children__name=new
        ).update(name=new)
    communities: dict[str, Territory] = {}
    for order, name in enumerate(REAL_COMMUNITIES + SAMPLE_COMMUNITIES):
        digits, population, households = COMMUNITY_FIGURES[name]
        community = _territory(
            Kind.COMMUNITY,
            name,
            subdistrict,
            order=order,
            code=SUBDISTRICT_CODE[:9] + digits,
            population=population,
            households=households,
        )
        communities[name] = community
        grid_people = _split(population, 2, order)
        grid_households = _split(households, 2, order)
        for grid_order, grid in enumerate(["第一网格", "第二网格"]):
            _territory(
                Kind.GRID,
                grid,
                community,
                order=grid_order,
                population=grid_people[grid_order],
                households=grid_households[grid_order],
            )
    # Compounds hold most, not all, of a community's residents (shops, schools, scattered
    # houses); 柯尔山's 23 are small old compounds.
    compounds = {
        "柯尔山社区": [f"K23示例小区{n:02d}" for n in range(1, 24)],
        "石榴园社区": ["石榴园示例一区", "石榴园示例二区", "石榴园示例三区"],
    }
    for community_name, names in compounds.items():
        _code, population, households = COMMUNITY_FIGURES[community_name]
        people = _split(population * 9 // 10, len(names), len(names))
        homes = _split(households * 9 // 10, len(names), len(names))
        for n, name in enumerate(names):
            _territory(
                Kind.COMPOUND,
                name,
                communities[community_name],
                order=n + (1 if community_name == "柯尔山社区" else 0),
                population=people[n],
                households=homes[n],
            )

    programme = Programme.objects.filter(subdistrict=subdistrict, name=PROGRAMME_NAME).first()
    if programme is None:
        programme = Programme.objects.create(
            subdistrict=subdistrict,
            name=PROGRAMME_NAME,
            description="聚焦居民最关切、最紧迫的事项，11个社区在导师指导下创建社区品牌（示例数据）。",
            starts_on=PROGRAMME_START,
            ends_on=PROGRAMME_END,
        )
    for order, (name, start, end) in enumerate(PHASE_DATES):
        Phase.objects.get_or_create(
            programme=programme,
            name=name,
            defaults={"order": order, "starts_on": start, "ends_on": end},
        )
    for community in communities.values():
        Enrolment.objects.get_or_create(programme=programme, community=community)

    users: dict[str, User] = {}
    admin = _user("admin", password, display_name="示例·系统管理员")
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    users["admin"] = admin
    for username, display_name, title, role, scope in DEMO_ACCOUNTS:
        user = _user(username, password, display_name=display_name, title=title)
        users[username] = user
        if scope == "programme":
            RoleGrant.objects.get_or_create(user=user, role=role, programme=programme)
            continue
        territory = {"团城山街道": subdistrict, "下陆区": district}.get(scope)
        if territory is None:
            parts = scope.split("/")
            territory = communities[parts[0]]
            if len(parts) == 2:
                territory = Territory.objects.get(parent=territory, name=parts[1])
        RoleGrant.objects.get_or_create(user=user, role=role, territory=territory)
    return World(
        city=city,
        district=district,
        subdistrict=subdistrict,
        communities=communities,
        programme=programme,
        users=users,
    )


def load_capabilities(world: World) -> list[str]:
    """Run every capability app's demo loader; return the names of the apps that loaded."""
    loaded = []
    for module in app_modules("demo", include_core=False):
        with transaction.atomic():
            module.load(world)
        loaded.append(module.__name__.split(".")[1])
    return loaded
