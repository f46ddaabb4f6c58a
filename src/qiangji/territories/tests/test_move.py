"""Moving a territory takes rights on it, its old and its new parent (finding 4)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from qiangji.accounts.models import ApiToken, Role
from qiangji.accounts.permissions import access_for
from qiangji.territories.models import Kind, Territory

pytestmark = pytest.mark.django_db


def _patch(user, territory, payload):
    _token, key = ApiToken.issue(user=user, name="t")
    return Client().patch(
        f"/api/territories/{territory.pk}",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


@pytest.fixture
def compound(demo_world):
    return Territory.objects.create(
        kind=Kind.COMPOUND, name="示例小区", parent=demo_world.shiliuyuan
    )


def test_a_subdistrict_admin_cannot_detach_their_subdistrict(demo_world):
    response = _patch(demo_world.users["jiedao"], demo_world.subdistrict, {"parent_id": None})
    assert response.status_code == 403
    demo_world.subdistrict.refresh_from_db()
    assert demo_world.subdistrict.parent_id == demo_world.district.pk
    leader = demo_world.users["lingdao"]
    if access_for(leader).has_role(Role.LEADER):
        assert access_for(leader).can_view_territory(demo_world.subdistrict)


def test_a_subdistrict_admin_cannot_move_their_subdistrict_under_another_district(demo_world):
    other = Territory.objects.create(
        kind=Kind.DISTRICT, name="示例区", parent=demo_world.district.parent
    )
    response = _patch(demo_world.users["jiedao"], demo_world.subdistrict, {"parent_id": other.pk})
    assert response.status_code == 403


def test_a_subdistrict_admin_moves_a_compound_between_their_communities(demo_world, compound):
    response = _patch(demo_world.users["jiedao"], compound, {"parent_id": demo_world.keershan.pk})
    assert response.status_code == 200
    compound.refresh_from_db()
    assert compound.parent_id == demo_world.keershan.pk
    assert compound.path.startswith(demo_world.keershan.path)


def test_a_secretary_cannot_move_a_compound_into_another_community(demo_world, compound):
    response = _patch(
        demo_world.users["shiliuyuan"], compound, {"parent_id": demo_world.keershan.pk}
    )
    assert response.status_code == 403


def test_only_a_superuser_moves_a_territory_to_the_top(demo_world, compound):
    assert not access_for(demo_world.users["jiedao"]).can_move_territory(compound, None)
    superuser = demo_world.users["admin"]
    if superuser.is_superuser:
        assert access_for(superuser).can_move_territory(compound, None)


def test_renaming_without_moving_needs_only_edit_rights(demo_world):
    response = _patch(demo_world.users["jiedao"], demo_world.subdistrict, {"name": "团城山街道"})
    assert response.status_code == 200
