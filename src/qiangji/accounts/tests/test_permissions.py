from qiangji.accounts.models import Role, RoleGrant
from qiangji.accounts.permissions import access_for
from qiangji.territories.models import Territory


def test_a_role_on_a_territory_covers_everything_below(jiedao_admin, demo_world):
    access = access_for(jiedao_admin)
    compound = Territory.objects.filter(parent=demo_world.keershan).first()
    assert access.can_edit_territory(compound)
    assert access.can_view_territory(demo_world.subdistrict)
    assert not access.can_view_territory(demo_world.district)


def test_a_secretary_edits_only_their_own_community(shiliuyuan_secretary, demo_world):
    access = access_for(shiliuyuan_secretary)
    assert access.can_edit_territory(demo_world.shiliuyuan)
    assert not access.can_view_territory(demo_world.keershan)
    assert not access.can_edit_territory(demo_world.keershan)
    assert not access.can_edit_territory(demo_world.subdistrict)


def test_staff_read_their_community_but_do_not_edit_its_settings(shiliuyuan_staff, demo_world):
    access = access_for(shiliuyuan_staff)
    assert access.can_view_territory(demo_world.shiliuyuan)
    assert not access.can_edit_territory(demo_world.shiliuyuan)
    assert access.can_work_in_community(demo_world.shiliuyuan)


def test_a_grid_worker_reads_their_grid_and_its_community(grid_worker, demo_world):
    access = access_for(grid_worker)
    assert access.can_view_territory(demo_world.shiliuyuan)
    assert not access.can_view_territory(demo_world.keershan)
    assert not access.can_work_in_community(demo_world.shiliuyuan)


def test_a_leader_reads_everything_in_the_district_and_edits_nothing(leader, demo_world):
    access = access_for(leader)
    assert access.can_view_territory(demo_world.keershan)
    assert not access.can_edit_territory(demo_world.keershan)
    assert access.can_view_programme(demo_world.programme)
    assert not access.can_edit_programme(demo_world.programme)


def test_a_mentor_sees_the_programme_they_mentor_and_its_communities(mentor, demo_world):
    access = access_for(mentor)
    assert access.can_view_programme(demo_world.programme)
    assert access.is_mentor_of(demo_world.programme)
    assert access.can_view_territory(demo_world.keershan)
    assert not access.can_view_territory(demo_world.subdistrict)


def test_an_outsider_sees_nothing(outsider, demo_world):
    access = access_for(outsider)
    assert not access.can_view_territory(demo_world.shiliuyuan)
    assert not access.programme_ids
    assert access.visible_territories().count() == 0


def test_a_secretary_reads_the_programmes_their_community_is_enrolled_in(
    keershan_secretary, demo_world
):
    assert access_for(keershan_secretary).can_view_programme(demo_world.programme)


def test_access_is_loaded_once_per_user_object(shiliuyuan_secretary, django_assert_num_queries):
    with django_assert_num_queries(1):
        access_for(shiliuyuan_secretary)
        access_for(shiliuyuan_secretary)


def test_a_mentor_role_cannot_be_granted_on_a_community(mentor, demo_world):
    import pytest
    from django.core.exceptions import ValidationError

    grant = RoleGrant(user=mentor, role=Role.MENTOR, territory=demo_world.shiliuyuan)
    with pytest.raises(ValidationError):
        grant.full_clean()
