"""Synthetic data at the size of a subdistrict, a district or a whole city (`qiangji generate`).

Shared machinery: it imports no capability app. The foundation part (territories, people and
their roles, programmes with phases and enrolments) is made here; then each app that declares
`<app>/generate.py` adds its own rows, in INSTALLED_APPS order, through one function:

    def generate(ctx: qiangji.core.generate.Context) -> dict[str, int]:
        '''Make this app's rows for ctx.scale; return {"what": how many} for the summary.'''

The context carries everything an app needs, so it never has to guess or re-read:

- `ctx.scale`: the `Scale` (its `name`, territory counts and `count("concerns")` targets);
- `ctx.rng(label)`: a `random.Random` seeded by the run's seed and the label: the same seed
  gives the same data whatever other apps draw (use one label per app, e.g. "concerns");
- `ctx.now` / `ctx.today`: the run's clock, the start of today in TIME_ZONE (data are dated
  relative to it, so two runs on the same day with the same seed are identical);
- the territories made so far: `ctx.city`, `ctx.districts`, `ctx.subdistricts`,
  `ctx.communities` (lists of `Territory`), `ctx.compounds[community_id]` and
  `ctx.grids[community_id]` (lists of ids), `ctx.subdistrict_of[community_id]`;
- people: `ctx.secretary[community_id]`, `ctx.staff[community_id]` (lists),
  `ctx.grid_worker[grid_id]`, `ctx.admins[subdistrict_id]`, `ctx.mentors[subdistrict_id]`,
  `ctx.leaders` (all `User`); every generated account has the password `ctx.password`;
- programmes: `ctx.programmes` (list), `ctx.enrolled[programme_id]` (community ids),
  `ctx.phases[programme_id]` (list of `Phase`, in order);
- `ctx.made`: a dict where an app may leave what later apps read (name keys "<app>.<what>");
- writing: `ctx.bulk(Model, objects)` (Django `bulk_create` in batches, ids set on the
  objects), `ctx.raw(Model, columns, rows)` (plain tuples through `lib.bulk.write_rows`:
  multi-row INSERT on SQLite, COPY on PostgreSQL), `ctx.ids(Model, n)` (primary keys
  allocated up front) and `ctx.db` (`lib.bulk.Adapter`: datetimes, dates, UUIDs, JSON as the
  connection stores them). Write inside `transaction.atomic()` in chunks of ~20,000 rows;
- `ctx.progress(label, done, total)`: one line on the console (silent in tests);
- `ctx.pick(rng, pool)` and `ctx.sentence(rng, *pools)`: texts from fragments. Never take
  rows from ../shared/data: every generated text is built from fragments written in code.

Generated rows bypass `save()` and signals (no audit entries, no notices): they are data at
rest, as if the platform had run for a while.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qiangji.core.plugins import app_modules
from qiangji.lib.bulk import Adapter, allocate_ids, write_rows

CITY_NAME = "示例市（生成）"


@dataclass(frozen=True)
class Scale:
    """How much to make: the territory tree and a target count per kind of row."""

    name: str
    districts: int
    subdistricts_per_district: int
    communities_per_subdistrict: int
    compounds_per_community: int
    grids_per_community: int
    programmes_per_subdistrict: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def subdistricts(self) -> int:
        return self.districts * self.subdistricts_per_district

    @property
    def communities(self) -> int:
        return self.subdistricts * self.communities_per_subdistrict

    def count(self, what: str, default: int = 0) -> int:
        """Return the target number of `what` (e.g. "concerns", "survey_responses")."""
        return self.counts.get(what, default)

    def shrunk(self, divisor: int) -> Scale:
        """Return this scale with every row count divided by divisor (tests use it)."""
        return replace(
            self,
            name=f"{self.name}/{divisor}",
            counts={
                k: v if k in PER_ROW_COUNTS else max(1, v // divisor)
                for k, v in self.counts.items()
            },
        )


# Counts that are ratios per row of something else (never shrunk).
PER_ROW_COUNTS = {"plan_versions"}

# The targets of issue 15: a city is 400 communities in 40 subdistricts, 1,000,000 concerns
# with tickets, 5,000 activities with attendance, 2,000 plans × 5 versions, 50,000 reviews.
SCALES: dict[str, Scale] = {
    "subdistrict": Scale(
        "subdistrict",
        districts=1,
        subdistricts_per_district=1,
        communities_per_subdistrict=11,
        compounds_per_community=5,
        grids_per_community=3,
        programmes_per_subdistrict=2,
        counts={
            "concerns": 10_000,
            "activities": 125,
            "plans": 22,
            "plan_versions": 5,
            "reviews": 550,
            "implementation_items": 220,
            "survey_responses": 5_000,
        },
    ),
    "district": Scale(
        "district",
        districts=1,
        subdistricts_per_district=10,
        communities_per_subdistrict=10,
        compounds_per_community=5,
        grids_per_community=4,
        programmes_per_subdistrict=5,
        counts={
            "concerns": 100_000,
            "activities": 1_250,
            "plans": 500,
            "plan_versions": 5,
            "reviews": 12_500,
            "implementation_items": 5_000,
            "survey_responses": 50_000,
        },
    ),
    "city": Scale(
        "city",
        districts=4,
        subdistricts_per_district=10,
        communities_per_subdistrict=10,
        compounds_per_community=5,
        grids_per_community=4,
        programmes_per_subdistrict=5,
        counts={
            "concerns": 1_000_000,
            "activities": 5_000,
            "plans": 2_000,
            "plan_versions": 5,
            "reviews": 50_000,
            "implementation_items": 20_000,
            "survey_responses": 200_000,
        },
    ),
}

# --- fragments of real-looking names (written here; nothing is taken from real data) ------
PLACE_HEADS = list(
    "东西南北青黄白金银桂柳枫梧桐梅兰竹松杉湖港湾桥山岭塘泉溪石榴柯尔磁铁沈胜广团城月华新和安康宁"
)
PLACE_TAILS = ["路", "园", "苑", "湾", "山", "桥", "港", "村", "岭", "坊", "街", "里"]
DISTRICT_NAMES = ["示例东区", "示例西区", "示例南区", "示例北区", "示例新区", "示例港区"]
COMPOUND_TAILS = ["小区", "花园", "家园", "新村", "公寓", "雅苑"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红建国志文斌慧")


def chinese_place(rng: random.Random, taken: set[str], tail: str, *, length: int = 2) -> str:
    """Return a place name like 桂湾 + tail not yet in taken (and add it)."""
    for _ in range(200):
        head = "".join(rng.choice(PLACE_HEADS) for _ in range(length))
        name = head + rng.choice(PLACE_TAILS) + tail
        if name not in taken:
            taken.add(name)
            return name
    name = f"{rng.choice(PLACE_HEADS)}{len(taken) + 1}号{tail}"
    taken.add(name)
    return name


def person_name(rng: random.Random) -> str:
    """Return a sample person's display name, marked as a sample (示例)."""
    return (
        "示例·"
        + rng.choice(SURNAMES)
        + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    )


