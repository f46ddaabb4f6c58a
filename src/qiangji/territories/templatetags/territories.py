from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def territory_trail(territory) -> list:
    """Return the breadcrumb trail of a territory, from the root down to it."""
    if territory is None:
        return []
    return [*territory.ancestors(), territory]
