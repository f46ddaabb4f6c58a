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


def may_read_hot_issue(access: Access, issue) -> bool:
    """Return whether the person may read this hot issue (the hot-issue page asks this too).

    Its territory's readers may; so may a community's people when one of its concerns is in it
    (hot issues are fitted per subdistrict), a merged one by the concerns of the one it joined.
    """
    from qiangji.concerns.models import Concern
    from qiangji.territories.models import Territory

    if access.can_view_territory(issue.territory):
        return True
    holder = issue.merged_into_id or issue.pk
    communities = Territory.objects.filter(
        pk__in=Concern.objects.filter(hot_issue_id=holder).values("community_id").distinct()
    )
    return any(access.can_view_territory(c) for c in communities)


GATES = {"concerns:hot_issues": may_list_hot_issues, "concerns:hot_issue": may_read_hot_issue}
