"""The navigation bar: foundation entries plus those each capability app contributes.

An app contributes entries by defining `nav.py` with `items(request, access) -> list[NavItem]`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qiangji.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50
    active: bool = False


def _foundation_items(request, access) -> list[NavItem]:
    items = [NavItem(_("Home"), reverse("core:home"), 0)]
    if access.is_superuser or access.grants:
        items.append(NavItem(_("Territories"), reverse("territories:index"), 10))
    if access.programme_ids:
        items.append(NavItem(_("Programmes"), reverse("programmes:index"), 20))
    if access.has_role(Role.SUBDISTRICT_ADMIN):
        items.append(NavItem(_("People"), reverse("accounts:people"), 80))
        items.append(NavItem(_("Audit log"), reverse("audit:index"), 90))
    return items


def _nav_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("qiangji."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise


def public_links(community) -> list[NavItem]:
    """Return the public (no account) pages of a community that the apps offer residents."""
    links: list[NavItem] = []
    for module in _nav_modules():
        if hasattr(module, "public_links"):
            links.extend(module.public_links(community))
    return sorted(links, key=lambda item: item.order)


def nav_items(request, access) -> list[NavItem]:
    """Return the entries of the navigation bar for this person, in order."""
    if not request.user.is_authenticated:
        return []
    items = _foundation_items(request, access)
    for module in _nav_modules():
        if hasattr(module, "items"):
            items.extend(module.items(request, access))
    path = request.path
    return [
        replace(item, active=(path == item.url) or (item.url != "/" and path.startswith(item.url)))
        for item in sorted(items, key=lambda item: item.order)
    ]
