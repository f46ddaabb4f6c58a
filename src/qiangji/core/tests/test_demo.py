from io import StringIO

from django.core.management import call_command

from qiangji.accounts.models import RoleGrant, User
from qiangji.core.demo import load_foundation
from qiangji.programmes.models import Programme
from qiangji.territories.models import Kind, Territory


def test_demo_builds_the_seed_territories(demo_world):
    assert [t.name for t in demo_world.subdistrict.ancestors()] == ["黄石市", "下陆区"]
    communities = Territory.objects.filter(parent=demo_world.subdistrict, kind=Kind.COMMUNITY)
    assert communities.count() == 11
    names = set(communities.values_list("name", flat=True))
    assert {"杭州西路社区", "广州路社区", "石榴园社区", "柯尔山社区"} <= names
    assert Territory.objects.filter(parent=demo_world.keershan, kind=Kind.COMPOUND).count() == 23


def test_demo_programme_has_the_six_phases_and_eleven_communities(demo_world):
    programme = demo_world.programme
    assert [p.name for p in programme.phases.all()] == [
        "学习",
        "问需",
        "共创",
        "评审",
        "落实",
        "评估",
    ]
    assert programme.enrolments.count() == 11


def test_loading_the_demo_twice_changes_nothing(demo_world):
    counts = (
        Territory.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        Programme.objects.count(),
    )
    load_foundation(password=None)
    assert (
        Territory.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        Programme.objects.count(),
    ) == counts


def test_demo_keeps_passwords_when_no_password_is_given(demo_world):
    load_foundation(password=None)
    assert User.objects.get(username="shiliuyuan").check_password("demo-pass-123")


def test_demo_command_prints_every_account_and_the_password(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.QIANGJI_DEMO_PASSWORD = ""
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    for username in ["admin", "jiedao", "shiliuyuan", "keershan", "daoshi", "lingdao"]:
        assert username in text
    password = (tmp_path / "demo-password").read_text().strip()
    assert password in text
    assert User.objects.get(username="jiedao").check_password(password)
    out2 = StringIO()
    call_command("demo", stdout=out2)
    assert password in out2.getvalue()


def test_every_demo_territory_has_its_population_and_every_division_a_12_digit_code(demo_world):
    territories = Territory.objects.within(demo_world.city)
    assert territories.filter(population__isnull=True).count() == 0
    assert territories.filter(households__isnull=True).count() == 0
    for territory in territories.exclude(kind__in=[Kind.COMPOUND, Kind.GRID]):
        assert len(territory.code) == 12 and territory.code.isdigit(), territory
        territory.full_clean()  # the code continues its parent's and fits its level
    communities = territories.filter(kind=Kind.COMMUNITY)
    assert sum(c.population for c in communities) == demo_world.subdistrict.population
    for community in communities:
        assert 4000 <= community.population <= 15000
        assert 2.2 <= community.population / community.households <= 3.2
        grids = community.children.filter(kind=Kind.GRID)
        assert sum(g.population for g in grids) == community.population


def test_the_seven_invented_communities_are_named_plausibly_and_marked_as_samples(demo_world):
    names = list(
        Territory.objects.filter(parent=demo_world.subdistrict).values_list("name", flat=True)
    )
    invented = [
        n for n in names if n not in {"杭州西路社区", "广州路社区", "石榴园社区", "柯尔山社区"}
    ]
    assert len(invented) == 7
    assert all(n.endswith("社区（示例）") and not n.startswith("示例社区") for n in invented)


def test_a_demo_loaded_before_the_renaming_is_renamed_in_place(demo_world):
    community = Territory.objects.get(name="磁湖苑社区（示例）")
    Territory.objects.filter(pk=community.pk).update(name="示例社区01", population=None)
    load_foundation(password=None)
    community.refresh_from_db()
    assert community.name == "磁湖苑社区（示例）"
    assert community.population == 7680
    assert Territory.objects.filter(parent=demo_world.subdistrict).count() == 11
