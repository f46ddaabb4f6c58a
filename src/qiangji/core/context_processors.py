"""Template context shared by every page: navigation, unread notices, the person's access."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from qiangji.accounts.permissions import access_for
from qiangji.core.navigation import nav_items, nav_menu


def navigation(request) -> dict:
    """Return lazily computed nav entries, unread count and access for the templates."""
    if not hasattr(request, "user"):
        return {}

    def _unread() -> int:
        if not request.user.is_authenticated:
            return 0
        return request.user.notices.filter(read_at__isnull=True).count()

    access = SimpleLazyObject(lambda: access_for(request.user))
    return {
        "access": access,
        "nav_items": SimpleLazyObject(lambda: nav_items(request, access_for(request.user))),
        "nav_menu": SimpleLazyObject(lambda: nav_menu(request, access_for(request.user))),
        "unread_notices": SimpleLazyObject(_unread),
    }
