"""Who may follow a link to a territory page (read by `core.links`)."""

from __future__ import annotations

from qiangji.accounts.permissions import Access
from qiangji.territories.models import Territory


def may_open_territory(access: Access, territory: Territory) -> bool:
    """Return whether the person may open the territory's page (the view's rule)."""
    return access.can_view_territory(territory)


GATES = {"territories:detail": may_open_territory}
