"""Who may do what in the workshops app, built only from accounts.permissions primitives."""

from __future__ import annotations

from qiangji.accounts.models import Role
from qiangji.accounts.permissions import Access
from qiangji.territories.models import Territory
from qiangji.workshops.models import Activity, Case, TableGroup


def can_view_activity(access: Access, activity: Activity) -> bool:
    return access.can_view_programme(activity.programme)


def can_manage_activity(access: Access, activity: Activity) -> bool:
    """Organise the activity: edit it, see and export attendance, photos, groups, briefing."""
    return access.can_edit_programme(activity.programme)


def belongs_to_community(access: Access, community: Territory | None) -> bool:
    """Return True for the community's secretary, staff and grid workers (and admins above)."""
    if community is None:
        return False
    return access.can_work_in_community(community) or community.pk in access.grid_community_ids


def is_participant(access: Access, activity: Activity) -> bool:
    """Invited to the activity: organisers, invitees, guests, the programme's mentors,
    group members and the people of the participating communities."""
    if not access.is_authenticated or not can_view_activity(access, activity):
        return False
    if can_manage_activity(access, activity) or access.is_mentor_of(activity.programme):
        return True
    user_id = access.user.pk
    if activity.invitees.filter(pk=user_id).exists():
        return True
    if activity.guests.filter(user_id=user_id).exists():
        return True
    if activity.groups.filter(members__pk=user_id).exists():
        return True
    return any(belongs_to_community(access, c) for c in activity.communities.all())


def can_mentor_group(access: Access, group: TableGroup) -> bool:
    """Mark and promote cards: the group's mentor, the programme's mentors, organisers."""
    activity = group.activity
    if can_manage_activity(access, activity):
        return True
    return group.mentor_id == access.user.pk or access.is_mentor_of(activity.programme)


def can_post_on_board(access: Access, group: TableGroup) -> bool:
    """Add cards, vote and comment at the group's table."""
    if not access.is_authenticated or not can_view_activity(access, group.activity):
        return False
    if can_mentor_group(access, group) or belongs_to_community(access, group.community):
        return True
    return group.members.filter(pk=access.user.pk).exists()


def is_member_of_community(access: Access, community: Territory | None) -> bool:
    """Return True for the community's own secretary, staff and grid workers (not admins)."""
    if community is None:
        return False
    own = (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF)
    return community.pk in access.grid_community_ids or any(
        g.role in own and g.territory_id == community.pk for g in access.grants
    )


def can_give_stall_feedback(access: Access, group: TableGroup) -> bool:
    """Visitors from other groups leave feedback at a stall; its own community does not."""
    if not access.is_authenticated or not can_view_activity(access, group.activity):
        return False
    if is_member_of_community(access, group.community):
        return False
    return is_participant(access, group.activity) or access.has_role(Role.LEADER)


def can_read_cases(access: Access) -> bool:
    return access.is_superuser or bool(access.grants)


def can_add_cases(access: Access) -> bool:
    return access.has_role(Role.SUBDISTRICT_ADMIN)


def can_edit_case(access: Access, case: Case) -> bool:
    return access.is_superuser or (
        access.has_role(Role.SUBDISTRICT_ADMIN) and access.can_edit_territory(case.subdistrict)
    )
