"""Search everywhere: the people a subdistrict administrator manages (see core/finder.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.core.finder import Found, Hit


def _people_in_scope(access):
    if access.is_superuser:
        return User.objects.all()
    paths = [g.territory_path for g in access.grants if g.role == Role.SUBDISTRICT_ADMIN]
    inside = Q(pk__in=[])
    for path in paths:
        inside |= Q(territory__path__startswith=path) | Q(
            programme__subdistrict__path__startswith=path
        )
    return User.objects.filter(pk__in=RoleGrant.objects.filter(inside).values("user_id"))


def find(request, access, query: str, limit: int) -> list[Found]:
    if not access.has_role(Role.SUBDISTRICT_ADMIN):
        return []
    condition = Q()
    for word in query.split()[:8]:
        condition &= Q(username__icontains=word) | Q(display_name__icontains=word)
    people = list(
        _people_in_scope(access)
        .filter(condition)
        .only("pk", "username", "display_name", "title")
        .order_by("username")[: limit + 1]
    )
    return [
        Found(
            kind="accounts.person",
            label=_("People"),
            hits=[
                Hit(
                    title=person.display_name or person.username,
                    url=reverse("accounts:person", args=[person.pk]),
                    context=" · ".join(x for x in (person.username, person.title) if x),
                )
                for person in people[:limit]
            ],
            more=len(people) > limit,
            more_url=f"{reverse('accounts:people')}?{urlencode({'q': query})}",
            order=60,
        )
    ]
