import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qiangji.territories.models import Kind, Territory, validate_division_code


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("420200000000", Kind.CITY),
        ("420204000000", Kind.DISTRICT),
        ("420204002000", Kind.SUBDISTRICT),
        ("420204002003", Kind.COMMUNITY),
    ],
)
def test_well_formed_division_codes_pass(code, kind):
    validate_division_code(code, kind)


@pytest.mark.parametrize(
    ("code", "kind", "reason"),
    [
        ("4202", Kind.CITY, "code_format"),
        ("42020000000a", Kind.CITY, "code_format"),
        ("420204000000", Kind.CITY, "code_level"),
        ("420200000000", Kind.DISTRICT, "code_level"),
        ("420204002000", Kind.COMMUNITY, "code_level"),
        ("420204002003", Kind.COMPOUND, "code_kind"),
    ],
)
def test_malformed_division_codes_are_refused_with_a_reason(code, kind, reason):
    with pytest.raises(ValidationError) as exc:
        validate_division_code(code, kind)
    assert exc.value.code == reason


def test_a_community_code_must_continue_its_subdistricts_code(demo_world):
    demo_world.subdistrict.code = "420204002000"
    demo_world.subdistrict.save()
    community = Territory(
        kind=Kind.COMMUNITY, name="新社区", parent=demo_world.subdistrict, code="420204003001"
    )
    with pytest.raises(ValidationError) as exc:
        community.full_clean()
    assert "code" in exc.value.message_dict


def test_a_community_must_stand_under_a_subdistrict(demo_world):
    territory = Territory(kind=Kind.COMMUNITY, name="错位社区", parent=demo_world.district)
    with pytest.raises(ValidationError) as exc:
        territory.full_clean()
    assert "parent" in exc.value.message_dict


def test_two_territories_under_one_parent_cannot_share_a_name(demo_world):
    duplicate = Territory(kind=Kind.COMMUNITY, name="石榴园社区", parent=demo_world.subdistrict)
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_moving_a_territory_under_its_own_descendant_is_refused(demo_world):
    district = demo_world.district
    district.parent = demo_world.subdistrict
    with pytest.raises(ValidationError) as exc:
        district.full_clean()
    assert "parent" in exc.value.message_dict


def test_subtree_paths_follow_a_move(demo_world):
    other = Territory(kind=Kind.SUBDISTRICT, name="示例街道", parent=demo_world.district)
    other.save()
    community = demo_world.keershan
    compound = community.children.filter(kind=Kind.COMPOUND).first()
    community.parent = other
    community.full_clean()
    community.save()
    compound.refresh_from_db()
    assert compound.path.startswith(other.path)
    assert compound.is_within(other)
    assert not compound.is_within(demo_world.subdistrict)
    assert compound.depth == community.depth + 1 == 4


def test_within_returns_the_whole_subtree(demo_world):
    names = set(Territory.objects.within(demo_world.keershan).values_list("name", flat=True))
    assert "柯尔山社区" in names
    assert len(names) == 1 + 23 + 2
