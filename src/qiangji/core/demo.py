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
SAMPLE_COMMUNITIES = [f"示例社区{n:02d}" for n in range(1, 8)]
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
    territory = Territory.objects.filter(parent=parent, name=name).first()
    if territory is None:
        territory = Territory(kind=kind, name=name, parent=parent, **extra)
        territory.save()
    return territory


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
    city = _territory(Kind.CITY, "黄石市", None, code="420200000000")
    district = _territory(Kind.DISTRICT, "下陆区", city, code="420204000000")
    subdistrict = _territory(Kind.SUBDISTRICT, "团城山街道", district)
    communities: dict[str, Territory] = {}
    for order, name in enumerate(REAL_COMMUNITIES + SAMPLE_COMMUNITIES):
        community = _territory(Kind.COMMUNITY, name, subdistrict, order=order)
        communities[name] = community
        for grid_order, grid in enumerate(["第一网格", "第二网格"]):
            _territory(Kind.GRID, grid, community, order=grid_order)
    keershan = communities["柯尔山社区"]
    for n in range(1, 24):
        _territory(Kind.COMPOUND, f"K23示例小区{n:02d}", keershan, order=n)
    for n, name in enumerate(["石榴园示例一区", "石榴园示例二区", "石榴园示例三区"]):
        _territory(Kind.COMPOUND, name, communities["石榴园社区"], order=n)

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
