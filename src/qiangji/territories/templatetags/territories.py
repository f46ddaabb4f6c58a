from __future__ import annotations

from django import template

from qiangji.accounts.permissions import access_for

register = template.Library()


@register.simple_tag(takes_context=True)
def territory_trail(context, territory) -> list[dict]:
    """Return the breadcrumb trail of a territory, marking which steps the viewer may open."""
    if territory is None:
        return []
    request = context.get("request")
    access = access_for(request.user) if request else None
    steps = [*territory.ancestors(), territory]
    return [{"obj": t, "visible": bool(access and access.can_view_territory(t))} for t in steps]
