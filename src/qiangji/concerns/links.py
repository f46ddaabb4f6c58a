"""Who may follow a link to the concerns app's lists (read by `core.links`)."""

from __future__ import annotations

from qiangji.accounts.permissions import Access


def may_list_hot_issues(access: Access, territory=None) -> bool:
    """Return whether the hot-issue list of this territory opens (the lists' `_scope` rule).

    Without a territory the list shows the person's own place, which every logged-in
    person with a role has.
    """
    if territory is None:
        return access.is_authenticated and bool(access.grants or access.is_superuser)
    return access.can_view_territory(territory)


GATES = {"concerns:hot_issues": may_list_hot_issues}