class Context:
    """What every app's `generate(ctx)` receives (see the module docstring)."""

    def __init__(
        self,
        scale: Scale,
        *,
        seed: int = 0,
        password: str = "",
        out: Callable[[str], None] | None = None,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.password = password
        self.out = out
        local = timezone.localtime()
        self.now = local.replace(hour=0, minute=0, second=0, microsecond=0)
        self.today = self.now.date()
        self.db = Adapter()
        self.vendor = connection.vendor
        self.made: dict[str, Any] = {}
        self.city = None
        self.districts: list = []
        self.subdistricts: list = []
        self.communities: list = []
        self.compounds: dict[int, list[int]] = {}
        self.grids: dict[int, list[int]] = {}
        self.subdistrict_of: dict[int, int] = {}
        self.secretary: dict[int, Any] = {}
        self.staff: dict[int, list] = {}
        self.grid_worker: dict[int, Any] = {}
        self.admins: dict[int, Any] = {}
        self.mentors: dict[int, list] = {}
        self.leaders: list = []
        self.programmes: list = []
        self.enrolled: dict[int, list[int]] = {}
        self.phases: dict[int, list] = {}
        self._started = time.perf_counter()
        self._last_progress = 0.0
        if self.vendor == "sqlite":
            # The default page cache (2 MB) is far smaller than the indexes of a million
            # concerns; 256 MB for this connection spares re-reading their pages.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")

    # --- randomness and texts ---------------------------------------------------------
    def rng(self, label: str) -> random.Random:
        """Return a generator seeded by the run's seed and label (independent of other apps)."""
        return random.Random(f"qiangji-generate:{self.seed}:{label}")  # noqa: S311 — sample data

    @staticmethod
    def pick(rng: random.Random, pool: Sequence[str]) -> str:
        return pool[rng.randrange(len(pool))]

    @staticmethod
    def sentence(rng: random.Random, *pools: Sequence[str], sep: str = "，") -> str:
        """Return one fragment of each pool joined by sep, ending with 。."""
        return sep.join(pool[rng.randrange(len(pool))] for pool in pools) + "。"

    # --- writing ----------------------------------------------------------------------
    def bulk(self, model, objects: Iterable, *, batch_size: int = 1000) -> list:
        """Insert objects with Django's bulk_create (ids set on them on both databases)."""
        objects = list(objects)
        if objects:
            model.objects.bulk_create(objects, batch_size=batch_size)
        return objects

    def ids(self, model, n: int) -> list[int]:
        """Return n fresh primary keys of model's table (inside a transaction)."""
        with connection.cursor() as cursor:
            return allocate_ids(cursor, self.vendor, model._meta.db_table, n)

    def raw(self, model, columns: tuple[str, ...], rows: list) -> None:
        """Insert plain tuples (values in the database's form, see ctx.db) into model's table."""
        with connection.cursor() as cursor:
            write_rows(cursor, self.vendor, model._meta.db_table, columns, rows)

    # --- console ----------------------------------------------------------------------
    def progress(self, label: str, done: int | None = None, total: int | None = None) -> None:
        """Print one progress line (at most every 2 s for counts; always for plain labels)."""
        if self.out is None:
            return
        now = time.perf_counter()
        if done is not None and total and done < total and now - self._last_progress < 2:
            return
        self._last_progress = now
        figure = f" {done:,}/{total:,}" if done is not None and total else ""
        self.out(f"[{now - self._started:7.1f} s] {label}{figure}")


# --- the foundation -------------------------------------------------------------------------
def generate_foundation(ctx: Context) -> dict[str, int]:
    """Make the territory tree, the people with their roles and the programmes."""
    from django.contrib.auth.hashers import make_password

    from qiangji.accounts.models import Role, RoleGrant, User
    from qiangji.programmes.models import DEFAULT_PHASES, Enrolment, Phase, Programme
    from qiangji.territories.models import Kind, Territory

    rng = ctx.rng("foundation")
    scale = ctx.scale
    now = timezone.now()

    def level(kind: str, specs: list[tuple[Territory | None, str, dict]]) -> list[Territory]:
        ids = ctx.ids(Territory, len(specs))
        rows = []
        for pk, (parent, name, extra) in zip(ids, specs, strict=True):
            path = f"{parent.path if parent else '/'}{pk}/"
            rows.append(
                Territory(
                    pk=pk,
                    kind=kind,
                    name=name,
                    parent=parent,
                    path=path,
                    depth=path.count("/") - 2,
                    created_at=now,
                    updated_at=now,
                    **extra,
                )
            )
        return ctx.bulk(Territory, rows)

    with transaction.atomic():
        (city,) = level(Kind.CITY, [(None, CITY_NAME, {})])
        ctx.city = city
        ctx.districts = level(
            Kind.DISTRICT,
            [
                (
                    city,
                    DISTRICT_NAMES[i % len(DISTRICT_NAMES)]
                    + ("" if i < len(DISTRICT_NAMES) else str(i)),
                    {},
                )
                for i in range(scale.districts)
            ],
        )
        taken: set[str] = set()
        ctx.subdistricts = level(
            Kind.SUBDISTRICT,
            [
                (district, chinese_place(rng, taken, "街道"), {})
                for district in ctx.districts
                for _ in range(scale.subdistricts_per_district)
            ],
        )
        specs = []
        for subdistrict in ctx.subdistricts:
            for order in range(scale.communities_per_subdistrict):
                population = rng.randint(4000, 16000)
                specs.append(
                    (
                        subdistrict,
                        chinese_place(rng, taken, "社区"),
                        {"order": order, "population": population, "households": population // 3},
                    )
                )
        ctx.communities = level(Kind.COMMUNITY, specs)
        ctx.progress(
            f"territories: {len(ctx.subdistricts)} subdistricts, {len(ctx.communities)} communities"
        )
        compound_specs, grid_specs = [], []
        for community in ctx.communities:
            ctx.subdistrict_of[community.pk] = community.parent_id
            names: set[str] = set()
            for order in range(scale.compounds_per_community):
                head = "".join(rng.choice(PLACE_HEADS) for _ in range(2))
                name = head + rng.choice(COMPOUND_TAILS)
                while name in names:
                    name = head + rng.choice(COMPOUND_TAILS) + f"{len(names) + 1}期"
                names.add(name)
                compound_specs.append((community, name, {"order": order}))
            for order in range(scale.grids_per_community):
                grid_specs.append(
                    (community, f"第{'一二三四五六七八九十'[order % 10]}网格", {"order": order})
                )
        for compound in level(Kind.COMPOUND, compound_specs):
            ctx.compounds.setdefault(compound.parent_id, []).append(compound.pk)
        for grid in level(Kind.GRID, grid_specs):
            ctx.grids.setdefault(grid.parent_id, []).append(grid.pk)

    password = make_password(ctx.password) if ctx.password else "!generated-no-login"
    users: list[User] = []
    grants: list[tuple[User, str, int | None, str]] = []  # user, role, territory id, programme key

    def user(username: str, title: str, role: str, territory_id: int | None) -> User:
        account = User(
            username=username,
            display_name=person_name(rng),
            title=title,
            password=password,
            is_active=True,
            date_joined=now,
        )
        users.append(account)
        if territory_id is not None:
            grants.append((account, role, territory_id, ""))
        return account

    for n, district in enumerate(ctx.districts, start=1):
        ctx.leaders.append(
            user(f"g_leader{n:02d}", f"{district.name}副区长（示例）", Role.LEADER, district.pk)
        )
    ctx.leaders.append(user("g_leader_city", "副市长（示例）", Role.LEADER, ctx.city.pk))
    for n, subdistrict in enumerate(ctx.subdistricts, start=1):
        ctx.admins[subdistrict.pk] = user(
            f"g_admin{n:03d}",
            f"{subdistrict.name}党工委委员",
            Role.SUBDISTRICT_ADMIN,
            subdistrict.pk,
        )
        ctx.mentors[subdistrict.pk] = [
            user(f"g_mentor{n:03d}_{m}", "高校教授（示例）", Role.MENTOR, None) for m in (1, 2)
        ]
    for n, community in enumerate(ctx.communities, start=1):
        ctx.secretary[community.pk] = user(
            f"g_sec{n:04d}", f"{community.name}党委书记", Role.COMMUNITY_SECRETARY, community.pk
        )
        ctx.staff[community.pk] = [
            user(
                f"g_staff{n:04d}_{m}",
                f"{community.name}工作人员",
                Role.COMMUNITY_STAFF,
                community.pk,
            )
            for m in (1, 2)
        ]
        for m, grid_id in enumerate(ctx.grids.get(community.pk, []), start=1):
            ctx.grid_worker[grid_id] = user(
                f"g_grid{n:04d}_{m}", f"{community.name}网格员", Role.GRID_WORKER, grid_id
            )

    programme_rows, years = (
        [],
        range(ctx.today.year - scale.programmes_per_subdistrict + 1, ctx.today.year + 1),
    )
    for subdistrict in ctx.subdistricts:
        for year in years:
            programme_rows.append(
                Programme(
                    subdistrict=subdistrict,
                    name=f"{year}年培育强基工程·社区品牌创建",
                    description="聚焦居民最关切、最紧迫的事项，各社区在导师指导下创建社区品牌（生成数据）。",
                    starts_on=dt.date(year, 2, 1),
                    ends_on=dt.date(year, 12, 31),
                    created_at=now,
                    updated_at=now,
                )
            )
    with transaction.atomic():
        ctx.bulk(User, users)
        ctx.bulk(Programme, programme_rows)
        ctx.programmes = programme_rows
        phases, enrolments = [], []
        by_subdistrict: dict[int, list[int]] = {}
        for community in ctx.communities:
            by_subdistrict.setdefault(community.parent_id, []).append(community.pk)
        for programme in programme_rows:
            span = (programme.ends_on - programme.starts_on).days
            step = span // len(DEFAULT_PHASES)
            ctx.phases[programme.pk] = []
            for order, (name, _label) in enumerate(DEFAULT_PHASES):
                start = programme.starts_on + dt.timedelta(days=order * step)
                end = (
                    programme.ends_on
                    if order == len(DEFAULT_PHASES) - 1
                    else start + dt.timedelta(days=step - 1)
                )
                phase = Phase(
                    programme=programme, name=name, order=order, starts_on=start, ends_on=end
                )
                phases.append(phase)
                ctx.phases[programme.pk].append(phase)
            ctx.enrolled[programme.pk] = by_subdistrict.get(programme.subdistrict_id, [])
            enrolments.extend(
                Enrolment(programme=programme, community_id=cid, enrolled_at=now)
                for cid in ctx.enrolled[programme.pk]
            )
            for mentor in ctx.mentors[programme.subdistrict_id]:
                grants.append((mentor, Role.MENTOR, None, str(programme.pk)))
        ctx.bulk(Phase, phases)
        ctx.bulk(Enrolment, enrolments)
        ctx.bulk(
            RoleGrant,
            [
                RoleGrant(
                    user=account,
                    role=role,
                    territory_id=territory_id,
                    programme_id=int(programme) if programme else None,
                    granted_at=now,
                )
                for account, role, territory_id, programme in grants
            ],
        )
    ctx.progress(f"people: {len(users):,} accounts; programmes: {len(programme_rows)}")
    return {
        "territories": 1
        + len(ctx.districts)
        + len(ctx.subdistricts)
        + len(ctx.communities)
        + sum(map(len, ctx.compounds.values()))
        + sum(map(len, ctx.grids.values())),
        "communities": len(ctx.communities),
        "users": len(users),
        "role_grants": len(grants),
        "programmes": len(programme_rows),
    }


def already_generated() -> bool:
    from qiangji.territories.models import Territory

    return Territory.objects.filter(parent=None, name=CITY_NAME).exists()


def run(
    scale: Scale | str,
    *,
    seed: int = 0,
    password: str = "",
    out: Callable[[str], None] | None = None,
    apps: Iterable[str] | None = None,
) -> dict[str, dict]:
    """Generate the foundation and every app's data; return {part: {"rows": {...}, "seconds": s}}.

    apps: limit the capability parts to these app labels (default: every app with generate.py).
    Refuses (RuntimeError) when a generated city is already in the database.
    """
    if isinstance(scale, str):
        scale = SCALES[scale]
    if already_generated():
        raise RuntimeError(
            f"{CITY_NAME} is already in this database: generate into an empty database "
            "(e.g. a fresh DATABASE_URL or QIANGJI_VAR_DIR)."
        )
    ctx = Context(scale, seed=seed, password=password, out=out)
    wanted = set(apps) if apps is not None else None
    summary: dict[str, dict] = {}
    started = time.perf_counter()
    summary["foundation"] = {
        "rows": generate_foundation(ctx),
        "seconds": round(time.perf_counter() - started, 1),
    }
    for module in app_modules("generate", include_core=False):
        label = module.__name__.split(".")[1]
        if wanted is not None and label not in wanted:
            continue
        started = time.perf_counter()
        ctx.progress(f"{label} …")
        rows = module.generate(ctx) or {}
        summary[label] = {"rows": rows, "seconds": round(time.perf_counter() - started, 1)}
        ctx.progress(f"{label}: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return summary


def default_password() -> str:
    """Return the password of the generated accounts: QIANGJI_GENERATE_PASSWORD or the demo's."""
    return os.environ.get("QIANGJI_GENERATE_PASSWORD") or settings.QIANGJI_DEMO_PASSWORD or ""


def print_line(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
