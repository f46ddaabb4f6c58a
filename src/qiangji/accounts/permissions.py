"""Who may do what: the one place where qiangji decides access.

Every view asks `access_for(request.user)` (cached on the user object for the request) and
calls one of the `can_*` methods below. A role granted on a territory covers everything
below it; mentor and leader roles may also be granted on a programme.

| role | reads | edits |
|---|---|---|
| superuser | everything | everything |
| subdistrict admin (on T) | T and below, their programmes, people, audit | the same |
| leader (on T or programme) | T and below / the programme | nothing (remarks come later) |
| community secretary (on C) | C and below, programmes C is enrolled in | C and below |
| community staff (on C) | C and below, programmes C is enrolled in | nothing in territory settings |
| grid worker (on G) | G and its community | nothing in territory settings |
| mentor (on T or programme) | the programmes they mentor and their communities | nothing |

Moving a territory (`can_move_territory`) takes edit rights on it, its old and its new parent;
only a superuser moves one to or from the top level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from qiangji.accounts.models import Role, RoleGrant
from qiangji.programmes.models import Programme
from qiangji.territories.models import Kind, Territory

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qiangji.accounts.models import User


@dataclass
class _Grant:
    role: str
    territory_path: str | None
    territory_id: int | None
    territory_kind: str | None
    programme_id: int | None


@dataclass
class Access:
    """The roles one person holds, loaded once, answering every permission question."""

    user: User | AnonymousUser
    grants: list[_Grant] = field(default_factory=list)

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False)) and self.user.is_active

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(g.role in roles for g in self.grants)

    def _territory_grants(self, *roles: str) -> list[_Grant]:
        return [g for g in self.grants if g.territory_path and (not roles or g.role in roles)]

    def _covers(self, territory: Territory, *roles: str) -> bool:
        return any(
            territory.path.startswith(g.territory_path) for g in self._territory_grants(*roles)
        )

    # --- territories -----------------------------------------------------------------
    def can_view_territory(self, territory: Territory) -> bool:
        """Read a territory's page: any role on it or above it, or on a community below it."""
        if self.is_superuser:
            return True
        if self._covers(territory):
            return True
        if self.grid_community_ids and territory.pk in self.grid_community_ids:
            return True
        if territory.kind == Kind.COMMUNITY and territory.pk in self.programme_community_ids:
            return True
        return False

    def can_edit_territory(self, territory: Territory) -> bool:
        """Change a territory's data or add territories below it."""
        if self.is_superuser:
            return True
        if self._covers(territory, Role.SUBDISTRICT_ADMIN):
            return True
        return territory.kind in (Kind.COMMUNITY, Kind.COMPOUND, Kind.GRID) and self._covers(
            territory, Role.COMMUNITY_SECRETARY
        )

    def can_move_territory(self, territory: Territory, new_parent: Territory | None) -> bool:
        """Move a territory under another parent (the one rule for pages, API and imports).

        It takes edit rights on the territory, on its old parent and on its new parent; only
        a superuser moves a territory to or from the top level. Without the rule on the old
        parent a subdistrict admin could detach their own subdistrict from its district and
        hide it from the district's leaders.
        """
        old_parent = territory.parent
        if old_parent is None or new_parent is None:
            return self.is_superuser
        return (
            self.can_edit_territory(territory)
            and self.can_edit_territory(old_parent)
            and self.can_edit_territory(new_parent)
        )

    def can_manage_people(self, territory: Territory) -> bool:
        """Grant and revoke roles on the territory and below it."""
        return self.is_superuser or self._covers(territory, Role.SUBDISTRICT_ADMIN)

    def can_read_audit(self, territory: Territory) -> bool:
        return self.is_superuser or self._covers(territory, Role.SUBDISTRICT_ADMIN)

    def visible_territories(self):
        """Return a QuerySet of every territory this person may read."""
        if self.is_superuser:
            return Territory.objects.all()
        condition = Q(pk__in=[])
        for grant in self._territory_grants():
            condition |= Q(path__startswith=grant.territory_path)
        extra = set(self.grid_community_ids) | set(self.programme_community_ids)
        if extra:
            condition |= Q(pk__in=extra)
        return Territory.objects.filter(condition)

    def root_territories(self) -> list[Territory]:
        """Return the highest territories this person holds a role on (their home scope)."""
        ids = {g.territory_id for g in self._territory_grants()}
        if self.is_superuser:
            return list(Territory.objects.filter(parent__isnull=True))
        return list(Territory.objects.filter(pk__in=ids).order_by("depth", "order", "name"))

    @cached_property
    def grid_community_ids(self) -> set[int]:
        """A grid worker reads the community their grid lies in."""
        ids: set[int] = set()
        for grant in self._territory_grants(Role.GRID_WORKER):
            parts = grant.territory_path.strip("/").split("/")
            if len(parts) >= 2:
                ids.add(int(parts[-2]))
        return ids

    @cached_property
    def programme_ids(self) -> set[int]:
        """Return the programmes this person may read."""
        if self.is_superuser:
            return set(Programme.objects.values_list("pk", flat=True))
        ids = {g.programme_id for g in self.grants if g.programme_id}
        condition = Q(pk__in=[])
        community_ids: set[int] = set()
        for grant in self._territory_grants():
            if grant.territory_kind in (Kind.COMMUNITY, Kind.COMPOUND, Kind.GRID):
                community_ids.add(self._community_id_of(grant))
            else:
                condition |= Q(subdistrict__path__startswith=grant.territory_path)
        if community_ids:
            condition |= Q(enrolments__community_id__in=community_ids)
        ids |= set(Programme.objects.filter(condition).values_list("pk", flat=True))
        return ids

    @cached_property
    def programme_community_ids(self) -> set[int]:
        """Communities readable through a programme role (mentors, programme leaders)."""
        programme_ids = {g.programme_id for g in self.grants if g.programme_id}
        if not programme_ids:
            return set()
        from qiangji.programmes.models import Enrolment

        return set(
            Enrolment.objects.filter(programme_id__in=programme_ids).values_list(
                "community_id", flat=True
            )
        )

    @cached_property
    def home_community_ids(self) -> set[int]:
        """The communities this person holds a role in (or in one of its grids, compounds)."""
        return {
            self._community_id_of(g)
            for g in self._territory_grants()
            if g.territory_kind in (Kind.COMMUNITY, Kind.COMPOUND, Kind.GRID)
        }

    @staticmethod
    def _community_id_of(grant: _Grant) -> int:
        parts = [int(p) for p in grant.territory_path.strip("/").split("/")]
        if grant.territory_kind == Kind.COMMUNITY:
            return parts[-1]
        return parts[-2]

    # --- programmes ------------------------------------------------------------------
    def can_view_programme(self, programme: Programme) -> bool:
        return programme.pk in self.programme_ids

    def can_edit_programme(self, programme: Programme) -> bool:
        if self.is_superuser:
            return True
        return self._covers(programme.subdistrict, Role.SUBDISTRICT_ADMIN)

    def can_create_programme_in(self, territory: Territory) -> bool:
        return territory.kind == Kind.SUBDISTRICT and self.can_manage_people(territory)

    def is_mentor_of(self, programme: Programme) -> bool:
        return any(
            g.role == Role.MENTOR
            and (
                g.programme_id == programme.pk
                or (g.territory_path and programme.subdistrict.path.startswith(g.territory_path))
            )
            for g in self.grants
        )

    def visible_programmes(self):
        return Programme.objects.filter(pk__in=self.programme_ids)

    # --- communities (used by the capability apps) ------------------------------------
    def can_work_in_community(self, community: Territory) -> bool:
        """Do a community's own work (concerns, plans): its secretary, staff or an admin."""
        if self.is_superuser:
            return True
        return self._covers(
            community, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF
        )


def access_for(user: User | AnonymousUser) -> Access:
    """Return the Access of a user, loading their grants once per user object."""
    cached = getattr(user, "_qiangji_access", None)
    if cached is not None:
        return cached
    grants: list[_Grant] = []
    if user.is_authenticated and user.is_active:
        rows = RoleGrant.objects.filter(user=user).values_list(
            "role", "territory__path", "territory_id", "territory__kind", "programme_id"
        )
        grants = [_Grant(*row) for row in rows]
    access = Access(user=user, grants=grants)
    if user.is_authenticated:
        user._qiangji_access = access
    return access


def require(allowed: bool) -> None:  # noqa: FBT001 — reads as require(can_edit)
    """Raise PermissionDenied (a 403 page in the user's language) unless allowed."""
    if not allowed:
        raise PermissionDenied
