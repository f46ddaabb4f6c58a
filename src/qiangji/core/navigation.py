"""The navigation bar: foundation entries plus those each capability app contributes.

An app contributes entries by defining `nav.py` with `items(request, access) -> list[NavItem]`.
Entries are grouped by the programme's flow (`GROUPS`), not by app: an app names the group
its entries belong to, and the menu shows each group that has an entry for this person
(`nav_menu`), in the order of `GROUPS`, each group a drop-down menu. `base.html` renders the
menu from this one definition: adding a capability never means editing a shared template.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.accounts.models import Role
from qiangji.core.plugins import app_modules

#: The menu's groups in the programme's flow: (key, label). An entry without a group stands alone.
GROUPS = (
    ("concerns", pgettext_lazy("menu group", "Concerns")),  # 诉求: concerns, hot issues, tickets
    (
        "cocreation",
        pgettext_lazy("menu group", "Co-creation"),
    ),  # 共创: activities, round tables, cases, plans
    ("review", pgettext_lazy("menu group", "Review")),  # 评审
    ("delivery", pgettext_lazy("menu group", "Implementation")),  # 落实
    ("surveys", pgettext_lazy("menu group", "Surveys")),  # 测评
    ("dashboards", pgettext_lazy("menu group", "Dashboards")),  # 看板
    (
        "admin",
        pgettext_lazy("menu group", "Administration"),
    ),  # 管理: territories, people, audit log
)
GROUP_KEYS = frozenset(key for key, _label in GROUPS)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50
    active: bool = False
    group: str = ""  # one of GROUP_KEYS, or "" for a top-level entry such as 工作台
    is_group = False

    def __post_init__(self) -> None:
        if self.group and self.group not in GROUP_KEYS:
            raise ValueError(f"unknown menu group {self.group!r}; use one of {sorted(GROUP_KEYS)}")


@dataclass(frozen=True)
class NavGroup:
    """One menu of the bar: a group of `GROUPS` with this person's entries in it."""

    key: str
    label: str
    items: tuple[NavItem, ...]
    is_group = True

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


def _foundation_items(request, access) -> list[NavItem]:
    items = [NavItem(_("Workbench"), reverse("core:home"), 0)]
    if access.is_superuser or access.grants:
        items.append(NavItem(_("Territories"), reverse("territories:index"), 10, group="admin"))
    if access.programme_ids:
        items.append(NavItem(_("Programmes"), reverse("programmes:index"), 20, group="admin"))
    if access.has_role(Role.SUBDISTRICT_ADMIN):
        items.append(NavItem(_("People"), reverse("accounts:people"), 80, group="admin"))
        items.append(NavItem(_("Audit log"), reverse("audit:index"), 90, group="admin"))
    return items


def public_links(community) -> list[NavItem]:
    """Return the public (no account) pages of a community that the apps offer residents."""
    links: list[NavItem] = []
    for module in app_modules("nav"):
        if hasattr(module, "public_links"):
            links.extend(module.public_links(community))
    return sorted(links, key=lambda item: item.order)


def _current(path: str, items: list[NavItem]) -> NavItem | None:
    """Return the entry whose URL is the longest prefix of path (the home page only exactly)."""
    best: NavItem | None = None
    for item in items:
        url = item.url.split("?", 1)[0]
        matches = path == url or (url != "/" and path.startswith(url))
        if matches and (best is None or len(url) > len(best.url.split("?", 1)[0])):
            best = item
    return best


def nav_items(request, access) -> list[NavItem]:
    """Return the entries of the navigation bar for this person, in order, the current marked."""
    if not request.user.is_authenticated:
        return []
    items = _foundation_items(request, access)
    for module in app_modules("nav"):
        if hasattr(module, "items"):
            items.extend(module.items(request, access))
    items.sort(key=lambda item: item.order)
    current = _current(request.path, items)
    return [replace(item, active=item is current) for item in items]


def nav_menu(request, access) -> list[NavItem | NavGroup]:
    """Return the bar: the entries without a group first, then each non-empty group in flow order."""
    items = nav_items(request, access)
    menu: list[NavItem | NavGroup] = [item for item in items if not item.group]
    for key, label in GROUPS:
        members = tuple(item for item in items if item.group == key)
        if members:
            menu.append(NavGroup(key=key, label=label, items=members))
    return menu
